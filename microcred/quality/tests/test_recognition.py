"""A recognition policy may require an independent quality review's approval before it counts an MC."""
import pytest
from django.core.exceptions import ValidationError

from microcred.credentials.services import issue_for_attempt
from microcred.credentials.tests.conftest import earn
from microcred.quality import services
from microcred.recognition import services as recognition
from microcred.recognition.policy import validate_policy

from .conftest import GOOD, ratings

pytestmark = pytest.mark.django_db


def document(quality_review=True):
    return {"format": "microcred.policy/1", "slug": "qa-renewal", "title": "QA renewal", "recognizer": "state-agency",
            "effective_from": "2020-01-01", "approved": {"issuers": ["issuer-one"], "quality_review": quality_review},
            "rules": [{"kind": "convert", "per_mc": 6, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 6}],
            "outcomes": [{"key": "renewal", "kind": "credits", "name": "Renewal PDPs", "unit": "PDP"}]}


def test_quality_review_flag_must_be_boolean(qa):
    with pytest.raises(ValidationError):
        validate_policy({**document(), "approved": {"issuers": ["issuer-one"], "quality_review": "yes"}})


def test_dry_run_excludes_an_unapproved_mc_with_the_reason_then_counts_it_once_approved(qa):
    issue_for_attempt(earn(qa, qa["version"]))
    recognizer = qa["people"]["recognizer"]
    rows = recognition.dry_run(document(), by=recognizer, educators=[qa["people"]["earner"]])
    evaluation = rows[0].evaluation
    assert "not approved by an independent quality review" in evaluation.excluded.values()
    assert not evaluation.outcome("renewal").achieved
    assert recognition.dry_run(document(False), by=recognizer, educators=[qa["people"]["earner"]])[0].evaluation.outcome("renewal").achieved

    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    services.rate(by=qa["people"]["reviewer_a"], review=review, ratings=ratings())
    review = services.rate(by=qa["people"]["reviewer_b"], review=review, ratings=ratings())
    services.decide(by=qa["people"]["reviewer_a"], review=review, scores=GOOD, outcome="approved")
    rows = recognition.dry_run(document(), by=recognizer, educators=[qa["people"]["earner"]])
    assert rows[0].evaluation.outcome("renewal").achieved


def _publish(qa, doc):
    recognizer = qa["people"]["recognizer"]
    policy = recognition.create_or_update_draft(recognizer=qa["orgs"]["state"], document=doc, by=recognizer)
    return recognition.publish(policy=policy, by=recognizer)


def test_the_quality_record_names_the_policies_that_count_the_mc(qa, client):
    from microcred.quality.selectors import quality_record

    mc = qa["version"].micro_credential
    assert quality_record(mc)["recognized_by"] == []
    _publish(qa, document(quality_review=False))
    _publish(qa, {**document(quality_review=True), "slug": "qa-only", "title": "Reviewed MCs only"})
    _publish(qa, {**document(quality_review=False), "slug": "elsewhere", "title": "Another issuer's MCs",
                  "approved": {"issuers": ["issuer-two"]}})
    assert [r["policy"] for r in quality_record(mc)["recognized_by"]] == ["QA renewal"]
    page = client.get(f"/quality/record/{mc.slug}/").content.decode()
    assert "QA renewal" in page and "Reviewed MCs only" not in page and "Another issuer" not in page
    api = client.get(f"/api/v1/micro-credentials/{mc.slug}/quality/").json()
    assert api["recognized_by"] == [{"recognizer": qa["orgs"]["state"].name, "policy": "QA renewal", "slug": "qa-renewal"}]

    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    services.rate(by=qa["people"]["reviewer_a"], review=review, ratings=ratings())
    review = services.rate(by=qa["people"]["reviewer_b"], review=review, ratings=ratings())
    services.decide(by=qa["people"]["reviewer_a"], review=review, scores=GOOD, outcome="approved")
    assert [r["policy"] for r in quality_record(mc)["recognized_by"]] == ["QA renewal", "Reviewed MCs only"]
