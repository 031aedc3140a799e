"""The site URL baked into signed credentials, and what happens when the site moves (docs/decisions/0005).

Every issued credential carries absolute URLs under the site URL it was issued at: its own id, the issuer's
profile and keys, the status lists, the achievement page. A signature covers them, so they cannot silently change:

- a deployment whose ``MICROCRED_SITE_URL`` differs from the one its newest credential was issued under refuses to
  start (system check ``microcred.E001``, also run by the WSGI entry point) unless the operator sets
  ``MICROCRED_ALLOW_SITE_URL_CHANGE=1``, accepting that credentials already issued keep pointing at the old address;
- the demo, whose address is chosen when it starts (``microcred demo --port N``), re-signs its own credentials
  under the new address with ``rebase_issued_credentials`` — demo data only, never a real deployment's.
"""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timezone as dt_timezone

from django.db import DatabaseError, transaction

from . import keys
from .standards import dataintegrity, vcjwt
from .models import IssuedCredential, IssuerKey

CREDENTIALS_PATH = "/credentials/"


class SiteUrlMismatch(RuntimeError):
    """The configured site URL is not the one the issued credentials carry."""


def issued_under(credential_document: dict) -> str | None:
    """The site URL a credential was issued under (its id is ``{site}/credentials/{uuid}``)."""
    credential_id = str(credential_document.get("id", ""))
    site, marker, _ = credential_id.rpartition(CREDENTIALS_PATH)
    return site if marker else None


def latest_issued_site_url() -> str | None:
    """The site URL of the newest issued credential, or None when nothing was issued (or no tables yet)."""
    try:
        latest = IssuedCredential.objects.order_by("-issued_at").values_list("credential", flat=True).first()
    except DatabaseError:  # before the first migrate
        return None
    return issued_under(latest) if latest else None


def change_allowed() -> bool:
    return os.environ.get("MICROCRED_ALLOW_SITE_URL_CHANGE", "").strip().lower() in {"1", "true", "yes", "on"}


def mismatch_message(issued: str, configured: str) -> str:
    return (f"MICROCRED_SITE_URL is {configured}, but this platform's credentials were issued under {issued}. "
            f"Their signed identifiers (credential, issuer, key and status list URLs) would stop resolving. Serve the "
            f"site at {issued} (set MICROCRED_SITE_URL={issued}), or, if the old address keeps answering (a redirect "
            f"or proxy), set MICROCRED_ALLOW_SITE_URL_CHANGE=1 to issue new credentials under {configured}.")


def ensure_site_url_matches() -> None:
    """Raise SiteUrlMismatch unless the configured site URL is the one credentials were issued under."""
    issued, configured = latest_issued_site_url(), keys.site_url()
    if issued is not None and issued != configured and not change_allowed():
        raise SiteUrlMismatch(mismatch_message(issued, configured))


def _rebased(value, old: str, new: str):
    if isinstance(value, str):
        return new + value[len(old):] if value.startswith(old) else value
    if isinstance(value, list):
        return [_rebased(item, old, new) for item in value]
    if isinstance(value, dict):
        return {key: _rebased(item, old, new) for key, item in value.items()}
    return value


def _key_of(verification_method: str) -> IssuerKey:
    return IssuerKey.objects.get(pk=uuid.UUID(verification_method.rstrip("/").rsplit("/", 1)[-1].split("#")[0]))


def rebase_issued_credentials(*, new_site_url: str | None = None) -> int:
    """Re-sign every issued credential whose URLs are under another site URL, under ``new_site_url``.

    For the demo only (its address is chosen at start): everything else in each credential (dates, salt, results,
    status indexes, the signing keys) stays as it was. Returns how many credentials were re-signed."""
    new = (new_site_url or keys.site_url()).rstrip("/")
    changed = 0
    for issued in IssuedCredential.objects.exclude(credential__id__startswith=new + CREDENTIALS_PATH).iterator():
        old = issued_under(issued.credential)
        if not old or old == new:
            continue
        with transaction.atomic():
            document = _rebased({k: v for k, v in issued.credential.items() if k != "proof"}, old, new)
            proof = issued.credential.get("proof")
            proof = proof[0] if isinstance(proof, list) else proof
            ed_key = _key_of(proof["verificationMethod"])
            signed = dataintegrity.sign(document, private_key=keys.private_key(ed_key),
                                        verification_method=keys.key_url(ed_key), created=proof.get("created"))
            header, claims = vcjwt.unverified_parts(issued.jwt)
            ec_key = _key_of(header["kid"])
            token = vcjwt.sign(document, private_key=keys.private_key(ec_key), kid=keys.key_url(ec_key),
                               issued_at=datetime.fromtimestamp(claims["iat"], tz=dt_timezone.utc))
            IssuedCredential.objects.filter(pk=issued.pk).update(credential=signed, jwt=token)
            changed += 1
    return changed

