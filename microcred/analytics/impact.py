"""Reading the impact ratings CSV (issue 17 item 5): one evaluation or observation rating of one educator for one
school year. Columns (case-insensitive): ``educator`` (username or e-mail; also ``username``, ``email``), ``year``
(the year the school year ends in, or ``2024-25``; also ``school_year``) and ``rating`` (1 to 5, up to two
decimals; also ``score``). Nothing here touches the database."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from microcred.rosters.reading import looks_like_formula

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 50_000
MIN_YEAR, MAX_YEAR = 1990, 2100
MIN_RATING, MAX_RATING = Decimal("1"), Decimal("5")

HEADER_ALIASES = {"educator": "educator", "username": "educator", "email": "educator", "e-mail": "educator",
                  "year": "year", "school_year": "year", "rating": "rating", "score": "rating"}


def parse_year(text: str) -> int:
    text = text.strip()
    if len(text) == 7 and text[4] == "-" and text[:4].isdigit() and text[5:].isdigit():  # 2024-25
        year = int(text[:4]) + 1
        if int(text[5:]) != year % 100:
            raise ValueError(_("The year “%(text)s” is not a school year like 2024-25.") % {"text": text[:20]})
    elif text.isdigit() and len(text) == 4:
        year = int(text)
    else:
        raise ValueError(_("The year must be like 2025 or 2024-25."))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(_("The year must be between %(a)s and %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR})
    return year


def parse_rating(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(_("The rating must be a number from 1 to 5.")) from None
    if not value.is_finite() or not MIN_RATING <= value <= MAX_RATING or value != value.quantize(Decimal("0.01")):
        raise ValueError(_("The rating must be a number from 1 to 5, with at most two decimals."))
    return value.quantize(Decimal("0.01"))


def parse_row(values: dict[str, str]) -> tuple[str, int, Decimal]:
    """(educator, year, rating) of one row; raises ValueError with a message for the person who uploaded it."""
    educator = values.get("educator", "").strip()
    if not educator:
        raise ValueError(_("The educator column is empty."))
    if looks_like_formula(educator) or len(educator) > 254 or any(c in educator for c in "<>\"'\\"):
        raise ValueError(_("The educator must be a username or e-mail address."))
    return educator, parse_year(values.get("year", "")), parse_rating(values.get("rating", ""))
