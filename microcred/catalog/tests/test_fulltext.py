"""Catalog search through the database's full-text index (catalog/fulltext.py, decision 0042), on SQLite and PostgreSQL."""
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred.catalog import fulltext, selectors, services, translation
from microcred.catalog.models import MicroCredentialVersion

from .test_search import catalog, titles  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

# What people search the demo catalog for: the bench's search, subjects, practices, two-word searches, punctuation.
DEMO_SEARCHES = ["feedback", "reading", "math", "assessment", "coach", "coaching", "teacher's", "literacy", "science",
                 "writing", "classroom", "student", "students feedback", "reading fluency", "culturally responsive",
                 "formative", "discourse", "phonics", "Equity", "k-12", "data", "family", "English learners", "rubric", "video",
                 "inquiry", "math discourse", "social-emotional", "plan", "observ", "reflect", "collabor", ""]


def _scan(versions, q):
    """The search before decision 0042: every word a substring of the lower-case search text."""
    terms = selectors.query_terms(q)
    return {pk for pk, text in versions if all(t in text for t in terms)}


def _found(q, user=None):
    return {v.pk for v in selectors.search_catalog(user=user, q=q, limit=100_000).versions}


def test_demo_catalog_searches_find_what_the_scan_found_and_the_index_agrees_with_its_definition(seeded_demo):
    versions = list(selectors.catalog_versions(None).values_list("pk", "search_text"))
    assert len(versions) > 40
    assert [q for q in DEMO_SEARCHES if _found(q) != _scan(versions, q)] == []
    assert _found("ell") < _scan(versions, "ell")  # the scan also found "well", "tell": inside words, no longer
    # Every word of the demo catalog, whole and as its first three letters: the index finds exactly what its Python
    # definition says (prefix of a word; as typed when it has punctuation), on this engine.
    words = sorted({w for _, text in versions for w in fulltext.pieces(text)})
    base = selectors.catalog_versions(None)
    for word in words[::2]:
        for q in (word, word[:3], f"{word[:2]} {words[0]}"):
            terms = selectors.query_terms(q)
            expected = {pk for pk, text in versions if fulltext.python_match(text, terms)}
            assert set(fulltext.matching(base, terms).values_list("pk", flat=True)) == expected, q


def test_prefixes_of_words_match_and_inside_of_words_do_not(world, catalog):
    assert titles(selectors.search_catalog(user=None, q="phon")) == ["Teaching Phonics"]
    assert titles(selectors.search_catalog(user=None, q="syst PHONI")) == ["Teaching Phonics"]
    assert titles(selectors.search_catalog(user=None, q="honics")) == []  # the scan found this; the index does not
    assert titles(selectors.search_catalog(user=None, q="phonicsx")) == []


@pytest.mark.parametrize("q", [
    '"', "'", '""phonics""', "phonics NEAR systematic", "NEAR(phonics systematic, 2)", "phonics AND", "AND", "OR", "NOT",
    "phonics OR", "-phonics", "+phonics", "*", "phon*", "^phonics", "phonics:*", "'phonics':*", "phonics & !x | y",
    "search_text:phonics", "catalog_version_fts MATCH 'x'", "(phonics", "phonics)", "{phonics}", "phonics\x00systematic",
    "\x00", "\u202e\u200b", "phonics " * 5000, "é" * 10_000, "a-" * 200, "'; DROP TABLE catalog_microcredentialversion; --",
    "\\", "%", "_", "phonics%", "ph_nics", "🙂 phonics", "ﬁ", "½", "phonics\nsystematic", "1e5", "x" * 61,
])
def test_hostile_input_never_raises(world, catalog, q):
    result = selectors.search_catalog(user=None, q=q)
    assert result.total == len(result.versions) <= 2
    assert MicroCredentialVersion.objects.filter(title="Teaching Phonics").exists()


@pytest.mark.parametrize("q, expected", [
    ('"phonics"', ["Teaching Phonics"]), ("phon*", ["Teaching Phonics"]), ("phonics\x00systematic", ["Teaching Phonics"]),
    ("^phonics", ["Teaching Phonics"]), ("NEAR(phonics systematic)", []), ("phonics:*", ["Teaching Phonics"]),
    ("%", ["Observation & Feedback", "Teaching Phonics"]), ("ph_nics", []), ("phonics%", ["Teaching Phonics"]), ("phonics\nsystematic", ["Teaching Phonics"]),
])
def test_operators_are_plain_words(world, catalog, q, expected):
    assert titles(selectors.search_catalog(user=None, q=q)) == expected


def test_drafts_retired_and_replaced_versions_are_never_found(world, catalog, publish_mc):
    admin, author = world["people"]["issuer_admin"], world["people"]["author"]
    services.create_micro_credential(owner=world["orgs"]["issuer"], definition=_definition(title="Zyzzyva Draft"), by=author)
    retired = publish_mc(title="Quokka Retired")
    services.retire(version=retired, by=admin, reason="Out of date")
    assert _found("zyzzyva") == _found("quokka") == set()
    # A new published version replaces the old one: its words are found, the old version's are not.
    draft = services.start_new_version(micro_credential=catalog["phonics"].micro_credential, by=admin)
    services.update_draft_fields(version=draft, changes={"title": "Teaching Wombat Phonics"}, by=admin)
    assert titles(selectors.search_catalog(user=None, q="wombat")) == []  # still a draft
    services.submit_for_review(version=draft, by=admin)
    services.publish(version=draft, by=admin)
    assert titles(selectors.search_catalog(user=None, q="wombat")) == ["Teaching Wombat Phonics"]
    assert titles(selectors.search_catalog(user=None, q="phonics")) == ["Teaching Wombat Phonics"]
    _index_is_consistent()


def test_index_follows_every_change_of_the_text(world, catalog):
    version = catalog["phonics"]
    MicroCredentialVersion.objects.filter(pk=version.pk).update(search_text="numbat teaching")
    assert titles(selectors.search_catalog(user=None, q="numbat")) == ["Teaching Phonics"]
    assert titles(selectors.search_catalog(user=None, q="phonics")) == []
    MicroCredentialVersion.objects.filter(pk=catalog["coaching"].pk).delete()
    assert selectors.search_catalog(user=None, q="feedback").total == 0
    _index_is_consistent()


def test_translations_are_not_searched_as_before(world, catalog):
    """search_text holds the English (the authoritative text); a Spanish translation is shown, not searched."""
    version = catalog["phonics"]
    assert translation.translatable_fields(version)[0].key == "title"
    services.save_translation(version=version, language="es", values={"title": "Enseñanza de la fonética"},
                              by=world["people"]["author"])
    assert selectors.search_catalog(user=None, q="fonética").total == 0
    assert titles(selectors.search_catalog(user=None, q="phonics")) == ["Teaching Phonics"]


def test_accents_count_as_before(world, publish_mc):
    publish_mc(title="Evaluación formativa", competency="Retroalimentación en el aula.")
    assert titles(selectors.search_catalog(user=None, q="evaluación")) == ["Evaluación formativa"]
    assert titles(selectors.search_catalog(user=None, q="EVALUACIÓN retroal")) == ["Evaluación formativa"]
    assert titles(selectors.search_catalog(user=None, q="evaluacion")) == []  # as the scan: accents are letters


def test_query_count_does_not_grow_with_the_catalog(world, publish_mc):
    def count(q):
        selectors.search_catalog(user=None, q=q)  # facets cached after the first call: count the second
        with CaptureQueriesContext(connection) as ctx:
            result = selectors.search_catalog(user=None, q=q)
        return len(ctx.captured_queries), result.total

    publish_mc(title="Feedback One")
    small = count("feedback"), count("feedback k-12")
    for n in range(6):
        publish_mc(title=f"Feedback More {n}")
    large = count("feedback"), count("feedback k-12")
    assert [c for c, _ in small] == [c for c, _ in large]
    assert large[0][1] == 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's GIN index")
def test_postgresql_search_uses_the_gin_index(world, catalog):
    """The query spells the indexed expression exactly (a tiny table is scanned anyway: the plan is asked without)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        qs = MicroCredentialVersion.objects.filter(fulltext._PostgresqlMatch(fulltext.postgresql_query(["phonics", "syst"])))
        qs = qs.order_by().values("pk")
        sql, params = qs.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "catalog_version_search_document_gin" in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's stored search document")
def test_postgresql_reads_the_stored_document_and_keeps_it_in_step(world, catalog):
    """A word most versions have is answered by reading every row: from the stored vector, never by recomputing the
    text's words per row (decision 0055). The database keeps the vector in step with every write of the text."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")  # the plan a common word gets: every row read
        cursor.execute("SET LOCAL enable_indexscan = off")
        qs = MicroCredentialVersion.objects.filter(fulltext._PostgresqlMatch(fulltext.postgresql_query(["feedback"])))
        sql, params = qs.order_by().values("pk").query.sql_with_params()
        cursor.execute("EXPLAIN VERBOSE " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "search_document @@" in plan and "regexp_replace" not in plan and "to_tsvector" not in plan, plan
        version = catalog["phonics"]
        MicroCredentialVersion.objects.filter(pk=version.pk).update(search_text="Numbat <script>teaching</script>")
        cursor.execute("SELECT search_document::text FROM catalog_microcredentialversion WHERE id = %s", [version.pk])
        assert cursor.fetchone()[0] == "'numbat':1 'script':2,4 'teaching':3"
        # Every row's stored document is what fulltext.FTS_DOCUMENT (the definition the docs and tests use) computes.
        cursor.execute(f"SELECT count(*), count(*) FILTER (WHERE search_document IS DISTINCT FROM "
                       f"{fulltext.FTS_DOCUMENT.format('search_text')}) FROM catalog_microcredentialversion")
        rows, differing = cursor.fetchone()
        assert rows >= len(catalog) and differing == 0
    assert titles(selectors.search_catalog(user=None, q="numbat")) == ["Teaching Phonics"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 table")
def test_sqlite_index_table_and_its_triggers_exist():
    """A later migration that rebuilds catalog_microcredentialversion on SQLite (AlterField does) drops its triggers:
    this test says so, and that migration must create them again (0007's SQLITE_FORWARD)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE name LIKE 'catalog_version_fts%' AND type IN ('table', 'trigger')")
        found = set(cursor.fetchall())
    assert {("table", "catalog_version_fts"), ("trigger", "catalog_version_fts_insert"),
            ("trigger", "catalog_version_fts_delete"), ("trigger", "catalog_version_fts_update")} <= found


@pytest.mark.django_db(transaction=True)
def test_migration_reverses_and_backfills_existing_rows(world, publish_mc):
    publish_mc(title="Axolotl Practice")
    call_command("migrate", "catalog", "0006", verbosity=0)
    try:
        publish_mc(title="Pangolin Practice")  # written while there is no index
    finally:
        # Every app, not only the catalog: going back to catalog 0006 also unapplied the later migrations of the apps
        # that depend on the catalog (the assessment's review tallies…), which later tests need.
        call_command("migrate", verbosity=0)
    assert titles(selectors.search_catalog(user=None, q="axolotl")) == ["Axolotl Practice"]
    assert titles(selectors.search_catalog(user=None, q="pangolin")) == ["Pangolin Practice"]
    _index_is_consistent()


def _index_is_consistent():
    if connection.vendor == "sqlite":  # FTS5 checks its index against the content table (raises if they differ)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO catalog_version_fts(catalog_version_fts, rank) VALUES ('integrity-check', 1)")


def _definition(**overrides):
    from .factories import make_definition
    return make_definition(**overrides)
