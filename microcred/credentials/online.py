"""Optional online mode of the verifier (``MICROCRED_VERIFY_ONLINE``, off by default): fetch an issuer's own
did:web or https document, or a status list, with a cache, a timeout, a response size limit, HTTPS only, no
redirects, and never to a private, loopback, link-local or otherwise non-public address (checked on the address
actually connected to, so DNS cannot swap in an internal host after the check). The fetching itself is the
standards package's one safe fetcher; this module adds the stricter limits, the cache and Django's settings."""
from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from .standards import fetch
from .standards.verify import document_url

TIMEOUT_SECONDS = 5
MAX_RESPONSE_BYTES = 256 * 1024
CACHE_SECONDS = 3600
ACCEPT = "application/did+ld+json, application/ld+json, application/json;q=0.9"


class FetchRefused(LookupError):
    """The document could not or may not be fetched; the message says why."""


def issuer_document(issuer_id: str) -> dict:
    return fetch_json(document_url(issuer_id))


def fetch_json(url: str) -> dict:
    """The JSON object at ``url`` (cached); FetchRefused with the reason otherwise."""
    key = "microcred.verify.online:" + url[:500]
    cached = cache.get(key)
    if cached is not None:
        return cached
    try:
        document = fetch.fetch_json(url, timeout=TIMEOUT_SECONDS, max_bytes=MAX_RESPONSE_BYTES, schemes=("https",),
                                    max_redirects=0, accept=ACCEPT)
    except fetch.FetchError as error:
        raise FetchRefused(f"refused: {error}") from None
    cache.set(key, document, getattr(settings, "MICROCRED_VERIFY_ONLINE_CACHE_SECONDS", CACHE_SECONDS))
    return document
