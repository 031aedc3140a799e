"""Password spraying: many usernames tried from one address. django-axes locks one username from one address
(AXES_LOCKOUT_PARAMETERS); this counts failed log-ins per address across every username, with a higher limit
(a school's teachers may share one address), and pauses log-in from that address for the rest of the window.

axes compares every lockout parameter with one AXES_FAILURE_LIMIT, so a separate, higher per-address threshold
cannot be expressed in its settings; the count lives in core.ratelimit (in the database, across processes)."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from microcred.core import ratelimit
from microcred.core.audit_context import client_address

SCOPE = "login-failure:address"


def _window() -> int:
    return max(60, int(settings.MICROCRED_LOGIN_ADDRESS_WINDOW_MINUTES) * 60)


def _enabled() -> bool:
    return int(settings.MICROCRED_LOGIN_ADDRESS_FAILURE_LIMIT) > 0


@receiver(user_login_failed, dispatch_uid="accounts.throttle.count_address_failures")
def count_failure(sender, credentials=None, request=None, **kwargs):
    """Every failed log-in (wrong password or wrong two-factor code) counts against the client's address."""
    if request is not None and _enabled():
        ratelimit.hit(SCOPE, client_address(request) or "unknown",
                      limit=settings.MICROCRED_LOGIN_ADDRESS_FAILURE_LIMIT, window=_window())


def address_is_paused(request) -> bool:
    """True once the client's address has reached the per-address limit of failed log-ins in this window."""
    if not _enabled():
        return False
    failures = ratelimit.count(SCOPE, client_address(request) or "unknown", window=_window())
    return failures >= int(settings.MICROCRED_LOGIN_ADDRESS_FAILURE_LIMIT)
