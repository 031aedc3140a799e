"""The awards export as CSV, shared by the recognizer page and ``microcred export_awards``."""
from __future__ import annotations

import csv

from microcred.core.spreadsheets import formula_safe

from . import selectors

def csv_cell(value) -> str:
    """Text for a spreadsheet cell; a leading = + - @ (or tab, CR) would make Excel or Sheets run it as a formula."""
    if isinstance(value, (list, tuple)):
        value = " ".join(str(v) for v in value)
    text = "" if value is None else str(value)
    return formula_safe(text)


def csv_lines(rows):
    """The header and one line per award row (EXPORT_COLUMNS), as CSV text, lazily (for streaming)."""

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())
    yield writer.writerow(selectors.EXPORT_COLUMNS)
    for row in rows:
        yield writer.writerow([csv_cell(row[c]) for c in selectors.EXPORT_COLUMNS])
