"""Which MCs a person has earned, as the catalog needs it for stack progress.

The catalog sits below earning and credentials, so it cannot ask them directly; those apps register a
provider here in their AppConfig.ready(). With none registered (as now), nobody has earned anything yet.
"""
from __future__ import annotations

from collections.abc import Callable

_providers: list[Callable[[object], set[int]]] = []


def register_earned_provider(provider: Callable[[object], set[int]]) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister_earned_provider(provider: Callable[[object], set[int]]) -> None:
    if provider in _providers:
        _providers.remove(provider)


def earned_micro_credential_ids(user) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    earned: set[int] = set()
    for provider in _providers:
        earned |= set(provider(user))
    return earned
