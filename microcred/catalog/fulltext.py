"""Catalog search through the database's own full-text index (docs/decisions/0042-catalog-full-text-search.md).

What a search word means, on every engine: its letters and digits (runs of them: "k-12" is "k" and "12") must each
begin a word of the version's ``search_text``; a word with punctuation in it ("k-12", "teacher's") must also appear as
typed. The index answers the first part, the second is checked only on the rows the index found.

- PostgreSQL: the stored column ``search_document``, generated from ``search_text`` by ``FTS_DOCUMENT`` (``simple``
  configuration: lower case, no stemming, no stop words; punctuation turned into spaces first so both engines cut
  words the same way), with a GIN index (migrations 0007 and 0008, decision 0055), queried with
  ``to_tsquery('simple', "'word':* & …")``. The column is PostgreSQL's own (not a model field): Django never
  writes it, the database keeps it in step with every write of ``search_text``.
- SQLite: the FTS5 table ``catalog_version_fts`` (``unicode61``, diacritics kept) over ``search_text``, kept in step
  by triggers (migration 0007), queried with ``MATCH '"word"* AND …'``.
- Any other engine: ``search_text`` LIKE each word (a scan, as before).

Every word reaches the database only as letters and digits inside quotes, so nothing a person types (quotes, NEAR,
AND, OR, NOT, ``*``, ``^``, parentheses, NUL bytes) is read as an operator.
"""
from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, Expression, F, QuerySet
from django.db.models.expressions import RawSQL

FTS_TABLE = "catalog_version_fts"
VERSION_TABLE = "catalog_microcredentialversion"
# What the stored column search_document holds (migration 0008; the expression 0007 indexed).
FTS_DOCUMENT = "to_tsvector('simple'::regconfig, regexp_replace({}, '[[:punct:][:space:][:cntrl:]]+', ' ', 'g'))"
PG_DOCUMENT_COLUMN = "search_document"
SQLITE_MATCH = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
MAX_PIECES = 24  # letters-and-digits runs per search, all words together

_PIECE = re.compile(r"[^\W_]+")


def pieces(term: str) -> list[str]:
    """The runs of letters and digits in a search word: what the index knows words by."""
    return _PIECE.findall(term)


def _index_pieces(terms: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for term in terms:
        for piece in pieces(term):
            seen.setdefault(piece, None)
    return list(seen)[:MAX_PIECES]


def postgresql_query(words: list[str]) -> str:
    return " & ".join(f"'{w}':*" for w in words)


def sqlite_query(words: list[str]) -> str:
    return " AND ".join(f'"{w}"*' for w in words)


class _PostgresqlMatch(Expression):
    """The row's own stored ``search_document`` matches the tsquery: a condition on each version row (the GIN index,
    or a read of the stored vector per row for a word most versions have), never a subquery the planner might run
    again for every row of a join."""
    conditional = True
    output_field = BooleanField()

    def __init__(self, tsquery: str):
        super().__init__()
        self.column, self.tsquery = F("search_text"), tsquery

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def resolve_expression(self, *args, **kwargs):
        clone = super().resolve_expression(*args, **kwargs)
        clone.column = self.column.resolve_expression(*args, **kwargs)
        return clone

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.column)  # "<table or alias>"."search_text": the same row's document
        suffix = connection.ops.quote_name("search_text")
        if not column.endswith(suffix):
            raise ValueError(f"Expected a search_text column, got {column}")
        document = column[: -len(suffix)] + connection.ops.quote_name(PG_DOCUMENT_COLUMN)
        return f"{document} @@ to_tsquery('simple', %s)", [*params, self.tsquery]


def matching(qs: QuerySet, terms: list[str]) -> QuerySet:
    """Versions of ``qs`` whose search text matches every one of ``terms`` (from selectors.query_terms)."""
    words = _index_pieces(terms)
    vendor = connection.vendor
    if words and vendor == "postgresql":
        # The matching ids are read first (one query, the GIN index) and the rest of the search filters on that list:
        # a facet count joins the search several times, and PostgreSQL, before it has statistics, may evaluate the
        # tsvector of every version again for each row of such a join (seen: minutes on the demo catalog).
        ids = list(qs.model._base_manager.filter(_PostgresqlMatch(postgresql_query(words))).order_by().values_list("pk", flat=True))
        qs = qs.filter(pk__in=ids)
    elif words and vendor == "sqlite":
        qs = qs.filter(pk__in=RawSQL(SQLITE_MATCH, [sqlite_query(words)]))
    for term in terms:
        # Punctuation, or an engine without an index: the word as typed, on the rows the index left (if any).
        if vendor not in ("postgresql", "sqlite") or pieces(term) != [term]:
            qs = qs.filter(search_text__contains=term)
    return qs


def python_match(search_text: str, terms: list[str]) -> bool:
    """What ``matching`` means, in Python (the tests compare the two)."""
    words = set(pieces(search_text))
    return (all(any(w.startswith(p) for w in words) for p in _index_pieces(terms))
            and all(term in search_text for term in terms if pieces(term) != [term]))
