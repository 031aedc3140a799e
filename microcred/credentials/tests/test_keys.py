"""Issuer keys: encryption at rest, rotation, revocation, and the documents served at their URLs."""
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from microcred.credentials import keys
from microcred.credentials.models import IssuerKey
from microcred.credentials.verify import verify_credential


def test_ensure_keys_is_idempotent_and_private_keys_are_encrypted(world):
    org = world["orgs"]["issuer"]
    first = keys.ensure_keys(org)
    assert {k.algorithm for k in first} == {"Ed25519", "P-256"}
    assert [k.pk for k in keys.ensure_keys(org)] == [k.pk for k in first]
    for key in first:
        raw = keys._decrypt(key.encrypted_private_key)
        assert raw not in key.encrypted_private_key.encode() and key.encrypted_private_key.startswith("gAAAA")
    ed = next(k for k in first if k.algorithm == "Ed25519")
    assert ed.public_key.startswith("z6Mk")


def test_rotation_keeps_old_credentials_verifying(issued, world):
    org, admin = world["orgs"]["issuer"], world["people"]["issuer_admin"]
    old_ids = set(IssuerKey.objects.filter(organization=org).values_list("pk", flat=True))
    new = keys.rotate(org, by=admin)
    assert {k.status for k in IssuerKey.objects.filter(pk__in=old_ids)} == {"retired"}
    assert all(k.status == "active" and k.pk not in old_ids for k in new)
    assert verify_credential(issued.credential).verified
    assert verify_credential(issued.jwt).verified


def test_rotation_and_key_revocation_need_an_issuer_admin(world):
    org = world["orgs"]["issuer"]
    key = keys.ensure_keys(org)[0]
    for person in ("other_admin", "author", "earner"):
        with pytest.raises(PermissionDenied):
            keys.rotate(org, by=world["people"][person])
        with pytest.raises(PermissionDenied):
            keys.revoke_key(key, by=world["people"][person], reason="lost")
    with pytest.raises(ValidationError):
        keys.revoke_key(key, by=world["people"]["issuer_admin"], reason="  ")


def test_revoked_key_fails_what_it_signed(issued, world):
    admin = world["people"]["issuer_admin"]
    for key in IssuerKey.objects.filter(organization=issued.issuer):
        keys.revoke_key(key, by=admin, reason="key leaked")
    json_report, jwt_report = verify_credential(issued.credential), verify_credential(issued.jwt)
    assert json_report.failed("proof") and "revoked" in json_report.get("proof").message
    assert jwt_report.failed("proof") and "revoked" in jwt_report.get("proof").message


def test_documents_served_at_their_urls(client, issued, world, settings):
    org = world["orgs"]["issuer"]
    admin = world["people"]["issuer_admin"]
    keys.rotate(org, by=admin)
    retired = IssuerKey.objects.filter(organization=org, status="retired").first()
    keys.revoke_key(retired, by=admin, reason="test")
    controller = client.get("/issuers/issuer-one").json()
    assert controller["id"] == f"{settings.SITE_URL}/issuers/issuer-one"
    all_keys = IssuerKey.objects.filter(organization=org)
    assert len(controller["verificationMethod"]) == all_keys.count() == 4
    assert set(controller["assertionMethod"]) == {keys.key_url(k) for k in all_keys}
    assert [m for m in controller["verificationMethod"] if "revoked" in m] == [
        m for m in controller["verificationMethod"] if m["id"] == keys.key_url(retired)]

    vm = issued.credential["proof"][0]["verificationMethod"]
    path = vm[len(settings.SITE_URL):]
    document = client.get(path).json()
    assert document["id"] == vm and document["type"] == "Multikey" and document["controller"] == controller["id"]
    assert document["publicKeyMultibase"].startswith("z6Mk")
    p256 = all_keys.filter(algorithm="P-256", status="active").first()
    # A JWT kid: the plain JWK by default (OB 3.0 §8.2), the JsonWebKey document to a client asking for JSON-LD.
    jwk = client.get(keys.key_url(p256)[len(settings.SITE_URL):]).json()
    assert jwk["kty"] == "EC" and jwk["crv"] == "P-256" and "d" not in jwk and jwk["kid"] == keys.key_url(p256)
    jwk_doc = client.get(keys.key_url(p256)[len(settings.SITE_URL):], HTTP_ACCEPT="application/ld+json").json()
    assert jwk_doc["type"] == "JsonWebKey" and jwk_doc["publicKeyJwk"]["crv"] == "P-256" and "d" not in jwk_doc["publicKeyJwk"]

    did = client.get("/issuers/issuer-one/did.json").json()
    assert did["id"] == "did:web:localhost%3A8000:issuers:issuer-one"
    assert len(did["verificationMethod"]) == 4 and all(m["controller"] == did["id"] for m in did["verificationMethod"])
    assert client.get("/issuers/nobody/did.json").status_code == 404
    assert not any("encrypted" in json.dumps(d) for d in (controller, document, did))


def test_supplied_key_documents_verify_offline(issued, client, settings):
    # A verifier elsewhere holds only the published documents: give them and resolve nothing from our tables.
    controller = client.get("/issuers/issuer-one").json()
    report = verify_credential(issued.credential, key_documents=[controller])
    assert report.verified
