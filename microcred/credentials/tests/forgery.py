"""Credentials made by someone else with their own keys, for tests: external issuers and forgeries."""
from __future__ import annotations

import copy

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from microcred.credentials.standards import dataintegrity

OB3_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]


def new_did_key() -> tuple[Ed25519PrivateKey, str, str]:
    """(private key, did:key, verification method id)."""
    private = Ed25519PrivateKey.generate()
    multikey = dataintegrity.public_key_to_multikey(private.public_key())
    did = f"did:key:{multikey}"
    return private, did, f"{did}#{multikey}"


def credential(issuer_id: str, *, name="Teamwork", issuer_name="Somewhere Else", credential_id="urn:uuid:5e0c3b9e-6b55-4f4d-9d7e-000000000001") -> dict:
    return {
        "@context": list(OB3_CONTEXT), "id": credential_id, "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": issuer_name},
        "validFrom": "2024-01-01T00:00:00Z", "name": name,
        "credentialSubject": {"id": "did:example:learner", "type": ["AchievementSubject"], "achievement": {
            "id": "https://example.org/achievements/teamwork", "type": ["Achievement"], "name": name,
            "description": "Works well with others.", "criteria": {"narrative": "Peer nominated."}}},
    }


def sign(document: dict, private, method_id: str) -> dict:
    unsigned = {k: copy.deepcopy(v) for k, v in document.items() if k != "proof"}
    return dataintegrity.sign(unsigned, private_key=private, verification_method=method_id,
                              created="2024-01-01T00:00:00Z")


def self_issued_did_key_credential(**fields) -> tuple[dict, str]:
    """A credential whose issuer is the did:key that signs it (bound, but unknown to the platform)."""
    private, did, method = new_did_key()
    return sign(credential(did, **fields), private, method), did


def resigned_with_did_key(document: dict, **changes) -> dict:
    """Forgery (a)/(b): the document, changed, re-signed with a fresh did:key of the forger's own."""
    private, _did, method = new_did_key()
    forged = copy.deepcopy({k: v for k, v in document.items() if k != "proof"})
    forged.update(changes)
    return sign(forged, private, method)


def controller_document(issuer_id: str, private, method_id: str | None = None) -> dict:
    """A controller document naming ``issuer_id`` as controller of the key (what forgery (c) uploads)."""
    multikey = dataintegrity.public_key_to_multikey(private.public_key())
    method_id = method_id or f"{issuer_id}#{multikey}"
    return {"@context": ["https://www.w3.org/ns/cid/v1"], "id": issuer_id, "verificationMethod": [
        {"id": method_id, "type": "Multikey", "controller": issuer_id, "publicKeyMultibase": multikey}],
        "assertionMethod": [method_id]}
