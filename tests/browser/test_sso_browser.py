"""A Cumberland Valley teacher signs in through the district's OpenID Connect provider (the real oidc-provider
package) and through the state's SAML 2.0 identity provider (pysaml2), in headless Chromium at desktop (1280 px) and
phone (390 px) width; microcred's pages are checked with axe. Their district admin sees the providers."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.nav import open_menu
from tests.idp.servers import OidcIdp, SamlIdp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(db):
    from microcred.accounts import services as accounts
    from microcred.accounts.models import Organization, PersonSourcedId, User

    state = Organization.objects.create(name="Pennsylvania Department of Education", slug="pde", kind="state_agency")
    cv = Organization.objects.create(name="Cumberland Valley School District", slug="cumberland-valley", kind="district", parent=state)
    admin = User.objects.create_user(username="district_admin", password="pw-district-admin-1", email="admin@cvschools.example")
    accounts.grant_role(user=admin, organization=cv, role="org_admin")
    maya = User.objects.create_user(username="maya", first_name="Maya", last_name="Holloway", email="mholloway@cvschools.example")
    accounts.grant_role(user=maya, organization=cv, role="earner")
    PersonSourcedId.objects.create(user=maya, organization=cv, sourced_id="cv-t-0042")  # from the district's roster
    return {"cv": cv, "admin": admin, "maya": maya}


@pytest.fixture
def oidc_idp(live_server):
    idp = OidcIdp(clients=[{"client_id": "microcred-cv", "client_secret": "cv-browser-secret",
                            "redirect_uris": [live_server.url + "/sso/cv-google/callback/"],
                            "post_logout_redirect_uris": [live_server.url + "/"]}],
                  accounts={"maya.h": {"email": "mholloway@cvschools.example", "email_verified": True,
                                       "given_name": "Maya", "family_name": "Holloway", "sourcedId": "cv-t-0042"}})
    yield idp
    idp.stop()


@pytest.fixture
def saml_idp():
    idp = SamlIdp(users={"mholloway": {"mail": ["mholloway@cvschools.example"], "givenName": ["Maya"], "sn": ["Holloway"],
                                       "ppid": ["cv-t-0042"]}}, common_name="pa-state-idp")
    yield idp
    idp.stop()


def _provider(district, **fields):
    from microcred.sso import services as sso
    from microcred.sso.models import IdentityProvider

    secret = fields.pop("secret", None)
    return sso.save_provider(by=district["admin"], provider=IdentityProvider(organization=district["cv"], enabled=True,
                                                                             email_domains="cvschools.example", **fields),
                             secret=secret)


def _signed_in_as_maya(page):
    page.wait_for_load_state()
    open_menu(page)  # folded behind "Menu" on a phone
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    from microcred.sso.models import SsoIdentity

    assert SsoIdentity.objects.filter(user__username="maya").exists()


@pytest.mark.parametrize("width", [1280, 390])
def test_teacher_signs_in_with_the_districts_oidc_provider(page, district, oidc_idp, width):
    _provider(district, slug="cv-google", name="Cumberland Valley Google", protocol="oidc", issuer=oidc_idp.issuer,
              client_id="microcred-cv", secret="cv-browser-secret", sourced_id_attribute="sourcedId")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/?org=cumberland-valley")
    assert_accessible(page, "login page with the district's sign-in")
    page.get_by_role("link", name="Sign in with Cumberland Valley Google").click()
    expect(page.get_by_role("heading", name="Test district identity provider")).to_be_visible()
    page.get_by_label("Username").fill("maya.h")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Sign in to the district").click()
    _signed_in_as_maya(page)
    assert_accessible(page, "home after OIDC sign-in")
    # logging out through SSO ends the session at the provider too (its confirmation page)
    page.evaluate("""() => { const f = document.createElement('form'); f.method = 'post'; f.action = '/sso/logout/';
        const t = document.querySelector('input[name=csrfmiddlewaretoken]'); if (t) { f.appendChild(t.cloneNode()); }
        document.body.appendChild(f); f.submit(); }""")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are logged out of microcred")
    assert_accessible(page, "logged out")
    page.get_by_role("link", name="Sign out of Cumberland Valley Google too").click()
    page.wait_for_url(oidc_idp.issuer + "/session/end**")


@pytest.mark.parametrize("width", [1280, 390])
def test_teacher_signs_in_with_the_states_saml_provider(page, district, saml_idp, live_server, settings, width):
    from microcred.sso import saml

    settings.SITE_URL = live_server.url
    provider = _provider(district, slug="pa-state", name="Pennsylvania state sign-in", protocol="saml",
                         idp_metadata_xml=saml_idp.metadata(), email_attribute="mail", sourced_id_attribute="ppid")
    saml_idp.trust(saml.metadata_xml(provider))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Your work e-mail address").fill("mholloway@cvschools.example")
    page.get_by_role("button", name="Find my organization's sign-in").click()
    assert_accessible(page, "find your organization's sign-in")
    page.get_by_role("link", name="Sign in with Pennsylvania state sign-in").click()
    expect(page.get_by_role("heading", name="Test state identity provider (SAML)")).to_be_visible()
    page.get_by_label("Username").fill("mholloway")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Sign in to the state").click()
    _signed_in_as_maya(page)
    assert_accessible(page, "home after SAML sign-in")


@pytest.mark.parametrize("width", [1280, 390])
def test_district_admin_sees_its_providers(page, district, width):
    _provider(district, slug="cv-state", name="Pennsylvania state sign-in", protocol="saml", idp_metadata_xml="<x/>")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Username", exact=True).fill("district_admin")
    page.get_by_label("Password").fill("pw-district-admin-1")
    page.get_by_role("button", name="Log in").click()
    page.goto("/sso/providers/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Single sign-on")
    assert_accessible(page, "single sign-on settings")
    page.get_by_role("link", name="Pennsylvania state sign-in").click()
    expect(page.get_by_text("/sso/cv-state/saml/acs/")).to_be_visible()
    assert_accessible(page, "a provider's page")
    page.get_by_role("link", name="Change").click()
    assert_accessible(page, "change a provider")
