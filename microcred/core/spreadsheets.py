"""One guard for every CSV export (fees, awards, audit trail): cells a spreadsheet would run as a formula."""

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(text: str) -> str:
    """``text`` shown as text by Excel or Sheets: a leading = + - @ (or tab, CR) gets an apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text
