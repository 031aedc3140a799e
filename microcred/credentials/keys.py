"""Issuer signing keys: creation, rotation, revocation, encryption at rest, and the documents that publish them.

Every organization that issues has one active Ed25519 key (Data Integrity proofs) and one active P-256 key
(VC-JWT, ES256). Retired keys keep verifying what they signed; revoked keys stop verifying it. Private keys are
encrypted at rest by ``microcred.core.secrets`` (Fernet, HKDF from ``MICROCRED_KEY_ENCRYPTION_KEY`` or ``SECRET_KEY``)
and are decrypted only inside this module and ``services``.
"""
from __future__ import annotations

import base64
import json
from datetime import timezone as dt_timezone
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts.models import Organization
from microcred.core import audit
from microcred.core.secrets import InvalidToken, UndecryptableSecret, decrypt_secret, encrypt_secret

from .standards import dataintegrity
from .standards.vcjwt import ec_public_key_from_jwk  # noqa: F401  (public here too: keys.ec_public_key_from_jwk)
from .models import IssuerKey

CID_CONTEXT = "https://www.w3.org/ns/cid/v1"
DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"
JWK_CONTEXT = "https://w3id.org/security/jwk/v1"


class KeyNotFound(LookupError):
    """A verification method URL that is not one of our keys, or a key that must no longer be trusted."""


# --- URLs -------------------------------------------------------------------------------------------------------


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def issuer_url(organization: Organization) -> str:
    """The issuer's controller document URL, also its Profile id in credentials."""
    return f"{site_url()}/issuers/{organization.slug}"


def key_url(key: IssuerKey) -> str:
    """The verification method id of ``key``: a URL serving its Multikey / JsonWebKey document."""
    return f"{issuer_url(key.organization)}/keys/{key.id}"


def issuer_did(organization: Organization) -> str:
    """did:web for the issuer (``did.json`` is served under the issuer URL; ports are percent-encoded)."""
    parts = urlsplit(site_url())
    host = parts.netloc.replace(":", "%3A")
    path = [p for p in parts.path.split("/") if p]
    return ":".join(["did:web", host, *path, "issuers", organization.slug])


# --- encryption at rest -----------------------------------------------------------------------------------------


# One purpose string for issuer keys: it is the HKDF salt, so it must never change (stored keys would not open).
KEY_PURPOSE = "microcred.credentials.issuer-keys"


def _encrypt(private_bytes: bytes) -> str:
    return encrypt_secret(private_bytes, purpose=KEY_PURPOSE)


def _decrypt(token: str) -> bytes:
    return decrypt_secret(token, purpose=KEY_PURPOSE)


def reencrypt_private_keys(old_secret: str) -> int:
    """Re-encrypt every issuer private key stored under ``old_secret`` with the current secret (restore of a
    backup made elsewhere); audited per key. Raises UndecryptableSecret when a key does not open."""
    n = 0
    for key in IssuerKey.objects.all():
        try:
            raw = decrypt_secret(key.encrypted_private_key, purpose=KEY_PURPOSE, secret=old_secret)
        except InvalidToken as exc:
            raise UndecryptableSecret(f"Issuer key {key.pk} cannot be decrypted") from exc
        IssuerKey.objects.filter(pk=key.pk).update(encrypted_private_key=_encrypt(raw))
        audit.record(actor=None, action="issuer_key.reencrypted", target=key, data={"reason": "restored from a backup"})
        n += 1
    return n


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


# --- key material ----------------------------------------------------------------------------------------------


def _new_key(organization: Organization, algorithm: str) -> IssuerKey:
    if algorithm == IssuerKey.Algorithm.ED25519:
        private = Ed25519PrivateKey.generate()
        public = dataintegrity.public_key_to_multikey(private.public_key())
        raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                    serialization.NoEncryption())
    else:
        private = ec.generate_private_key(ec.SECP256R1())
        numbers = private.public_key().public_numbers()
        public = json.dumps({"kty": "EC", "crv": "P-256", "x": _b64url(numbers.x.to_bytes(32, "big")),
                             "y": _b64url(numbers.y.to_bytes(32, "big"))}, sort_keys=True)
        raw = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    return IssuerKey.objects.create(organization=organization, algorithm=algorithm, public_key=public,
                                    encrypted_private_key=_encrypt(raw))


def private_key(key: IssuerKey):
    """The decrypted private key (Ed25519PrivateKey or EllipticCurvePrivateKey). For services only."""
    if key.status != IssuerKey.Status.ACTIVE:
        raise ValidationError(f"Key {key.id} is {key.status} and may not sign.")
    raw = _decrypt(key.encrypted_private_key)
    if key.algorithm == IssuerKey.Algorithm.ED25519:
        return Ed25519PrivateKey.from_private_bytes(raw)
    return serialization.load_der_private_key(raw, password=None)


def public_jwk(key: IssuerKey) -> dict:
    if key.algorithm != IssuerKey.Algorithm.P256:
        raise ValueError("only P-256 keys have a JWK here")
    return json.loads(key.public_key)


# --- lifecycle ---------------------------------------------------------------------------------------------------


def _check_issuer_admin(organization: Organization, by) -> None:
    if not policy.can_manage_keys(by, organization):
        raise PermissionDenied(_("Only issuer admins of this organization may manage its signing keys."))


def active_key(organization: Organization, algorithm: str) -> IssuerKey:
    """The organization's active key of ``algorithm``, created on first use."""
    ensure_keys(organization)
    return IssuerKey.objects.select_related("organization").get(
        organization=organization, algorithm=algorithm, status=IssuerKey.Status.ACTIVE)


def ensure_keys(organization: Organization) -> list[IssuerKey]:
    """One active key of each algorithm for ``organization``; creates what is missing. Safe to call twice."""
    keys = []
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)  # serialize concurrent first issues
        for algorithm in IssuerKey.Algorithm.values:
            key = IssuerKey.objects.filter(organization=organization, algorithm=algorithm,
                                           status=IssuerKey.Status.ACTIVE).first()
            if key is None:
                key = _new_key(organization, algorithm)
                audit.record(actor=None, action="issuer_key.created", target=key, data={"reason": "first use"})
            keys.append(key)
    return keys


def rotate(organization: Organization, *, by) -> list[IssuerKey]:
    """Retire the active keys (they keep verifying what they signed) and make new active ones; audited."""
    _check_issuer_admin(organization, by)
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        now = timezone.now()
        old = list(IssuerKey.objects.filter(organization=organization, status=IssuerKey.Status.ACTIVE))
        for key in old:
            key.status, key.retired_at = IssuerKey.Status.RETIRED, now
            key.save(update_fields=["status", "retired_at"])
            audit.record(actor=by, action="issuer_key.retired", target=key)
        new = [_new_key(organization, algorithm) for algorithm in IssuerKey.Algorithm.values]
        for key in new:
            audit.record(actor=by, action="issuer_key.created", target=key)
    return new


def revoke_key(key: IssuerKey, *, by, reason: str) -> IssuerKey:
    """Revoke ``key``: credentials it signed fail verification from now on. A reason is required; audited.

    Revoking the active key leaves the organization without one of that kind until the next issue creates it."""
    _check_issuer_admin(key.organization, by)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the key is revoked.")]})
    with transaction.atomic():
        key = IssuerKey.objects.select_for_update().select_related("organization").get(pk=key.pk)
        if key.status == IssuerKey.Status.REVOKED:
            return key
        key.status, key.revoked_at, key.revocation_reason = IssuerKey.Status.REVOKED, timezone.now(), reason[:500]
        key.save(update_fields=["status", "revoked_at", "revocation_reason"])
        audit.record(actor=by, action="issuer_key.revoked", target=key, data={"reason": key.revocation_reason})
    return key


# --- published documents ---------------------------------------------------------------------------------------


def _iso(moment) -> str:
    return moment.astimezone(dt_timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def verification_method(key: IssuerKey, *, controller: str | None = None, id: str | None = None) -> dict:
    """The Multikey (Ed25519) or JsonWebKey (P-256) description of ``key``."""
    document = {"id": id or key_url(key), "controller": controller or issuer_url(key.organization)}
    if key.algorithm == IssuerKey.Algorithm.ED25519:
        document |= {"type": "Multikey", "publicKeyMultibase": key.public_key}
    else:
        document |= {"type": "JsonWebKey", "publicKeyJwk": public_jwk(key)}
    if key.revoked_at:
        document["revoked"] = _iso(key.revoked_at)
    return document


def plain_jwk(key: IssuerKey) -> dict:
    """What a VC-JWT ``kid`` (a P-256 key URL) serves by default: the public JWK itself, as OB 3.0 §8.2 expects."""
    jwk = {**public_jwk(key), "kid": key_url(key), "alg": "ES256", "use": "sig"}
    return jwk


def key_document(key: IssuerKey) -> dict:
    """What ``key_url(key)`` serves."""
    return {"@context": [CID_CONTEXT], **verification_method(key)}


def _published_keys(organization: Organization) -> list[IssuerKey]:
    # All keys, retired and revoked included: old credentials must stay explainable.
    return list(IssuerKey.objects.filter(organization=organization).select_related("organization").order_by("created_at"))


def controller_document(organization: Organization) -> dict:
    """The issuer's controller document (served at ``issuer_url``): profile fields and every key."""
    keys = _published_keys(organization)
    methods = [verification_method(key) for key in keys]
    document = {
        "@context": [CID_CONTEXT],
        "id": issuer_url(organization),
        "type": ["Profile"],
        "name": organization.name,
        "url": organization.website or issuer_url(organization),
        "alsoKnownAs": [issuer_did(organization)],
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }
    if organization.description:
        document["description"] = organization.description
    return document


def did_document(organization: Organization) -> dict:
    """The did:web document of the issuer: the same keys, named by fragments of the DID."""
    did = issuer_did(organization)
    methods = [verification_method(key, controller=did, id=f"{did}#{key.id}") for key in _published_keys(organization)]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT, JWK_CONTEXT],
        "id": did,
        "alsoKnownAs": [issuer_url(organization)],
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def organization_for_issuer_id(issuer_id: str) -> Organization | None:
    """This platform's organization whose issuer id (URL or did:web) is ``issuer_id``, if any."""
    prefix = f"{site_url()}/issuers/"
    if not isinstance(issuer_id, str):
        return None
    if issuer_id.startswith(prefix):
        slug = issuer_id[len(prefix):]
        return Organization.objects.filter(slug=slug).first() if slug and "/" not in slug else None
    if issuer_id.startswith("did:web:"):
        slug = issuer_id.rpartition(":")[2]
        organization = Organization.objects.filter(slug=slug).first()
        return organization if organization is not None and issuer_did(organization) == issuer_id else None
    return None


def find_key(verification_method_id: str) -> IssuerKey:
    """Our key named by a verification method URL (``…/issuers/<slug>/keys/<uuid>``) or did:web fragment.

    Raises KeyNotFound if it is not ours or is revoked (a revoked key must not verify anything)."""
    key = None
    prefix = f"{site_url()}/issuers/"
    try:
        if isinstance(verification_method_id, str) and verification_method_id.startswith(prefix):
            slug, marker, key_id = verification_method_id[len(prefix):].partition("/keys/")
            if marker:
                key = IssuerKey.objects.select_related("organization").filter(pk=key_id, organization__slug=slug).first()
        elif isinstance(verification_method_id, str) and verification_method_id.startswith("did:web:"):
            did, _, key_id = verification_method_id.partition("#")
            key = IssuerKey.objects.select_related("organization").filter(pk=key_id).first()
            if key is not None and issuer_did(key.organization) != did:
                key = None
    except (ValueError, ValidationError):
        key = None
    if key is None:
        raise KeyNotFound(f"{verification_method_id!r} is not a key of this platform")
    if key.status == IssuerKey.Status.REVOKED:
        raise KeyNotFound(f"key {verification_method_id} was revoked on {_iso(key.revoked_at)}: {key.revocation_reason}")
    return key


def ed25519_public_key(key: IssuerKey) -> Ed25519PublicKey:
    return dataintegrity.public_key_from_multikey(key.public_key)
