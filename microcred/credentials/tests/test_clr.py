"""The Comprehensive Learner Record: signed by the platform, nested credentials intact, stack associations."""
import json

import pytest

from microcred.catalog import services as catalog_services
from microcred.catalog.models import Stack
from microcred.credentials import clr, services
from microcred.credentials.standards import jsonld
from microcred.credentials.tests.conftest import earn
from tests.standards_data import VECTORS

VECTOR = VECTORS / "1edtech-clr2-eddsa-rdfc-2022" / "unsigned-credential.json"


@pytest.fixture
def stacked(world, published, publish_mc):
    """The published MC in a published stack, which is itself in a published pathway."""
    admin = world["people"]["issuer_admin"]
    issuer = world["orgs"]["issuer"]
    stack = catalog_services.save_stack(owner=issuer, by=admin, title="Literacy stack", description="Reading.",
                                        items=[{"micro_credential": published.micro_credential}], slug="literacy")
    catalog_services.set_stack_state(stack=stack, state=Stack.State.PUBLISHED, by=admin)
    pathway = catalog_services.save_stack(owner=issuer, by=admin, title="Literacy pathway", kind=Stack.Kind.PATHWAY,
                                          items=[{"child_stack": stack}], slug="literacy-pathway")
    catalog_services.set_stack_state(stack=pathway, state=Stack.State.PUBLISHED, by=admin)
    return stack, pathway


def test_clr_is_signed_by_the_platform_and_everything_verifies(world, issued, stacked):
    earner = world["people"]["earner"]
    document = clr.signed_clr(earner)
    assert document["type"] == ["VerifiableCredential", "ClrCredential"]
    assert document["issuer"]["id"].endswith("/issuers/microcred-platform")
    assert jsonld.undefined_terms({k: v for k, v in document.items() if k != "proof"}) == []
    subject = document["credentialSubject"]
    assert subject["type"] == ["ClrSubject"]
    assert subject["verifiableCredential"] == [issued.credential]  # exactly as issued
    result = clr.verify_clr(document)
    assert result["verified"], result
    assert all(report["verified"] for report in result["credentials"])


def test_clr_associates_achievements_with_their_stacks(world, issued, stacked):
    subject = clr.build_clr(world["people"]["earner"])["credentialSubject"]
    mc_id = issued.credential["credentialSubject"]["achievement"]["id"]
    stack_id, pathway_id = (clr.stack_url(s) for s in stacked)
    by_id = {a["id"]: a for a in subject["achievement"]}
    assert by_id[stack_id]["achievementType"] == "LearningProgram"
    links = {(a["sourceId"], a["associationType"], a["targetId"]) for a in subject["association"]}
    assert links == {(mc_id, "isPartOf", stack_id), (stack_id, "isPartOf", pathway_id)}
    assert all(a["type"] == "Association" for a in subject["association"])


def test_clr_leaves_out_revoked_credentials_and_other_earners(world, issued, published):
    other = services.issue_for_attempt(earn(world, published, earner_key="other_earner"))
    services.revoke(issued, by=world["people"]["issuer_admin"], reason="Plagiarised evidence")
    subject = clr.build_clr(world["people"]["earner"])["credentialSubject"]
    assert subject["verifiableCredential"] == []
    assert clr.build_clr(world["people"]["other_earner"])["credentialSubject"]["verifiableCredential"] == [other.credential]


def test_tampered_clr_fails(world, issued):
    document = clr.signed_clr(world["people"]["earner"])
    document["name"] = "Somebody else's record"
    assert not clr.verify_clr(document)["verified"]


def test_clr_structure_matches_the_1edtech_example(world, issued, stacked):
    example = json.loads(VECTOR.read_text())
    ours = clr.build_clr(world["people"]["earner"])
    assert ours["@context"] == example["@context"]
    assert ours["type"] == example["type"]
    assert set(example) - {"id"} <= set(ours)
    assert set(example["credentialSubject"]) - {"id"} <= set(ours["credentialSubject"])
    assert set(example["credentialSubject"]["association"][0]) == set(ours["credentialSubject"]["association"][0])
    assert ours["credentialSchema"] == example["credentialSchema"]


def test_clr_download_needs_login_and_is_a_json_attachment(client, world, issued):
    assert client.get("/credentials/mine/clr").status_code == 302
    client.force_login(world["people"]["earner"])
    response = client.get("/credentials/mine/clr")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert clr.verify_clr(document)["verified"]
