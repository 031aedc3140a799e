# Catalog search on PostgreSQL reads a stored tsvector instead of recomputing it (decision 0055).

from django.db import migrations

# Spelled out here, not imported, so this migration keeps meaning what it meant. The expression is 0007's indexed one:
# the same words, now computed once per write and stored, so that a search for a common word — which PostgreSQL
# answers by reading every row rather than through the index — no longer recomputes it for every version (300 ms for
# "classroom" over 2,000 versions; 2 ms stored).
PG_DOCUMENT = "to_tsvector('simple'::regconfig, regexp_replace(search_text, '[[:punct:][:space:][:cntrl:]]+', ' ', 'g'))"
PG_FORWARD = [
    f"ALTER TABLE catalog_microcredentialversion ADD COLUMN IF NOT EXISTS search_document tsvector "
    f"GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED",
    "CREATE INDEX IF NOT EXISTS catalog_version_search_document_gin ON catalog_microcredentialversion USING GIN (search_document)",
    "DROP INDEX IF EXISTS catalog_version_search_gin",
]
PG_BACKWARD = [
    f"CREATE INDEX IF NOT EXISTS catalog_version_search_gin ON catalog_microcredentialversion USING GIN (({PG_DOCUMENT}))",
    "DROP INDEX IF EXISTS catalog_version_search_document_gin",
    "ALTER TABLE catalog_microcredentialversion DROP COLUMN IF EXISTS search_document",
]


def _run(schema_editor, statements):
    if schema_editor.connection.vendor == "postgresql":  # SQLite keeps its FTS5 table (0007); others scan
        for statement in statements:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0007_catalog_full_text_search_and_indexes'),
    ]

    operations = [
        migrations.RunPython(lambda apps, schema_editor: _run(schema_editor, PG_FORWARD),
                             lambda apps, schema_editor: _run(schema_editor, PG_BACKWARD), elidable=False),
    ]
