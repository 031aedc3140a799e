"""Reads of the credentials app."""
from __future__ import annotations

import json

from microcred.accounts import policy
from microcred.catalog.models import MicroCredentialVersion

from .standards import images
from .builder import issuing_organization
from .models import IssuedCredential


def visible_credential(credential_id, user) -> IssuedCredential | None:
    """The credential if ``user`` may see it: private ones only to their earner; link and public to anyone."""
    credential = (IssuedCredential.objects.select_related("issuer", "earner", "version__micro_credential")
                  .filter(pk=credential_id).first())
    if credential is None:
        return None
    if credential.visibility == IssuedCredential.Visibility.PRIVATE and credential.earner_id != getattr(user, "pk", None):
        return None
    return credential


def credentials_for_earner(earner):
    return IssuedCredential.objects.filter(earner=earner).select_related("version", "issuer")


def external_credentials_for_earner(earner):
    from .models import ExternalCredential

    return ExternalCredential.objects.filter(earner=earner)


def earner_emails(earner) -> list[str]:
    """The e-mail addresses an imported badge's recipient may match: the one on the earner's account."""
    return [earner.email] if getattr(earner, "email", "") else []


def live_verification(credential: IssuedCredential):
    """The verifier's report on the credential as issued, computed now (proof, status, dates)."""
    from .verify import verify_credential

    return verify_credential(credential.credential)


def badge_version(slug: str, number: int):
    """The version whose badge image may be shown, or None (drafts never issued stay hidden)."""
    version = (MicroCredentialVersion.objects.select_related("micro_credential")
               .filter(micro_credential__slug=slug, number=number).first())
    if version is None:
        return None
    has_issued = version.state not in ("published", "retired") and IssuedCredential.objects.filter(version=version).exists()
    return version if policy.can_see_badge_image(version, has_issued=has_issued) else None


def _badge_inputs(version) -> dict:
    return {"title": version.title, "issuer": issuing_organization(version).name, "seed": version.micro_credential.slug}


def badge_svg(version) -> str:
    return images.badge_svg(**_badge_inputs(version))


def badge_png(version) -> bytes:
    return images.badge_png(**_badge_inputs(version))


def baked_png(credential: IssuedCredential) -> bytes:
    """The version's PNG badge with the credential (JSON, embedded proof) baked in, OB 3.0 §5.3."""
    return images.bake_png(badge_png(credential.version), payload=json.dumps(credential.credential, ensure_ascii=False))


def baked_svg(credential: IssuedCredential) -> bytes:
    """The version's SVG badge with the credential JSON baked in an <openbadges:credential> element, OB 3.0 §5.3."""
    return images.bake_svg(badge_svg(credential.version), as_jws=False,
                           payload=json.dumps(credential.credential, ensure_ascii=False)).encode("utf-8")


def external_credentials_from_known_issuers():
    """Imported credentials that count (for recognition): from an issuer known here, and vouched for by it."""
    from .models import ExternalCredential

    return ExternalCredential.objects.countable()


def known_issuers():
    from .models import KnownIssuer

    return KnownIssuer.objects.select_related("registered_by").order_by("name", "identifier")
