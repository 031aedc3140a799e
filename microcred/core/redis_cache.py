"""The shared cache of several web nodes: Redis through Django's cache framework (issue 18, decision 0039).

``cache_settings(REDIS_URL)`` is ``settings.CACHES``: Django's local-memory cache when the address is empty (the
embedded default: no server to run), ``ResilientRedisCache`` on that Redis otherwise, or a readable
ImproperlyConfigured at start-up when the address cannot be a Redis server's.

Django's ``RedisCache`` raises when Redis cannot be reached, which would turn every cached read into a 500. A cache
is an optimisation: ``ResilientRedisCache`` answers a miss (reads) or drops the value (writes) instead, logs one
warning per outage, and for a few seconds does not even try (so an unreachable host costs one timeout, not one per
read). ``incr`` alone says so (``CacheUnavailable``): a generation bump that could not be sent must be retried
(microcred/core/cache.py).
"""
from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
from redis.exceptions import RedisError

logger = logging.getLogger("microcred.cache")

SCHEMES = ("redis", "rediss", "unix")
# Connection refused or lost, timeouts, and a Redis that refuses writes (out of memory with "noeviction").
_UNREACHABLE = (RedisError, OSError)


class CacheUnavailable(Exception):
    """The shared cache could not be reached (only ``incr`` says so; every other call degrades to a miss)."""


def cache_settings(url: str, *, max_entries: int = 5000, timeout_seconds: float = 0.5, directory=None) -> dict:
    """``settings.CACHES`` for ``url`` (the REDIS_URL environment variable). When it is empty: files in
    ``directory``, shared by every process of the machine (decision 0059), or each process's own memory when no
    directory is given."""
    url = (url or "").strip()
    if not url:
        if directory is not None:
            # One copy per machine, not per worker: what one gunicorn worker computed, the others read.
            return {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(directory),
                                "OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": 3}}}
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "microcred",
                            "OPTIONS": {"MAX_ENTRIES": max_entries}}}
    _check_url(url)
    return {"default": {
        "BACKEND": "microcred.core.redis_cache.ResilientRedisCache",
        "LOCATION": url,
        # Without timeouts an unreachable host holds a request for the operating system's TCP timeout (minutes).
        "OPTIONS": {"socket_connect_timeout": timeout_seconds, "socket_timeout": timeout_seconds},
    }}


def _check_url(url: str) -> None:
    """ImproperlyConfigured with a message an operator can act on; never repeats the address (it may hold a
    password)."""
    example = "redis://HOST:6379/0 (rediss:// for TLS, or unix:///path/to/redis.sock)"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured(f"REDIS_URL is not a valid address: its port must be a number from 1 to 65535. "
                                   f"Use {example}.") from None
    if parts.scheme not in SCHEMES:
        start = f"{parts.scheme}://" if parts.scheme else "no scheme"
        raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix:// (it starts with {start}). "
                                   f"Use {example}.")
    if parts.scheme == "unix":
        if not parts.path:
            raise ImproperlyConfigured(f"REDIS_URL names no socket file. Use {example}.")
        return
    if not parts.hostname:
        raise ImproperlyConfigured(f"REDIS_URL names no host. Use {example}.")
    if port == 0:
        raise ImproperlyConfigured(f"REDIS_URL's port must be a number from 1 to 65535. Use {example}.")
    database = parts.path.strip("/")
    if database and not (database.isdigit() and len(database) <= 5):
        raise ImproperlyConfigured(f"REDIS_URL's database (after the last /) must be a number such as 0. "
                                   f"Use {example}.")


class ResilientRedisCache(RedisCache):
    """Django's RedisCache that serves a miss instead of an error while Redis cannot be reached."""

    retry_after_seconds = 5.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0  # monotonic time before which Redis is not tried again
        self._down = False

    def _call(self, fallback: Any, method: str, *args, **kwargs) -> Any:
        if self._down and time.monotonic() < self._down_until:
            return fallback
        try:
            result = getattr(super(), method)(*args, **kwargs)
        except _UNREACHABLE as exc:
            if not self._down:
                logger.warning("The shared cache (Redis) cannot be used (%s: %s); pages are served from the database "
                               "without it and it is tried again every %g s.", type(exc).__name__, exc,
                               self.retry_after_seconds)
            self._down, self._down_until = True, time.monotonic() + self.retry_after_seconds
            return fallback
        if self._down:
            logger.warning("The shared cache (Redis) answers again.")
            self._down = False
        return result

    def get(self, key, default=None, version=None):
        return self._call(default, "get", key, default, version)

    def get_many(self, keys, version=None):
        return self._call({}, "get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call(False, "has_key", key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, "add", key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(None, "set", key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(list(data), "set_many", data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, "touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call(False, "delete", key, version)

    def delete_many(self, keys, version=None):
        return self._call(None, "delete_many", keys, version)

    def clear(self):
        return self._call(False, "clear")

    def incr(self, key, delta=1, version=None):
        unsent = object()
        result = self._call(unsent, "incr", key, delta, version)
        if result is unsent:
            raise CacheUnavailable("the shared cache (Redis) cannot be reached")
        return result
