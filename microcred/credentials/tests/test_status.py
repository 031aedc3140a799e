"""Revocation through the W3C Bitstring Status List."""
import base64
import gzip

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from microcred.core.models import AuditEvent
from microcred.credentials import status
from microcred.credentials.standards import jsonld
from microcred.credentials.services import revoke
from microcred.credentials.verify import verify_credential


def test_revocation_flips_the_status_check(issued, world):
    assert verify_credential(issued.credential).get("status").ok
    revoke(issued, by=world["people"]["issuer_admin"], reason="Evidence was plagiarised")
    for form in (issued.credential, issued.jwt):
        report = verify_credential(form)
        assert not report.verified and report.failed("status") and "revoked" in report.get("status").message
    assert AuditEvent.objects.filter(action="credential.revoked", target_id=str(issued.pk)).exists()


def test_revocation_needs_a_reason_and_an_issuer_admin_of_the_issuer(issued, world):
    with pytest.raises(ValidationError):
        revoke(issued, by=world["people"]["issuer_admin"], reason=" ")
    for person in ("other_admin", "author", "earner", "assessor", "platform_admin"):
        with pytest.raises(PermissionDenied):
            revoke(issued, by=world["people"][person], reason="no")
    issued.refresh_from_db()
    assert issued.revoked_at is None


def test_status_list_credential_is_signed_and_encodes_the_bit(issued, world, client, settings):
    revoke(issued, by=world["people"]["issuer_admin"], reason="Withdrawn")
    url = issued.credential["credentialStatus"]["statusListCredential"]
    document = client.get(url[len(settings.SITE_URL):]).json()
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList" and subject["statusPurpose"] == "revocation"
    encoded = subject["encodedList"]
    assert encoded.startswith("u") and "=" not in encoded
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 == 131072 and status.get_bit(bits, issued.status_index)
    assert jsonld.undefined_terms({k: v for k, v in document.items() if k != "proof"}) == []
    # An outside verifier with only the served documents reaches the same answer.
    controller = client.get("/issuers/issuer-one").json()
    from microcred.credentials.models import StatusList

    StatusList.objects.all().update(organization=world["orgs"]["other_issuer"])  # not "ours" at that URL any more
    report = verify_credential(issued.credential, key_documents=[controller, document])
    assert report.failed("status") and "revoked" in report.get("status").message


def test_unreachable_status_list_is_status_unknown(issued):
    credential = dict(issued.credential)
    credential["credentialStatus"] = {**credential["credentialStatus"], "statusListCredential": "https://elsewhere.example/status/1"}
    report = verify_credential(credential)
    assert report.failed("status") and "status unknown" in report.get("status").message


def test_each_credential_gets_its_own_index(world, publish_mc):
    from microcred.credentials.services import issue_for_attempt

    from .conftest import earn

    a = issue_for_attempt(earn(world, publish_mc()))
    b = issue_for_attempt(earn(world, publish_mc(), earner_key="other_earner"))
    assert a.status_list == b.status_list and a.status_index != b.status_index
