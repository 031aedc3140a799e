import pytest
from rest_framework.test import APIClient

from microcred.quality import framework as fw
from microcred.quality import services
from microcred.quality.models import QualityReview

from .conftest import GOOD

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_quality_record_api_for_a_published_mc(qa):
    response = api().get(f"/api/v1/micro-credentials/{qa['mc'].slug}/quality/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "none" and body["framework_version"] == 1
    assert body["outcomes"]["too_few"] is True and body["outcomes"]["exact_agreement"] is None


def test_quality_record_api_is_404_for_unknown(qa):
    assert api().get("/api/v1/micro-credentials/nope/quality/").status_code == 404


def test_api_walk(qa):
    people = qa["people"]
    checks = api(people["author"]).get(f"/api/v1/quality/micro-credentials/{qa['mc'].slug}/versions/1/checks/").json()
    assert checks["blocked"] is False
    made = api(people["issuer_admin"]).post("/api/v1/quality/reviews/", {"micro_credential": qa["mc"].slug, "version": 1}, format="json")
    assert made.status_code == 201
    pk = made.json()["id"]
    body = {"ratings": {k: {"level": v, "comment": "=HYPERLINK(\"x\")"} for k, v in GOOD.items()}}
    assert api(people["insider"]).post(f"/api/v1/quality/reviews/{pk}/ratings/", body, format="json").status_code == 403  # an author there
    assert api(people["other_earner"]).post(f"/api/v1/quality/reviews/{pk}/ratings/", body, format="json").status_code == 404
    assert api(people["reviewer_a"]).post(f"/api/v1/quality/reviews/{pk}/ratings/",
                                          {"ratings": {"focus": {"level": "high"}}}, format="json").status_code == 400
    for who in ("reviewer_a", "reviewer_b"):
        assert api(people[who]).post(f"/api/v1/quality/reviews/{pk}/ratings/", body, format="json").status_code == 200
    decided = api(people["reviewer_b"]).post(f"/api/v1/quality/reviews/{pk}/decision/",
                                             {"scores": GOOD, "outcome": "approved"}, format="json")
    assert decided.status_code == 200 and decided.json()["outcome"] == "approved"
    record = api().get(f"/api/v1/micro-credentials/{qa['mc'].slug}/quality/").json()
    assert record["status"] == "approved" and {c["key"] for c in record["criteria"]} == set(GOOD)
    again = api(people["reviewer_b"]).post(f"/api/v1/quality/reviews/{pk}/decision/", {"scores": GOOD, "outcome": "revise"}, format="json")
    assert again.status_code == 400  # decided is final


def test_blocked_submission_is_a_400_with_reasons(qa):
    from microcred.assessment.models import Qualification

    Qualification.objects.all().delete()
    response = api(qa["people"]["issuer_admin"]).post("/api/v1/quality/reviews/", {"micro_credential": qa["mc"].slug, "version": 1},
                                                      format="json")
    assert response.status_code == 400 and "certified assessor" in str(response.json())
    assert not QualityReview.objects.exists()


def test_framework_api_adopt(qa):
    assert api().get("/api/v1/quality/framework/").json()["number"] == 1
    assert api(qa["people"]["issuer_admin"]).post("/api/v1/quality/framework/", {"data": fw.shipped(1)}, format="json").status_code == 404
    bad = api(qa["people"]["platform_admin"]).post("/api/v1/quality/framework/", {"data": {"title": "x"}}, format="json")
    assert bad.status_code == 400
    ok = api(qa["people"]["platform_admin"]).post("/api/v1/quality/framework/", {"data": fw.shipped(1)}, format="json")
    assert ok.status_code == 201 and ok.json()["number"] == 2


def test_review_api_hides_other_ratings_while_open(qa):
    review = services.submit_for_review(by=qa["people"]["issuer_admin"], version=qa["version"])
    services.rate(by=qa["people"]["reviewer_a"], review=review, ratings={k: (v, "mine") for k, v in GOOD.items()})
    seen = api(qa["people"]["reviewer_b"]).get(f"/api/v1/quality/reviews/{review.pk}/").json()
    assert seen["ratings"] == []
