"""Suspension through a second W3C Bitstring Status List (statusPurpose "suspension"): issuing both status entries,
suspend / lift a suspension (services, credential page, JSON API), what verifiers see, permissions, bad input."""
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from jsonschema import Draft201909Validator

from microcred.core.models import AuditEvent
from microcred.credentials import services, status
from microcred.credentials.standards import jsonld
from microcred.credentials.models import IssuedCredential, StatusList
from microcred.credentials.verify import verify_credential

from .conftest import earn
from .test_issuance import SCHEMA, formal_schema_errors

HTML = {"HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
NOT_ADMINS = ("other_admin", "author", "earner", "assessor", "platform_admin")


@pytest.fixture
def suspendable(world, published, settings):
    """A credential issued while MICROCRED_CREDENTIAL_SUSPENSION is on: revocation and suspension entries."""
    settings.MICROCRED_CREDENTIAL_SUSPENSION = True
    return services.issue_for_attempt(earn(world, published))


def admin(world):
    return world["people"]["issuer_admin"]


def page(credential):
    return f"/credentials/{credential.pk}"


def api(credential, action=""):
    return f"/api/v1/credentials/{credential.pk}/" + (f"{action}/" if action else "")


# --- issuing ------------------------------------------------------------------------------------------------


def test_new_credentials_carry_revocation_and_suspension_entries(suspendable, settings):
    entries = suspendable.credential["credentialStatus"]
    assert [entry["statusPurpose"] for entry in entries] == ["revocation", "suspension"]
    suspension = entries[1]
    assert suspension == {
        "id": f"{settings.SITE_URL}/status/issuer-one/suspension/1#{suspendable.suspension_index}",
        "type": "BitstringStatusListEntry", "statusPurpose": "suspension",
        "statusListIndex": str(suspendable.suspension_index),
        "statusListCredential": f"{settings.SITE_URL}/status/issuer-one/suspension/1"}
    assert suspendable.suspension_list.purpose == StatusList.Purpose.SUSPENSION
    assert jsonld.undefined_terms({k: v for k, v in suspendable.credential.items() if k != "proof"}) == []
    for form in (suspendable.credential, suspendable.jwt):
        report = verify_credential(form)
        assert report.verified, report.as_dict()
        assert report.get("status").message == "not revoked; not suspended"


def test_two_status_entries_are_the_only_departure_from_the_ob30_schema(suspendable):
    # VC 2.0 allows several credentialStatus entries; the OB 3.0.3 JSON Schema wants one object. Hence the setting.
    errors = formal_schema_errors(suspendable.credential)
    assert errors and all(error.startswith("['credentialStatus']") for error in errors)
    single = {**suspendable.credential, "credentialStatus": suspendable.credential["credentialStatus"][0]}
    assert formal_schema_errors(single) == []
    assert SCHEMA.exists()


def test_without_the_setting_credentials_keep_one_status_object(issued):
    assert isinstance(issued.credential["credentialStatus"], dict)
    assert issued.suspension_list is None and not issued.can_be_suspended
    assert formal_schema_errors(issued.credential) == []


def test_each_credential_gets_its_own_suspension_index(world, publish_mc, settings):
    settings.MICROCRED_CREDENTIAL_SUSPENSION = True
    first = services.issue_for_attempt(earn(world, publish_mc()))
    second = services.issue_for_attempt(earn(world, publish_mc(), earner_key="other_earner"))
    assert first.suspension_list_id == second.suspension_list_id
    assert first.suspension_index != second.suspension_index


# --- services -----------------------------------------------------------------------------------------------


def test_suspend_then_verifiers_say_suspended_then_lift_and_it_verifies_again(suspendable, world):
    services.suspend(suspendable, by=admin(world), reason="Under review: complaint about the evidence")
    suspendable.refresh_from_db()
    assert suspendable.state == IssuedCredential.State.SUSPENDED
    assert suspendable.suspended_by == admin(world) and suspendable.suspension_reason.startswith("Under review")
    for form in (suspendable.credential, suspendable.jwt):
        report = verify_credential(form)
        assert not report.verified and report.failed("status")
        assert "suspended" in report.get("status").message
    assert AuditEvent.objects.filter(action="credential.suspended", target_id=str(suspendable.pk),
                                     data__reason="Under review: complaint about the evidence").exists()

    services.unsuspend(suspendable, by=admin(world), reason="Review found no problem")
    suspendable.refresh_from_db()
    assert suspendable.state == IssuedCredential.State.ACTIVE and suspendable.suspended_at is None
    assert verify_credential(suspendable.credential).verified
    event = AuditEvent.objects.get(action="credential.unsuspended", target_id=str(suspendable.pk))
    assert event.data == {"reason": "Review found no problem",
                          "suspension_reason": "Under review: complaint about the evidence"}


@pytest.mark.parametrize("reason", ["", "   ", None, 5, ["x"]])
def test_a_reason_is_required(suspendable, world, reason):
    with pytest.raises(ValidationError) as refused:
        services.suspend(suspendable, by=admin(world), reason=reason)
    assert "reason" in refused.value.message_dict
    services.suspend(suspendable, by=admin(world), reason="ok")
    with pytest.raises(ValidationError):
        services.unsuspend(suspendable, by=admin(world), reason=reason)
    suspendable.refresh_from_db()
    assert suspendable.state == IssuedCredential.State.SUSPENDED


@pytest.mark.parametrize("person", NOT_ADMINS)
def test_only_issuer_admins_of_the_issuer_suspend_or_lift(suspendable, world, person):
    with pytest.raises(PermissionDenied):
        services.suspend(suspendable, by=world["people"][person], reason="no")
    services.suspend(suspendable, by=admin(world), reason="yes")
    with pytest.raises(PermissionDenied):
        services.unsuspend(suspendable, by=world["people"][person], reason="no")
    suspendable.refresh_from_db()
    assert suspendable.state == IssuedCredential.State.SUSPENDED


def test_repeats_keep_the_first_and_lifting_an_active_credential_changes_nothing(suspendable, world):
    services.suspend(suspendable, by=admin(world), reason="first")
    services.suspend(suspendable, by=admin(world), reason="second")
    suspendable.refresh_from_db()
    assert suspendable.suspension_reason == "first"
    assert AuditEvent.objects.filter(action="credential.suspended").count() == 1
    services.unsuspend(suspendable, by=admin(world), reason="done")
    services.unsuspend(suspendable, by=admin(world), reason="again")
    assert AuditEvent.objects.filter(action="credential.unsuspended").count() == 1


def test_revocation_is_final(suspendable, world):
    services.suspend(suspendable, by=admin(world), reason="Under review")
    services.revoke(suspendable, by=admin(world), reason="Review upheld the complaint")
    suspendable.refresh_from_db()
    assert suspendable.state == IssuedCredential.State.REVOKED
    with pytest.raises(ValidationError) as refused:
        services.unsuspend(suspendable, by=admin(world), reason="oops")
    assert "revoked (final)" in " ".join(refused.value.messages)
    report = verify_credential(suspendable.credential)
    assert "revoked" in report.get("status").message


def test_a_revoked_credential_cannot_be_suspended(suspendable, world):
    services.revoke(suspendable, by=admin(world), reason="Withdrawn")
    with pytest.raises(ValidationError):
        services.suspend(suspendable, by=admin(world), reason="x")
    suspendable.refresh_from_db()
    assert suspendable.suspended_at is None


def test_credential_without_a_suspension_entry_cannot_be_suspended(issued, world):
    with pytest.raises(ValidationError) as refused:
        services.suspend(issued, by=admin(world), reason="x")
    assert "without a suspension status entry" in " ".join(refused.value.messages)


# --- the published status list ------------------------------------------------------------------------------


def test_suspension_list_is_published_signed_and_seen_by_outside_verifiers(suspendable, world, client, settings):
    services.suspend(suspendable, by=admin(world), reason="Under review")
    url = suspendable.credential["credentialStatus"][1]["statusListCredential"]
    response = client.get(url[len(settings.SITE_URL):])
    assert response.status_code == 200 and response["Content-Type"] == "application/vc+ld+json"
    document = response.json()
    subject = document["credentialSubject"]
    assert subject["statusPurpose"] == "suspension" and document["id"] == url
    assert status.get_bit(status.decode_list(subject["encodedList"]), suspendable.suspension_index)
    revocations = client.get(suspendable.credential["credentialStatus"][0]["statusListCredential"][
        len(settings.SITE_URL):]).json()
    # With only the served documents (as if the lists were not ours), a verifier reaches the same answer.
    controller = client.get("/issuers/issuer-one").json()
    StatusList.objects.all().update(organization=world["orgs"]["other_issuer"])
    report = verify_credential(suspendable.credential, key_documents=[controller, document, revocations])
    assert report.failed("status") and "suspended" in report.get("status").message


# --- the credential page ------------------------------------------------------------------------------------


def test_page_offers_suspend_only_to_issuer_admins(client, world, suspendable):
    assert 'id="suspend"' not in client.get(page(suspendable), **HTML).content.decode()
    for key in ("earner", "other_admin", "assessor"):
        client.force_login(world["people"][key])
        assert 'id="suspend"' not in client.get(page(suspendable), **HTML).content.decode()
        assert client.post(page(suspendable) + "/suspend", {"reason": "no"}).status_code == 403
        assert client.post(page(suspendable) + "/unsuspend", {"reason": "no"}).status_code == 403
    suspendable.refresh_from_db()
    assert suspendable.suspended_at is None
    client.force_login(admin(world))
    body = client.get(page(suspendable), **HTML).content.decode()
    assert 'id="suspend"' in body and 'id="revoke"' in body and body.count('id="suspend_reason"') == 1


def test_anonymous_suspend_is_sent_to_login(client, suspendable):
    assert client.post(page(suspendable) + "/suspend", {"reason": "x"}).status_code == 302
    suspendable.refresh_from_db()
    assert suspendable.suspended_at is None


def test_page_suspend_needs_a_reason_shows_suspended_and_lifts(client, world, suspendable):
    client.force_login(admin(world))
    response = client.post(page(suspendable) + "/suspend", {"reason": "  "}, follow=True, **HTML)
    assert "Say why the credential is suspended" in response.content.decode()
    suspendable.refresh_from_db()
    assert suspendable.suspended_at is None
    client.post(page(suspendable) + "/suspend", {"reason": "<script>alert(1)</script> under review"})
    suspendable.refresh_from_db()
    assert suspendable.state == "suspended"
    client.logout()
    body = client.get(page(suspendable), **HTML).content.decode()
    assert "Suspended on" in body and "&lt;script&gt;alert(1)&lt;/script&gt; under review" in body
    assert "<script>alert(1)" not in body
    assert "has been suspended" in body  # the live verifier's own words
    client.force_login(admin(world))
    body = client.get(page(suspendable), **HTML).content.decode()
    assert 'id="unsuspend"' in body and 'id="suspend"' not in body
    client.post(page(suspendable) + "/unsuspend", {"reason": "Cleared"})
    suspendable.refresh_from_db()
    assert suspendable.state == "active"


def test_page_explains_why_an_old_credential_cannot_be_suspended(client, world, issued):
    client.force_login(admin(world))
    assert 'id="suspend"' not in client.get(page(issued), **HTML).content.decode()
    response = client.post(page(issued) + "/suspend", {"reason": "x"}, follow=True, **HTML)
    assert "without a suspension status entry" in response.content.decode()


# --- JSON API -----------------------------------------------------------------------------------------------


def post(client, url, body, content_type="application/json"):
    return client.post(url, body if isinstance(body, (str, bytes)) else json.dumps(body), content_type=content_type)


def test_api_suspend_lift_and_revoke(client, world, suspendable):
    client.force_login(admin(world))
    assert client.get(api(suspendable)).json()["state"] == "active"
    response = post(client, api(suspendable, "suspend"), {"reason": "Under review"})
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "suspended" and body["suspension_reason"] == "Under review" and body["can_be_suspended"]
    assert len(body["status_lists"]) == 2
    assert not verify_credential(suspendable.credential).verified
    assert post(client, api(suspendable, "unsuspend"), {"reason": "Cleared"}).json()["state"] == "active"
    assert verify_credential(suspendable.credential).verified
    assert post(client, api(suspendable, "revoke"), {"reason": "Withdrawn"}).json()["state"] == "revoked"
    refused = post(client, api(suspendable, "suspend"), {"reason": "again"})
    assert refused.status_code == 400 and "revoked (final)" in json.dumps(refused.json())


@pytest.mark.parametrize("body, content_type", [
    ({}, "application/json"), ({"reason": ""}, "application/json"), ({"reason": "   "}, "application/json"),
    ({"reason": 5}, "application/json"), ({"reason": ["x"]}, "application/json"), ({"reason": None}, "application/json"),
    ({"reason": "x" * 501}, "application/json"), ("[1, 2]", "application/json"), ('"text"', "application/json"),
    ("{not json", "application/json"), ('{"reason": "a", "reason": "b"}', "application/json"),
])
def test_api_bad_input_is_a_clear_400(client, world, suspendable, body, content_type):
    client.force_login(admin(world))
    response = post(client, api(suspendable, "suspend"), body, content_type)
    assert response.status_code == 400
    assert response.json()  # a message, never a stack trace
    suspendable.refresh_from_db()
    assert suspendable.suspended_at is None


def test_api_permissions(client, world, suspendable):
    assert client.get(api(suspendable)).status_code == 403  # not signed in
    assert post(client, api(suspendable, "suspend"), {"reason": "x"}).status_code == 403
    for key in ("earner", "other_admin", "assessor"):
        client.force_login(world["people"][key])
        assert client.get(api(suspendable)).status_code == 403
        assert post(client, api(suspendable, "suspend"), {"reason": "x"}).status_code == 403
    suspendable.visibility = IssuedCredential.Visibility.PRIVATE
    suspendable.save(update_fields=["visibility"])
    client.force_login(world["people"]["other_admin"])  # may not even learn that a private credential exists
    assert client.get(api(suspendable)).status_code == 404
    assert post(client, api(suspendable, "suspend"), {"reason": "x"}).status_code == 404
    suspendable.refresh_from_db()
    assert suspendable.suspended_at is None
    client.force_login(admin(world))  # the issuer manages its credentials whatever their visibility
    assert client.get(api(suspendable)).status_code == 200


def test_api_unknown_action_and_credential_are_404(client, world, suspendable):
    client.force_login(admin(world))
    assert post(client, api(suspendable, "delete"), {"reason": "x"}).status_code == 404
    assert client.get("/api/v1/credentials/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert post(client, "/api/v1/credentials/00000000-0000-0000-0000-000000000000/suspend/",
                {"reason": "x"}).status_code == 404


def test_schema_validator_is_available():
    Draft201909Validator.check_schema(json.loads(SCHEMA.read_text()))
