"""The credential verifier as this platform runs it: the pure core (:mod:`.standards.verify`) with the platform's
own knowledge plugged in, read from the database and the settings.

- its issuer keys (:func:`.keys.find_key`), bound to their organization's issuer URL and did:web;
- its own issuers (:func:`.keys.organization_for_issuer_id`) and registered known issuers (:class:`.models.KnownIssuer`);
- its status lists (:func:`.status.find_status_list`), read from the database, not fetched;
- ``MICROCRED_VERIFY_ONLINE`` and the cached, address-checked fetcher of :mod:`.online`.

What is read from the database is cached (issue 18): under the "verification" generation of
:mod:`microcred.core.cache`, which any change to keys, organizations, known issuers, status lists or issued
credentials retires on commit (:mod:`.apps`), so a revocation is seen by the next verification.

Everything else (parsing, schema, Data Integrity and VC-JWT proofs, issuer binding, status bits, validity, the
report) is in the core, which imports nothing from Django. See the core's docstring for the order of key sources.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from microcred.core.cache import Generation, remembered

from . import keys, status
from .standards.verify import (  # noqa: F401  (the verifier's public names, for callers of this module)
    CHECKS, MAX_BYTES, MAX_DEPTH, MAX_NESTED, SCHEMA_ENV, UNKNOWN_ISSUER, CheckResult, DocumentUnavailable,
    IssuerTrust, ParsedInput, Platform, PlatformKey, RegisteredIssuer, Report, _Documents, is_clr, parse_input, use_schema,
)
from .standards import verify as core


def online_enabled() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "MICROCRED_VERIFY_ONLINE", False))


VERIFICATION = Generation("verification")


def _read_platform_key(method_id: str) -> tuple[PlatformKey | None, str]:
    try:
        key = keys.find_key(method_id)
    except keys.KeyNotFound as error:
        return None, str(error) if "revoked" in str(error) else ""
    organization = key.organization
    return PlatformKey(method=keys.verification_method(key),
                       issuer_ids=(keys.issuer_url(organization), keys.issuer_did(organization))), ""


def _platform_key(method_id: str) -> PlatformKey | None:
    if not isinstance(method_id, str):
        return _read_platform_key(method_id)[0]
    key, revoked = remembered(VERIFICATION, f"key {method_id}", lambda: _read_platform_key(method_id))
    if revoked:
        raise LookupError(revoked)
    return key


def _own_issuer(issuer_id: str) -> str | None:
    if not isinstance(issuer_id, str):
        return None

    def read():
        organization = keys.organization_for_issuer_id(issuer_id)
        return None if organization is None else organization.name
    return remembered(VERIFICATION, f"own issuer {issuer_id}", read)


def _known_issuer(issuer_id: str) -> RegisteredIssuer | None:
    # Not cached: only credentials of other platforms get here, and the description names who registered it.
    from .models import KnownIssuer

    known = KnownIssuer.objects.select_related("registered_by").filter(identifier=issuer_id).first()
    if known is None:
        return None
    who = known.registered_by.get_username() if known.registered_by else "an administrator"
    return RegisteredIssuer(identifier=known.identifier, key_documents=known.key_documents,
                            description=f"a known issuer ({known.name}), registered by {who} on "
                                        f"{known.registered_at:%Y-%m-%d}")


def _status_list(url: Any) -> tuple[bytes, str] | None:
    if not isinstance(url, str):
        return None

    def read():
        ours = status.find_status_list(url)
        return None if ours is None else (bytes(ours.bits), ours.purpose)
    return remembered(VERIFICATION, f"status list {url}", read)


def _issuer_document(issuer_id: str) -> dict:
    from . import online

    try:
        return online.issuer_document(issuer_id)
    except online.FetchRefused as error:
        raise DocumentUnavailable(str(error)) from None


def _fetch_document(url: str) -> dict:
    from . import online

    try:
        return online.fetch_json(url)
    except online.FetchRefused as error:
        raise DocumentUnavailable(str(error)) from None


PLATFORM = Platform(platform_key=_platform_key, own_issuer=_own_issuer, known_issuer=_known_issuer,
                    status_list=_status_list, issuer_document=_issuer_document, fetch_document=_fetch_document,
                    online_enabled=online_enabled)


class KeyResolver(core.KeyResolver):
    """The core's key resolver with this platform's keys, registry and settings."""

    def __init__(self, trusted: _Documents, issuer_id: Any, *, online: bool | None = None):
        super().__init__(trusted, issuer_id, online=online, platform=PLATFORM)


def verify_credential(data: bytes | str | dict, *, key_documents: Mapping[str, Any] | Iterable[Any] | None = None,
                      now: datetime | None = None, online: bool | None = None) -> Report:
    """Verify a credential (JSON bytes/text/object, or a VC-JWT) against this platform. Never raises.

    ``key_documents`` are TRUSTED: pass only documents the caller itself vouches for (tests, the operator's
    ``--trust-key``), never documents that came with the credential. ``online`` overrides the
    ``MICROCRED_VERIFY_ONLINE`` setting. A CLR's nested credentials are verified too (see ``report.nested``)."""
    return core.verify_credential(data, key_documents=key_documents, now=now, online=online, platform=PLATFORM)
