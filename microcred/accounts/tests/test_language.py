"""Interface language (issue 15, Spanish): from the browser, switchable in the footer, remembered per person."""
import pytest

from microcred.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_browser_language_is_used_and_declared(client):
    page = client.get("/help/", HTTP_ACCEPT_LANGUAGE="es")
    assert page["Content-Language"] == "es" and '<html lang="es">' in page.content.decode()
    english = client.get("/help/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert english["Content-Language"] == "en" and '<html lang="en">' in english.content.decode()


def test_an_unoffered_browser_language_falls_back_to_english(client):
    assert client.get("/help/", HTTP_ACCEPT_LANGUAGE="tlh")["Content-Language"] == "en"


def test_a_visitor_switches_with_a_cookie(client, settings):
    response = client.post("/accounts/language/", {"language": "es", "next": "/help/"})
    assert response.status_code == 302 and response["Location"] == "/help/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert client.get("/help/")["Content-Language"] == "es"


def test_a_signed_in_person_keeps_their_choice_on_another_browser(client, world):
    earner = world["people"]["earner"]
    client.force_login(earner)
    client.post("/accounts/language/", {"language": "es", "next": "/"})
    earner.refresh_from_db()
    assert earner.language == "es"
    client.cookies.clear()
    client.force_login(earner)  # a new browser: no cookie, an English browser
    assert client.get("/help/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "es"
    client.post("/accounts/language/", {"language": "", "next": "/"})  # back to following the browser
    earner.refresh_from_db()
    assert earner.language == "" and client.get("/help/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"


@pytest.mark.parametrize("language", ["fr", "<script>", "es" * 50, "../../etc"])
def test_a_language_not_offered_is_refused_and_nothing_is_saved(client, world, language):
    earner = world["people"]["earner"]
    client.force_login(earner)
    response = client.post("/accounts/language/", {"language": language, "next": "/help/"}, follow=True)
    assert "That language is not offered." in response.content.decode()
    assert User.objects.get(pk=earner.pk).language == ""


def test_the_switch_never_sends_people_to_another_site(client):
    response = client.post("/accounts/language/", {"language": "es", "next": "https://evil.example/phish"})
    assert response.status_code == 302 and not response["Location"].startswith("https://evil")


def test_the_footer_offers_each_language_in_its_own_words(client):
    html = client.get("/help/").content.decode()
    assert 'lang="es"' in html and "Español" in html and 'for="site-language"' in html


def test_the_switch_is_post_only(client):
    assert client.get("/accounts/language/").status_code == 405
