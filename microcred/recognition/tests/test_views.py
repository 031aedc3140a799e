"""The recognition pages: what my work is worth, portability, authoring, dry run, publish, qualifiers, facts, CSV."""
import csv
import io
import json

import pytest

from microcred.credentials.services import revoke
from microcred.recognition import services
from microcred.recognition.models import Award, EducatorFact, Policy

from .pages_fixtures import (awarded, city_policy, city_published, city_recognizer, login, mcs,  # noqa: F401
                             published_policy, qualifiers_get, state_policy, two_credentials)

pytestmark = pytest.mark.django_db


def test_worth_page_shows_progress_awards_with_provenance_and_the_nav_link(client, world, awarded, mcs):
    page = login(client, world["people"]["earner"]).get("/recognition/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="/recognition/">My recognition</a>' in html
    assert "Tennessee-style renewal (illustrative)" in html and "Reach 60 PDP (you have 60 PDP)" in html and "Achieved" in html
    assert "PDP 60/60" not in html  # the machine label stays in the API, not on the teacher's page
    assert "License renewal PDPs" in html and "60 PDP" in html and "version 1" in html
    # Provenance: the two credentials that counted, by title.
    assert "Practice number 1</span> (issued" in html and "Practice number 2</span> (issued" in html


def test_a_withdrawn_award_shows_its_reason(client, world, awarded, two_credentials):
    revoke(two_credentials[0], by=world["people"]["issuer_admin"], reason="Evidence was not their own")
    services.evaluate_educator(world["people"]["earner"])
    html = login(client, world["people"]["earner"]).get("/recognition/").content.decode()
    assert "Withdrawn" in html and "Evidence was not their own" in html
    assert "1 more of" not in html and "30 PDP more" in html  # what is missing now


def test_progress_names_the_catalog_mcs_that_would_close_the_gap(client, world, mcs, published_policy):
    from microcred.credentials.services import issue_for_attempt
    from microcred.credentials.tests.conftest import earn

    issue_for_attempt(earn(world, mcs[0]))
    html = login(client, world["people"]["earner"]).get("/recognition/").content.decode()
    assert "Reach 60 PDP (you have 30 PDP)" in html and "30 PDP more" in html
    assert "Micro-credentials that would close the gap" in html
    for v in mcs[1:]:
        assert f'href="/catalog/mc/{v.micro_credential.slug}/"' in html
    assert f'href="/catalog/mc/{mcs[0].micro_credential.slug}/"' not in html  # already held


def test_no_policy_says_so(client, world):
    html = login(client, world["people"]["earner"]).get("/recognition/").content.decode()
    assert "No published recognition policy applies to you yet" in html and "No awards yet" in html


def test_portability_shows_other_recognizers_policies_only(client, world, two_credentials, published_policy, city_published):
    html = login(client, world["people"]["earner"]).get("/recognition/portability/").content.decode()
    assert "City stipend (illustrative)" in html and "One-time stipend" in html and "Achieved" in html
    assert "Tennessee-style renewal" not in html  # their own state's policy is on the main page
    assert not Award.objects.exists()  # nothing saved


# --- Recognizer pages ----------------------------------------------------------------------------------------------

def test_manage_lists_policies_with_their_versions(client, world, published_policy):
    by = world["people"]["recognizer"]
    services.create_or_update_draft(recognizer=world["orgs"]["state"], document=state_policy(title="Renewal, revised"), by=by)
    html = login(client, by).get("/recognition/manage/").content.decode()
    assert "State Agency" in html and "v1 Published" in html and "v2 Draft" in html
    assert 'href="/recognition/manage/state-agency/awards.csv"' in html


def test_authoring_saves_a_draft_from_yaml(client, world):
    c = login(client, world["people"]["recognizer"])
    form = c.get("/recognition/manage/state-agency/new/")
    assert form.status_code == 200 and "recognizer: state-agency" in form.content.decode()
    yaml_text = """
format: microcred.policy/1
slug: sc-renewal
title: South Carolina-style renewal
recognizer: state-agency
effective_from: 2025-01-01
approved: {issuers: [issuer-one]}
rules:
  - {kind: convert, per_mc: 20, unit: credit}
  - {kind: cycle_window, years: 5}
  - {kind: threshold, unit: credit, min: 120}
outcomes:
  - {key: renewal, kind: credits, name: Renewal credit, unit: credit}
"""
    response = c.post("/recognition/manage/state-agency/new/", {"document": yaml_text})
    assert response.status_code == 302 and response["Location"] == "/recognition/policies/sc-renewal/"
    policy = Policy.objects.get(slug="sc-renewal")
    assert (policy.state, policy.version, policy.effective_from.isoformat()) == ("draft", 1, "2025-01-01")
    page = c.get(response["Location"]).content.decode()
    assert "v1" in page and "Draft" in page and "Publish v1" in page and "slug: sc-renewal" in page


def test_a_refused_document_keeps_what_was_typed_and_names_the_path(client, world):
    c = login(client, world["people"]["recognizer"])
    bad = json.dumps(state_policy(rules=[{"kind": "convert", "per_mc": -6, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 60}]))
    response = c.post("/recognition/manage/state-agency/new/", {"document": bad})
    html = response.content.decode()
    assert response.status_code == 400 and "The document was not saved" in html
    assert "<code>rules[0].per_mc</code>: Must be greater than 0." in html
    assert "&quot;per_mc&quot;: -6" in html  # the textarea re-renders exactly what they typed
    assert not Policy.objects.exists()


@pytest.mark.parametrize("text, message", [
    ("format: [unclosed", "Neither valid JSON nor valid YAML"),
    ("- just\n- a list", "A policy document is an object"),
    ("a: &x [1]\nb: *x", "YAML anchors and aliases"),
    ("[" * 5000, "nested too deeply"),
    ('{"a":' * 3000 + "1" + "}" * 3000, "nested too deeply"),
    ("", "The document is empty"),
    ("title: !!python/object/apply:os.system ['touch /tmp/pwned']", "Neither valid JSON nor valid YAML"),
    ("title: x\x00y", "Null characters are not allowed"),
], ids=["yaml-syntax", "not-a-mapping", "yaml-alias", "deep-list", "deep-object", "empty", "yaml-python-tag", "nul"])
def test_malformed_documents_are_refused_clearly(client, world, text, message):
    response = login(client, world["people"]["recognizer"]).post("/recognition/manage/state-agency/new/", {"document": text})
    assert response.status_code == 400 and message in response.content.decode()
    assert not Policy.objects.exists()


def test_an_oversized_document_is_refused_with_the_limit(client, world):
    big = state_policy(description="x" * (300 * 1024))
    response = login(client, world["people"]["recognizer"]).post("/recognition/manage/state-agency/new/", {"document": json.dumps(big)})
    assert response.status_code == 400 and "too large" in response.content.decode() and "256 KB" in response.content.decode()
    assert not Policy.objects.exists()


def test_hostile_text_in_a_document_is_shown_as_text(client, world, two_credentials):
    c = login(client, world["people"]["recognizer"])
    hostile = state_policy(title="<script>alert(1)</script>", description="<img src=x onerror=alert(2)>")
    assert c.post("/recognition/manage/state-agency/new/", {"document": json.dumps(hostile)}).status_code == 302
    html = c.get("/recognition/policies/tn-renewal/").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    services.publish(policy=Policy.objects.get(), by=world["people"]["recognizer"])
    html = login(client, world["people"]["earner"]).get("/recognition/").content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(2)&gt;" in html


def test_yaml_dates_and_the_editing_round_trip(client, world, published_policy):
    c = login(client, world["people"]["recognizer"])
    page = c.get("/recognition/policies/tn-renewal/").content.decode()
    assert "effective_from: &#x27;2020-01-01&#x27;" in page  # YAML of the stored document
    from microcred.recognition.forms import document_text

    text = document_text(state_policy(title="Renewal, revised")).replace("'2020-01-01'", "2021-01-01")  # an unquoted YAML date
    response = c.post("/recognition/policies/tn-renewal/", {"document": text})
    assert response.status_code == 302
    draft = Policy.objects.get(slug="tn-renewal", state="draft")
    assert (draft.version, draft.title, draft.document["effective_from"]) == (2, "Renewal, revised", "2021-01-01")


def test_dry_run_then_publish(client, world, two_credentials):
    by = world["people"]["recognizer"]
    draft = services.create_or_update_draft(recognizer=world["orgs"]["state"], document=state_policy(), by=by)
    c = login(client, by)
    html = c.get(f"/recognition/policies/tn-renewal/v{draft.version}/dry-run/").content.decode()
    assert '<dd id="would-qualify">1</dd>' in html and '<dd id="new-awards">1</dd>' in html
    assert "Earner Tester" in html and "award</span> <span translate=\"no\">renewal</span>" in html
    assert not Award.objects.exists()  # a dry run writes nothing
    # Publishing asks first, saying how many awards it will create (issue 15: 18 awards were made without asking).
    asked = c.post(f"/recognition/policies/tn-renewal/v{draft.version}/publish/")
    assert asked.status_code == 200 and '<dd id="confirm-new-awards">1</dd>' in asked.content.decode()
    assert "Publish and create 1 award" in asked.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft" and not Award.objects.exists()
    response = c.post(f"/recognition/policies/tn-renewal/v{draft.version}/publish/", {"confirmed": "yes"})
    assert response.status_code == 302 and response["Location"] == "/recognition/policies/tn-renewal/qualifiers/"
    draft.refresh_from_db()
    assert draft.state == "published"
    assert c.get(f"/recognition/policies/tn-renewal/v{draft.version}/publish/").status_code == 405  # never on GET


def test_publishing_re_evaluates_everyone_after_commit(client, world, two_credentials, django_capture_on_commit_callbacks):
    by = world["people"]["recognizer"]
    draft = services.create_or_update_draft(recognizer=world["orgs"]["state"], document=state_policy(), by=by)
    with django_capture_on_commit_callbacks(execute=True):
        login(client, by).post(f"/recognition/policies/tn-renewal/v{draft.version}/publish/", {"confirmed": "yes"})
    award = Award.objects.get()
    assert (award.educator, award.policy_id, award.state) == (world["people"]["earner"], draft.pk, "active")


def test_qualifiers_lists_who_qualifies_or_is_close_and_counts_by_district(client, world, mcs, published_policy,
                                                                          qualifiers_get):
    from microcred.credentials.services import issue_for_attempt
    from microcred.credentials.tests.conftest import earn

    for v in mcs[:2]:
        issue_for_attempt(earn(world, v))
    by = world["people"]["recognizer"]
    close = services.create_or_update_draft(recognizer=world["orgs"]["state"], by=by, document=state_policy(
        slug="close-one", rules=[{"kind": "convert", "per_mc": 30, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 80}]))
    services.publish(policy=close, by=by)
    c = login(client, by)
    html = qualifiers_get(c, "/recognition/policies/tn-renewal/qualifiers/").content.decode()
    assert "Qualify (1)" in html and "Close (0)" in html and "Earner Tester" in html
    hidden = "not shown (small group)"  # one educator: a small cell (microcred/core/suppression.py)
    assert f"<td>Rural District</td><td>{hidden}</td><td>{hidden}</td><td>0</td>" in html
    html = qualifiers_get(c, "/recognition/policies/close-one/qualifiers/").content.decode()
    assert "Qualify (0)" in html and "Close (1)" in html and "75%" in html and "20 more PDP" in html


def test_facts_form_records_a_typed_fact(client, world):
    c = login(client, world["people"]["recognizer"])
    response = c.post("/recognition/manage/state-agency/facts/", {"username": "earner", "key": "years_licensed", "value": "4"})
    assert response.status_code == 302
    fact = EducatorFact.objects.get()
    assert (fact.key, fact.value, fact.educator.username) == ("years_licensed", 4, "earner")
    c.post("/recognition/manage/state-agency/facts/", {"username": "earner", "key": "evaluation_rating", "value": "effective"})
    assert EducatorFact.objects.get(key="evaluation_rating").value == "effective"
    response = c.post("/recognition/manage/state-agency/facts/", {"username": "nobody", "key": "years licensed!", "value": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "This field is required" in html and "slug" in html


def test_awards_csv_for_licensure_and_payroll(client, world, awarded, two_credentials):
    from microcred.accounts.models import EducatorProfile

    EducatorProfile.objects.create(user=world["people"]["earner"], state="TN", district=world["orgs"]["district"], license_number="TN-12345",
                                  license_type="Professional")  # facts imported in bulk (rosters' educator facts CSV)
    response = login(client, world["people"]["recognizer"]).get("/recognition/manage/state-agency/awards.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="awards-state-agency-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (row["username"], row["license_number"], row["district"], row["policy"], row["policy_version"], row["outcome"],
            row["amount"], row["unit"], row["state"]) == ("earner", "TN-12345", "Rural District", "tn-renewal", "1",
                                                          "License renewal PDPs", "60.00", "PDP", "active")
    assert sorted(row["credential_ids"].split()) == sorted(str(c.pk) for c in two_credentials)
    assert row["license_type"] == "Professional"


def test_csv_cells_never_start_a_formula(client, world, two_credentials):
    by = world["people"]["recognizer"]
    hostile = state_policy(outcomes=[{"key": "renewal", "kind": "credits", "name": "=HYPERLINK(\"http://evil\",\"x\")", "unit": "PDP"}])
    services.publish(policy=services.create_or_update_draft(recognizer=world["orgs"]["state"], document=hostile, by=by), by=by)
    earner = world["people"]["earner"]
    earner.first_name, earner.last_name = "+SUM(1,2)", "@cmd"
    earner.save()
    services.evaluate_educator(earner)
    body = b"".join(login(client, by).get("/recognition/manage/state-agency/awards.csv?state=all").streaming_content).decode()
    row = list(csv.DictReader(io.StringIO(body)))[0]
    assert row["outcome"] == "'=HYPERLINK(\"http://evil\",\"x\")" and row["educator"] == "'+SUM(1,2) @cmd"
    from microcred.recognition.exports import csv_cell

    assert [csv_cell(v) for v in ("-1", "@x", "\tx", "ok", 5, None, ["a", "b"])] == ["'-1", "'@x", "'\tx", "ok", "5", "", "a b"]


def test_awards_csv_names_the_format_of_imported_credentials(client, world, awarded, settings):
    """Recognizers see an imported credential's format (e.g. Open Badges 2.0) where they see it: the awards export."""
    from microcred.credentials.services import import_external_credential
    from microcred.credentials.tests import ob2_examples as ex

    earner = world["people"]["earner"]
    key = ex.rsa_key()
    from microcred.credentials.models import KnownIssuer

    KnownIssuer.objects.create(identifier=ex.ISSUER_ID, name="Example Badge Academy", key_documents=[ex.cryptographic_key(key)])
    imported = import_external_credential(earner=earner, data=ex.sign(ex.assertion(earner.email, signed=True), key))
    assert imported.issuer_confirmed
    awarded.provenance = {**awarded.provenance, "credentials": [*awarded.provenance["credentials"], str(imported.pk)]}
    awarded.save(update_fields=["provenance"])
    response = login(client, world["people"]["recognizer"]).get("/recognition/manage/state-agency/awards.csv")
    row = next(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["imported_credentials"] == f"{imported.pk}: Open Badges 2.0, imported (signed (JWS))"
