"""Who may manage the credentials trust settings: small named rules, in one place, for the project's policy module."""
from __future__ import annotations

from microcred.accounts.models import Role
from microcred.accounts.selectors import has_role, is_platform_admin


def can_view_known_issuers(user) -> bool:
    """The list of known external issuers: platform admins and recognizer admins (the people who decide them)."""
    return can_register_known_issuer(user)


def can_register_known_issuer(user) -> bool:
    """Platform admins and recognizer admins (of any recognizing organization) register known external issuers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_platform_admin(user) or has_role(user, Role.RECOGNIZER_ADMIN)


def can_remove_known_issuer(user, known_issuer=None) -> bool:
    """Removing one is the same decision as registering it: platform admins and recognizer admins."""
    return can_register_known_issuer(user)
