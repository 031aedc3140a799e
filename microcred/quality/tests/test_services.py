import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from microcred.catalog import services as catalog
from microcred.catalog.tests.factories import make_definition, make_rubric
from microcred.core.models import AuditEvent
from microcred.core.transitions import InvalidTransition
from microcred.quality import framework as fw
from microcred.quality import selectors, services
from microcred.quality.models import QualityFramework, QualityReview

from .conftest import GOOD, ratings

pytestmark = pytest.mark.django_db


def test_shipped_framework_is_valid_and_cites_the_seeds():
    data = fw.validate(fw.shipped(1))
    assert len(data["criteria"]) >= 5
    assert {s["source"] for c in data["criteria"] for s in c["sources"]} >= {"mpos", "new_america"}
    assert all(c["indicators"] for c in data["criteria"])


def test_first_migration_loads_version_one():
    assert selectors.current_framework().number == 1
    assert selectors.current_framework().data["criteria"] == fw.shipped(1)["criteria"]


def test_adopting_a_revision_keeps_old_reviews_on_theirs(qa):
    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    revised = fw.shipped(1)
    revised["criteria"] = revised["criteria"][:3]
    adopted = services.adopt_framework(by=qa["people"]["platform_admin"], data=revised, note="Shorter")
    assert adopted.number == 2 and selectors.current_framework() == adopted
    review.refresh_from_db()
    assert review.framework.number == 1
    assert AuditEvent.objects.filter(action="quality.framework_adopted").exists()


@pytest.mark.parametrize("bad", [[], {"title": ""}, {**fw.shipped(1), "criteria": []},
                                 {**fw.shipped(1), "levels": [{"value": 0, "name": "x"}]},
                                 {**fw.shipped(1), "criteria": [{**fw.shipped(1)["criteria"][0], "sources": [{"source": "nowhere", "quote": "x"}]}]}])
def test_malformed_framework_is_refused(qa, bad):
    with pytest.raises(ValidationError):
        services.adopt_framework(by=qa["people"]["platform_admin"], data=bad)
    assert QualityFramework.objects.count() == 1


def test_only_platform_and_state_admins_adopt(qa):
    for who in ("issuer_admin", "author", "reviewer_a"):
        with pytest.raises(PermissionDenied):
            services.adopt_framework(by=qa["people"][who], data=fw.shipped(1))
    assert services.adopt_framework(by=qa["people"]["recognizer"], data=fw.shipped(1)).number == 2  # a state agency's admin


def test_good_version_passes_checks(qa):
    findings = services.check_version(qa["version"])
    assert not [f for f in findings if f.severity == "block"], findings


def quiz_only(**extra):
    part = {"title": "FAFSA facts", "overview": "", "demonstrates": "understand", "evidence_types": ["quiz"],
            "prompts": [{"text": "When does the FAFSA open?", "response_type": "quiz", "guidance": "", "choices": ["Oct 1", "Jan 1"],
                         "correct_choice": 0}], "rubric": make_rubric()}
    return make_definition(title="FAFSA basics", research=[], resources=[], parts=[part], **extra)


def test_quiz_only_mc_is_blocked_with_reasons(qa, publish_mc):
    version = publish_mc(**{k: v for k, v in quiz_only().items() if k != "organizations"})  # the catalog lets it publish
    with pytest.raises(ValidationError) as refused:
        services.submit_for_review(by=qa["people"]["issuer_admin"], version=version)
    text = " ".join(refused.value.messages)
    assert "evidence of practice" in text and "research" in text and "certified assessor" in text
    assert not QualityReview.objects.filter(version=version).exists()


def test_incoherent_rubric_is_blocked(qa):
    definition = make_definition(title="Gappy rubric")
    definition["parts"][1]["rubric"]["criteria"][0]["descriptors"][1] = ""
    version = catalog.create_micro_credential(owner=qa["orgs"]["issuer"], definition=definition, by=qa["people"]["author"])
    codes = {f.code for f in services.check_version(version)}
    assert "rubric_descriptor" in codes


def test_draft_cannot_be_submitted(qa):
    draft = catalog.create_micro_credential(owner=qa["orgs"]["issuer"], definition=make_definition(title="Draft"), by=qa["people"]["author"])
    with pytest.raises(ValidationError):
        services.submit_for_review(by=qa["people"]["issuer_admin"], version=draft)


def test_author_may_not_submit_and_submitting_twice_returns_the_same(qa):
    with pytest.raises(PermissionDenied):
        services.submit_for_review(by=qa["people"]["author"], version=qa["version"])
    first = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    assert services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"]) == first


def full_review(qa, a=None, b=None):
    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    services.rate(by=qa["people"]["reviewer_a"], review=review, ratings=ratings(a))
    review = services.rate(by=qa["people"]["reviewer_b"], review=review, ratings=ratings(b))
    return review


def test_happy_path_two_reviewers_reconcile_and_approve(qa):
    review = full_review(qa, b={**GOOD, "focus": 2})
    assert review.state == QualityReview.State.RECONCILING
    page = selectors.review_page(review, qa["people"]["reviewer_a"])
    assert [r["agree"] for r in page["rows"]][0] is False
    review = services.decide(by=qa["people"]["reviewer_a"], review=review, scores={**GOOD, "focus": 2}, outcome="approved")
    assert review.state == "decided" and review.outcome == "approved"
    assert selectors.status_of(qa["mc"])["status"] == "approved"
    assert qa["mc"].pk in selectors.approved_micro_credential_ids()
    actions = set(AuditEvent.objects.filter(target_type="quality.qualityreview").values_list("action", flat=True))
    assert actions >= {"quality.review_submitted", "quality.review_rated", "quality.review_reconciling", "quality.review_decided"}


def test_outcome_cannot_be_better_than_the_rule_and_conditions_need_changes(qa):
    review = full_review(qa, a={**GOOD, "research": 1}, b={**GOOD, "research": 1})
    with pytest.raises(ValidationError):
        services.decide(by=qa["people"]["reviewer_b"], review=review, scores={**GOOD, "research": 1}, outcome="approved")
    with pytest.raises(ValidationError):
        services.decide(by=qa["people"]["reviewer_b"], review=review, scores={**GOOD, "research": 1}, outcome="approved_with_conditions")
    review = services.decide(by=qa["people"]["reviewer_b"], review=review, scores={**GOOD, "research": 1},
                             outcome="approved_with_conditions", changes_requested="Cite the research on hinge questions.")
    assert review.outcome == "approved_with_conditions"


def test_authors_organization_never_reviews(qa):
    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    for who in ("insider", "issuer_admin", "author", "platform_admin", "other_admin"):
        with pytest.raises(PermissionDenied):
            services.rate(by=qa["people"][who], review=review, ratings=ratings())
    assert not review.ratings.exists()


def test_illegal_moves_are_refused(qa):
    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    services.rate(by=qa["people"]["reviewer_a"], review=review, ratings=ratings())
    with pytest.raises(PermissionDenied):  # reconciling needs one who rated, and a reconciling review
        services.decide(by=qa["people"]["reviewer_b"], review=review, scores=GOOD, outcome="approved")
    with pytest.raises(InvalidTransition):
        services.decide(by=qa["people"]["reviewer_a"], review=review, scores=GOOD, outcome="approved")
    services.withdraw(by=qa["people"]["issuer_admin"], review=review)
    with pytest.raises(InvalidTransition):
        services.withdraw(by=qa["people"]["issuer_admin"], review=review)
    with pytest.raises(InvalidTransition):
        services.rate(by=qa["people"]["reviewer_b"], review=review, ratings=ratings())


def test_bad_ratings_are_refused_and_hostile_text_is_kept_as_text(qa):
    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    with pytest.raises(ValidationError):
        services.rate(by=qa["people"]["reviewer_a"], review=review, ratings={"focus": (9, "")})
    with pytest.raises(ValidationError):
        services.rate(by=qa["people"]["reviewer_a"], review=review, ratings={**ratings(), "focus": (2, "x" * 5000)})
    with pytest.raises(ValidationError):
        services.rate(by=qa["people"]["reviewer_a"], review=review, ratings={**ratings(), "nope": (1, "")})
    hostile = "<script>alert(1)</script>=cmd|' /C calc'!A0"
    services.rate(by=qa["people"]["reviewer_a"], review=review, ratings=ratings(comment=hostile))
    assert review.ratings.filter(comment=hostile).count() == len(GOOD)
    assert json.dumps(list(review.ratings.values_list("comment", flat=True)))


def test_quality_record_says_too_few_below_ten_earners(qa):
    full = full_review(qa)
    services.decide(by=qa["people"]["reviewer_a"], review=full, scores=GOOD, outcome="approved")
    record = selectors.quality_record(qa["mc"])
    assert record["status"] == "approved" and record["framework_version"] == 1
    assert record["outcomes"]["too_few"] is True and record["outcomes"]["exact_agreement"] is None
    assert set(record["reviewer_organizations"]) == {"Issuer Two", "State QA panel"}
    assert [c["level"] for c in record["criteria"]] == list(GOOD.values())
