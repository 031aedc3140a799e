"""Reads of the credentials app."""
from __future__ import annotations

from .models import IssuedCredential


def visible_credential(credential_id, user) -> IssuedCredential | None:
    """The credential if ``user`` may see it: private ones only to their earner; link and public to anyone."""
    credential = IssuedCredential.objects.select_related("issuer", "earner").filter(pk=credential_id).first()
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


def can_revoke(user, credential: IssuedCredential) -> bool:
    """Issuer admins of the issuing organization, and nobody else."""
    from microcred.accounts.models import Role
    from microcred.accounts.selectors import has_role

    return bool(getattr(user, "is_authenticated", False)) and has_role(user, Role.ISSUER_ADMIN, credential.issuer)


def live_verification(credential: IssuedCredential):
    """The verifier's report on the credential as issued, computed now (proof, status, dates)."""
    from .verify import verify_credential

    return verify_credential(credential.credential)


def external_credentials_from_known_issuers():
    """Imported credentials that count (for recognition): signed by their issuer, and the issuer is known here."""
    from .models import ExternalCredential

    return ExternalCredential.objects.filter(issuer_known=True)


def known_issuers():
    from .models import KnownIssuer

    return KnownIssuer.objects.select_related("registered_by").order_by("name", "identifier")
