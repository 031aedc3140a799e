"""Explicit state machines: a table of legal moves, and a clear error for anything else."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class InvalidTransition(ValidationError):
    """An illegal state change, e.g. publishing a draft that was never reviewed."""


def ensure_transition(current: str, to: str, table: dict[str, set[str]], *, what: str, labels: dict[str, str] | None = None) -> None:
    """Raise InvalidTransition unless `current -> to` is in `table`."""
    labels = labels or {}
    if to not in table.get(current, set()):
        allowed = ", ".join(sorted(str(labels.get(s, s)) for s in table.get(current, set()))) or _("none")
        raise InvalidTransition(
            _("%(what)s cannot move from “%(current)s” to “%(to)s”. Allowed next states: %(allowed)s.")
            % {"what": what, "current": labels.get(current, current), "to": labels.get(to, to), "allowed": allowed}
        )
