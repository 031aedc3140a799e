"""The earner's connected-apps page, revoking one app's access, the operator command and the demo wallet."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from oauth2_provider.models import AccessToken, Application, RefreshToken

from microcred.core.models import AuditEvent

from .helpers import bearer, get_tokens, register

pytestmark = pytest.mark.django_db


def test_connected_apps_needs_login_and_shows_only_ones_own(client, world, wallet):
    assert client.get("/connected-apps/")["Location"].startswith("/accounts/login/")
    get_tokens(client, world["people"]["other_earner"], wallet)
    client.force_login(world["people"]["earner"])
    page = client.get("/connected-apps/")
    assert page.status_code == 200 and "Test wallet" not in page.content.decode()
    assert "No app is connected" in page.content.decode()


def test_connected_apps_lists_scopes_and_revoking_ends_only_this_earners_access(client, world, wallet):
    earner, other = world["people"]["earner"], world["people"]["other_earner"]
    mine = get_tokens(client, earner, wallet)
    theirs = get_tokens(client, other, wallet)
    client.force_login(earner)
    html = client.get("/connected-apps/").content.decode()
    assert "Test wallet" in html and "Read your credentials" in html and "Change your name" in html
    application = Application.objects.get(client_id=wallet["client_id"])
    response = client.post(f"/connected-apps/{application.pk}/revoke", follow=True)
    assert "Access revoked" in response.content.decode()
    assert client.get("/ims/ob/v3p0/profile", **bearer(mine["access_token"])).status_code == 401
    assert client.get("/ims/ob/v3p0/profile", **bearer(theirs["access_token"])).status_code == 200
    assert AuditEvent.objects.filter(action="ob_client.access_revoked", actor=earner).count() == 1
    again = client.post(f"/connected-apps/{application.pk}/revoke", follow=True)  # nothing left: a clear message
    assert "no access to revoke" in again.content.decode()
    assert AuditEvent.objects.filter(action="ob_client.access_revoked").count() == 1
    assert client.post("/connected-apps/999999/revoke", follow=True).status_code == 200
    assert client.get(f"/connected-apps/{application.pk}/revoke").status_code == 405


def test_another_person_cannot_revoke_someone_elses_access(client, world, wallet):
    theirs = get_tokens(client, world["people"]["other_earner"], wallet)
    client.force_login(world["people"]["earner"])
    application = Application.objects.get(client_id=wallet["client_id"])
    client.post(f"/connected-apps/{application.pk}/revoke")
    assert client.get("/ims/ob/v3p0/profile", **bearer(theirs["access_token"])).status_code == 200


def test_connected_apps_page_queries_stay_constant(client, world, django_assert_max_num_queries):
    earner = world["people"]["earner"]
    for i in range(4):
        get_tokens(client, earner, register(client, client_name=f"Wallet {i}"))
    client.force_login(earner)
    with django_assert_max_num_queries(12):
        html = client.get("/connected-apps/").content.decode()
    assert all(f"Wallet {i}" in html for i in range(4))


def test_register_ob_client_command(capsys, db):
    call_command("register_ob_client", "Campus wallet", "https://wallet.campus.example/cb")
    out = capsys.readouterr().out
    assert "client_id:" in out and "client_secret:" in out
    registration = Application.objects.get(name="Campus wallet").ob_registration
    assert registration.client_uri == "https://wallet.campus.example/"
    with pytest.raises(CommandError, match="must use https"):
        call_command("register_ob_client", "Bad", "http://wallet.campus.example/cb")
    with pytest.raises(CommandError, match="client-uri"):
        call_command("register_ob_client", "Native", "http://127.0.0.1:9000/cb")
    call_command("register_ob_client", "Native", "http://127.0.0.1:9000/cb", "--client-uri", "https://native.example/")
    assert Application.objects.count() == 2


def test_demo_wallet_is_connected_for_the_demo_teacher_idempotently(db, world):
    from microcred.accounts.models import User
    from microcred.demo.interop_world import load_interop_demo

    teacher = User.objects.create_user(username="teacher", password="pw-teacher-123")
    # No demo district in this world, so no illustrative LMS (the demo's own test covers it).
    assert load_interop_demo() == {"demo_wallet_registered": True, "demo_lti_key_created": True,
                                   "demo_lti_platform_created": False}
    assert load_interop_demo() == {"demo_wallet_registered": False, "demo_lti_key_created": False,
                                   "demo_lti_platform_created": False}
    assert Application.objects.filter(name="Demo wallet (illustrative)").count() == 1
    assert RefreshToken.objects.filter(user=teacher, revoked__isnull=True).count() == 1
    assert AccessToken.objects.filter(user=teacher).count() == 1
