"""The small-cell rule (docs/decisions/0025-small-cell-suppression.md): cells under the threshold hidden, and
complementary cells hidden so that no total gives a hidden cell away."""
import itertools

import pytest
from django.core.exceptions import ImproperlyConfigured

from microcred.core import suppression


def test_threshold_defaults_to_ten_and_refuses_less_than_five(settings):
    assert suppression.threshold() == 10
    settings.MICROCRED_SMALL_CELL_THRESHOLD = 5
    assert suppression.threshold() == 5
    for bad in (4, 0, -3, "7", 7.5, True, None):
        settings.MICROCRED_SMALL_CELL_THRESHOLD = bad
        with pytest.raises(ImproperlyConfigured):
            suppression.threshold()


def test_an_explicit_k_below_five_is_raised_to_five():
    assert suppression.suppress({"a": 4}, k=2)["a"] is None


@pytest.mark.parametrize("n,shown", [(0, True), (3, False), (4, False), (5, False), (9, False), (10, True), (11, True)])
def test_primary_suppression(n, shown):
    assert (suppression.suppress_count(n) is not None) is shown


def test_a_total_cannot_reveal_the_one_hidden_cell():
    rows = [{"name": "A", "n": 3}, {"name": "B", "n": 40}, {"name": "C", "n": 25}]
    out, totals = suppression.suppress_rows(rows, ["n"], totals={"n": 68})
    assert [r["n"] for r in out] == [None, 40, None] and totals == {"n": 68}


def test_two_hidden_cells_adding_up_to_less_than_k_hide_a_third():
    rows = [{"n": 3}, {"n": 4}, {"n": 30}, {"n": 50}]
    out, _ = suppression.suppress_rows(rows, ["n"], totals={"n": 87})
    assert [r["n"] for r in out] == [None, None, None, 50]


def test_rows_and_columns_together_leave_no_derivable_cell():
    # educators per school by locale; totals per row and per column are shown.
    rows = [{"rural": 4, "city": 20, "all": 24}, {"rural": 12, "city": 5, "all": 17}, {"rural": 30, "city": 31, "all": 61}]
    out, totals = suppression.suppress_rows(rows, ["rural", "city", "all"], total_column="all", partition=True,
                                            totals={"rural": 46, "city": 56, "all": 102})
    shown = {(i, c): r[c] for i, r in enumerate(out) for c in ("rural", "city", "all")} | {
        ("t", c): v for c, v in totals.items()}
    assert shown[(0, "rural")] is None and shown[(1, "city")] is None
    _assert_nothing_derivable(shown, rows, totals)


def _assert_nothing_derivable(shown, rows, totals):
    """No row or column (with its total) has exactly one hidden member: nothing is worked out by subtraction."""
    columns = ("rural", "city")
    for i in range(len(rows)):
        group = [shown[(i, c)] for c in columns] + [shown[(i, "all")]]
        assert sum(v is None for v in group) != 1
    for c in (*columns, "all"):
        group = [shown[(i, c)] for i in range(len(rows))] + [shown[("t", c)]]
        assert sum(v is None for v in group) != 1


@pytest.mark.parametrize("sizes", list(itertools.permutations([3, 9, 10, 11])))
def test_groups_of_3_9_10_and_11(sizes):
    rows = [{"n": s} for s in sizes]
    out, _ = suppression.suppress_rows(rows, ["n"], totals={"n": sum(sizes)})
    values = [r["n"] for r in out]
    assert 3 not in values and 9 not in values
    hidden = [s for s, v in zip(sizes, values) if v is None]
    assert len(hidden) >= 2 and sum(hidden) >= 10  # the total minus what is shown is not a small group


def test_hidden_prints_as_words_and_is_not_a_number():
    assert str(suppression.HIDDEN) == "not shown (small group)"
    assert suppression.shown(None) is suppression.HIDDEN and suppression.shown(12) == 12
