import re

import pytest
from django.contrib.auth.hashers import get_hasher, make_password
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from microcred.accounts import selectors, services
from microcred.accounts.models import EducatorProfile, Membership, Role, User
from microcred.core.models import AuditEvent


def test_production_hashing_is_argon2(settings):
    from microcred.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("OwaspArgon2PasswordHasher")
    settings.PASSWORD_HASHERS = base.PASSWORD_HASHERS
    assert make_password("correct horse battery").startswith("argon2$")
    assert get_hasher("default").algorithm == "argon2"


def test_login_and_logout(client, world):
    response = client.post("/accounts/login/", {"username": "earner", "password": "pw-earner-123"})
    assert response.status_code == 302
    assert client.get("/accounts/profile/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/accounts/profile/").status_code == 302


def test_wrong_password_is_a_clear_message(client, world):
    body = client.post("/accounts/login/", {"username": "earner", "password": "nope"}).content.decode()
    assert "correct username and password" in body


def test_password_reset_by_email(client, world):
    client.post("/accounts/password-reset/", {"email": "earner@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    post_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = client.post(post_url, {"new_password1": "a-brand-new-pass-42", "new_password2": "a-brand-new-pass-42"})
    assert done.status_code == 302
    assert User.objects.get(username="earner").check_password("a-brand-new-pass-42")


def test_unknown_email_sends_nothing_but_looks_the_same(client, world):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_several_roles_in_several_organizations(world):
    user = world["people"]["author"]
    services.grant_role(user=user, organization=world["orgs"]["district"], role=Role.EARNER)
    services.grant_role(user=user, organization=world["orgs"]["district"], role=Role.EARNER)  # idempotent
    assert Membership.objects.filter(user=user).count() == 2
    assert selectors.has_role(user, Role.EARNER, world["orgs"]["district"])
    assert selectors.organization_ids_with_role(user, Role.AUTHOR) == {world["orgs"]["issuer"].pk}
    assert AuditEvent.objects.filter(action="membership.granted", target_label__startswith="Author Tester").count() == 2
    services.revoke_role(user=user, organization=world["orgs"]["district"], role=Role.EARNER)
    assert not selectors.has_role(user, Role.EARNER)


def test_profile_form_saves_and_rejects_bad_input(client, world):
    client.force_login(world["people"]["earner"])
    district = world["orgs"]["district"]
    ok = client.post("/accounts/profile/", {"state": "tn", "district": district.pk, "position": "teacher", "career_stage": "new",
                                            "license_number": "TN-12345"})
    assert ok.status_code == 302
    profile = EducatorProfile.objects.get(user=world["people"]["earner"])
    assert (profile.state, profile.district, profile.career_stage) == ("TN", district, "new")
    bad = client.post("/accounts/profile/", {"state": "Tennessee", "position": "wizard", "career_stage": "new",
                                             "license_number": "<script>alert(1)</script>"}).content.decode()
    assert "at most 2 characters" in bad and "Select a valid choice" in bad and "letters, digits" in bad
    assert "<script>alert(1)</script>" not in bad
    profile.refresh_from_db()
    assert profile.state == "TN" and profile.license_number == "TN-12345"  # nothing saved is lost


def test_nobody_edits_someone_elses_profile(world):
    with pytest.raises(PermissionDenied):
        services.update_educator_profile(user=world["people"]["earner"], by=world["people"]["other_earner"], position="principal")
    services.update_educator_profile(user=world["people"]["earner"], by=world["people"]["platform_admin"], position="principal")
    with pytest.raises(ValidationError):
        services.update_educator_profile(user=world["people"]["earner"], by=world["people"]["earner"], career_stage="retired")


def test_admin_is_for_platform_staff_only(client, world):
    client.force_login(world["people"]["author"])
    assert client.get("/admin/").status_code == 302  # not staff: sent to the admin login
    staff = world["people"]["platform_admin"]
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    from microcred.catalog import services as catalog_services
    from microcred.catalog.tests.factories import make_definition

    version = catalog_services.create_micro_credential(owner=world["orgs"]["issuer"], definition=make_definition(), by=staff)
    stack = catalog_services.save_stack(owner=world["orgs"]["issuer"], by=staff, title="S", items=[{"micro_credential": version.micro_credential}])
    for url in ("/admin/", "/admin/catalog/microcredential/", "/admin/catalog/stack/", "/admin/core/auditevent/", "/admin/accounts/organization/",
                f"/admin/catalog/stack/{stack.pk}/change/", f"/admin/catalog/microcredential/{version.micro_credential.pk}/change/",
                f"/admin/catalog/microcredentialversion/{version.pk}/change/", f"/admin/accounts/user/{staff.pk}/change/",
                "/admin/earning/cohort/add/", "/admin/earning/voucher/add/", "/admin/earning/coachassignment/add/", "/admin/earning/attempt/"):
        assert client.get(url).status_code == 200, url
