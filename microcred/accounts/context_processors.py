from .models import Role
from .selectors import organization_ids_with_role


class _Roles:
    """Lazy role flags for templates (navigation only; views check permissions themselves)."""

    def __init__(self, user):
        self._user = user

    @property
    def can_author(self) -> bool:
        return bool(getattr(self._user, "is_superuser", False) or organization_ids_with_role(self._user, Role.AUTHOR, Role.ISSUER_ADMIN))


def roles(request):
    return {"roles": _Roles(getattr(request, "user", None))}
