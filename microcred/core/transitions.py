"""Explicit state machines: a table of legal moves, and a clear error for anything else."""
from __future__ import annotations

from django.core.exceptions import ValidationError


class InvalidTransition(ValidationError):
    """An illegal state change, e.g. publishing a draft that was never reviewed."""


def ensure_transition(current: str, to: str, table: dict[str, set[str]], *, what: str, labels: dict[str, str] | None = None) -> None:
    """Raise InvalidTransition unless `current -> to` is in `table`."""
    labels = labels or {}
    if to not in table.get(current, set()):
        allowed = ", ".join(sorted(labels.get(s, s) for s in table.get(current, set()))) or "none"
        raise InvalidTransition(
            f"{what} cannot move from “{labels.get(current, current)}” to “{labels.get(to, to)}”. "
            f"Allowed next states: {allowed}."
        )
