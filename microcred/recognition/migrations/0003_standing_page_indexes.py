"""Partial indexes that serve the qualifiers page's two lists in the order it shows them (percent, then the name in
code-point order, then the educator), so a page of 50 reads 50 index entries instead of sorting a jurisdiction.

Written as SQL because the name's order needs PostgreSQL's "C" collation, which SQLite does not have (its default,
BINARY, already is code-point order for UTF-8); Django's Index cannot say "COLLATE only on PostgreSQL"."""
from django.db import migrations

LISTS = {"recognition_standing_qualified": "qualified", "recognition_standing_close": "close"}


def create(apps, schema_editor):
    collate = ' COLLATE "C"' if schema_editor.connection.vendor == "postgresql" else ""
    for name, flag in LISTS.items():
        schema_editor.execute(
            f"CREATE INDEX {name} ON recognition_qualifierstanding "
            f"(policy_id, generation, percent DESC, sort_name{collate}, educator_id) WHERE in_jurisdiction AND {flag}")


def drop(apps, schema_editor):
    for name in LISTS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [("recognition", "0002_qualifier_standings")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
