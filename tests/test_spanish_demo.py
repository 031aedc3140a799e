"""Issue 15: the demo's fully translated micro-credential ("Modifying Instruction through Formative Assessments During
a Lesson") reaches a Spanish-reading teacher in Spanish on the attempt page: title, parts, prompts and rubric, each
marked lang="es", around a Spanish interface."""
import pytest
from django.conf import settings
from django.utils import translation

from microcred.accounts import services as accounts_services
from microcred.accounts.models import Organization, User
from microcred.catalog.models import MicroCredential
from microcred.demo import content
from microcred.demo.translations_world import SPANISH
from microcred.earning import services as earning_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_afterwards():
    """A request in Spanish leaves Spanish active in this thread; later tests expect the default language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_a_spanish_teacher_sees_the_demo_mc_prompts_in_spanish(client, seeded_demo):
    mc = MicroCredential.objects.select_related("current_version").get(slug=content.MIF)
    teacher = User.objects.create_user(username="docente", password="pw-docente-2026", first_name="Lucía",
                                       last_name="Prueba", language="es")
    accounts_services.grant_role(user=teacher, organization=Organization.objects.get(slug=content.RURAL), role="earner")
    attempt = earning_services.start_attempt(earner=teacher, micro_credential=mc)
    client.force_login(teacher)
    html = client.get(f"/earn/attempts/{attempt.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert '<html lang="es"' in html
    assert f'<h1 lang="es">{SPANISH[mc.current_version.title]}</h1>' in html
    prompts = [p for part in mc.current_version.parts.all() for p in part.prompts.all()]
    assert prompts
    for prompt in prompts:
        assert SPANISH[prompt.text] in html, prompt.text  # every prompt, in Spanish
        assert prompt.text not in html, prompt.text  # and not in English
    assert '<span lang="es">Preguntas generales</span>' in html
    assert '<h4 lang="es">Comprensión del método clave</h4>' in html  # the rubric beside the work
    assert "Enviar" in html and "Submit for assessment" not in html
