"""core.db.refresh_planner_statistics: after a bulk load, PostgreSQL plans from the rows it now holds (decision 0047)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred.accounts.models import Organization
from microcred.core.db import refresh_planner_statistics


def _estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_statistics_count_the_rows_of_the_loading_transaction_itself():
    Organization.objects.bulk_create([Organization(slug=f"bulk-{i}", name=f"Bulk {i}", kind="district") for i in range(400)])
    with CaptureQueriesContext(connection) as queries:
        refresh_planner_statistics()
    if connection.vendor != "postgresql":
        assert len(queries) == 0  # SQLite plans from its indexes: nothing is asked of it
        return
    assert [q["sql"] for q in queries] == ["ANALYZE"]
    # Still inside the test's transaction (uncommitted rows): the planner now expects hundreds of rows, not one.
    assert _estimated_rows(Organization._meta.db_table) >= 400
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN SELECT * FROM {Organization._meta.db_table} WHERE kind = 'district'")
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "rows=1 " not in plan, plan
