"""Who may do what in the Open Badges 3.0 API, one small named function per rule.

Written to move as they are into the project-wide policy module; services, views and the API ask these."""
from __future__ import annotations


def token_allows(token, scope: str) -> bool:
    """An access token may be used for an operation only while valid and only if the earner granted its scope."""
    return token is not None and not token.is_expired() and token.allow_scopes([scope])


def can_use_api_for(token, user) -> bool:
    """A token acts for the earner who approved it, never for anyone else."""
    return token is not None and user is not None and token.user_id == user.pk and user.is_active


def can_revoke_client_access(user, application_id) -> bool:
    """An earner may revoke the access they gave; any signed-in person may revoke their own (nothing to others)."""
    return bool(getattr(user, "is_authenticated", False))


def can_see_connected_apps(user) -> bool:
    """Every signed-in person sees the apps they connected, and only theirs."""
    return bool(getattr(user, "is_authenticated", False))


def can_register_client_for_operator(user) -> bool:
    """Registering a client by hand (command line) is for platform operators; the API registers anyone (RFC 7591)."""
    return user is None or bool(getattr(user, "is_superuser", False))
