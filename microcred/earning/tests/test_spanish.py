"""Issue 15, "every page in Spanish": a teacher whose browser asks for Spanish reads the catalog, an MC, the attempt
workspace and My MCs in Spanish — the interface text, dates in the Spanish format, and the MC's content (title,
parts, prompts, rubric) in Spanish where its issuer translated it, marked lang="es" (and lang="en" where not)."""
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from microcred.catalog import selectors as catalog_selectors
from microcred.catalog import services as catalog_services
from microcred.catalog import translation as catalog_translation
from microcred.earning import services
from microcred.earning.models import Attempt

from .factories import answer_everything

pytestmark = pytest.mark.django_db
ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
TITLE_ES = "Modificar la enseñanza mediante la evaluación formativa durante una clase"


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in Spanish leaves Spanish active in this thread; later tests expect the default language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def spanish(published, world):
    """The test MC with its title, first part, first prompt and a rubric criterion and level translated."""
    author = world["people"]["author"]
    fields = catalog_translation.translatable_fields(catalog_selectors.version_for_translation(
        user=author, slug=published.micro_credential.slug, number=published.number))
    key = {f.english: f.key for f in fields}
    catalog_services.save_translation(version=published, language="es", by=author, values={
        key[published.title]: TITLE_ES,
        key["Overview questions"]: "Preguntas generales",
        key["What is a hinge question?"]: "¿Qué es una pregunta bisagra?",
        key["Evidence of the practice"]: "Evidencia de la práctica",
        key["Demonstrated"]: "Demostrado",
    })
    return published


@pytest.fixture
def teacher(client, world):
    client.force_login(world["people"]["earner"])
    return client


@pytest.fixture
def attempt(spanish, world):
    return services.start_attempt(earner=world["people"]["earner"], micro_credential=spanish.micro_credential)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_catalog_home_in_spanish_with_the_translated_title(client, spanish):
    html = client.get("/", **ES).content.decode()
    assert '<html lang="es"' in html
    assert "Muestre lo que sabe hacer en su aula" in html and "Publicadas recientemente" in html
    assert "Recently published" not in html and "Show what you can do" not in html
    assert f'<h3 lang="es"><a href="/catalog/mc/{spanish.micro_credential.slug}/">{TITLE_ES}</a></h3>' in html
    assert 'aria-label="Buscar en el catálogo"' in html


def test_catalog_search_counts_in_spanish(client, spanish):
    html = client.get("/catalog/?q=formative", **ES).content.decode()
    assert "1 microcredencial coincide con “formative”" in html and TITLE_ES in html
    assert "Filtros" in html


def test_mc_detail_in_spanish(teacher, spanish):
    html = teacher.get(f"/catalog/mc/{spanish.micro_credential.slug}/", **ES).content.decode()
    for phrase in ("Requisitos de evidencia y rúbricas", "Comenzar esta microcredencial", "Competencia", "Método clave",
                   "Rúbrica · Para aprobar:", "Evidencia aceptada:", "unas 12 horas"):
        assert phrase in html, phrase
    for english in ("Evidence requirements and rubrics", "Start this micro-credential", "Key method", "To pass:"):
        assert english not in html, english
    assert '<li lang="es">¿Qué es una pregunta bisagra?' in html
    with translation.override("es"):
        published_on = date_format(timezone.localtime(spanish.published_at), "DATE_FORMAT")
    assert f"publicada el {published_on}" in html and " de " in published_on  # e.g. "5 de diciembre de 2026"


def test_attempt_page_shows_spanish_prompts_rubric_and_interface(teacher, attempt):
    prompt = attempt.version.parts.get(position=1).prompts.get(position=1)
    html = teacher.get(f"/earn/attempts/{attempt.pk}/", **ES).content.decode()
    assert f'<h1 lang="es">{TITLE_ES}</h1>' in html
    assert 'Parte 1: <span lang="es">Preguntas generales</span>' in html
    assert f'<label id="prompt-{prompt.pk}" lang="es" for="answer-{prompt.pk}">¿Qué es una pregunta bisagra?</label>' in html
    assert f'<textarea name="text" rows="5" id="answer-{prompt.pk}">' in html  # the prompt labels its answer box
    assert '<h4 lang="es">Evidencia de la práctica</h4>' in html and '<span lang="es">Demostrado</span>' in html
    quiz = attempt.version.parts.get(position=1).prompts.get(position=2)
    assert f'<label id="prompt-{quiz.pk}" lang="en">Which is formative?</label>' in html  # not translated: marked English
    for phrase in ("Enviar", "Guardar", "Evidencia aceptada:", "Cómo se evalúa la parte 1"):
        assert phrase in html, phrase
    for english in ("Submit for assessment", "Accepted evidence:", "How part 1 is assessed", ">Save<"):
        assert english not in html, english


def test_attempt_page_feedback_and_dates_in_spanish(teacher, attempt, world):
    earner = world["people"]["earner"]
    answer_everything(attempt, earner)
    services.confirm_privacy(attempt=attempt, by=earner)
    services.submit_attempt(attempt=attempt, by=earner)
    attempt.refresh_from_db()
    html = teacher.get(f"/earn/attempts/{attempt.pk}/", **ES).content.decode()
    with translation.override("es"):
        day = date_format(timezone.localtime(attempt.submitted_at), "DATE_FORMAT")
    assert f"Envío 1 — {day} — En espera de evaluación" in text_of(html)
    assert re.fullmatch(r"\d+ de (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre) de \d{4}",
                        day)
    assert "Retirar el envío" in html and "Withdraw submission" not in html


def test_my_mcs_in_spanish(teacher, attempt):
    html = teacher.get("/earn/", **ES).content.decode()
    assert "<h1>Mis microcredenciales</h1>" in html and "En curso" in html
    assert f'<a href="/earn/attempts/{attempt.pk}/" lang="es">{TITLE_ES}</a>' in html
    assert '<span lang="es">Preguntas generales</span>' in html
    assert "My micro-credentials" not in html and "In progress" not in html


def test_spanish_pages_keep_their_query_counts(teacher, attempt, django_assert_max_num_queries):
    """Showing the translation costs a fixed number of queries, never one per part, prompt or criterion."""
    from django.core.cache import cache

    for url in (f"/earn/attempts/{attempt.pk}/", "/earn/"):
        teacher.get(url, **EN)
        cache.clear()  # both languages drawn from nothing kept (the home's guidance and versions are kept per language)
        with django_assert_max_num_queries(80) as english:
            teacher.get(url, **EN)
        cache.clear()
        with django_assert_max_num_queries(len(english.captured_queries) + 2):
            teacher.get(url, **ES)


def test_the_attempt_page_query_count_does_not_grow_with_parts(teacher, world, publish_mc, django_assert_max_num_queries):
    from microcred.catalog.tests.factories import BASE, make_rubric

    small = publish_mc()
    many_parts = [dict(BASE["parts"][0], title=f"Part {i}", rubric=make_rubric(criteria=[f"C{i}a", f"C{i}b", f"C{i}c"]))
                  for i in range(1, 7)]
    big = publish_mc(parts=many_parts)
    counts = []
    for version in (small, big):
        attempt = services.start_attempt(earner=world["people"]["earner"], micro_credential=version.micro_credential)
        teacher.get(f"/earn/attempts/{attempt.pk}/", **ES)
        with django_assert_max_num_queries(80) as captured:
            teacher.get(f"/earn/attempts/{attempt.pk}/", **ES)
        counts.append(len(captured.captured_queries))
    assert counts[1] <= counts[0] + 2, counts


def test_an_english_reader_still_sees_english(teacher, attempt):
    html = teacher.get(f"/earn/attempts/{attempt.pk}/", **EN).content.decode()
    assert "Modifying Instruction through Formative Assessment" in html and "pregunta bisagra" not in html
    assert "Submit for assessment" in html
    assert Attempt.objects.filter(pk=attempt.pk).exists()
