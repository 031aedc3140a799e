"""A district with an OpenID Connect and a SAML identity provider, both real servers started here."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from microcred.accounts import services as accounts
from microcred.accounts.models import Organization, PersonSourcedId, User
from microcred.sso import oidc
from microcred.sso import services as sso
from microcred.sso.models import IdentityProvider
from tests.idp.servers import OidcIdp, SamlIdp, drive_oidc, drive_saml

CALLBACK = "http://testserver/sso/cv-google/callback/"
OIDC_ACCOUNTS = {
    "g-1001": {"email": "ada.teacher@cvsd.example", "email_verified": True, "name": "Ada Teacher",
               "given_name": "Ada", "family_name": "Teacher", "sourcedId": "t-1001"},
    "g-1002": {"email": "ben.rostered@cvsd.example", "email_verified": True, "given_name": "Ben", "family_name": "Rostered",
               "sourcedId": "t-1002"},
    "g-1003": {"email": "cy.emailmatch@cvsd.example", "email_verified": True, "given_name": "Cy"},
    "g-1004": {"email": "dee.new@cvsd.example", "email_verified": True, "given_name": "Dee", "family_name": "New"},
    "g-1005": {"email": "admin.person@cvsd.example", "email_verified": True},
    "g-1006": {"email": "eve@elsewhere.example", "email_verified": True},
    "g-1007": {"email": "fay.unverified@cvsd.example", "email_verified": False},
    "g-1008": {"email": "gus.other@cvsd.example", "email_verified": True},
    "g-1009": {"email": "hal.gone@cvsd.example", "email_verified": True},
}


@pytest.fixture(scope="module")
def oidc_idp():
    idp = OidcIdp(clients=[
        {"client_id": "microcred-cv", "client_secret": "cv-secret-123", "redirect_uris": [CALLBACK],
         "post_logout_redirect_uris": ["http://testserver/"]},
        {"client_id": "other-app", "client_secret": "other-secret", "redirect_uris": ["http://testserver/sso/cv-other/callback/"]},
    ], accounts=OIDC_ACCOUNTS)
    yield idp
    idp.stop()


@pytest.fixture(autouse=True)
def _fresh_caches():
    oidc._discovery.clear()
    oidc._jwks.clear()


@pytest.fixture
def district(db):
    state = Organization.objects.create(name="Pennsylvania Department of Education", slug="pde", kind="state_agency")
    district = Organization.objects.create(name="Cumberland Valley School District", slug="cumberland-valley",
                                           kind="district", parent=state)
    other = Organization.objects.create(name="Other District", slug="other-district", kind="district")
    return {"state": state, "district": district, "other": other}


@pytest.fixture
def org_admin(district):
    user = User.objects.create_user(username="cv_admin", password="pw-cv-admin-1", email="cv.admin@cvsd.example")
    accounts.grant_role(user=user, organization=district["district"], role="org_admin")
    return user


@pytest.fixture
def google(oidc_idp, district, org_admin):
    provider = IdentityProvider(organization=district["district"], slug="cv-google", name="Google Workspace",
                                protocol="oidc", issuer=oidc_idp.issuer, client_id="microcred-cv", enabled=True,
                                email_domains="cvsd.example", sourced_id_attribute="sourcedId")
    return sso.save_provider(by=org_admin, provider=provider, secret="cv-secret-123")


def oidc_sign_in(client, provider, login, *, next_url=""):
    """Start at microcred, sign in at the provider, come back: the response to the callback."""
    start = client.get(f"/sso/{provider.slug}/login/" + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content[:500]
    back = drive_oidc(start["Location"], login=login, until="http://testserver/")
    parts = urlsplit(back)
    return client.get(parts.path + "?" + parts.query), back


@pytest.fixture(scope="module")
def saml_idp():
    idp = SamlIdp(users={
        "s-2001": {"mail": ["ada.teacher@cvsd.example"], "givenName": ["Ada"], "sn": ["Teacher"], "ppid": ["t-1001"]},
        "s-2002": {"mail": ["saml.new@cvsd.example"], "givenName": ["Sam"], "sn": ["New"]},
    })
    yield idp
    idp.stop()


@pytest.fixture
def state_saml(saml_idp, district, org_admin):
    provider = IdentityProvider(organization=district["district"], slug="cv-state", name="PA state sign-in",
                                protocol="saml", idp_metadata_xml=saml_idp.metadata(), enabled=True,
                                email_domains="cvsd.example", email_attribute="mail", sourced_id_attribute="ppid")
    provider = sso.save_provider(by=org_admin, provider=provider)
    from microcred.sso import saml

    saml_idp.sp_metadata.clear()
    saml_idp.trust(saml.metadata_xml(provider))
    saml_idp.mode = "signed"
    return provider


def saml_sign_in(client, provider, login):
    start = client.get(f"/sso/{provider.slug}/login/")
    assert start.status_code == 302, start.content[:500]
    action, fields = drive_saml(start["Location"], login=login)
    return client.post(urlsplit(action).path, fields), fields


def rostered(district, username, email, sourced_id):
    user = User.objects.create_user(username=username, email=email)
    accounts.grant_role(user=user, organization=district, role="earner")
    PersonSourcedId.objects.create(user=user, organization=district, sourced_id=sourced_id)
    return user


def message(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())
