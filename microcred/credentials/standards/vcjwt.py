"""The credential as a VC-JWT (JWS compact, ES256) with PyJWT.

Payload choice: the OB 3.0 specification, since it moved to VCDM 2.0 (context 3.0.3), secures a credential
with JOSE by making the credential itself the JWT payload (as W3C VC-JOSE-COSE does), not by wrapping it in a
``vc`` claim as VCDM 1.1's VC-JWT did. The registered claims are added next to the credential's properties:
``iss`` = issuer.id, ``jti`` = id, ``nbf`` = validFrom, ``iat`` = signing time, ``sub`` = credentialSubject.id, or,
when the subject has no id (ours are identified by a salted hash of the e-mail), ``<credential id>#subject``: an
IRI (the payload stays valid JSON-LD) naming "the subject of this credential" that correlates nothing more than the
credential id already does; ``exp`` = validUntil if any.

Verification also accepts the OB 3.0 §8.2 / VCDM 1.1 form where the credential is the ``vc`` claim.
The VCDM 2.0 context defines these claim names, so the payload stays valid JSON-LD. The embedded Data
Integrity proof is not part of the payload: the JWS is the proof.
"""
from __future__ import annotations

import base64
import copy
from datetime import datetime
from datetime import timezone as dt_timezone

import jwt as pyjwt
from cryptography.hazmat.primitives.asymmetric import ec

ALGORITHM = "ES256"
REGISTERED_CLAIMS = ("iss", "jti", "sub", "nbf", "iat", "exp")


def _epoch(value: str) -> int:
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt_timezone.utc).timestamp())


def _issuer_id(credential: dict):
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def claims_for(credential: dict, *, issued_at: datetime) -> dict:
    """The JWT claims set: the credential without its embedded proof, plus the registered claims."""
    payload = {key: copy.deepcopy(value) for key, value in credential.items() if key != "proof"}
    payload["iss"] = _issuer_id(credential)
    payload["jti"] = credential["id"]
    subject_id = subject_identifier(credential)
    if subject_id:
        payload["sub"] = subject_id
    payload["nbf"] = _epoch(credential["validFrom"])
    payload["iat"] = int(issued_at.timestamp())
    if credential.get("validUntil"):
        payload["exp"] = _epoch(credential["validUntil"])
    return payload


def subject_identifier(credential: dict) -> str | None:
    """The JWT ``sub``: credentialSubject.id, else ``<credential id>#subject`` (see the module docstring)."""
    subject = credential.get("credentialSubject")
    subject = subject[0] if isinstance(subject, list) and subject else subject
    if isinstance(subject, dict) and isinstance(subject.get("id"), str) and subject["id"]:
        return subject["id"]
    return f"{credential['id']}#subject" if isinstance(credential.get("id"), str) else None


def sign(credential: dict, *, private_key, kid: str, issued_at: datetime) -> str:
    """A compact JWS of the credential; header {alg: ES256, kid: verification method URL, typ: JWT}."""
    return pyjwt.encode(claims_for(credential, issued_at=issued_at), private_key, algorithm=ALGORITHM,
                        headers={"kid": kid, "typ": "JWT"})


def unverified_parts(token: str) -> tuple[dict, dict]:
    """Header and payload without checking anything; raises pyjwt.DecodeError if malformed."""
    header = pyjwt.get_unverified_header(token)
    payload = pyjwt.decode(token, options={"verify_signature": False})
    return header, payload


def verify(token: str, public_key) -> dict:
    """The verified claims; raises a pyjwt.PyJWTError subclass on a bad signature, alg or time claim."""
    return pyjwt.decode(token, public_key, algorithms=[ALGORITHM],
                        options={"require": ["iss", "jti", "nbf"], "verify_aud": False})


def credential_from_claims(claims: dict) -> dict:
    """The credential carried by a VC-JWT payload: the ``vc`` claim (OB 3.0 §8.2, VCDM 1.1 JWT form) if there
    is one, else the payload itself (VC-JOSE-COSE) with the registered claims removed."""
    if isinstance(claims.get("vc"), dict):
        return claims["vc"]
    return {key: value for key, value in claims.items() if key not in REGISTERED_CLAIMS}


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ec_public_key_from_jwk(jwk: dict) -> ec.EllipticCurvePublicKey:
    """A P-256 public key from a JWK; raises ValueError for anything else."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ValueError("not a P-256 JWK")
    x, y = _b64url_decode(jwk["x"]), _b64url_decode(jwk["y"])
    if len(x) != 32 or len(y) != 32:
        raise ValueError("P-256 JWK coordinates must be 32 bytes")
    return ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()).public_key()
