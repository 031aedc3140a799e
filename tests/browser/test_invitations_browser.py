"""Onboarding in headless Chromium at desktop (1280 px) and phone (390 px) width, checked with axe: a district's
people admin invites a teacher, who opens the link from the mail, sets a password and signs in; and a teacher who
registers herself, confirms her address and is approved by the admin."""
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-enough-pass-42"


@pytest.fixture
def district_admin(world):
    from microcred.accounts import services as accounts
    from microcred.accounts.models import User

    admin = User.objects.create_user(username="district_admin", password="pw-district_admin-123", first_name="Grace",
                                     last_name="Nakamura", email="grace@rural.example")
    accounts.grant_role(user=admin, organization=world["orgs"]["district"], role="org_admin")
    return admin


def log_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def path_in(message, name):
    return re.search(r"https?://[^/\s]+(/accounts/" + name + r"/[^/\s]+/)", message.body)[1]


@pytest.mark.parametrize("width", [1280, 390])
def test_admin_invites_a_teacher_who_sets_a_password_and_signs_in(page, district_admin, width):
    from microcred.accounts.models import Membership, User

    mail.outbox.clear()
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "district_admin", "pw-district_admin-123")
    page.goto("/accounts/invitations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitations")
    assert_accessible(page, "invitations")
    form = page.locator("#invite-one")
    form.get_by_label("Organization").select_option(label="Rural District")
    form.get_by_label("Role").select_option(label="Earner (educator)")
    form.get_by_label("E-mail address").fill("maya@rural.example")
    form.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("An invitation was sent to maya@rural.example.")).to_be_visible()
    page.context.clear_cookies()

    accept = path_in([m for m in mail.outbox if m.to == ["maya@rural.example"]][0], "invitations/accept")
    page.goto(accept)
    expect(page.get_by_role("heading", level=1)).to_have_text("Accept your invitation")
    assert_accessible(page, "accept an invitation")
    page.get_by_label("First name").fill("Maya")
    page.get_by_label("Last name").fill("Holloway")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome! Your account was created")).to_be_visible()
    maya = User.objects.get(email="maya@rural.example")
    assert list(Membership.objects.filter(user=maya).values_list("role", flat=True)) == ["earner"]

    page.context.clear_cookies()
    log_in(page, "maya@rural.example", PASSWORD)
    page.goto("/accounts/account/")
    expect(page.get_by_text("You sign in as")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_self_registration_with_approval(page, world, district_admin, width):
    from microcred.accounts import onboarding
    from microcred.accounts.models import Membership, User

    mail.outbox.clear()
    onboarding.configure_self_registration(by=district_admin, organization=world["orgs"]["district"], enabled=True,
                                           allowed_domains="rural.example", requires_approval=True)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    assert_accessible(page, "register")
    page.get_by_label("Organization").select_option(label="Rural District")
    page.get_by_label("First name").fill("Omar")
    page.get_by_label("Last name").fill("Reyes")
    page.get_by_label("Your work e-mail address").fill("omar@rural.example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mailbox")

    page.goto(path_in([m for m in mail.outbox if m.to == ["omar@rural.example"]][0], "verify-email"))
    assert_accessible(page, "confirm the address")
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("an administrator will approve your account soon")).to_be_visible()

    log_in(page, "district_admin", "pw-district_admin-123")
    page.goto("/accounts/registrations/")
    assert_accessible(page, "registrations")
    page.get_by_role("button", name="Approve omar@rural.example").click()
    expect(page.get_by_text("is now an educator of Rural District")).to_be_visible()
    omar = User.objects.get(email="omar@rural.example")
    assert list(Membership.objects.filter(user=omar).values_list("role", flat=True)) == ["earner"]
