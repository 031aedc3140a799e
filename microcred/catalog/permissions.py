"""Who may edit, review and publish what in the catalog."""
from __future__ import annotations

from microcred.accounts.models import Role
from microcred.accounts.selectors import is_platform_admin, organization_ids_with_role

from .models import MicroCredential, Stack

EDITOR_ROLES = (Role.AUTHOR, Role.ISSUER_ADMIN)


def authoring_organization_ids(user) -> set[int]:
    return organization_ids_with_role(user, *EDITOR_ROLES)


def can_edit(user, obj: MicroCredential | Stack) -> bool:
    """Authors and issuer admins of the owning organization (and platform admins)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_platform_admin(user) or obj.owner_id in authoring_organization_ids(user)


def can_publish(user, obj: MicroCredential | Stack) -> bool:
    """Quality review and publishing belong to the owning organization's issuer admins."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_platform_admin(user) or obj.owner_id in organization_ids_with_role(user, Role.ISSUER_ADMIN)
