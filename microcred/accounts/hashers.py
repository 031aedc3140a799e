"""Password hashing: argon2id at OWASP's recommended cost rather than Django's heavier default (decision 0052).

Django's Argon2PasswordHasher asks for 100 MiB and 8 lanes: ≈ 250 ms of CPU per login, so on a 2-core node a
morning's burst of sign-ins (a district's teachers opening the platform after a staff meeting) queues every other
page behind it, and the login form becomes the cheapest way to exhaust the server. OWASP's Password Storage Cheat
Sheet recommends argon2id with at least 19 MiB, 2 passes and 1 lane (≈ 25 ms here); an operator who wants more sets
MICROCRED_ARGON2_MEMORY_KIB / MICROCRED_ARGON2_TIME_COST / MICROCRED_ARGON2_PARALLELISM, never below that floor.

The algorithm's name stays "argon2": hashes made with other parameters still verify (each hash carries its own),
and Django re-hashes them with these at the person's next successful login (must_update compares the parameters).
"""
from __future__ import annotations

import os

from django.contrib.auth.hashers import Argon2PasswordHasher

# OWASP Password Storage Cheat Sheet, argon2id: m = 19 MiB (19,456 KiB), t = 2, p = 1 is the recommended minimum.
OWASP_MEMORY_KIB = 19456
OWASP_TIME_COST = 2
OWASP_PARALLELISM = 1


def _setting(name: str, default: int, floor: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number (got {raw!r})") from None
    if value < floor:
        raise ValueError(f"{name} must be at least {floor} (OWASP's minimum for argon2id); got {value}")
    return value


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """argon2id with OWASP's recommended cost (or more, from the environment)."""

    memory_cost = _setting("MICROCRED_ARGON2_MEMORY_KIB", OWASP_MEMORY_KIB, OWASP_MEMORY_KIB)
    time_cost = _setting("MICROCRED_ARGON2_TIME_COST", OWASP_TIME_COST, OWASP_TIME_COST)
    parallelism = _setting("MICROCRED_ARGON2_PARALLELISM", OWASP_PARALLELISM, 1)
