"""Two-factor authentication (TOTP + recovery codes): enrolment, login with a code, turning it off, the platform
requirement for staff roles, and the admin site's demand for a verified session (docs/security.md)."""
from __future__ import annotations

import re
import time

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from microcred.accounts import two_factor
from microcred.core.models import AuditEvent

HOSTILE = '<script>alert("2fa")</script>'


@pytest.fixture(autouse=True)
def _no_throttle_delay(settings):
    # django-otp waits 2^n seconds after n wrong codes; the throttling test below sets its own factor.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def current_code(device: TOTPDevice) -> str:
    """The code the app would show now. A code is accepted once per 30-second step, so let the step pass first."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def enrol(client, user) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor on for `user` through the pages; returns the device and the recovery codes shown."""
    client.force_login(user)
    assert client.post("/accounts/two-factor/setup/")["Location"] == "/accounts/two-factor/setup/"
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    page = client.post("/accounts/two-factor/setup/", {"code": current_code(device)})
    assert page.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page.content.decode())
    device.refresh_from_db()
    return device, codes


def password_step(client, username, next_url=""):
    data = {"username": username, "password": f"pw-{username}-123"}
    if next_url:
        data["next"] = next_url
    return client.post("/accounts/login/", data)


def test_enrolment_shows_a_qr_code_and_needs_a_right_code(client, world):
    assessor = world["people"]["assessor"]
    client.force_login(assessor)
    page = client.get("/accounts/two-factor/").content.decode()
    assert "is <strong>off</strong>" in page and "We recommend it for your role" in page
    client.post("/accounts/two-factor/setup/")
    setup = client.get("/accounts/two-factor/setup/").content.decode()
    assert "<svg" in setup and "Enter this key" in setup
    device = TOTPDevice.objects.get(user=assessor)
    assert re.sub(r"\s", "", re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", setup).group(1)) in device.config_url
    wrong = client.post("/accounts/two-factor/setup/", {"code": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "does not match" in wrong.content.decode()
    hostile = client.post("/accounts/two-factor/setup/", {"code": HOSTILE})
    assert hostile.status_code == 400 and HOSTILE not in hostile.content.decode()
    assert not two_factor.is_enabled(assessor)
    device, codes = enrol(client, assessor)
    assert device.confirmed and len(codes) == 10 and len(set(codes)) == 10
    assert two_factor.remaining_recovery_codes(assessor) == 10
    assert AuditEvent.objects.filter(action="two_factor.enabled", target_id=str(assessor.pk)).exists()
    assert "is <strong>on</strong>" in client.get("/accounts/two-factor/").content.decode()
    # A second set-up while on is refused with a message; nothing changes.
    again = client.post("/accounts/two-factor/setup/", follow=True).content.decode()
    assert "already on" in again and TOTPDevice.objects.filter(user=assessor).count() == 1


def test_setup_pages_need_a_login(client):
    for url in ("/accounts/two-factor/", "/accounts/two-factor/setup/"):
        assert client.get(url)["Location"].startswith("/accounts/login/")
    for url in ("/accounts/two-factor/disable/", "/accounts/two-factor/recovery-codes/"):
        assert client.post(url, {"code": "123456"})["Location"].startswith("/accounts/login/")


def test_login_asks_for_the_code_when_two_factor_is_on(world):
    issuer_admin = world["people"]["issuer_admin"]
    device, _ = enrol(Client(), issuer_admin)
    client = Client()
    first = password_step(client, "issuer_admin", next_url="/accounts/profile/")
    assert first.status_code == 302 and first["Location"] == "/accounts/login/code/"
    assert client.get("/accounts/profile/").status_code == 302  # the password alone does not log in
    assert "Enter your code" in client.get("/accounts/login/code/").content.decode()
    wrong = client.post("/accounts/login/code/", {"code": "12345x"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    done = client.post("/accounts/login/code/", {"code": current_code(device)})
    assert done["Location"] == "/accounts/profile/"
    assert client.get("/accounts/profile/").status_code == 200
    # The same code cannot be replayed on another login within its 30 seconds.
    other = Client()
    password_step(other, "issuer_admin")
    device.refresh_from_db()
    replay = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    assert other.post("/accounts/login/code/", {"code": replay}).status_code == 400


def test_people_without_two_factor_log_in_with_the_password_alone(client, world):
    assert password_step(client, "earner")["Location"] == "/"
    assert client.get("/accounts/profile/").status_code == 200


def test_code_page_without_a_password_or_after_five_minutes_sends_back_to_login(world):
    device, _ = enrol(Client(), world["people"]["assessor"])
    client = Client()
    assert client.get("/accounts/login/code/")["Location"] == "/accounts/login/"
    password_step(client, "assessor")
    session = client.session
    pending = session["microcred_2fa_pending"]
    pending["at"] = int(time.time()) - 301
    session["microcred_2fa_pending"] = pending
    session.save()
    expired = client.post("/accounts/login/code/", {"code": current_code(device)}, follow=True)
    assert "took too long" in expired.content.decode()
    assert client.get("/accounts/profile/").status_code == 302


def test_five_wrong_codes_end_the_login(world):
    enrol(Client(), world["people"]["assessor"])
    client = Client()
    password_step(client, "assessor")
    for _ in range(4):
        assert client.post("/accounts/login/code/", {"code": "000001"}).status_code == 400
    fifth = client.post("/accounts/login/code/", {"code": "000001"}, follow=True)
    assert "Too many wrong codes" in fifth.content.decode()
    assert client.get("/accounts/login/code/")["Location"] == "/accounts/login/"


def test_wrong_codes_are_throttled_by_the_device(world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device, _ = enrol(Client(), world["people"]["assessor"])
    client = Client()
    password_step(client, "assessor")
    client.post("/accounts/login/code/", {"code": "000001"})
    # Right code, but within the back-off after a failure: refused, so codes cannot be guessed at speed.
    assert client.post("/accounts/login/code/", {"code": current_code(device)}).status_code == 400


def test_recovery_codes_work_once_each(world):
    device, codes = enrol(Client(), world["people"]["assessor"])
    client = Client()
    password_step(client, "assessor")
    used = client.post("/accounts/login/code/", {"code": codes[0].upper()}, follow=True)
    assert "You used a recovery code; 9 left" in used.content.decode()
    assert AuditEvent.objects.filter(action="two_factor.recovery_code_used").count() == 1
    again = Client()
    password_step(again, "assessor")
    assert again.post("/accounts/login/code/", {"code": codes[0]}).status_code == 400


def test_new_recovery_codes_need_a_code_and_replace_the_old(client, world):
    user = world["people"]["assessor"]
    device, codes = enrol(client, user)
    refused = client.post("/accounts/two-factor/recovery-codes/", {"code": "999999"}, follow=True)
    assert "No new codes" in refused.content.decode()
    assert set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True)) == set(codes)
    page = client.post("/accounts/two-factor/recovery-codes/", {"code": current_code(device)}).content.decode()
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    assert len(new) == 10 and not set(new) & set(codes)
    assert two_factor.verify_code(user=user, code=codes[1]) is None and two_factor.verify_code(user=user, code=new[1]) is not None


def test_turning_off_needs_a_code(client, world):
    user = world["people"]["assessor"]
    device, codes = enrol(client, user)
    kept = client.post("/accounts/two-factor/disable/", {"code": "123456"}, follow=True).content.decode()
    assert "still on" in kept and two_factor.is_enabled(user)
    assert client.post("/accounts/two-factor/disable/", {"code": HOSTILE}, follow=True).status_code == 200
    assert two_factor.is_enabled(user)
    client.post("/accounts/two-factor/disable/", {"code": codes[3]})
    assert not two_factor.is_enabled(user) and not StaticToken.objects.filter(device__user=user).exists()
    assert AuditEvent.objects.filter(action="two_factor.disabled", target_id=str(user.pk)).exists()
    assert password_step(Client(), "assessor")["Location"] == "/"  # back to password only


@override_settings(MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES=True)
def test_platform_can_require_two_factor_for_staff_roles(world, published):
    assessor_client = Client()
    assessor_client.force_login(world["people"]["assessor"])
    assert assessor_client.get("/assess/")["Location"] == "/accounts/two-factor/"
    assert "Your role requires it" in assessor_client.get("/accounts/two-factor/").content.decode()
    api = assessor_client.get("/api/v1/catalog/")
    assert api.status_code == 403 and "two-factor" in api.json()["detail"]
    earner_client = Client()
    earner_client.force_login(world["people"]["earner"])
    assert earner_client.get("/earn/").status_code == 200  # earners are not required
    for who in ("issuer_admin", "recognizer", "platform_admin"):
        c = Client()
        c.force_login(world["people"][who])
        assert c.get("/catalog/")["Location"] == "/accounts/two-factor/", who
    enrol(assessor_client, world["people"]["assessor"])
    assert assessor_client.get("/assess/").status_code == 200  # the session that enrolled is verified
    # A fresh session of someone enrolled (e.g. older than the enrolment) must give a code first.
    stale = Client()
    stale.force_login(world["people"]["assessor"])
    assert stale.get("/assess/")["Location"] == "/accounts/login/code/?next=%2Fassess%2F"


def test_requirement_is_off_by_default_in_dev_and_on_in_production():
    from microcred.settings import base

    assert base.MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES is False
    source = open(base.__file__.replace("base.py", "production.py")).read()
    assert '_env_bool("MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES", True)' in source


def test_admin_site_needs_a_verified_session_when_two_factor_is_on(world):
    staff = world["people"]["platform_admin"]
    staff.is_staff = staff.is_superuser = True
    staff.save()
    device, _ = enrol(Client(), staff)
    client = Client()
    client.force_login(staff)  # logged in, but without a code in this session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/accounts/login/code/?next=%2Fadmin%2F"
    done = client.post("/accounts/login/code/?next=/admin/", {"code": current_code(device), "next": "/admin/"})
    assert done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_login_goes_through_the_site_login(client, world):
    assert client.get("/admin/login/?next=/admin/accounts/user/")["Location"] == "/accounts/login/?next=%2Fadmin%2Faccounts%2Fuser%2F"
    # The admin's own username/password form is never processed (it would skip lockout and the code).
    assert client.post("/admin/login/", {"username": "platform_admin", "password": "pw-platform_admin-123"}).status_code == 302
    assert client.get("/admin/").status_code == 302
    client.force_login(world["people"]["earner"])
    assert client.get("/admin/login/").status_code == 403


def test_staff_without_two_factor_still_reach_the_admin_while_not_required(client, world):
    staff = world["people"]["platform_admin"]
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200


def test_admin_resets_a_lost_authenticator(client, world):
    user = world["people"]["assessor"]
    enrol(Client(), user)
    staff = world["people"]["platform_admin"]
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    client.post("/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [user.pk]})
    assert not two_factor.is_enabled(user)
    assert AuditEvent.objects.filter(action="two_factor.reset_by_admin", actor=staff, target_id=str(user.pk)).exists()
    # Only staff reach that action.
    other = Client()
    other.force_login(world["people"]["issuer_admin"])
    assert other.post("/admin/accounts/user/", {"action": "reset_two_factor", "_selected_action": [staff.pk]}).status_code == 302
