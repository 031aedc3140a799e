"""Whole public pages cached for anonymous visitors (issue 18, decision 0044).

A public page looks the same to every anonymous visitor in one language except for one thing: the CSRF token of
the language form (and of htmx's headers), which is each visitor's own. The page is rendered once with a random
placeholder where the token goes and kept under a generation (core/cache.py) that the page's content retires; each
visitor gets the stored page with their own token put in place of the placeholder. The placeholder is random per
stored page, so text an author writes can never stand in for it.

Only GET/HEAD requests of visitors who are not signed in, carry no session and have no message waiting are served
from the cache; everyone else gets the page rendered as before.
"""
from __future__ import annotations

import hashlib
import secrets
from typing import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from microcred.core.cache import Generation, spread

# Anything else a visitor varies (a long query string) is rendered, not stored: it could only fill the cache.
MAX_QUERY_STRING = 512


def _cacheable(request) -> bool:
    return (request.method in ("GET", "HEAD")
            and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_STRING
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and CookieStorage.cookie_name not in request.COOKIES
            and not request.user.is_authenticated)


def anonymous_page(request, generation: Generation, render: Callable[[str | None], HttpResponse], *,
                   timeout: int = 60) -> HttpResponse:
    """``render(csrf_token)``'s response, from the cache for anonymous visitors.

    ``render`` puts ``csrf_token`` in its template context when it is not None (the placeholder) and must draw
    nothing else that depends on who asks. Only 200 responses are kept, for at most ``timeout`` seconds (or the
    response's ``keep_seconds``, when shorter: a page that changes by itself at a known time): what the page shows
    that does not retire ``generation`` is at most that late."""
    if not _cacheable(request):
        return render(None)
    name = f"page {request.get_full_path()} {get_language()} {request.headers.get('HX-Request', '')}"
    digest = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    key = f"microcred:{generation.topic}:{generation.current()}:{digest}"
    stored = cache.get(key)  # a cache outage is a miss (core/redis_cache.py)
    if stored is None:
        placeholder = "csrf-" + secrets.token_hex(16)
        response = render(placeholder)
        if response.status_code != 200 or response.streaming:
            return response if response.streaming else _with_token(request, response, placeholder)  # not kept
        stored = (placeholder, response.content, response["Content-Type"])
        keep = min(timeout, getattr(response, "keep_seconds", timeout))
        if keep > 0:
            cache.set(key, stored, spread(keep))
    placeholder, content, content_type = stored
    return _with_token(request, HttpResponse(content, content_type=content_type), placeholder)


def _with_token(request, response: HttpResponse, placeholder: str) -> HttpResponse:
    # get_token also has the CSRF middleware send the visitor's cookie, exactly as rendering {% csrf_token %} does.
    response.content = response.content.replace(placeholder.encode(), get_token(request).encode())
    return response
