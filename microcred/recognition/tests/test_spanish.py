"""Issue 15: what a teacher sees of recognition, in Spanish — "What my work is worth" and portability: the interface,
the plain-language rules, outcome kinds, dates with Spanish month names, and micro-credential titles from their
translation (marked lang="es")."""
import re

import pytest

from microcred.recognition import services

from .pages_fixtures import (awarded, city_policy, city_published, city_recognizer, login, mcs,  # noqa: F401
                             published_policy, state_policy, two_credentials)

pytestmark = pytest.mark.django_db

ES = {"HTTP_ACCEPT_LANGUAGE": "es"}
SPANISH_MONTH = re.compile(r"\bde (enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre)\b")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _translate_title(world, version, spanish: str) -> None:
    from microcred.catalog import selectors as catalog_selectors
    from microcred.catalog import services as catalog_services

    editor = world["people"]["issuer_admin"]
    full = catalog_selectors.version_for_translation(user=editor, slug=version.micro_credential.slug, number=version.number)
    catalog_services.save_translation(version=full, language="es", values={"title": spanish}, by=editor)


def test_what_my_work_is_worth_in_spanish(client, world, awarded, mcs):
    _translate_title(world, mcs[0], "Práctica número 1")
    response = login(client, world["people"]["earner"]).get("/recognition/", **ES)
    html = response.content.decode()
    text = _text(html)
    assert response.status_code == 200 and response["Content-Language"] == "es"
    assert "Lo que vale mi trabajo" in text and "Mis reconocimientos" in text
    assert "Progreso según las políticas que se le aplican" in text and "¿Cuánto valdrían en otros lugares?" in text
    assert "Alcanzar 60 PDP (usted tiene 60 PDP)" in text and "Logrado" in text and "Cumplido" in text
    assert "crédito de renovación" in text  # the outcome's kind, in words
    assert re.search(r"otorgado el \d{1,2} " + SPANISH_MONTH.pattern[2:], text)  # "otorgado el 5 de diciembre de 2026"
    # Credentials that counted: the translated MC title in Spanish, marked so; the other one in English, marked so.
    assert '<span lang="es">Práctica número 1</span> (emitida el ' in html
    assert '<span lang="en">Practice number 2</span> (emitida el ' in html
    # The recognizer's own words stay as written, marked as not for translation.
    assert '<strong translate="no">License renewal PDPs</strong>' in html
    for english in ("What my work is worth", "My awards", "Achieved", "awarded ", "renewal credit", "(issued "):
        assert english not in text


def test_progress_in_spanish_says_what_is_missing_and_suggests_the_mc_in_spanish(client, world, two_credentials, mcs):
    by = world["people"]["recognizer"]
    draft = services.create_or_update_draft(recognizer=world["orgs"]["state"], by=by, document=state_policy(
        rules=[{"kind": "convert", "per_mc": 30, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 90}]))
    services.publish(policy=draft, by=by)
    _translate_title(world, mcs[2], "Práctica número 3")
    html = login(client, world["people"]["earner"]).get("/recognition/", **ES).content.decode()
    text = _text(html)
    assert "Alcanzar 90 PDP (usted tiene 60 PDP)" in text and "En curso" in text and "Lo que falta" in text
    assert "Microcredenciales que cerrarían la brecha" in text
    assert 'lang="es">Práctica número 3</a>' in html
    assert "Todavía no tiene reconocimientos." in text
    assert "Micro-credentials that would close the gap" not in text and "What is missing" not in text


def test_portability_in_spanish(client, world, two_credentials, published_policy, city_published):
    html = login(client, world["people"]["earner"]).get("/recognition/portability/", **ES).content.decode()
    text = _text(html)
    assert "Portabilidad: mis credenciales en otros lugares" in text and "Volver a lo que vale mi trabajo aquí" in text
    assert "Nada de esto es un reconocimiento" in text
    assert "City stipend (illustrative)" in text and "remuneración" in text and "Logrado" in text
    assert re.search(r"vigente desde el \d{1,2} " + SPANISH_MONTH.pattern[2:], text)
    assert re.search(r"Credenciales que cuentan \(\d\)", text)
    for english in ("Portability: my credentials elsewhere", "Back to what my work is worth here", "in effect from", "Achieved"):
        assert english not in text


def test_the_recognizers_dry_run_in_spanish(client, world, two_credentials):
    by = world["people"]["recognizer"]
    draft = services.create_or_update_draft(recognizer=world["orgs"]["state"], document=state_policy(), by=by)
    text = _text(login(client, by).get(f"/recognition/policies/tn-renewal/v{draft.version}/dry-run/", **ES).content.decode())
    assert "Simulación:" in text and "Resumen" in text and "Cumplirían los requisitos" in text and "otorgar" in text
    assert "Publicar v1" in text and "Dry run" not in text


def test_a_refused_policy_document_is_explained_in_spanish(client, world):
    by = world["people"]["recognizer"]
    response = login(client, by).post("/recognition/manage/state-agency/new/", {"document": "format: nope\n"}, **ES)
    text = _text(response.content.decode())
    assert response.status_code == 400
    assert "El documento no se guardó." in text and "Este campo es obligatorio." in text
    assert "This field is required." not in text
