import pytest
from rest_framework.test import APIClient

from microcred.earning import services
from microcred.earning.models import Submission

from .factories import levels_for


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world["people"]["earner"])
    return client


def test_full_cycle_over_the_api(api, world, published):
    started = api.post("/api/v1/earning/attempts/", {"micro_credential": published.micro_credential.slug}, format="json")
    assert started.status_code == 201
    attempt_id = started.json()["id"]
    for part in started.json()["parts"]:
        for prompt in part["prompts"]:
            body = {"prompt": prompt["prompt_id"]}
            if prompt["response_type"] == "quiz":
                body["choice"] = 0
            elif prompt["response_type"] in ("video", "file", "link"):
                body["url"] = "https://video.example.org/x"
            else:
                body["text"] = "An answer"
            assert api.post(f"/api/v1/earning/attempts/{attempt_id}/answers/", body, format="json").status_code == 200
    refused = api.post(f"/api/v1/earning/attempts/{attempt_id}/submit/", {"privacy_confirmed": False}, format="json")
    assert refused.status_code == 400 and "privacy" in refused.json()
    done = api.post(f"/api/v1/earning/attempts/{attempt_id}/submit/", {"privacy_confirmed": True, "note_to_assessor": "hi"}, format="json")
    assert done.json()["state"] == "submitted"
    assert api.post(f"/api/v1/earning/attempts/{attempt_id}/submit/", {"privacy_confirmed": True}, format="json").status_code == 200
    assert Submission.objects.count() == 1
    from microcred.earning.models import Attempt

    attempt = Attempt.objects.get(pk=attempt_id)
    from microcred.accounts.models import User

    rater = User.objects.create_user(username="rater_qz7", first_name="Quintessa", last_name="Zybrowski", password="x-long-password-1")
    services.record_decision(submission=attempt.submissions.get(), by=rater, levels=levels_for(attempt, failing_parts=(3,)))
    detail = api.get(f"/api/v1/earning/attempts/{attempt_id}/").json()
    assert detail["state"] == "not_yet" and detail["history"][0]["decision"]["result"] == "not_yet"
    assert "decided_by" not in str(detail) and "rater_qz7" not in str(detail) and "Zybrowski" not in str(detail)
    assert [p["locked"] for p in detail["parts"]] == [True, True, False]
    assert api.get("/api/v1/earning/attempts/").json()[0]["id"] == attempt_id
    assert api.get("/api/v1/earning/notifications/").status_code == 200


def test_api_bad_input(api, world, published):
    assert api.post("/api/v1/earning/attempts/", {"micro_credential": 5}, format="json").status_code == 400
    assert api.post("/api/v1/earning/attempts/", {"micro_credential": "nope"}, format="json").status_code == 400
    attempt_id = api.post("/api/v1/earning/attempts/", {"micro_credential": published.micro_credential.slug}, format="json").json()["id"]
    assert api.post(f"/api/v1/earning/attempts/{attempt_id}/answers/", {"prompt": "1"}, format="json").status_code == 400
    assert api.post(f"/api/v1/earning/attempts/{attempt_id}/answers/", {"prompt": 999999, "text": "x"}, format="json").status_code == 404
    prompt = published.parts.first().prompts.first().pk
    assert api.post(f"/api/v1/earning/attempts/{attempt_id}/answers/", {"prompt": prompt, "text": ["list"]}, format="json").status_code == 400
    assert api.post(f"/api/v1/earning/attempts/{attempt_id}/submit/", {"note_to_assessor": "x" * 6000}, format="json").status_code == 400
    assert api.post(f"/api/v1/earning/attempts/{attempt_id}/withdraw/").status_code == 400


def test_api_permissions(api, world, published):
    attempt_id = api.post("/api/v1/earning/attempts/", {"micro_credential": published.micro_credential.slug}, format="json").json()["id"]
    other = APIClient()
    assert other.get("/api/v1/earning/attempts/").status_code in (401, 403)
    other.force_authenticate(world["people"]["other_earner"])
    assert other.get(f"/api/v1/earning/attempts/{attempt_id}/").status_code == 404
    assert other.post(f"/api/v1/earning/attempts/{attempt_id}/submit/", {"privacy_confirmed": True}, format="json").status_code == 404
    assert other.get("/api/v1/earning/attempts/").json() == []
