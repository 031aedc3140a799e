"""An MC's content in Spanish (issue 15: "MC content can carry a Spanish version (title, description, prompts, rubric)
shown when present"): translated beside the English by its editors, shown to readers of that language, English
(marked lang="en") where a field is not translated."""
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation as django_translation

from microcred.catalog import selectors, services, translation
from microcred.catalog.models import VersionTranslation
from microcred.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("pwned")</script>'


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in Spanish leaves Spanish active in this thread; later tests expect the default language."""
    yield
    django_translation.activate(settings.LANGUAGE_CODE)


def url(version, language="es"):
    return f"/catalog/author/mc/{version.micro_credential.slug}/v{version.number}/translations/{language}/"


def keys(version):
    """Form keys by what they are, found from the version (no hard-coded positions)."""
    fields = translation.translatable_fields(selectors.version_for_translation(
        user=version.created_by, slug=version.micro_credential.slug, number=version.number))
    by_english = {f.english: f.key for f in fields}
    return fields, by_english


@pytest.fixture
def spanish(published, world):
    fields, key = keys(published)
    values = {key[published.title]: "Modificar la enseñanza mediante la evaluación formativa durante una clase",
              key["What is a hinge question?"]: "¿Qué es una pregunta bisagra?",
              key["Evidence of the practice — Demonstrated"]: "Evidencia de la práctica — Demostrado",
              key["Demonstrated"]: "Demostrado"}
    services.save_translation(version=published, language="es", values=values, by=world["people"]["author"])
    return published


def test_a_spanish_reader_sees_the_translation_and_english_where_there_is_none(client, spanish):
    html = client.get(f"/catalog/mc/{spanish.micro_credential.slug}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<h1 lang="es">Modificar la enseñanza mediante la evaluación formativa durante una clase</h1>' in html
    assert '<li lang="es">¿Qué es una pregunta bisagra?' in html
    assert "Evidencia de la práctica — Demostrado" in html and ">Demostrado</th>" in html
    assert '<li lang="en">Which is formative?' in html  # not translated: English, and says so
    assert 'id="content-language-note"' not in html


def test_an_english_reader_sees_the_english(client, spanish):
    html = client.get(f"/catalog/mc/{spanish.micro_credential.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Modifying Instruction through Formative Assessment" in html and "pregunta bisagra" not in html


def test_an_untranslated_mc_tells_a_spanish_reader_it_is_in_english(client, published):
    html = client.get(f"/catalog/mc/{published.micro_credential.slug}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'id="content-language-note"' in html and '<h1 lang="en">' in html


def test_an_editor_translates_on_the_page_and_it_is_audited(client, published, world):
    fields, key = keys(published)
    client.force_login(world["people"]["author"])
    page = client.get(url(published))
    assert page.status_code == 200 and "Translation into Español" in page.content.decode()
    assert f"0 of {len(fields)} fields translated." in page.content.decode()
    response = client.post(url(published), {key["Reflection"]: "Reflexión"}, follow=True)
    assert "1 of" in response.content.decode()
    stored = VersionTranslation.objects.get(version=published, language="es")
    assert translation.value_at(stored.content, tuple(key["Reflection"].split("."))) == "Reflexión"
    assert AuditEvent.objects.filter(action="mc.translation_saved").exists()


def test_an_oversized_field_is_refused_and_the_typing_kept(client, published, world):
    fields, key = keys(published)
    client.force_login(world["people"]["author"])
    response = client.post(url(published), {key[published.title]: "x" * 201, key["Reflection"]: "Reflexión kept"})
    html = response.content.decode()
    assert "At most 200 characters." in html and "Reflexión kept" in html and 'aria-invalid="true"' in html
    assert not VersionTranslation.objects.exists()


def test_hostile_text_is_stored_as_text_and_shown_escaped(client, published, world):
    fields, key = keys(published)
    services.save_translation(version=published, language="es", by=world["people"]["author"],
                              values={key[published.title]: HOSTILE + "\x00\x07"})
    html = client.get(f"/catalog/mc/{published.micro_credential.slug}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert VersionTranslation.objects.get().content["title"] == HOSTILE  # control characters stripped


@pytest.mark.parametrize("language", ["en", "fr", "xx" * 40])
def test_only_offered_content_languages(client, published, world, language):
    client.force_login(world["people"]["author"])
    assert client.get(url(published, language)).status_code == 404
    with pytest.raises(ValidationError):
        services.save_translation(version=published, language=language, values={}, by=world["people"]["author"])


@pytest.mark.parametrize("who", ["earner", "other_author", "assessor"])
def test_people_who_may_not_edit_the_mc_cannot_translate_it(client, published, world, who):
    client.force_login(world["people"][who])
    assert client.get(url(published)).status_code == 404
    assert client.post(url(published), {"title": "Hijacked"}).status_code == 404
    assert not VersionTranslation.objects.exists()


def test_a_localized_version_can_never_be_saved_over_the_english(spanish):
    version = selectors.version_for_reading(user=None, slug=spanish.micro_credential.slug, number=spanish.number)
    translation.localize(version, "es")
    part = version.parts.all()[0]
    with pytest.raises(RuntimeError):
        part.save()


def test_a_new_version_keeps_the_translation(spanish, world):
    draft = services.start_new_version(micro_credential=spanish.micro_credential, by=world["people"]["author"])
    assert draft.translations.get(language="es").content == spanish.translations.get(language="es").content


def test_the_detail_page_keeps_its_query_count_with_a_translation(client, world, published, spanish, django_assert_max_num_queries):
    slug = published.micro_credential.slug
    client.force_login(world["people"]["earner"])  # drawn for the reader (anonymous visitors get a cached copy)
    client.get(f"/catalog/mc/{slug}/", HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_max_num_queries(40) as english:
        client.get(f"/catalog/mc/{slug}/", HTTP_ACCEPT_LANGUAGE="en")
    with django_assert_max_num_queries(len(english.captured_queries)):
        client.get(f"/catalog/mc/{slug}/", HTTP_ACCEPT_LANGUAGE="es")


def test_authoring_pages_in_spanish(client, world, publish_mc):
    """The authoring pages' interface in Spanish (the MC's own content stays as written)."""
    from microcred.catalog.tests.factories import make_definition

    author = world["people"]["author"]
    draft = services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=author)
    client.force_login(author)
    base = f"/catalog/author/mc/{draft.micro_credential.slug}/v{draft.number}/"
    pages = {"/catalog/author/": ("Redacción", "Nueva microcredencial"),
             base: ("Ciclo de vida", "Enviar a revisión", "Partes de evidencia y rúbricas"),
             base + "parts/new/": ("Nueva parte", "Guardar la parte", "Título del criterio"),
             base + "parts/1/": ("Parte 1", "Eliminar esta parte", "Niveles de desempeño")}
    for url, phrases in pages.items():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="es")
        assert response.status_code == 200, url
        html = response.content.decode()
        for phrase in phrases:
            assert phrase in html, (url, phrase)
