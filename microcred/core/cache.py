"""Cached reads with correct invalidation (issue 18, decision 0033).

A cached value is stored under a *generation* of its topic ("verification", "catalog"): any write that could change
such a value bumps the topic's generation, so every entry of the old one is never read again (and ages out).

Where the generation lives follows the cache backend (settings.CACHES, docs/operations.md "Caching"):
- a shared cache (Redis, REDIS_URL; decision 0039): in the cache itself, so a bump on one web node is seen by every
  node at once. While Redis cannot be reached every read is a miss (served from the database) and a bump that could
  not be sent is sent again by this process as soon as Redis answers (microcred/core/redis_cache.py);
- the machine's own cache (without Redis: files under MICROCRED_DATA_DIR shared by its processes, decision 0059; in
  the tests, memory per process): in a stamp file under MICROCRED_DATA_DIR, so a bump in one gunicorn worker is
  seen by every worker of the machine at their next read (one stat() per read).
"""
from __future__ import annotations

import hashlib
import os
import random
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

from django.conf import settings
from django.core.cache import cache

from microcred.core.redis_cache import CacheUnavailable

_MISSING = object()
# Topics whose bump this process could not send to the shared cache (it was unreachable): sent again at the next read.
_unsent_bumps: set[str] = set()


def _is_local_memory() -> bool:
    """The cache is this machine's own (its files, or a process's memory): generations live in stamp files."""
    return settings.CACHES["default"]["BACKEND"].endswith(("LocMemCache", "FileBasedCache"))


class Generation:
    """A topic's generation: ``current()`` names the live entries; ``bump()`` retires them all."""

    def __init__(self, topic: str):
        self.topic = topic
        self.key = f"microcred:generation:{topic}"

    def _stamp(self) -> Path:
        return Path(settings.DATA_DIR) / "cache" / f"{self.topic}.generation"

    def current(self) -> int:
        if _is_local_memory():
            try:
                return os.stat(self._stamp()).st_mtime_ns
            except FileNotFoundError:
                return 0
        if self.topic in _unsent_bumps:
            self._send_bump()
        value = cache.get(self.key)
        if value is None:  # a fresh cache: start a generation no earlier entry can carry
            cache.add(self.key, time.time_ns(), None)
            value = cache.get(self.key, 0)
        return value

    def bump(self, **kwargs) -> None:
        """Retire every entry of this topic (usable directly as a signal receiver)."""
        if _is_local_memory():
            stamp = self._stamp()
            stamp.parent.mkdir(parents=True, exist_ok=True)
            previous = self.current()
            stamp.touch()
            now = time.time_ns()
            if os.stat(stamp).st_mtime_ns <= previous:  # two bumps within the file system's clock resolution
                os.utime(stamp, ns=(now, max(now, previous + 1)))
            return
        self._send_bump()

    def _send_bump(self) -> None:
        try:
            try:
                cache.incr(self.key)
            except ValueError:  # not there (evicted, or a fresh cache)
                cache.set(self.key, time.time_ns(), None)
        except CacheUnavailable:
            _unsent_bumps.add(self.topic)  # entries of the old generation may outlive the outage: retire them after it
        else:
            _unsent_bumps.discard(self.topic)


# Entries made together expire together: every web process warms up at the same moment, so without a spread each
# 60-second entry would be recomputed by every process at 60, 120, 180 s… at once, and pages would queue behind those
# bursts. Each entry is kept for a random 80–100 % of its timeout instead: never longer than promised.
SPREAD = 0.2


def spread(timeout: int | None) -> int | None:
    """``timeout`` (seconds) shortened by a random 0–20 %: the time to keep one cache entry. None (for ever) and 0 (do
    not keep) are returned as they are."""
    if timeout is None or timeout <= 0:
        return timeout
    return max(1, round(timeout * (1 - SPREAD * random.random())))


def _key(generation: Generation, name: str) -> str:
    digest = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()  # names may come from input
    return f"microcred:{generation.topic}:{generation.current()}:{digest}"


def remembered(generation: Generation, name: str, compute: Callable[[], Any], *, timeout: int = 300) -> Any:
    """``compute()``'s value, cached under ``generation`` for at most ``timeout`` seconds."""
    key = _key(generation, name)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, spread(timeout))
    return value


# Objects kept as they are by this process (remembered_object): at most this many, the least recently used leave first.
OBJECTS_KEPT = 128
_objects: OrderedDict[str, tuple[float, Any]] = OrderedDict()
_objects_lock = threading.Lock()


def remembered_object(generation: Generation, name: str, compute: Callable[[], Any], *, timeout: int = 300) -> Any:
    """``compute()``'s value kept by this process as the object itself, under ``generation``, for at most ``timeout``
    seconds: the same object for every request of the process, so callers must never change it.

    For large read-only values (a version's whole content as model instances) whose copy out of the cache costs more
    than drawing the page (decision 0054): the cache holds a marker, and an entry is used only while its marker is
    there, so whatever retires or clears the cache (a new generation, expiry, eviction, ``cache.clear()``) retires it
    here too."""
    key = _key(generation, name)
    now = time.monotonic()
    with _objects_lock:
        found = _objects.get(key)
        if found is not None and found[0] > now:
            _objects.move_to_end(key)
        else:
            found = None
    if found is not None and cache.has_key(key):
        return found[1]
    value = compute()
    timeout = spread(timeout)
    cache.set(key, True, timeout)
    with _objects_lock:
        _objects[key] = (now + timeout, value)
        _objects.move_to_end(key)
        while len(_objects) > OBJECTS_KEPT:
            _objects.popitem(last=False)
    return value


def clear_machine_cache() -> None:
    """Empty this machine's own cache (its files, or this process's memory) after the data or the code changed
    under it (a release's migrate, a restore): its files outlive restarts (decision 0059). A shared Redis is left
    alone: other nodes may be serving from it mid-release, and clearing it would flush its whole database."""
    if _is_local_memory():
        cache.clear()
    forget_objects()


def forget_objects() -> None:
    """Drop every object this process keeps (remembered_object); their cache markers no longer matter."""
    with _objects_lock:
        _objects.clear()


def retire_now_and_on_commit(generation: Generation) -> None:
    """Bump ``generation`` now, and again once the transaction commits: a reader between the write and the commit
    could otherwise keep what it read before the write for the whole lifetime of the entry."""
    from django.db import transaction

    generation.bump()
    transaction.on_commit(generation.bump)


def retire_on_change(generation: Generation, *models, name: str) -> None:
    """Retire ``generation`` on every save and delete of each of ``models`` (Django signals: bulk writes send none,
    so code that writes in bulk calls ``retire_now_and_on_commit`` itself)."""
    from django.db.models.signals import post_delete, post_save

    def retire(**_signal):
        retire_now_and_on_commit(generation)

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(retire, sender=model, weak=False,
                           dispatch_uid=f"{name}.{generation.topic}.{signal is post_save}.{model._meta.label}")
