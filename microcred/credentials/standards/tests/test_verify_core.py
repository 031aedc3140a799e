"""The pure verification core, with no Django and no database: what the platform knows comes in through
``verify.Platform`` callbacks, and without them only trusted documents and did:key bind."""
from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from microcred.credentials.standards import bitstring, dataintegrity, vcjwt
from microcred.credentials.standards.verify import (
    CHECKS, NO_PLATFORM, DocumentUnavailable, Platform, PlatformKey, RegisteredIssuer, document_url,
    verify_credential,
)

ISSUER = "https://issuer.example/issuers/one"
OB3_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
STATUS_URL = "https://issuer.example/status/one/revocation/1"
PRIVATE = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
MULTIKEY = dataintegrity.public_key_to_multikey(PRIVATE.public_key())
METHOD = f"{ISSUER}#{MULTIKEY}"
KEY_METHOD = {"id": METHOD, "type": "Multikey", "controller": ISSUER, "publicKeyMultibase": MULTIKEY}
KEY_DOCUMENT = {"id": ISSUER, "verificationMethod": [KEY_METHOD]}


def credential(issuer: str = ISSUER, **extra) -> dict:
    return {
        "@context": list(OB3_CONTEXT), "id": "urn:uuid:0b9f8a2e-1c1e-4c55-8f3e-000000000012",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": "Issuer One"},
        "validFrom": "2024-01-01T00:00:00Z", "name": "Teamwork",
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"], "achievement": {
            "id": "https://issuer.example/achievements/teamwork", "type": ["Achievement"], "name": "Teamwork",
            "description": "Works well with others.", "criteria": {"narrative": "Peer nominated."}}},
        **extra,
    }


def signed(document: dict, private=PRIVATE, method: str = METHOD) -> dict:
    return dataintegrity.sign(copy.deepcopy(document), private_key=private, verification_method=method,
                              created="2024-01-01T00:00:00Z")


def status_entry(index: int) -> dict:
    return {"id": f"{STATUS_URL}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
            "statusListIndex": str(index), "statusListCredential": STATUS_URL}


def test_a_signed_credential_verifies_with_a_trusted_key_document_and_no_platform():
    report = verify_credential(signed(credential()), key_documents=[KEY_DOCUMENT])
    assert report.verified, report.as_dict()
    assert [c.check for c in report.checks] == list(CHECKS)
    assert report.issuer.known and report.issuer.how == "vouched for by the operator (a trusted key document)"


def test_without_a_platform_an_https_issuers_key_is_not_known_and_nothing_is_fetched():
    report = verify_credential(signed(credential()))
    assert not report.verified and report.failed("proof")
    assert "online lookup of issuer documents is off" in report.get("proof").message


def test_a_tampered_credential_fails_the_proof():
    document = signed(credential())
    document["name"] = "Leadership"
    assert verify_credential(document, key_documents=[KEY_DOCUMENT]).failed("proof")


def test_a_self_issued_did_key_credential_binds_but_its_issuer_is_unknown():
    private = Ed25519PrivateKey.generate()
    multikey = dataintegrity.public_key_to_multikey(private.public_key())
    did = f"did:key:{multikey}"
    report = verify_credential(signed(credential(did), private, f"{did}#{multikey}"))
    assert report.verified and not report.issuer_known
    assert report.issuer.how == "signed by an issuer this platform does not know"


def test_the_platform_key_callback_binds_only_to_its_issuer_ids():
    asked = []

    def platform_key(method_id):
        asked.append(method_id)
        return PlatformKey(method=KEY_METHOD, issuer_ids=(ISSUER, "did:web:issuer.example"))

    platform = Platform(platform_key=platform_key, own_issuer=lambda issuer_id: "Issuer One")
    report = verify_credential(signed(credential()), platform=platform)
    assert report.verified and report.issuer.how == "this platform's own issuer Issuer One"
    assert asked == [METHOD]
    other = "https://elsewhere.example/issuer"
    report = verify_credential(signed(credential(other)), platform=platform)
    assert report.failed("proof")
    assert f"belongs to this platform's issuer {ISSUER}, not to the issuer {other}" in report.get("proof").message


def test_a_platform_key_that_may_not_be_used_is_a_failed_proof():
    def revoked(method_id):
        raise LookupError(f"key {method_id} was revoked")

    report = verify_credential(signed(credential()), platform=Platform(platform_key=revoked))
    assert report.failed("proof") and "was revoked" in report.get("proof").message


def test_a_registered_known_issuers_documents_bind_and_describe_it():
    looked_up = []

    def known_issuer(issuer_id):
        looked_up.append(issuer_id)
        return RegisteredIssuer(identifier=ISSUER, key_documents=[KEY_DOCUMENT], description="a known issuer (One)")

    report = verify_credential(signed(credential()), platform=Platform(known_issuer=known_issuer))
    assert report.verified and report.issuer_known and report.issuer.how == "a known issuer (One)"
    assert set(looked_up) == {ISSUER}


def test_the_status_list_callback_decides_revocation():
    bits = bytearray(16 * 1024)
    document = signed(credential(credentialStatus=status_entry(7)))
    clear = Platform(status_list=lambda url: (bytes(bits), "revocation") if url == STATUS_URL else None)
    assert verify_credential(document, key_documents=[KEY_DOCUMENT], platform=clear).verified
    bits[0] = 0x80 >> 7
    assert bitstring.get_bit(bytes(bits), 7)
    revoked = Platform(status_list=lambda url: (bytes(bits), "revocation"))
    report = verify_credential(document, key_documents=[KEY_DOCUMENT], platform=revoked)
    assert report.failed("status") and "revoked by its issuer" in report.get("status").message
    unknown = verify_credential(document, key_documents=[KEY_DOCUMENT])
    assert unknown.failed("status") and "not available offline" in unknown.get("status").message


def test_a_status_list_credential_supplied_by_the_trusted_caller_is_decoded():
    bits = bytearray(16 * 1024)
    bits[0] = 0x80 >> 3
    status_list = signed({
        "@context": ["https://www.w3.org/ns/credentials/v2"], "id": STATUS_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"], "issuer": ISSUER,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": f"{STATUS_URL}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": bitstring.encode_list(bytes(bits))}})
    documents = {ISSUER: KEY_DOCUMENT, STATUS_URL: status_list}
    assert bitstring.decode_list(status_list["credentialSubject"]["encodedList"]) == bytes(bits)
    assert verify_credential(signed(credential(credentialStatus=status_entry(2))), key_documents=documents).verified
    report = verify_credential(signed(credential(credentialStatus=status_entry(3))), key_documents=documents)
    assert report.failed("status") and "revoked" in report.get("status").message


def test_online_mode_asks_the_issuer_document_callback_and_checks_what_it_answers():
    did = "did:web:issuer.example"
    method = f"{did}#{MULTIKEY}"
    document = {"id": did, "verificationMethod": [{**KEY_METHOD, "id": method, "controller": did}]}
    fetched = []
    platform = Platform(issuer_document=lambda issuer: fetched.append(issuer) or document,
                        online_enabled=lambda: True)
    credential_of_did = signed(credential(did), method=method)
    assert verify_credential(credential_of_did, platform=platform).verified and fetched == [did]
    assert verify_credential(credential_of_did, platform=platform, online=False).failed("proof")

    def refused(issuer):
        raise DocumentUnavailable("refused: a private address")

    report = verify_credential(credential_of_did, platform=Platform(issuer_document=refused), online=True)
    assert report.failed("proof") and "could not fetch the issuer's document: refused" in report.get("proof").message
    assert document_url(did) == "https://issuer.example/.well-known/did.json"


def test_a_vc_jwt_verifies_with_a_p256_key_of_the_issuer():
    private = ec.generate_private_key(ec.SECP256R1())
    numbers = private.public_key().public_numbers()
    jwk = {"kty": "EC", "crv": "P-256", "x": vcjwt.pyjwt.utils.base64url_encode(numbers.x.to_bytes(32, "big")).decode(),
           "y": vcjwt.pyjwt.utils.base64url_encode(numbers.y.to_bytes(32, "big")).decode()}
    kid = f"{ISSUER}#p256"
    token = vcjwt.sign(credential(), private_key=private, kid=kid, issued_at=datetime(2024, 1, 1, tzinfo=timezone.utc))
    documents = [{"id": ISSUER, "verificationMethod": [{"id": kid, "type": "JsonWebKey", "controller": ISSUER,
                                                        "publicKeyJwk": jwk}]}]
    report = verify_credential(token, key_documents=documents)
    assert report.verified and report.format == "jwt", report.as_dict()
    assert not verify_credential(token).verified


@pytest.mark.parametrize("data, reason", [
    (b"", "input is empty"), ("[]", "expected a credential"), (b"\xff\xfe", "not UTF-8"),
    ("[" * 100 + "]" * 100, "nests deeper"), (12, "expected a credential"),
])
def test_bad_input_is_a_failed_parse_never_an_exception(data, reason):
    report = verify_credential(data, platform=NO_PLATFORM)
    assert report.failed("parse") and reason in report.get("parse").message
    assert [c.status for c in report.checks[1:]] == ["skipped"] * (len(CHECKS) - 1)


def test_a_callback_that_crashes_is_reported_not_raised():
    def broken(_):
        raise RuntimeError("database is down")

    report = verify_credential(signed(credential()), key_documents=[KEY_DOCUMENT],
                               platform=Platform(own_issuer=broken))
    assert not report.verified and report.get("internal") is not None
