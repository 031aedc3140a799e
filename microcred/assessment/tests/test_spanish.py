"""Issue 15: the assessor's pages in Spanish — the interface in the reader's language, dates with Spanish month names,
and the micro-credential's own content (title, prompts, rubric) from its translation, marked with its ``lang`` —
while scoring stays blind and the pages keep a constant number of queries."""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from microcred.assessment import services
from microcred.assessment.models import Assignment, ScoringPolicy

from .factories import certified_pool, levels, submitted
from .test_calibration_feedback import calibrating  # noqa: F401 (fixture)
from .test_views import as_user, form_data, mc, pool  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
SPANISH_MONTH = re.compile(r"\bde (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b")


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _single_scoring(mc):
    ScoringPolicy.objects.update_or_create(micro_credential=mc, defaults={"calibration_period": 0, "random_double_rate": 0,
                                                                          "conditional_double": False})


@pytest.fixture
def demo_mif(monkeypatch):
    """The demo's "Modifying Instruction through Formative Assessments During a Lesson", published and translated into
    Spanish as the demo does it (microcred/demo/translations_world.py), with one certified assessor."""
    from microcred.catalog.models import MicroCredential
    from microcred.catalog.vocabularies import ensure_vocabularies
    from microcred.demo import content, world
    from microcred.demo.translations_world import load_translations_demo

    ensure_vocabularies()
    orgs = world._organizations()
    world._people(orgs)
    monkeypatch.setattr(content, "MICRO_CREDENTIALS", [s for s in content.MICRO_CREDENTIALS if s["slug"] == content.MIF])
    world._micro_credentials(orgs)
    assert load_translations_demo() == {"translations_created": 1}
    mif = MicroCredential.objects.select_related("current_version").get(slug=content.MIF)
    _single_scoring(mif)
    (assessor,) = certified_pool(None, mif, n=1, senior=())
    return {"mc": mif, "assessor": assessor}


def _open_item(mc, earner) -> Assignment:
    review = services.open_review(submission=submitted(earner, mc))
    return review.assignments.get(state=Assignment.State.ASSIGNED)


def test_a_spanish_assessor_sees_the_demo_mcs_spanish_rubric_on_the_scoring_page(client, demo_mif):
    from microcred.accounts.models import User
    from microcred.demo.translations_world import PHRASES, SPANISH

    teacher = User.objects.get(username="teacher")
    item = _open_item(demo_mif["mc"], teacher)
    assert item.assessor == demo_mif["assessor"]
    c = as_user(client, demo_mif["assessor"])
    response = c.get(f"/assess/items/{item.pk}/", **ES)
    html, text = response.content.decode(), _text(response)
    assert response.status_code == 200 and response["Content-Language"] == "es"
    # The MC's content in Spanish, marked as Spanish.
    title = SPANISH["Modifying Instruction through Formative Assessments During a Lesson"]
    assert f'<h1 lang="es">{title}</h1>' in html
    assert '<span lang="es">Preguntas generales</span>' in html
    assert SPANISH["What is a hinge question, and where does it belong in a lesson?"] in text
    spanish_descriptors = [s for e, s in SPANISH.items() if e.startswith("The evidence clearly shows that the educator ")]
    assert spanish_descriptors and any(d in text for d in spanish_descriptors)
    assert PHRASES["plans checks at critical points with a decision rule"] in text
    assert "The evidence clearly shows that the educator" not in text  # no English rubric left
    # The interface in Spanish.
    assert "Enviar calificaciones" in text and "Rúbrica de la parte 1" in html and "Criterio" in text
    assert "Submit scores" not in text and "Criterion" not in text
    assert SPANISH_MONTH.search(text)  # the due date, with a Spanish month name
    # Blind all the same: nothing of who the earner is.
    for secret in (teacher.username, teacher.first_name, teacher.last_name, teacher.email):
        assert secret not in html
    # Scores go in by criterion, whatever the language shown: the Spanish page submits.
    response = c.post(f"/assess/items/{item.pk}/", form_data(item.review.version, "pass"), **ES)
    assert response.status_code == 302
    assert Assignment.objects.get(pk=item.pk).state == Assignment.State.SCORED


def test_the_queue_in_spanish_shows_the_translated_title_in_a_constant_number_of_queries(client, world, demo_mif):
    from microcred.accounts.models import User
    from microcred.accounts.services import grant_role

    earners = []
    for i in range(4):
        earners.append(User.objects.create_user(username=f"maestra{i}", password="a-long-password-1"))
        grant_role(user=earners[-1], organization=demo_mif["mc"].owner, role="earner")
    _open_item(demo_mif["mc"], earners[0])
    c = as_user(client, demo_mif["assessor"])
    c.get("/assess/", **ES)  # the menu's rules are read once and kept (decision 0050): compare two drawings after it
    with CaptureQueriesContext(connection) as one:
        response = c.get("/assess/", **ES)
    text = _text(response)
    assert "Mi cola de evaluación" in text and "Calificar el siguiente elemento" in text and "Mis grupos" in text
    assert "Modificar la enseñanza mediante evaluaciones formativas durante una clase" in text
    assert '<td lang="es">Modificar la enseñanza' in response.content.decode()
    assert "Primera" in text and "Certificado" in text and SPANISH_MONTH.search(text)
    assert "My assessment queue" not in text and "Score next item" not in text
    for earner in earners[1:]:
        _open_item(demo_mif["mc"], earner)
    with CaptureQueriesContext(connection) as four:
        response = c.get("/assess/", **ES)
    assert _text(response).count("Modificar la enseñanza mediante") >= 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_the_scoring_page_reads_no_more_in_spanish_than_in_english(client, demo_mif):
    from microcred.accounts.models import User

    item = _open_item(demo_mif["mc"], User.objects.get(username="teacher"))
    c = as_user(client, item.assessor)
    with CaptureQueriesContext(connection) as english:
        assert c.get(f"/assess/items/{item.pk}/").status_code == 200
    with CaptureQueriesContext(connection) as spanish:
        assert c.get(f"/assess/items/{item.pk}/", **ES).status_code == 200
    assert len(spanish.captured_queries) <= len(english.captured_queries) + 1  # the translations, in one query


def test_calibration_in_spanish_compares_levels_in_the_mcs_spanish_words(client, calibrating):  # noqa: F811
    from microcred.catalog import selectors as catalog_selectors
    from microcred.catalog import services as catalog_services
    from microcred.catalog import translation

    mc, version = calibrating["mc"], calibrating["version"]
    editor = mc.owner.memberships.filter(role="issuer_admin").first().user
    full = catalog_selectors.version_for_translation(user=editor, slug=mc.slug, number=version.number)
    values = {f.key: f"ES {f.english}" for f in translation.translatable_fields(full)}
    catalog_services.save_translation(version=full, language="es", values=values, by=editor)

    c = as_user(client, calibrating["assessor"])
    first = c.post(f"/assess/calibration/{mc.slug}/start/", **ES)
    items = list(Assignment.objects.filter(assessor=calibrating["assessor"], role="calibration").order_by("id"))
    page = _text(c.get(first["Location"], **ES))
    assert "Elemento de calibración 1 de 3." in page and "al menos el 80%" in page
    assert f"ES {version.title}" in page
    response = c.post(f"/assess/items/{items[0].pk}/", form_data(version, "pass"), **ES)
    html = c.get(response["Location"], **ES).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Sus calificaciones y las calificaciones acordadas" in text and "Nivel acordado" in text
    part = version.parts.order_by("position").first()
    criterion = part.rubric.criteria.order_by("position").first()
    passing = part.rubric.levels.get(position=part.rubric.passing_level)
    assert f'<th scope="row" lang="es">ES {criterion.title}</th>' in html
    assert f'<td lang="es">ES {passing.name}</td>' in html
    assert "Coincide" in text or "Difiere" in text
    assert levels(version, "pass")  # the English levels stay the source: nothing localized was saved
    assert not version.parts.filter(title__startswith="ES ").exists()
