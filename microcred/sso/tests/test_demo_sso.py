import pytest

from microcred.accounts import services as accounts
from microcred.accounts.models import Organization, User
from microcred.demo import content
from microcred.demo.sso_world import load_sso_demo
from microcred.sso.models import IdentityProvider

pytestmark = pytest.mark.django_db


def test_demo_district_has_two_providers_turned_off(client):
    district = Organization.objects.create(slug=content.RURAL, name="Cumberland Valley Schools", kind="district")
    admin = User.objects.create_user(username="district_admin", password="x-demo-pw-123")
    accounts.grant_role(user=admin, organization=district, role="org_admin")
    load_sso_demo()
    load_sso_demo()
    providers = IdentityProvider.objects.filter(organization=district)
    assert sorted(providers.values_list("protocol", "enabled")) == [("oidc", False), ("saml", False)]
    client.force_login(admin)
    page = client.get("/sso/providers/").content.decode()
    assert "Cumberland Valley Google Workspace" in page and "Pennsylvania state sign-in" in page
    client.logout()
    login_page = client.get(f"/accounts/login/?org={content.RURAL}").content.decode()
    assert "sso-heading" in login_page and "/sso/cumberland-valley-google/login/" not in login_page  # turned off
