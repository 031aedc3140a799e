"""Fixed-window rate limits shared by every worker process (counted in the database, not in one process's memory).

    if not ratelimit.hit("password-reset:ip", address, limit=10, window=3600):
        ...  # over the limit: answer as usual, but do not act

A public service of ``core`` for any app that must refuse a flood quietly (password reset e-mails today)."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import RateLimitCounter

KEEP = timedelta(days=1)


def _digest(scope: str, value: object) -> str:
    return hashlib.sha256(f"{scope}\x00{value}".encode("utf-8")).hexdigest()


def _window_start(now, window: int):
    return now - timedelta(seconds=int(now.timestamp()) % window, microseconds=now.microsecond)


def count(scope: str, value: object, *, window: int) -> int:
    """How many events of ``scope`` from ``value`` the current window holds (without counting one)."""
    start = _window_start(timezone.now(), window)
    return RateLimitCounter.objects.filter(key=_digest(scope, value), window_start=start).values_list(
        "count", flat=True).first() or 0


def hit(scope: str, value: object, *, limit: int, window: int) -> bool:
    """Count one event of ``scope`` from ``value`` (an address, an account id) in the current ``window``-second
    window; True while the count is at most ``limit``. Counts even when over, so a flood stays refused."""
    now = timezone.now()
    start = _window_start(now, window)
    key = _digest(scope, value)
    with transaction.atomic():
        updated = RateLimitCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(key=key, window_start=start, count=1)
            except IntegrityError:  # another request made it first
                RateLimitCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        count = RateLimitCounter.objects.filter(key=key, window_start=start).values_list("count", flat=True).first()
    RateLimitCounter.objects.filter(window_start__lt=now - KEEP).delete()
    return (count or 0) <= limit
