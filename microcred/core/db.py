"""Database helpers that do not belong to one domain area."""
from __future__ import annotations

from django.db import connections


def refresh_planner_statistics(using: str = "default") -> None:
    """Bring PostgreSQL's planner statistics up to date after a bulk load (the demo world, generated scale data).

    PostgreSQL plans a join from its statistics; tables last analysed while empty look like one row each, so a join
    over thousands of freshly loaded rows gets a nested loop over whole tables, and every such query in the rest of
    the same load takes a second instead of a millisecond (autovacuum analyses only after commit). ANALYZE inside the
    loading transaction counts that transaction's own rows. SQLite plans from its indexes alone: nothing to do."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
