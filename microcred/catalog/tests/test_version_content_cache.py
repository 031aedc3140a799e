"""A version's content as shown (selectors.version_for_display) is kept whole per version (decision 0048): the attempt
page and every autosave draw it without asking the database again, and any change to the catalog's rows (a draft
edited, a translation saved or corrected, an organization renamed) shows at the next view."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import make_definition
from microcred.catalog import selectors, services
from microcred.catalog.models import MicroCredentialVersion
from microcred.earning import services as earning

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script>'


def shown(version_id, language="en"):
    with CaptureQueriesContext(connection) as queries:
        version = selectors.version_for_display(version_id, language)
    texts = [prompt.text for part in version.parts.all() for prompt in part.prompts.all()]
    return version, texts, len(queries)


def test_the_second_view_asks_the_database_nothing_and_gets_the_same_content(published):
    first, texts, queries = shown(published.pk)
    assert queries > 5  # parts, prompts, rubric, alignments, translations…
    again, texts_again, queries_again = shown(published.pk)
    assert queries_again == 0
    # The very object: each process keeps it as it is (decision 0054), so a page never changes it.
    assert (again.title, texts_again) == (first.title, texts) and again is first
    assert [c.title for p in again.parts.all() for c in p.rubric.criteria.all()] == \
           [c.title for p in first.parts.all() for c in p.rubric.criteria.all()]


def test_a_localized_copy_never_leaks_into_another_language(published, world):
    values = {"title": "Modificar la enseñanza (es)"}
    from microcred.catalog import translation

    fields = translation.translatable_fields(selectors.version_for_translation(
        user=world["people"]["author"], slug=published.micro_credential.slug, number=published.number))
    key = {f.english: f.key for f in fields}[published.title]
    services.save_translation(version=published, language="es", values={key: values["title"]}, by=world["people"]["author"])
    spanish, _, _ = shown(published.pk, "es")
    assert spanish.title == "Modificar la enseñanza (es)"
    english, _, queries = shown(published.pk, "en")
    assert english.title == published.title and queries == 0
    # Each language's copy is kept apart, and the Spanish one stays Spanish after an English view.
    assert english is not spanish and shown(published.pk, "es")[0] is spanish and spanish.title == "Modificar la enseñanza (es)"
    with pytest.raises(Exception):  # a version localized for display is never saved over the English
        spanish.save()


def test_a_saved_or_corrected_translation_shows_at_the_next_view(published, world):
    from microcred.catalog import translation

    shown(published.pk, "es")  # kept (no Spanish yet)
    fields = translation.translatable_fields(selectors.version_for_translation(
        user=world["people"]["author"], slug=published.micro_credential.slug, number=published.number))
    key = {f.english: f.key for f in fields}[published.title]
    for title in ("Primera traducción", "Traducción corregida " + HOSTILE):
        services.save_translation(version=published, language="es", values={key: title}, by=world["people"]["author"])
        assert shown(published.pk, "es")[0].title == title


def test_a_draft_edit_shows_at_the_next_view(world):
    draft = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=world["people"]["author"])
    _, texts, _ = shown(draft.pk)
    definition = make_definition()
    definition["parts"][0]["prompts"][0]["text"] = "A rewritten first prompt"
    services.update_draft(version=draft, definition=definition, by=world["people"]["author"])
    _, texts_after, queries = shown(draft.pk)
    assert queries > 0 and texts_after[0] == "A rewritten first prompt" and texts_after[1:] == texts[1:]


def test_a_renamed_issuer_shows_at_the_next_view(published, world):
    shown(published.pk)
    issuer = world["orgs"]["issuer"]
    issuer.name = "Issuer One, renamed"
    issuer.save()
    assert shown(published.pk)[0].micro_credential.owner.name == "Issuer One, renamed"


def test_a_missing_version_is_refused_every_time_and_nothing_is_kept(published):
    missing = MicroCredentialVersion.objects.order_by("-pk").first().pk + 1000
    for _ in range(2):
        with pytest.raises(MicroCredentialVersion.DoesNotExist):
            selectors.version_for_display(missing, "en")


def test_an_autosave_after_the_first_reads_no_version_content(client, published, world):
    """The attempt page's autosave (htmx, on every change) no longer reloads the version's parts and rubric."""
    earner = world["people"]["earner"]
    attempt = earning.start_attempt(earner=earner, micro_credential=published.micro_credential)
    prompt = attempt.version.parts.get(position=1).prompts.get(position=1)
    client.force_login(earner)
    url = f"/earn/attempts/{attempt.pk}/answer/{prompt.pk}/"
    counts = []
    for text in ("first draft", "second draft " + HOSTILE):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"text": text}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200 and "Saved" in response.content.decode()
        counts.append(sum('"catalog_rubric' in q["sql"] or '"catalog_levelde' in q["sql"] for q in queries))
    assert counts[0] > 0 and counts[1] == 0


class _Later:
    """The time module as seen ``seconds`` from now (for the cache's expiry and the kept objects' deadlines)."""

    def __init__(self, seconds):
        import time as real

        self._real, self._seconds = real, seconds

    def time(self):
        return self._real.time() + self._seconds

    def monotonic(self):
        return self._real.monotonic() + self._seconds

    def __getattr__(self, name):
        return getattr(self._real, name)


def _at(monkeypatch, seconds):
    from django.core.cache.backends import locmem

    from microcred.core import cache as kept

    monkeypatch.setattr(locmem, "time", _Later(seconds))
    monkeypatch.setattr(kept, "time", _Later(seconds))


def test_an_unchanged_version_is_kept_past_five_minutes_and_reloaded_after_its_backstop(published, monkeypatch):
    """Changes retire it (the tests above), so its lifetime is only a backstop (decision 0060): a version nobody
    changed is not reloaded by every process every few minutes, and is reloaded once the backstop has passed."""
    first = shown(published.pk)[0]
    _at(monkeypatch, 10 * 60)
    again, _texts, queries = shown(published.pk)
    assert queries == 0 and again is first
    _at(monkeypatch, selectors.VERSION_CONTENT_SECONDS + 1)
    reloaded, _texts, queries = shown(published.pk)
    assert queries > 5 and reloaded is not first and reloaded.title == first.title


def test_a_reimported_framework_shows_at_the_next_view_of_an_aligned_version(world):
    """A framework's import rewrites its items in bulk (no signal per item): the version showing one of them still
    shows the new statement at once, not after the backstop."""
    import json

    from microcred.catalog.models import CompetencyItem

    from .factories import make_case_package

    admin, author = world["people"]["platform_admin"], world["people"]["author"]
    services.import_case_package(raw=json.dumps(make_case_package()).encode(), by=admin)
    draft = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=author)
    services.add_case_alignment(version=draft, item=CompetencyItem.objects.get(identifier="doc-0001-g1-1"), by=author)

    def statements():
        return [a.item.full_statement for a in shown(draft.pk)[0].alignments.all() if a.item_id]

    before = statements()
    assert before and "Revised" not in before[0]
    package = make_case_package(statement="Revised {code}. " + HOSTILE)
    services.import_case_package(raw=json.dumps(package).encode(), by=admin)
    assert statements() == ["Revised T.1.1. " + HOSTILE]
