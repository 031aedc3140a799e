"""Small-cell suppression: counts of fewer than ``threshold()`` people are never shown, and enough other cells are
hidden that no hidden count can be worked out from the totals (docs/decisions/0025-small-cell-suppression.md).

Pure arithmetic, no domain rules: it sits in core so every app that prints counts of people (recognition's
qualifiers page, the analytics dashboards, their CSVs and API) applies the same rule. A hidden cell becomes ``None``;
pages print "fewer than N or hidden", CSVs ``suppressed`` and the API ``null``.

The rule:

1. *primary*: a count ``0 < n < k`` is hidden (zero is shown: it names nobody);
2. *complementary*: for every relation "these cells add up to that total" (a row, a column, a margin), if exactly one
   of its members (the total included) is hidden, or the hidden members of a shown total add up to less than ``k``,
   the smallest shown non-zero member is hidden too; repeated until nothing changes.

Cells that are never shown (e.g. "neither qualify nor close") may be named in ``always_hidden``.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_THRESHOLD = 10
MINIMUM_THRESHOLD = 5
SETTING = "MICROCRED_SMALL_CELL_THRESHOLD"


def threshold() -> int:
    """The smallest group shown (setting ``MICROCRED_SMALL_CELL_THRESHOLD``, default 10). A setting below 5 (or not a
    whole number) is refused: the site will not show smaller groups whatever it is told."""
    value = getattr(settings, SETTING, DEFAULT_THRESHOLD)
    if isinstance(value, bool) or not isinstance(value, int) or value < MINIMUM_THRESHOLD:
        raise ImproperlyConfigured(
            f"{SETTING} must be a whole number of at least {MINIMUM_THRESHOLD} (it is {value!r}).")
    return value


def suppress(cells: dict[Hashable, int], relations: Iterable[tuple[Sequence[Hashable], Hashable | None]] = (), *,
             k: int | None = None, always_hidden: Iterable[Hashable] = ()) -> dict[Hashable, int | None]:
    """``cells`` with every small or revealing count replaced by None.

    ``relations``: (members, total) pairs meaning sum(members) == total; ``total`` None when the total is not shown
    anywhere. Keys in ``always_hidden`` may appear in relations without being in ``cells`` (never shown)."""
    k = threshold() if k is None else max(int(k), MINIMUM_THRESHOLD)
    values = dict(cells)
    hidden = {key for key, n in values.items() if n is not None and 0 < n < k}
    hidden |= {key for key, n in values.items() if n is None}
    hidden |= set(always_hidden)
    relations = [(list(members), total) for members, total in relations]
    changed = True
    while changed:
        changed = False
        for members, total in relations:
            group = members + ([total] if total is not None else [])
            hidden_here = [m for m in group if m in hidden]
            if not hidden_here:
                continue
            short = total is not None and total not in hidden and 0 < sum(
                values.get(m) or 0 for m in members if m in hidden) < k
            if len(hidden_here) == 1 or short:
                candidates = sorted((m for m in members if m not in hidden and m in values),
                                    key=lambda m: (values[m] == 0, values[m]))
                if not candidates and total is not None and total not in hidden and len(hidden_here) == 1:
                    candidates = [total]
                if candidates:
                    hidden.add(candidates[0])
                    changed = True
    return {key: (None if key in hidden else n) for key, n in values.items()}


def suppress_rows(rows: list[dict], columns: Sequence[str], *, total_column: str | None = None,
                  partition: bool = False, totals: dict[str, int] | None = None,
                  k: int | None = None) -> tuple[list[dict], dict[str, int | None]]:
    """A table of dicts (one per row) with the ``columns`` counts suppressed.

    - ``total_column``: the row's total (e.g. educators); with ``partition`` True the other columns add up to it,
      otherwise what they leave out is treated as a never-shown cell.
    - ``totals``: the column totals shown elsewhere (a "total" row); each column of rows adds up to it.
    Returns (new rows, suppressed totals); the rows' other keys are kept as they are."""
    cells, relations, never = {}, [], []
    for i, row in enumerate(rows):
        for c in columns:
            cells[(i, c)] = row.get(c)
        if total_column:
            parts = [(i, c) for c in columns if c != total_column]
            if not partition:
                # what the columns leave out (e.g. started but did not earn) is a count of people too: never
                # printed, but worked out by subtraction, so a small one is protected like any other cell
                known = [row.get(c) for c in columns if c != total_column]
                total = row.get(total_column)
                rest = None if total is None or None in known else total - sum(known)
                cells[(i, "__rest__")] = rest
                if rest is None:
                    never.append((i, "__rest__"))
                parts.append((i, "__rest__"))
            relations.append((parts, (i, total_column)))
    if totals is not None:
        for c in columns:
            if c in totals:
                cells[("total", c)] = totals[c]
                relations.append(([(i, c) for i in range(len(rows))], ("total", c)))
    out = suppress(cells, relations, k=k, always_hidden=never)
    result = []
    for i, row in enumerate(rows):
        new = dict(row)
        new.update({c: out[(i, c)] for c in columns})  # the rest is never in the result
        result.append(new)
    return result, {c: out[("total", c)] for c in columns if ("total", c) in out}


def suppress_count(n: int | None, *, k: int | None = None) -> int | None:
    """One count shown alone: None when it is a small group."""
    return suppress({"n": n}, k=k)["n"]


class Hidden:
    """A suppressed count as a page prints it (``str``), for templates written before suppression existed."""

    def __str__(self) -> str:
        from django.utils.translation import gettext
        return gettext("not shown (small group)")

    def __bool__(self) -> bool:
        return False

    def __eq__(self, other) -> bool:
        return isinstance(other, Hidden)

    def __hash__(self) -> int:
        return 0


HIDDEN = Hidden()


def shown(value):
    """``value``, or HIDDEN for a suppressed (None) count."""
    return HIDDEN if value is None else value
