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
