"""Pilots (issue 16 item 4): the cap, 100 % double scoring, the pilot report on a known fixture, "too few", who may
open a pilot and read its report, bad input, the snapshot in the quality review and the API."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from microcred.accounts.models import User
from microcred.assessment import services as assessment
from microcred.assessment.models import Assignment, Review, Score, ScoringPolicy
from microcred.assessment.tests.factories import submitted
from microcred.catalog.models import RubricLevel
from microcred.core.models import AuditEvent
from microcred.earning import services as earning
from microcred.earning.models import Submission
from microcred.quality import selectors, services
from microcred.quality.models import ExperienceSurvey, Pilot

from .conftest import ratings

pytestmark = pytest.mark.django_db


def _earners(n, prefix="pilot"):
    return [User.objects.create_user(username=f"{prefix}{i}", password="a-long-password-1") for i in range(n)]


def test_the_cap_refuses_a_new_earner_with_a_clear_message_and_the_catalog_says_full(qa, client):
    people = qa["people"]
    pilot = services.open_pilot(by=people["issuer_admin"], version=qa["version"], cap=1)
    assert services.open_pilot(by=people["issuer_admin"], version=qa["version"], cap=1) == pilot  # a repeat
    first = earning.start_attempt(earner=people["earner"], micro_credential=qa["mc"])
    with pytest.raises(ValidationError, match="pilot that is full"):
        earning.start_attempt(earner=people["other_earner"], micro_credential=qa["mc"])
    assert earning.start_attempt(earner=people["earner"], micro_credential=qa["mc"]) == first  # those in the pilot go on
    client.force_login(people["other_earner"])
    page = client.get(reverse("catalog:detail", args=[qa["mc"].slug])).content.decode()
    assert "Pilot full" in page and reverse("earning:start", args=[qa["mc"].slug]) not in page
    answer = client.post(reverse("earning:start", args=[qa["mc"].slug]), follow=True)
    assert "pilot that is full" in answer.content.decode()
    assert "Pilot full" in client.get(reverse("catalog:search")).content.decode()
    services.close_pilot(by=people["issuer_admin"], pilot=pilot)
    assert earning.start_attempt(earner=people["other_earner"], micro_credential=qa["mc"]).pk  # open to everyone again
    actions = list(AuditEvent.objects.filter(action__startswith="quality.pilot_").values_list("action", flat=True))
    assert sorted(actions) == ["quality.pilot_closed", "quality.pilot_opened"]


def test_every_pilot_submission_is_double_scored_and_none_after_it_closes(qa):
    ScoringPolicy.objects.update_or_create(micro_credential=qa["mc"], defaults={"calibration_period": 0, "random_double_rate": 0,
                                                                               "conditional_double": False})
    pilot = services.open_pilot(by=qa["people"]["issuer_admin"], version=qa["version"], cap=10)
    reviews = [assessment.open_review(submission=submitted(earner, qa["mc"])) for earner in _earners(4)]
    assert [r.double_reason for r in reviews] == ["pilot"] * 4
    services.close_pilot(by=qa["people"]["issuer_admin"], pilot=pilot)
    after = assessment.open_review(submission=submitted(_earners(1, "late")[0], qa["mc"]))
    assert after.double_reason == ""


def _scored(version, earner, *, earned: bool, second_differs: bool, days: int):
    """A decided pilot review with a first and a second reading: earned reviews score every criterion at the top
    level, the others at 0; with ``second_differs`` the second reader puts the first criterion one level toward 1."""
    attempt = earning.start_attempt(earner=earner, micro_credential=version.micro_credential)
    submission = Submission.objects.create(attempt=attempt, number=1, state="decided", snapshot={"parts": []})
    now = timezone.now()
    review = Review.objects.create(submission=submission, micro_credential=version.micro_credential, version=version,
                                   stage="decided", double_reason="pilot", due_at=now, decided_at=now,
                                   final_result="earned" if earned else "not_yet")
    criteria = [c for part in version.parts.order_by("position") for c in part.rubric.criteria.order_by("position")]
    for role in ("first", "second"):
        assignment = Assignment.objects.create(review=review, assessor=User.objects.create_user(username=f"{role}-{earner.username}"),
                                               role=role, state="scored", scored_at=now)
        for i, criterion in enumerate(criteria):
            top = criterion.rubric.levels.count() - 1
            level = top if earned else 0
            if role == "second" and second_differs and i == 0:
                level = 1
            Score.objects.create(assignment=assignment, criterion=criterion, level=RubricLevel.objects.get(rubric=criterion.rubric, position=level))
    type(attempt).objects.filter(pk=attempt.pk).update(state="earned" if earned else "not_yet", started_at=now - dt.timedelta(days=days),
                                                      decided_at=now)
    return attempt


def _known_pilot(qa, n=10):
    pilot = services.open_pilot(by=qa["people"]["issuer_admin"], version=qa["version"], cap=12)
    attempts = []
    for i, earner in enumerate(_earners(n)):
        earned = i < 7 if n == 10 else i % 2 == 0
        attempts.append(_scored(qa["version"], earner, earned=earned, second_differs=i in (0, 8), days=i + 1))
    return pilot, attempts


def test_the_report_on_a_known_fixture(qa):
    pilot, attempts = _known_pilot(qa)
    ExperienceSurvey.objects.create(earner=attempts[0].earner, attempt=attempts[0], micro_credential=qa["mc"], kind="decision",
                                    answered_at=timezone.now(), rating=4, comment="The video part took longest.")
    report = selectors.pilot_report(pilot)
    # 10 reviews x 5 criteria = 50 pairs, 2 disagree by one level: 48/50. Levels of the first reader: 28 twos, 7 ones,
    # 15 zeros; of the second 27, 9, 14. Observed squared disagreement 2/50 = 0.04; expected by chance 3862/2500 =
    # 1.5448; QWK = 1 - 0.04/1.5448 = 0.97411. Pass rate 7/10; the earned attempts took 1..7 days: median 4.
    assert report["earners"] == 10 and report["cap"] == 12 and report["too_few"] is False
    assert (report["submissions"], report["double_scored"], report["pairs"], report["decided"]) == (10, 10, 50, 10)
    assert report["exact_agreement"] == 0.96
    assert report["quadratic_weighted_kappa"] == 0.9741
    assert report["pass_rate"] == 0.7
    assert report["median_days_to_earn"] == 4.0
    assert [c["comment"] for c in report["comments"]] == ["The video part took longest."]


def test_below_ten_earners_the_rates_are_too_few(qa, client):
    pilot, _attempts = _known_pilot(qa, n=9)
    report = selectors.pilot_report(pilot)
    assert report["earners"] == 9 and report["too_few"] is True and report["pairs"] == 45
    assert [report[k] for k in ("exact_agreement", "quadratic_weighted_kappa", "pass_rate", "median_days_to_earn")] == [None] * 4
    client.force_login(qa["people"]["issuer_admin"])
    page = client.get(reverse("quality:pilot", args=[qa["mc"].slug, qa["version"].number])).content.decode()
    assert "Too few to report" in page and "9 of 12 places" in page


def test_the_review_keeps_the_report_at_submission_and_reviewers_read_it(qa, client):
    people = qa["people"]
    _known_pilot(qa)
    review = services.submit_for_review(by=people["issuer_admin"], version=qa["version"])
    assert review.pilot_report["earners"] == 10 and review.pilot_report["exact_agreement"] == 0.96
    client.force_login(people["reviewer_a"])
    page = client.get(reverse("quality:review", args=[review.pk])).content.decode()
    assert "Pilot report at submission" in page and "96 %" in page
    assert client.get(reverse("quality:pilot", args=[qa["mc"].slug, 1])).status_code == 200
    assert client.get(reverse("api-quality-review", args=[review.pk])).json()["pilot_report"]["pairs"] == 50
    services.rate(by=people["reviewer_a"], review=review, ratings=ratings())


@pytest.mark.parametrize("who", ["earner", "other_admin", "other_author", "reviewer_b", "assessor"])
def test_outsiders_neither_open_pilots_nor_read_reports(qa, client, who):
    """reviewer_b is a certified reviewer, but no review of this version is theirs to rate yet."""
    people = qa["people"]
    services.open_pilot(by=people["issuer_admin"], version=qa["version"], cap=5)
    user = people[who]
    client.force_login(user)
    url = reverse("quality:pilot", args=[qa["mc"].slug, 1])
    assert client.get(url).status_code == 404
    assert client.get(reverse("api-quality-pilot", args=[qa["mc"].slug, 1])).status_code == 404
    assert client.post(reverse("quality:close_pilot", args=[qa["mc"].slug, 1])).status_code == 404
    assert Pilot.objects.get().state == "open"


def test_authors_read_but_only_issuer_admins_open_or_close(qa, client):
    people = qa["people"]
    with pytest.raises(PermissionDenied):
        services.open_pilot(by=people["author"], version=qa["version"], cap=5)
    with pytest.raises(PermissionDenied):
        services.open_pilot(by=people["other_admin"], version=qa["version"], cap=5)
    client.force_login(people["author"])
    assert client.post(reverse("api-quality-pilot", args=[qa["mc"].slug, 1]), {"cap": 5}, content_type="application/json").status_code == 403
    pilot = services.open_pilot(by=people["issuer_admin"], version=qa["version"], cap=5)
    assert client.get(reverse("quality:pilot", args=[qa["mc"].slug, 1])).status_code == 200
    with pytest.raises(PermissionDenied):
        services.close_pilot(by=people["author"], pilot=pilot)


@pytest.mark.parametrize("cap", [0, -1, 501, "ten", "", None, True, 2.5, "9" * 40])
def test_bad_caps_are_refused_with_a_message(qa, client, cap):
    client.force_login(qa["people"]["issuer_admin"])
    page = client.post(reverse("quality:open_pilot", args=[qa["mc"].slug, 1]), {"cap": "" if cap is None else cap})
    assert page.status_code == 400 and "whole number from 1 to 500" in page.content.decode()
    api = client.post(reverse("api-quality-pilot", args=[qa["mc"].slug, 1]), {"cap": cap}, content_type="application/json")
    assert api.status_code == 400
    assert not Pilot.objects.exists()


def test_illegal_moves_are_refused(qa, client):
    people = qa["people"]
    earning.start_attempt(earner=people["earner"], micro_credential=qa["mc"])
    earning.start_attempt(earner=people["other_earner"], micro_credential=qa["mc"])
    with pytest.raises(ValidationError, match="2 earners have already started"):
        services.open_pilot(by=people["issuer_admin"], version=qa["version"], cap=1)
    pilot = services.open_pilot(by=people["issuer_admin"], version=qa["version"], cap=3)
    with pytest.raises(ValidationError, match="already been piloted"):
        services.open_pilot(by=people["issuer_admin"], version=qa["version"], cap=4)
    services.close_pilot(by=people["issuer_admin"], pilot=pilot)
    client.force_login(people["issuer_admin"])
    assert client.post(reverse("api-quality-pilot-close", args=[qa["mc"].slug, 1])).status_code == 400
    page = client.post(reverse("quality:close_pilot", args=[qa["mc"].slug, 1]))
    assert page.status_code == 400 and "cannot move" in page.content.decode()


def test_only_the_current_published_version_is_piloted(qa):
    from microcred.catalog import services as catalog

    draft = catalog.start_new_version(micro_credential=qa["mc"], by=qa["people"]["author"])
    with pytest.raises(ValidationError, match="current published version"):
        services.open_pilot(by=qa["people"]["issuer_admin"], version=draft, cap=5)


def test_the_api_opens_reads_and_closes(qa, client):
    client.force_login(qa["people"]["issuer_admin"])
    url = reverse("api-quality-pilot", args=[qa["mc"].slug, 1])
    assert client.get(url).status_code == 404  # no pilot yet
    opened = client.post(url, {"cap": 8}, content_type="application/json")
    assert opened.status_code == 201 and opened.json()["cap"] == 8 and opened.json()["too_few"] is True
    assert client.get(url).json()["state"] == "open"
    assert client.post(reverse("api-quality-pilot-close", args=[qa["mc"].slug, 1])).json()["state"] == "closed"


def test_the_issuer_page_opens_a_pilot_and_shows_subgroups(qa, client):
    client.force_login(qa["people"]["issuer_admin"])
    page = client.get(reverse("quality:micro_credential", args=[qa["mc"].slug])).content.decode()
    assert "Open version 1 as a pilot" in page and "survey-subgroups" in page
    answer = client.post(reverse("quality:open_pilot", args=[qa["mc"].slug, 1]), {"cap": "15"})
    assert answer.status_code == 302 and Pilot.objects.get().cap == 15


def test_the_menu_has_quality_reviews_for_reviewers_only(qa, client):
    client.force_login(qa["people"]["reviewer_b"])
    assert reverse("quality:reviews") in client.get(reverse("catalog:search")).content.decode()
    client.force_login(qa["people"]["earner"])
    assert reverse("quality:reviews") not in client.get(reverse("catalog:search")).content.decode()


def test_the_issuer_page_lists_what_needs_attention(qa, client, monkeypatch):
    record = {"outcomes": {"exact_agreement": 0.5, "pass_rate": 0.3, "median_business_days_to_decision": 40},
              "surveys": {"decision": {"mean_rating": 2.1}, "follow_up": {"mean_rating": None}},
              "status": "revise", "changes_requested": "Cite research."}
    codes = [item["code"] for item in selectors.needs_attention(qa["mc"], record)]
    assert codes == ["low_agreement", "low_pass_rate", "slow_decisions", "poor_rating_decision", "review_changes"]
    calm = {"outcomes": {"exact_agreement": None, "pass_rate": None, "median_business_days_to_decision": None},
            "surveys": {}, "status": "none", "changes_requested": ""}
    assert selectors.needs_attention(qa["mc"], calm) == []
    monkeypatch.setattr(selectors, "quality_record", lambda mc: record)
    client.force_login(qa["people"]["issuer_admin"])
    page = client.get(reverse("quality:micro_credential", args=[qa["mc"].slug])).content.decode()
    assert "Revise it into a new version" in page and "only 50 %" in page
