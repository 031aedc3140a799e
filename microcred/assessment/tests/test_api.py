"""The assessment JSON API: queue, next item, blind item, scores (with hostile input), reliability."""
import json

import pytest

from microcred.assessment import services
from microcred.assessment.models import Score
from microcred.earning.models import Decision

from .factories import certified_pool, levels, submitted
from .test_views import IDENTITY, private_earner, single_scoring  # noqa: F401  (private_earner is a fixture)

API = "/api/v1/assessment"


@pytest.fixture
def mc(published):
    return published.micro_credential


@pytest.fixture
def pool(world, mc):
    return certified_pool(world, mc)


def as_user(client, user):
    client.force_login(user)
    return client


def post(c, url, data):
    return c.post(url, json.dumps(data), content_type="application/json")


def first_item(world, mc, earner=None):
    single_scoring(mc)
    review = services.open_review(submission=submitted(earner or world["people"]["earner"], mc))
    return review, review.assignments.get()


def as_json(version, value="pass", overrides=None):
    return {str(k): v for k, v in levels(version, value, overrides).items()}


def test_queue_next_item_and_scores_happy_path(client, world, mc, pool):
    review, first = first_item(world, mc)
    c = as_user(client, first.assessor)
    queue = c.get(f"{API}/queue/").json()
    assert [row["id"] for row in queue] == [first.pk] and queue[0]["role"] == "First" and queue[0]["title"] == mc.current_version.title
    nxt = post(c, f"{API}/next/", {}).json()
    assert nxt["item"]["id"] == first.pk
    item = c.get(f"{API}/items/{first.pk}/").json()
    assert item["role"] == "First" and [p["position"] for p in item["parts"]] == [1, 2, 3]
    part1 = item["parts"][0]
    assert part1["rubric"]["levels"][0] == {"index": 0, "name": "Not Met"}
    assert part1["prompts"][1]["evidence"] == [{"kind": "quiz", "choice": 0, "correct": True}]
    criteria = [c["criterion_id"] for p in item["parts"] for c in p["rubric"]["criteria"]]
    assert set(criteria) == set(levels(review.version))
    part3 = item["parts"][2]
    body = {"levels": {str(cid): 2 for cid in criteria} | {str(part3["rubric"]["criteria"][0]["criterion_id"]): 0},
            "comments": {str(criteria[0]): "Strong hinge question."}, "part_feedback": {str(part3["part_id"]): "Name one next step."}}
    done = post(c, f"{API}/items/{first.pk}/scores/", body)
    assert done.status_code == 200 and done.json()["state"] == "scored"
    review.refresh_from_db()
    assert review.final_result == "not_yet"
    assert Decision.objects.get(submission=review.submission).part_feedback.filter(feedback="Name one next step.").exists()
    assert post(c, f"{API}/items/{first.pk}/scores/", body).status_code == 200  # repeat: same answer, nothing new
    assert Score.objects.filter(assignment=first).count() == len(criteria)
    assert post(c, f"{API}/next/", {}).json() == {"item": None, "message": "Nothing to score right now."}


def test_blind_json_has_no_identity(client, world, mc, pool, private_earner):  # noqa: F811
    review, first = first_item(world, mc, earner=private_earner)
    text = as_user(client, first.assessor).get(f"{API}/items/{first.pk}/").content.decode()
    for secret in IDENTITY:
        assert secret not in text
    assert "evidence_id" not in text and "sha256" not in text and "earner" not in json.loads(text)


def test_second_reader_json_does_not_contain_the_first_readers_comments(client, world, mc, pool):
    review = services.open_review(submission=submitted(world["people"]["earner"], mc))  # calibration period: double
    first = review.assignments.get(role="first")
    part = review.version.parts.first()
    services.submit_scores(assignment=first, by=first.assessor, levels=levels(review.version), comments={part.rubric.criteria.first().pk: "FIRST-COMMENT-55"},
                           part_feedback={part.pk: "FIRST-FEEDBACK-66"})
    second = review.assignments.get(role="second")
    text = as_user(client, second.assessor).get(f"{API}/items/{second.pk}/").content.decode()
    assert "FIRST-COMMENT-55" not in text and "FIRST-FEEDBACK-66" not in text and json.loads(text)["role"] == "Second"


def test_other_peoples_items_are_404(client, world, mc, pool):
    review, first = first_item(world, mc)
    other = next(p for p in pool if p != first.assessor)
    c = as_user(client, other)
    assert c.get(f"{API}/items/{first.pk}/").status_code == 404
    assert post(c, f"{API}/items/{first.pk}/scores/", {"levels": as_json(review.version)}).status_code == 404
    assert c.get(f"{API}/queue/").json() == []
    client.logout()
    assert client.get(f"{API}/queue/").status_code in (401, 403)
    assert client.get(f"{API}/items/{first.pk}/").status_code in (401, 403)
    assert not first.scores.exists()


@pytest.mark.parametrize("body, field, message", [
    ([1, 2], "detail", "Send a JSON object"),
    ({}, "levels", "Give levels as an object"),
    ({"levels": [2, 2]}, "levels", "Give levels as an object"),
    ({"levels": {"abc": 2}}, "levels", "is not a criterion id"),
    ({"levels": {"99999": 2}}, "levels", "is not a criterion to score in this item"),
    ({"levels": "STRING"}, "levels", "Give levels as an object"),
    ({"comments": "nice"}, "comments", "Give comments as an object"),
    ({"comments": {"CRIT": 5}}, "comments", "must be text"),
    ({"part_feedback": {"1.5": "x"}}, "part_feedback", "is not a part id"),
    ({"levels": {"CRIT": "2"}}, "levels", "must be a whole number"),
    ({"levels": {"CRIT": True}}, "levels", "must be a whole number"),
    ({"levels": {"CRIT": 2.0}}, "levels", "must be a whole number"),
    ({"levels": {"CRIT": 7}}, "levels", "choose one of the rubric's levels"),
    ({"levels": {"CRIT": -1}}, "levels", "choose one of the rubric's levels"),
    ({"levels": {"CRIT": 10**30}}, "detail", "too large"),  # refused by the JSON parser before the serializer
    ({"levels": {"CRIT": None}}, "levels", "must be a whole number"),
])
def test_malformed_scores_are_400_with_a_message_and_nothing_is_saved(client, world, mc, pool, body, field, message):
    review, first = first_item(world, mc)
    criterion = review.version.parts.first().rubric.criteria.first()
    if isinstance(body, dict):
        body = json.loads(json.dumps(body).replace("CRIT", str(criterion.pk)))
        if field == "levels" and "levels" in body and isinstance(body["levels"], dict) and str(criterion.pk) in body["levels"]:
            body["levels"] = as_json(review.version) | body["levels"]  # everything else valid
    response = post(as_user(client, first.assessor), f"{API}/items/{first.pk}/scores/", body)
    assert response.status_code == 400, response.content
    assert message in " ".join(response.json()[field])  if field != "detail" else message in response.json()["detail"]
    first.refresh_from_db()
    assert first.state == "assigned" and not Score.objects.filter(assignment=first).exists()


def test_unparseable_json_and_form_bodies_are_400(client, world, mc, pool):
    review, first = first_item(world, mc)
    c = as_user(client, first.assessor)
    assert c.post(f"{API}/items/{first.pk}/scores/", "{not json", content_type="application/json").status_code == 400
    assert c.post(f"{API}/items/{first.pk}/scores/", {"levels": "x"}).status_code == 400
    assert not Score.objects.exists()


def test_reliability_for_issuer_and_platform_admins_only(client, world, mc, pool):
    review, first = first_item(world, mc)
    services.submit_scores(assignment=first, by=first.assessor, levels=levels(review.version, "pass"))
    c = as_user(client, world["people"]["issuer_admin"])
    figures = c.get(f"{API}/reliability/?mc={mc.slug}").json()
    for key in ("n_pairs", "n_reviews", "exact_agreement", "adjacent_agreement", "cohen_kappa", "quadratic_weighted_kappa",
                "krippendorff_alpha", "gwet_ac1", "pass_rate"):
        assert key in figures
    assert figures["pass_rate"] == 1.0
    assert c.get(f"{API}/reliability/?mc={mc.slug}&since=2020-01-01&until=2999-01-01T00:00:00Z").status_code == 200
    assert "since" in c.get(f"{API}/reliability/?mc={mc.slug}&since=yesterday").json()
    assert c.get(f"{API}/reliability/?mc={mc.slug}&until=2024-13-45").status_code == 400
    assert "mc" in c.get(f"{API}/reliability/").json()
    assert c.get(f"{API}/reliability/?mc=no-such-mc").status_code == 404
    assert as_user(client, world["people"]["platform_admin"]).get(f"{API}/reliability/?mc={mc.slug}").status_code == 200
    for who in ("other_admin", "assessor", "earner"):
        assert as_user(client, world["people"][who]).get(f"{API}/reliability/?mc={mc.slug}").status_code == 403
    assert as_user(client, pool[0]).get(f"{API}/reliability/?mc={mc.slug}").status_code == 403
