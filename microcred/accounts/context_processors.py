from .models import Role
from .selectors import organization_ids_with_role


class _Roles:
    """Lazy role flags for templates (navigation only; views check permissions themselves)."""

    def __init__(self, user):
        self._user = user

    def _has(self, *roles) -> bool:
        return bool(getattr(self._user, "is_superuser", False) or organization_ids_with_role(self._user, *roles))

    @property
    def is_coach(self) -> bool:
        return self._has(Role.COACH)

    @property
    def is_issuer_admin(self) -> bool:
        return self._has(Role.ISSUER_ADMIN, Role.PLATFORM_ADMIN)

    @property
    def is_recognizer(self) -> bool:
        return self._has(Role.RECOGNIZER_ADMIN, Role.PLATFORM_ADMIN)

    @property
    def is_sponsor_admin(self) -> bool:
        """Recognizer, issuer and platform admins manage priorities, vouchers and fee reports."""
        return self._has(Role.RECOGNIZER_ADMIN, Role.ISSUER_ADMIN, Role.PLATFORM_ADMIN)

    @property
    def is_platform_admin(self) -> bool:
        return self._has(Role.PLATFORM_ADMIN)

    @property
    def is_assessor(self) -> bool:
        return self._has(Role.ASSESSOR)

    @property
    def can_author(self) -> bool:
        return bool(getattr(self._user, "is_superuser", False) or organization_ids_with_role(self._user, Role.AUTHOR, Role.ISSUER_ADMIN))


def roles(request):
    return {"roles": _Roles(getattr(request, "user", None))}
