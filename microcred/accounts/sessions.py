"""Sessions end when the browser closes or after MICROCRED_SESSION_HOURS without activity (an idle timeout).

Django keeps a session until SESSION_COOKIE_AGE after it was last saved. Saving it on every request
(SESSION_SAVE_EVERY_REQUEST) would cost a write per page; instead the session notes when it was last seen and
is saved again, pushing its end forward, at most once every REFRESH_SECONDS of activity."""
from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SEEN = "_microcred_seen"
REFRESH_SECONDS = 300


@receiver(user_logged_in, dispatch_uid="accounts.sessions.seen_at_login")
def seen_at_login(sender, request=None, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SEEN] = int(time.time())


class IdleSessionMiddleware:
    """Keeps an active signed-in session alive; an idle one ends SESSION_COOKIE_AGE after its last refresh."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if getattr(user, "is_authenticated", False):
            now = int(time.time())
            seen = request.session.get(SEEN)
            if not isinstance(seen, int) or now - seen >= REFRESH_SECONDS:
                request.session[SEEN] = now  # modified: SessionMiddleware saves it with a fresh expiry
        return self.get_response(request)
