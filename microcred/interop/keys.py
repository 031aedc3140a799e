"""Integration keys: creation, rotation, retirement, revocation, encryption at rest, and the JWKS that publishes them.

Each purpose (LTI 1.3 tool, webhook signing) has at most one **active** key, the one that signs. A rotation makes a
new active key and leaves the old one **replaced**: it signs nothing but stays in the JWKS, so a platform that
cached it still verifies what it signed. **Retiring** takes a key out of the JWKS; **revoking** does too, at once,
for a key that may be compromised. Private keys are encrypted at rest by ``microcred.core.secrets`` under their own
purpose string and are decrypted only by ``private_key`` below. Only platform admins (or an operator at the command
line) manage these keys (``policy.can_manage_integration_keys``); every change is audited.
"""
from __future__ import annotations

import base64
import hashlib
import json

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.core import audit
from microcred.core.secrets import InvalidToken, UndecryptableSecret, decrypt_secret, encrypt_secret
from microcred.core.transitions import ensure_transition

from .models import IntegrationKey

# The HKDF salt of integration keys: it must never change (stored keys would not open), and differs from issuer keys'.
KEY_PURPOSE = "microcred.interop.integration-keys"

# LTI 1.3 (1EdTech Security Framework) requires RS256; ES256 is offered for webhooks and newer receivers.
DEFAULT_ALGORITHM = {IntegrationKey.Purpose.LTI: IntegrationKey.Algorithm.RS256,
                     IntegrationKey.Purpose.WEBHOOK: IntegrationKey.Algorithm.ES256}

S = IntegrationKey.Status
TRANSITIONS = {
    S.ACTIVE: {S.REPLACED, S.RETIRED, S.REVOKED},
    S.REPLACED: {S.RETIRED, S.REVOKED},
    S.RETIRED: {S.REVOKED},
    S.REVOKED: set(),
}
LABELS = {s.value: s.label.split(":")[0].lower() for s in S}


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int_bytes(n: int, length: int | None = None) -> bytes:
    return n.to_bytes(length or (n.bit_length() + 7) // 8, "big")


def thumbprint(jwk: dict) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url) over the required members in lexicographic order."""
    required = ("e", "kty", "n") if jwk["kty"] == "RSA" else ("crv", "kty", "x", "y")
    canonical = json.dumps({k: jwk[k] for k in required}, separators=(",", ":"), sort_keys=True)
    return _b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def _generate(algorithm: str) -> tuple[dict, bytes]:
    """A new key pair: the public JWK (no kid yet) and the private key as PKCS#8 DER."""
    if algorithm == IntegrationKey.Algorithm.RS256:
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = private.public_key().public_numbers()
        jwk = {"kty": "RSA", "n": _b64url(_int_bytes(numbers.n)), "e": _b64url(_int_bytes(numbers.e))}
    elif algorithm == IntegrationKey.Algorithm.ES256:
        private = ec.generate_private_key(ec.SECP256R1())
        numbers = private.public_key().public_numbers()
        jwk = {"kty": "EC", "crv": "P-256", "x": _b64url(_int_bytes(numbers.x, 32)),
               "y": _b64url(_int_bytes(numbers.y, 32))}
    else:
        raise ValidationError(_("Unknown algorithm “%(algorithm)s”: use RS256 or ES256.") % {"algorithm": algorithm})
    raw = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return jwk, raw


def _check(by) -> None:
    if not policy.can_manage_integration_keys(by):
        raise PermissionDenied(_("Only platform admins manage integration keys."))


def _purpose(value: str) -> str:
    if value not in IntegrationKey.Purpose.values:
        raise ValidationError(_("Unknown purpose “%(purpose)s”: use one of %(known)s.") % {
            "purpose": value, "known": ", ".join(IntegrationKey.Purpose.values)})
    return value


def _move(key: IntegrationKey, to: str, **fields) -> None:
    ensure_transition(key.status, to, TRANSITIONS, what=f"Integration key {key.kid}", labels=LABELS)
    key.status = to
    for name, value in fields.items():
        setattr(key, name, value)
    key.save(update_fields=["status", *fields])


def rotate_key(*, purpose: str, by, algorithm: str | None = None) -> IntegrationKey:
    """Make a new active key for ``purpose``; the key it replaces signs nothing more but stays published until it
    is retired. With no active key yet, this creates the first one. Audited; platform admins only."""
    _check(by)
    purpose = _purpose(purpose)
    algorithm = algorithm or DEFAULT_ALGORITHM[purpose]
    jwk, raw = _generate(algorithm)
    kid = thumbprint(jwk)
    with transaction.atomic():
        previous = list(IntegrationKey.objects.select_for_update().filter(purpose=purpose, status=S.ACTIVE))
        for old in previous:
            _move(old, S.REPLACED, replaced_at=timezone.now())
            audit.record(actor=by, action="integration_key.replaced", target=old, data={"kid": old.kid, "by_kid": kid})
        key = IntegrationKey.objects.create(
            kid=kid, purpose=purpose, algorithm=algorithm, public_jwk={**jwk, "kid": kid, "alg": algorithm, "use": "sig"},
            encrypted_private_key=encrypt_secret(raw, purpose=KEY_PURPOSE))
        audit.record(actor=by, action="integration_key.created", target=key,
                     data={"kid": kid, "purpose": purpose, "algorithm": algorithm})
    return key


def create_key(*, purpose: str, by, algorithm: str | None = None) -> IntegrationKey:
    """The first key of ``purpose``; refuses when one is active already (rotate it instead)."""
    _check(by)
    if IntegrationKey.objects.filter(purpose=_purpose(purpose), status=S.ACTIVE).exists():
        raise ValidationError(f"A {purpose} key is active already: rotate it instead.")
    return rotate_key(purpose=purpose, by=by, algorithm=algorithm)


def retire_key(*, key: IntegrationKey, by) -> IntegrationKey:
    """Stop publishing ``key`` (and stop signing with it, if it still did). Safe to call twice."""
    _check(by)
    with transaction.atomic():
        key = IntegrationKey.objects.select_for_update().get(pk=key.pk)
        if key.status == S.RETIRED:
            return key
        _move(key, S.RETIRED, retired_at=timezone.now())
        audit.record(actor=by, action="integration_key.retired", target=key, data={"kid": key.kid})
    return key


def revoke_key(*, key: IntegrationKey, by, reason: str) -> IntegrationKey:
    """Take a possibly compromised key out of use and out of the JWKS at once. Safe to call twice."""
    _check(by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say why the key is revoked."))
    with transaction.atomic():
        key = IntegrationKey.objects.select_for_update().get(pk=key.pk)
        if key.status == S.REVOKED:
            return key
        _move(key, S.REVOKED, revoked_at=timezone.now(), revocation_reason=reason[:500])
        audit.record(actor=by, action="integration_key.revoked", target=key, data={"kid": key.kid, "reason": reason[:500]})
    return key


# --- reads -------------------------------------------------------------------------------------------------------

def published_keys():
    return IntegrationKey.objects.filter(status__in=(S.ACTIVE, S.REPLACED)).order_by("purpose", "-created_at")


def jwks() -> dict:
    """The JSON Web Key Set of every published key: public members only (the stored JWK never holds a private one)."""
    public = ("kty", "n", "e", "crv", "x", "y", "kid", "alg", "use")
    return {"keys": [{k: v for k, v in key.public_jwk.items() if k in public} for key in published_keys()]}


def active_key(purpose: str) -> IntegrationKey | None:
    return IntegrationKey.objects.filter(purpose=purpose, status=S.ACTIVE).first()


def private_key(key: IntegrationKey):
    """The decrypted private key of an active key, for the integration that signs with it (never served)."""
    if key.status != S.ACTIVE:
        raise ValidationError(_("Integration key %(kid)s is %(status)s and may not sign.") % {"kid": key.kid, "status": key.status})
    return serialization.load_der_private_key(decrypt_secret(key.encrypted_private_key, purpose=KEY_PURPOSE),
                                              password=None)


def reencrypt_private_keys(old_secret: str) -> int:
    """Re-encrypt every integration private key stored under ``old_secret`` with the current secret (restore of a
    backup made elsewhere); audited per key. Raises UndecryptableSecret when a key does not open."""
    n = 0
    for key in IntegrationKey.objects.all():
        try:
            raw = decrypt_secret(key.encrypted_private_key, purpose=KEY_PURPOSE, secret=old_secret)
        except InvalidToken as exc:
            raise UndecryptableSecret(f"Integration key {key.kid} cannot be decrypted") from exc
        IntegrationKey.objects.filter(pk=key.pk).update(encrypted_private_key=encrypt_secret(raw, purpose=KEY_PURPOSE))
        audit.record(actor=None, action="integration_key.reencrypted", target=key, data={"reason": "restored from a backup"})
        n += 1
    return n
