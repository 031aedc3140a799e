import pytest
from django.urls import reverse

from microcred.credentials.tests.conftest import earn
from microcred.earning.models import Notification
from microcred.quality import selectors, services
from microcred.quality.models import ExperienceSurvey

pytestmark = pytest.mark.django_db


def test_a_decision_sends_a_survey_the_earner_answers_and_small_groups_are_suppressed(qa, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        attempt = earn(qa, qa["version"])
    survey = ExperienceSurvey.objects.get(attempt=attempt, kind="decision")
    assert Notification.objects.filter(user=qa["people"]["earner"], url=reverse("quality:survey", args=[survey.pk])).exists()
    client.force_login(qa["people"]["other_earner"])
    assert client.get(reverse("quality:survey", args=[survey.pk])).status_code == 404
    client.force_login(qa["people"]["earner"])
    assert client.post(reverse("quality:survey", args=[survey.pk]), {"rating": "9"}).status_code == 400
    assert client.post(reverse("quality:survey", args=[survey.pk]), {"rating": "5", "comment": "<b>=cmd</b>"}).status_code == 302
    survey.refresh_from_db()
    assert survey.rating == 5 and survey.comment == "<b>=cmd</b>"
    results = selectors.survey_results(qa["mc"])
    assert results["decision"] == {"responses": 1, "too_few": True, "mean_rating": None}
    client.force_login(qa["people"]["issuer_admin"])
    page = client.get(reverse("quality:micro_credential", args=[qa["mc"].slug])).content.decode()
    assert "&lt;b&gt;=cmd&lt;/b&gt;" in page and "earner" not in page.lower().split("earners' comments")[1][:300]


def test_follow_ups_once(qa):
    attempt = earn(qa, qa["version"])
    services.send_survey(attempt_id=attempt.pk, kind="decision", result="earned")
    ExperienceSurvey.objects.update(sent_at="2020-01-01T00:00:00Z")
    assert services.send_follow_ups(days=30) == 1
    assert services.send_follow_ups(days=30) == 0
    assert ExperienceSurvey.objects.filter(kind="follow_up").count() == 1


def _answered(qa, n, *, school, resubmit=False, prefix="s"):
    from microcred.accounts.models import EducatorProfile, User
    from microcred.earning.models import Attempt, Submission

    for i in range(n):
        user = User.objects.create_user(username=f"{prefix}{i}", password="a-long-password-1")
        EducatorProfile.objects.update_or_create(user=user, defaults={"school": school})
        attempt = Attempt.objects.create(earner=user, version=qa["version"], micro_credential=qa["mc"], state="earned")
        for number in range(1, 3 if resubmit else 2):
            Submission.objects.create(attempt=attempt, number=number, state="decided")
        ExperienceSurvey.objects.create(earner=user, attempt=attempt, micro_credential=qa["mc"], kind="decision",
                                        answered_at="2026-01-05T00:00:00Z", rating=4 if resubmit else 2)


def test_survey_results_by_subgroup_suppress_small_and_revealing_cells(qa, client):
    from microcred.accounts.models import Organization

    rural = Organization.objects.create(slug="rural-school", name="Rural school", kind="school", locale="rural")
    city = Organization.objects.create(slug="city-school", name="City school", kind="school", locale="city")
    _answered(qa, 11, school=rural)
    _answered(qa, 1, school=city, resubmit=True, prefix="c")
    tables = {(t["kind"], t["dimension"]): {g["value"]: g for g in t["groups"]} for t in selectors.survey_results_by_subgroup(qa["mc"])}
    by_locale = tables[("decision", "locale")]
    # the one city answer is small; the 11 rural ones would reveal it from the total of 12: both hidden, means too
    assert by_locale["city"]["responses"] is None and by_locale["rural"]["responses"] is None
    assert by_locale["rural"]["mean_rating"] is None and by_locale["town"]["responses"] == 0
    by_submission = tables[("decision", "submission")]
    assert by_submission["first"]["responses"] is None and by_submission["resubmission"]["responses"] is None
    _answered(qa, 10, school=city, resubmit=True, prefix="more")
    tables = {(t["kind"], t["dimension"]): {g["value"]: g for g in t["groups"]} for t in selectors.survey_results_by_subgroup(qa["mc"])}
    assert tables[("decision", "locale")]["rural"] == {"value": "rural", "label": "Rural", "responses": 11, "mean_rating": 2.0}
    assert tables[("decision", "submission")]["resubmission"]["responses"] == 11
    assert tables[("decision", "submission")]["resubmission"]["mean_rating"] == 4.0
    client.force_login(qa["people"]["other_admin"])
    assert client.get(reverse("quality:micro_credential", args=[qa["mc"].slug])).status_code == 404
