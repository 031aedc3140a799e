"""LTI 1.3 (docs/lti.md): a platform admin registers a district's LMS; a teacher in that LMS adds a micro-credential
to a course through Deep Linking (login initiation → the LMS's auto-posted launch → the picker → the signed answer
auto-posted back to the LMS), against a simulated LMS with real keys, in headless Chromium at 1280 and 390 px, axe."""
import jwt
import pytest
from playwright.sync_api import expect

from microcred.interop.lti import messages as m
from microcred.interop.tests.lti_platform import SimulatedPlatform
from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(f"pw-{username}-123")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def sim():
    platform = SimulatedPlatform()
    yield platform
    platform.stop()


@pytest.mark.parametrize("width", [1280, 390])
def test_register_an_lms_and_deep_link_an_mc(page, world, published, sim, live_server, settings, width):
    from microcred.interop import keys
    from microcred.interop.models import LtiPlatform

    settings.SITE_URL = live_server.url
    page.set_viewport_size({"width": width, "height": 900})
    tool_key = keys.rotate_key(purpose="lti", by=world["people"]["platform_admin"])

    log_in(page, "platform_admin")
    page.goto("/lti/platforms/")
    expect(page.get_by_text(f"{live_server.url}/lti/login")).to_be_visible()
    assert_accessible(page, "the LMS platforms page")
    page.get_by_role("link", name="Register a platform").click()
    assert_accessible(page, "the platform registration form")
    page.get_by_label("Name").fill("Rural Canvas")
    page.get_by_label("Issuer").fill(sim.issuer)
    page.get_by_label("Client id").fill(sim.client_id)
    page.get_by_label("Deployment ids").fill(sim.deployment_id)
    page.get_by_label("Keyset URL").fill(sim.url("/jwks"))
    page.get_by_label("Authentication request URL").fill(sim.url("/auth"))
    page.get_by_label("Access token URL").fill(sim.url("/token"))
    page.get_by_label("Organization").select_option(label=world["orgs"]["district"].name)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Rural Canvas")).to_be_visible()
    assert LtiPlatform.objects.get().deployments == [sim.deployment_id]

    # A teacher in the LMS adds microcred to a course: the LMS opens the login initiation URL.
    page.context.clear_cookies()
    sim.next_launch = {"message_type": m.DEEP_LINKING_REQUEST, "email": "teacher@rural.example"}
    page.goto(f"/lti/login?iss={sim.issuer}&login_hint=u42&client_id={sim.client_id}")
    expect(page.get_by_role("heading", name="Add a micro-credential to your course")).to_be_visible()
    assert_accessible(page, "the deep-linking picker")
    page.get_by_label(published.title).check()
    page.get_by_role("button", name="Add to the course").click()
    expect(page.get_by_role("heading", name="Item added")).to_be_visible()
    (answer,) = sim.deep_link_answers
    public = m.key_for(keys.jwks(), tool_key.kid)
    claims = jwt.decode(answer, public, algorithms=["RS256"], audience=sim.issuer, issuer=sim.client_id)
    assert claims[m.DL_CONTENT_ITEMS][0]["custom"] == {"microcred_mc": published.micro_credential.slug}
