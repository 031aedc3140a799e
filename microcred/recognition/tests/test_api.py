"""The recognition JSON API: my progress, awards and portability; policies, drafts, dry run, publish, qualifiers,
the awards export and educator facts."""
import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from microcred.credentials.services import revoke
from microcred.recognition import services
from microcred.recognition.models import Award, EducatorFact, Policy

from .pages_fixtures import (awarded, city_policy, city_published, city_recognizer, mcs,  # noqa: F401
                             published_policy, qualifiers_get, state_policy, two_credentials)

pytestmark = pytest.mark.django_db
BASE = "/api/v1/recognition"


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for path in ("/me/progress/", "/me/awards/", "/me/portability/", "/policies/", "/policies/{slug}/dry-run/",
                 "/policies/{slug}/publish/", "/policies/{slug}/qualifiers/", "/awards/", "/facts/"):
        assert f"{BASE}{path}:" in schema


def test_my_progress_awards_and_portability(world, awarded, two_credentials, city_published, mcs):
    me = api(world["people"]["earner"])
    progress = me.get(f"{BASE}/me/progress/").json()["policies"]
    assert [p["policy"] for p in progress] == ["tn-renewal"]
    p = progress[0]
    assert p["achieved"] and p["totals"] == {"PDP": 60} and p["requirements"][0]["label"] == "PDP 60/60"
    assert p["outcomes"][0] == {"key": "renewal", "kind": "credits", "name": "License renewal PDPs", "achieved": True,
                                "amount": 60, "unit": "PDP", "expires_after_years": None}
    assert {c["id"] for c in p["counted_credentials"]} == {str(c.pk) for c in two_credentials}
    awards = me.get(f"{BASE}/me/awards/").json()
    assert len(awards) == 1 and awards[0]["policy"] == "tn-renewal" and awards[0]["policy_version"] == 1
    assert awards[0]["amount"] == "60.00" and sorted(awards[0]["credentials"]) == sorted(str(c.pk) for c in two_credentials)
    elsewhere = me.get(f"{BASE}/me/portability/").json()["policies"]
    assert [(x["policy"], x["achieved"]) for x in elsewhere] == [("city-stipend", True)]
    assert Award.objects.count() == 1  # portability saves nothing


def test_a_withdrawn_award_keeps_its_reason_in_the_api(world, awarded, two_credentials):
    revoke(two_credentials[0], by=world["people"]["issuer_admin"], reason="Evidence was not their own")
    services.evaluate_educator(world["people"]["earner"])
    award = api(world["people"]["earner"]).get(f"{BASE}/me/awards/").json()[0]
    assert award["state"] == "withdrawn" and "Evidence was not their own" in award["withdrawn_reason"]
    progress = api(world["people"]["earner"]).get(f"{BASE}/me/progress/").json()["policies"][0]
    assert progress["missing"] == ["30 more PDP"]
    assert [s["slug"] for s in progress["suggestions"]]  # the unearned MCs that would close the gap


def test_save_draft_dry_run_and_publish(world, two_credentials):
    rec = api(world["people"]["recognizer"])
    response = rec.post(f"{BASE}/policies/", {"document": state_policy()}, format="json")
    assert response.status_code == 201 and response.json()["state"] == "draft" and response.json()["version"] == 1
    yaml_text = "format: microcred.policy/1\n" + "\n".join(
        f"{k}: {json.dumps(v)}" for k, v in state_policy(title="Revised").items() if k != "format")
    response = rec.post(f"{BASE}/policies/", {"document": yaml_text}, format="json")
    assert response.status_code == 201 and response.json()["title"] == "Revised" and response.json()["version"] == 1
    run = rec.get(f"{BASE}/policies/tn-renewal/dry-run/").json()
    assert (run["educators"], run["would_qualify"], run["changes"]) == (1, 1, {"award": 1})
    assert run["rows"][0]["educator"] == "earner" and run["rows"][0]["changes"][0]["action"] == "award"
    assert not Award.objects.exists()
    published = rec.post(f"{BASE}/policies/tn-renewal/publish/", {}, format="json")
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert rec.post(f"{BASE}/policies/tn-renewal/publish/", {"version": 1}, format="json").json()["state"] == "published"  # no-op
    assert rec.post(f"{BASE}/policies/tn-renewal/publish/", {}, format="json").json() == {"version": ["There is no draft version; give a version number."]}
    detail = rec.get(f"{BASE}/policies/tn-renewal/").json()
    assert detail["recognizer"] == "state-agency" and detail["versions"][0]["document"]["title"] == "Revised"
    assert [p["slug"] for p in rec.get(f"{BASE}/policies/").json()] == ["tn-renewal"]


@pytest.mark.parametrize("body, path, message", [
    ({"document": state_policy(rules=[{"kind": "convert", "per_mc": "six", "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 60}])},
     "rules[0].per_mc", "Expected a number"),
    ({"document": state_policy(approved={"micro_credentials": ["no-such-mc"]})}, "approved.micro_credentials[0]", ""),
    ({"document": "format: [unclosed"}, "$", "Neither valid JSON nor valid YAML"),
    ({"document": "a: &x [1]\nb: *x"}, "$", "anchors and aliases"),
    ({"document": ["not", "a", "mapping"]}, "$", "object (mapping)"),
    ({"document": state_policy(description="x" * (300 * 1024))}, "$", "256 KB"),
    ({"document": json.dumps(state_policy(rules=[{"kind": "threshold", "unit": "PDP", "min": float("nan")}]))}, "rules[0].min", "finite"),
    ({"policy": "nothing"}, "document", "Send"),
    ({"document": state_policy(recognizer="nowhere")}, "recognizer", ""),
    ({"document": "title: !!python/object/apply:os.system ['touch /tmp/pwned']"}, "$", "Neither valid JSON nor valid YAML"),
    ({"document": '{"a":' * 3000 + "1" + "}" * 3000}, "$", "nested too deeply"),
    ({"document": 42}, "$", "object (mapping)"),
], ids=["wrong-type", "unknown-mc", "yaml-syntax", "yaml-alias", "not-mapping", "oversized", "nan", "no-document", "unknown-recognizer",
        "yaml-python-tag", "deep", "number"])
def test_refused_documents_are_400_with_paths(world, body, path, message):
    response = api(world["people"]["recognizer"]).post(f"{BASE}/policies/", body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()
    assert path in errors and message in " ".join(errors[path])
    assert not Policy.objects.exists()


def test_nul_characters_are_refused(world):
    response = api(world["people"]["recognizer"]).post(f"{BASE}/policies/", {"document": "title: x\x00y"}, format="json")
    assert response.status_code == 400 and "NUL" in response.content.decode()  # refused by the JSON parser itself
    assert not Policy.objects.exists()


def test_qualifiers_in_the_api(world, awarded, qualifiers_get):
    data = qualifiers_get(api(world["people"]["recognizer"]), f"{BASE}/policies/tn-renewal/qualifiers/").json()
    assert [r["educator"] for r in data["qualified"]] == ["earner"] and data["close"] == []
    assert data["outcomes"] == [{"key": "renewal", "name": "License renewal PDPs", "kind": "credits", "qualified": 1, "awarded": 1}]
    assert {"name": "Rural District", "educators": None, "qualified": None, "close": 0} in data["by_district"]


def test_awards_export_json_with_paging(world, awarded, two_credentials):
    rec = api(world["people"]["recognizer"])
    data = rec.get(f"{BASE}/awards/", {"recognizer": "state-agency"}).json()
    assert data["next_offset"] is None and len(data["results"]) == 1
    row = data["results"][0]
    assert (row["username"], row["policy"], row["policy_version"], row["outcome"], row["amount"], row["state"]) == (
        "earner", "tn-renewal", 1, "License renewal PDPs", "60.00", "active")
    assert sorted(row["credential_ids"]) == sorted(str(c.pk) for c in two_credentials)
    page = rec.get(f"{BASE}/awards/", {"recognizer": "state-agency", "limit": 0, "offset": "lots"}).json()
    assert page["limit"] == 1000 and page["offset"] == 0
    assert rec.get(f"{BASE}/awards/", {"recognizer": "state-agency", "state": "withdrawn"}).json()["results"] == []
    assert rec.get(f"{BASE}/awards/", {"recognizer": "state-agency", "state": "bogus"}).status_code == 400
    assert rec.get(f"{BASE}/awards/").status_code == 400


def test_set_an_educator_fact(world):
    rec = api(world["people"]["recognizer"])
    response = rec.post(f"{BASE}/facts/", {"recognizer": "state-agency", "educator": "earner", "key": "years_licensed", "value": 4},
                        format="json")
    assert response.status_code == 201 and response.json()["value"] == 4
    assert EducatorFact.objects.get().value == 4
    for bad, field in (({"value": {"nested": 1}}, "value"), ({"value": "x" * 500}, "value"), ({"key": "not a slug!"}, "key"),
                       ({"educator": "nobody"}, "educator"), ({"value": None}, "value")):
        body = {"recognizer": "state-agency", "educator": "earner", "key": "years_licensed", "value": 5, **bad}
        response = rec.post(f"{BASE}/facts/", body, format="json")
        assert response.status_code == 400 and field in response.json(), (bad, response.content)
    assert rec.post(f"{BASE}/facts/", {"recognizer": "state-agency"}, format="json").json().keys() == {"educator", "key", "value"}
    assert EducatorFact.objects.get().value == 4


def test_a_fact_makes_an_eligibility_rule_pass(world, two_credentials, django_capture_on_commit_callbacks):
    by = world["people"]["recognizer"]
    document = state_policy(facts={"years_licensed": "number"},
                            rules=[{"kind": "convert", "per_mc": 30, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 60},
                                   {"kind": "eligibility", "fact": "years_licensed", "op": ">=", "value": 3}])
    services.publish(policy=services.create_or_update_draft(recognizer=world["orgs"]["state"], document=document, by=by), by=by)
    me = api(world["people"]["earner"])
    assert me.get(f"{BASE}/me/progress/").json()["policies"][0]["missing"] == ["the recognizer has no “years_licensed” on record"]
    with django_capture_on_commit_callbacks(execute=True):
        api(by).post(f"{BASE}/facts/", {"recognizer": "state-agency", "educator": "earner", "key": "years_licensed", "value": 4}, format="json")
    assert me.get(f"{BASE}/me/progress/").json()["policies"][0]["achieved"]
    assert Award.objects.filter(educator=world["people"]["earner"], state="active").count() == 1  # re-evaluated after commit
