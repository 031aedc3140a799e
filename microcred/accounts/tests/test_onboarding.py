"""Invitations, self-registration and e-mail verification (issue 14 item 3): services, pages, permissions and hostile
input. Mails are sent by background tasks (the immediate backend here) after commit."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from microcred.accounts import onboarding
from microcred.accounts.models import (EmailVerification, Invitation, Membership, RegistrationRequest,
                                       SelfRegistrationSettings, User)
from microcred.core.models import AuditEvent

PASSWORD = "a-long-enough-pass-42"


@pytest.fixture
def org_world(world):
    from microcred.accounts import services

    orgs, people = world["orgs"], world["people"]

    def person(username, *memberships):
        user = User.objects.create_user(username=username, password=f"pw-{username}-123", email=f"{username}@example.org",
                                        first_name=username.title(), last_name="Tester")
        for organization, role in memberships:
            services.grant_role(user=user, organization=organization, role=role)
        return user

    people["district_admin"] = person("district_admin", (orgs["district"], "org_admin"))
    people["city_admin"] = person("city_admin", (orgs["other_district"], "org_admin"))
    return world


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Run the after-commit callbacks (the tasks that send mail) of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def link_in(message, name="invitations/accept") -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/" + name + r"/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def token_of(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def invite(world, sent, email="new.teacher@rural.example", role="earner", by="district_admin"):
    with sent():
        invitation = onboarding.invite(by=world["people"][by], organization=world["orgs"]["district"], role=role, email=email)
    invitation.refresh_from_db()
    return invitation, token_of(link_in(mail.outbox[-1]))


# --- invitations: services ----------------------------------------------------------------------------------------

def test_invite_and_accept_creates_an_account_with_the_invited_role_only(org_world, sent):
    invitation, token = invite(org_world, sent)
    assert invitation.token_hash == onboarding.token_hash(token) and token not in invitation.token_hash
    assert not Invitation.objects.filter(token_hash=token).exists()  # the plain token is never stored
    person = onboarding.accept_invitation(token=token, password=PASSWORD, first_name="Nia", last_name="Teacher")
    assert person.check_password(PASSWORD) and person.email_verified_at is not None and person.is_active
    assert set(Membership.objects.filter(user=person).values_list("organization__slug", "role")) == {("rural-district", "earner")}
    invitation.refresh_from_db()
    assert (invitation.state, invitation.accepted_by, invitation.token_hash) == ("accepted", person, "")
    with pytest.raises(ValidationError):  # single use
        onboarding.accept_invitation(token=token, password=PASSWORD, first_name="Again")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"invitation.created", "invitation.sent", "invitation.accepted", "membership.granted", "account.created"} <= actions


def test_a_tampered_or_expired_token_is_refused(org_world, sent):
    invitation, token = invite(org_world, sent)
    with pytest.raises(ValidationError):
        onboarding.accept_invitation(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"), password=PASSWORD, first_name="X")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError):
        onboarding.accept_invitation(token=token, password=PASSWORD, first_name="X")
    assert Invitation.objects.get(pk=invitation.pk).state == "expired"
    assert not User.objects.filter(email="new.teacher@rural.example").exists()


def test_weak_password_is_refused_and_the_invitation_stays_usable(org_world, sent):
    _, token = invite(org_world, sent)
    with pytest.raises(ValidationError) as refused:
        onboarding.accept_invitation(token=token, password="short", first_name="X")
    assert "password" in refused.value.message_dict
    assert onboarding.invitation_for_token(token) is not None


def test_an_existing_account_signs_in_and_gains_the_membership(org_world, sent):
    other = org_world["people"]["other_earner"]
    _, token = invite(org_world, sent, email=other.email.upper())
    with pytest.raises(PermissionDenied):  # not signed in
        onboarding.accept_invitation(token=token)
    with pytest.raises(PermissionDenied):  # signed in as somebody else
        onboarding.accept_invitation(token=token, user=org_world["people"]["earner"])
    onboarding.accept_invitation(token=token, user=other)
    assert Membership.objects.filter(user=other, organization=org_world["orgs"]["district"], role="earner").exists()
    assert User.objects.filter(email__iexact=other.email).count() == 1


def test_revoke_and_resend(org_world, sent):
    invitation, token = invite(org_world, sent)
    admin = org_world["people"]["district_admin"]
    with sent():
        onboarding.resend_invitation(by=admin, invitation=invitation)
    new_token = token_of(link_in(mail.outbox[-1]))
    assert new_token != token and onboarding.invitation_for_token(token) is None  # the old link stops working
    onboarding.revoke_invitation(by=admin, invitation=invitation)
    onboarding.revoke_invitation(by=admin, invitation=invitation)  # twice: nothing more
    assert onboarding.invitation_for_token(new_token) is None
    with pytest.raises(ValidationError, match="cannot move"):
        onboarding.resend_invitation(by=admin, invitation=invitation)
    assert AuditEvent.objects.filter(action="invitation.revoked").count() == 1


def test_a_revoked_invitation_is_not_sent_by_a_late_task(org_world):
    invitation = onboarding.invite(by=org_world["people"]["district_admin"], organization=org_world["orgs"]["district"],
                                   role="earner", email="late@rural.example")
    onboarding.revoke_invitation(by=org_world["people"]["district_admin"], invitation=invitation)
    assert onboarding.send_invitation(invitation_id=invitation.pk) is False and not mail.outbox


# --- invitations: who may ----------------------------------------------------------------------------------------

def test_who_may_invite(org_world):
    from microcred.accounts import policy

    people, orgs = org_world["people"], org_world["orgs"]
    assert policy.can_invite(people["district_admin"], orgs["district"], "coach")
    assert not policy.can_invite(people["district_admin"], orgs["district"], "platform_admin")
    assert not policy.can_invite(people["district_admin"], orgs["district"], "issuer_admin")
    assert not policy.can_invite(people["district_admin"], orgs["other_district"], "earner")
    assert not policy.can_invite(people["earner"], orgs["district"], "earner")
    assert policy.can_invite(people["platform_admin"], orgs["issuer"], "issuer_admin")
    assert not policy.can_invite(people["platform_admin"], orgs["issuer"], "platform_admin")


@pytest.mark.parametrize("by,org,role", [
    ("earner", "district", "earner"),  # a teacher cannot invite
    ("district_admin", "district", "platform_admin"),  # an org admin cannot invite a platform admin
    ("district_admin", "other_district", "earner"),  # nor into another organization
    ("district_admin", "district", "issuer_admin"),
])
def test_invitations_refused_by_policy(org_world, by, org, role):
    with pytest.raises(PermissionDenied):
        onboarding.invite(by=org_world["people"][by], organization=org_world["orgs"][org], role=role, email="x@rural.example")
    assert not Invitation.objects.exists()


def test_an_admin_cannot_invite_themselves_to_a_higher_role(org_world, sent):
    admin = org_world["people"]["district_admin"]
    with pytest.raises(ValidationError, match="yourself"):
        onboarding.invite(by=admin, organization=org_world["orgs"]["district"], role="org_admin", email=admin.email.upper())
    # nor through a second address: the admin cannot accept an invitation they sent
    with sent():
        onboarding.invite(by=admin, organization=org_world["orgs"]["district"], role="coach", email="alias@rural.example")
    token = token_of(link_in(mail.outbox[-1]))
    User.objects.filter(pk=admin.pk).update(email="alias@rural.example")
    admin.refresh_from_db()
    with pytest.raises(PermissionDenied):
        onboarding.accept_invitation(token=token, user=admin)
    assert not Membership.objects.filter(user=admin, role="coach").exists()


def test_an_inviter_who_lost_the_right_voids_the_invitation(org_world, sent):
    from microcred.accounts import services

    _, token = invite(org_world, sent)
    services.revoke_role(user=org_world["people"]["district_admin"], organization=org_world["orgs"]["district"], role="org_admin")
    with pytest.raises(ValidationError, match="no longer"):
        onboarding.accept_invitation(token=token, password=PASSWORD, first_name="X")


def test_duplicates_and_existing_members_are_refused(org_world, sent):
    invite(org_world, sent)
    with pytest.raises(ValidationError, match="pending"):
        onboarding.invite(by=org_world["people"]["district_admin"], organization=org_world["orgs"]["district"],
                          role="coach", email="NEW.teacher@rural.example")
    with pytest.raises(ValidationError, match="already holds"):
        onboarding.invite(by=org_world["people"]["district_admin"], organization=org_world["orgs"]["district"],
                          role="earner", email="earner@example.org")


# --- CSV ------------------------------------------------------------------------------------------------------------

def test_csv_invites_good_rows_and_reports_bad_ones_by_row_and_column(org_world, sent):
    data = ("email,role\n"
            "a@rural.example,earner\n"
            "not-an-address,earner\n"
            "b@rural.example,coach\n"
            "a@rural.example,coach\n"
            "=cmd|' /C calc'!A0,earner\n"
            "c@rural.example,=HYPERLINK(\"http://evil\")\n"
            "d@rural.example,platform_admin\n"
            ",earner\n"
            "e@rural.example\n").encode()
    with sent():
        result = onboarding.invite_many_from_csv(by=org_world["people"]["district_admin"],
                                                 organization=org_world["orgs"]["district"], data=data)
    assert sorted(i.email for i in result.invited) == ["a@rural.example", "b@rural.example", "e@rural.example"]
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "email"), (5, "email"), (6, "email"), (7, "role"),
                                                                (8, "role"), (9, "email")]
    assert all(not e["message"].startswith(("=", "+", "-", "@")) for e in result.errors)
    assert "'=hyperlink" in result.errors[3]["message"]  # quoted as text, never a formula
    assert len(mail.outbox) == 3


@pytest.mark.parametrize("data,message", [
    ("email\n".encode() + "é@x".encode("latin-1"), "not UTF-8"),
    (b"email\n" + b"a@rural.example\n" * 2 + b"x" * onboarding.MAX_CSV_BYTES, "too large"),
    (b"name,mail\nx,y\n", "email"),
    (b"", "empty"),
    (b"email\n" + b"".join(f"p{i}@rural.example\n".encode() for i in range(onboarding.MAX_CSV_ROWS + 1)), "at most"),
    (b"email\n\x00\x00\n", "not a CSV"),
])
def test_unreadable_csv_files_are_refused_whole(org_world, data, message):
    with pytest.raises(ValidationError, match=message):
        onboarding.invite_many_from_csv(by=org_world["people"]["district_admin"], organization=org_world["orgs"]["district"], data=data)
    assert not Invitation.objects.exists()


# --- self-registration --------------------------------------------------------------------------------------------

def open_district(world, *, approval=True):
    return onboarding.configure_self_registration(by=world["people"]["district_admin"], organization=world["orgs"]["district"],
                                                  enabled=True, allowed_domains="rural.example", requires_approval=approval)


def register(world, sent, email="self@rural.example", **kw):
    with sent():
        onboarding.register(organization=world["orgs"]["district"], email=email, first_name="Sam", last_name="Self",
                            password=PASSWORD, address=kw.get("address", "203.0.113.9"))


def test_self_registration_with_approval(org_world, sent):
    open_district(org_world)
    register(org_world, sent)
    user = User.objects.get(email="self@rural.example")
    assert not user.is_active and not Membership.objects.filter(user=user).exists()  # no sign-in before verification
    token = token_of(link_in(mail.outbox[-1], "verify-email"))
    with pytest.raises(ValidationError):
        onboarding.verify_email(token=token + "x")
    onboarding.verify_email(token=token)
    user.refresh_from_db()
    assert user.is_active and user.email_verified_at and not Membership.objects.filter(user=user).exists()
    request = RegistrationRequest.objects.get(user=user)
    with pytest.raises(ValidationError):
        onboarding.verify_email(token=token)  # single use
    with pytest.raises(PermissionDenied):
        onboarding.decide_registration(by=org_world["people"]["city_admin"], request=request, approve=True)
    with pytest.raises(PermissionDenied):
        onboarding.decide_registration(by=user, request=request, approve=True)  # nobody approves themselves
    with sent():
        onboarding.decide_registration(by=org_world["people"]["district_admin"], request=request, approve=True)
    assert set(Membership.objects.filter(user=user).values_list("role", flat=True)) == {"earner"}
    assert "approved" in mail.outbox[-1].subject


def test_self_registration_without_approval_makes_an_earner_at_verification(org_world, sent):
    open_district(org_world, approval=False)
    register(org_world, sent)
    onboarding.verify_email(token=token_of(link_in(mail.outbox[-1], "verify-email")))
    user = User.objects.get(email="self@rural.example")
    assert list(Membership.objects.filter(user=user).values_list("role", flat=True)) == ["earner"]
    assert RegistrationRequest.objects.get(user=user).state == "approved"


def test_an_expired_verification_link_is_refused(org_world, sent):
    open_district(org_world)
    register(org_world, sent)
    EmailVerification.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError):
        onboarding.verify_email(token=token_of(link_in(mail.outbox[-1], "verify-email")))
    assert not User.objects.get(email="self@rural.example").is_active


def test_registration_never_tells_whether_an_address_has_an_account(org_world, sent, client):
    open_district(org_world)
    User.objects.create_user(username="taken", email="taken@rural.example", password="x-long-pass-123")
    pages = []
    for email in ("taken@rural.example", "fresh@rural.example"):
        with sent():
            pages.append(client.post("/accounts/register/", {
                "organization": "rural-district", "email": email, "first_name": "A", "last_name": "B",
                "password1": PASSWORD, "password2": PASSWORD}))
    assert [p.status_code for p in pages] == [200, 200]
    import difflib
    a, b = (re.sub(r'(CSRFToken": |csrfmiddlewaretoken" value=)"[^"]+"', "T", p.content.decode()).replace(e, "X@").splitlines() for p, e in zip(pages, ("taken@", "fresh@")))
    assert a == b, "\n".join(difflib.unified_diff(a, b, lineterm=""))
    assert sorted(m.to[0] for m in mail.outbox) == ["fresh@rural.example", "taken@rural.example"]
    assert "already has an account" in [m for m in mail.outbox if m.to == ["taken@rural.example"]][0].body
    assert User.objects.filter(email__iexact="taken@rural.example").count() == 1


def test_registration_refuses_other_domains_closed_organizations_and_is_rate_limited(org_world, sent):
    with pytest.raises(ValidationError, match="does not take"):
        register(org_world, sent)
    open_district(org_world)
    with pytest.raises(ValidationError, match="rural.example"):
        register(org_world, sent, email="someone@gmail.example")
    for i in range(onboarding.REGISTER_PER_ADDRESS + 3):
        register(org_world, sent, email=f"flood{i}@rural.example", address="198.51.100.1")
    assert User.objects.filter(email__startswith="flood").count() == onboarding.REGISTER_PER_ADDRESS


def test_self_registration_settings_need_a_domain_and_the_right(org_world):
    with pytest.raises(ValidationError):
        onboarding.configure_self_registration(by=org_world["people"]["district_admin"], organization=org_world["orgs"]["district"],
                                               enabled=True, allowed_domains="", requires_approval=True)
    with pytest.raises(ValidationError):
        onboarding.configure_self_registration(by=org_world["people"]["district_admin"], organization=org_world["orgs"]["district"],
                                               enabled=True, allowed_domains="<script>", requires_approval=True)
    for who in ("earner", "city_admin", "issuer_admin"):
        with pytest.raises(PermissionDenied):
            open_district({**org_world, "people": {**org_world["people"], "district_admin": org_world["people"][who]}})
    assert not SelfRegistrationSettings.objects.exists()


# --- e-mail change ----------------------------------------------------------------------------------------------------

def test_changing_ones_email_switches_only_after_the_new_address_confirms(org_world, sent, client):
    earner = org_world["people"]["earner"]
    client.force_login(earner)
    with sent():
        page = client.post("/accounts/account/", {"action": "email", "email-email": "ada@school.example",
                                                  "email-password": "pw-earner-123"}, follow=True)
    assert "confirmation link was sent" in page.content.decode()
    earner.refresh_from_db()
    assert earner.email == "earner@example.org"
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@school.example", "earner@example.org"]
    link = link_in([m for m in mail.outbox if m.to == ["ada@school.example"]][0], "verify-email")
    assert client.get(link).status_code == 200
    earner.refresh_from_db()
    assert earner.email == "earner@example.org"  # a GET (a mail scanner) changes nothing
    with sent():
        client.post(link)
    earner.refresh_from_db()
    assert earner.email == "ada@school.example" and earner.email_verified_at
    assert mail.outbox[-1].to == ["earner@example.org"]  # the old address is told
    assert client.post(link).status_code == 404


# --- pages --------------------------------------------------------------------------------------------------------

def test_the_invitation_pages_end_to_end(org_world, sent, client):
    client.force_login(org_world["people"]["district_admin"])
    page = client.get("/accounts/invitations/")
    assert page.status_code == 200 and "Platform admin" not in page.content.decode()
    with sent():
        response = client.post("/accounts/invitations/", {"action": "invite", "one-organization": org_world["orgs"]["district"].pk,
                                                          "one-role": "coach", "one-email": "coach@rural.example"})
    assert response.status_code == 302
    accept = link_in(mail.outbox[-1])
    client.logout()
    assert "Rural District" in client.get(accept).content.decode()
    # a tampering invitee posts a role and organization: ignored
    response = client.post(accept, {"first_name": "Cora", "last_name": "Coach", "password1": PASSWORD, "password2": PASSWORD,
                                    "role": "org_admin", "organization": org_world["orgs"]["other_district"].pk})
    assert response.status_code == 302
    person = User.objects.get(email="coach@rural.example")
    assert set(Membership.objects.filter(user=person).values_list("organization__slug", "role")) == {("rural-district", "coach")}
    assert client.get("/accounts/account/").status_code == 200  # signed in
    assert client.get(accept).status_code == 404


def test_invitation_page_refusals(org_world, sent, client):
    invitation, _ = invite(org_world, sent)
    client.force_login(org_world["people"]["earner"])
    assert client.get("/accounts/invitations/").status_code == 403
    client.force_login(org_world["people"]["city_admin"])
    assert org_world["people"]["district_admin"].email not in client.get("/accounts/invitations/").content.decode()
    assert "new.teacher" not in client.get("/accounts/invitations/").content.decode()
    assert client.post(f"/accounts/invitations/{invitation.pk}/revoke/", {"confirmed": "yes"}).status_code == 404
    response = client.post("/accounts/invitations/", {"action": "invite", "one-organization": org_world["orgs"]["district"].pk,
                                                      "one-role": "earner", "one-email": "x@rural.example"})
    assert response.status_code == 400
    assert Invitation.objects.get().state == "pending" and Invitation.objects.count() == 1


def test_revoke_asks_for_confirmation(org_world, sent, client):
    invitation, _ = invite(org_world, sent)
    client.force_login(org_world["people"]["district_admin"])
    assert "Revoke the invitation" in client.get(f"/accounts/invitations/{invitation.pk}/revoke/").content.decode()
    assert Invitation.objects.get().state == "pending"
    client.post(f"/accounts/invitations/{invitation.pk}/revoke/", {"confirmed": "yes"})
    assert Invitation.objects.get().state == "revoked"


def test_csv_upload_page_with_hostile_file(org_world, sent, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(org_world["people"]["district_admin"])
    upload = SimpleUploadedFile("people.csv", b"email\n<script>alert(1)</script>@x\nok@rural.example\n", content_type="text/csv")
    with sent():
        page = client.post("/accounts/invitations/", {"action": "csv", "csv-organization": org_world["orgs"]["district"].pk,
                                                      "csv-role": "earner", "csv-file": upload})
    body = page.content.decode()
    assert page.status_code == 200 and "<script>alert(1)" not in body and "1 invitation sent" in body
    upload = SimpleUploadedFile("people.csv", "email\nü@x\n".encode("utf-16"), content_type="text/csv")
    page = client.post("/accounts/invitations/", {"action": "csv", "csv-organization": org_world["orgs"]["district"].pk,
                                                  "csv-role": "earner", "csv-file": upload})
    assert page.status_code == 400 and "not UTF-8" in page.content.decode()


def test_login_page_offers_registration_only_when_open(org_world, client):
    assert "Create an account" not in client.get("/accounts/login/").content.decode()
    open_district(org_world)
    assert "Create an account" in client.get("/accounts/login/").content.decode()
    assert "Rural District" in client.get("/accounts/register/?org=rural-district").content.decode()


def test_registration_queue_page(org_world, sent, client):
    open_district(org_world)
    register(org_world, sent)
    client.force_login(org_world["people"]["district_admin"])
    assert "self@rural.example" not in client.get("/accounts/registrations/").content.decode()  # not verified yet
    onboarding.verify_email(token=token_of(link_in(mail.outbox[-1], "verify-email")))
    assert "self@rural.example" in client.get("/accounts/registrations/").content.decode()
    request = RegistrationRequest.objects.get()
    client.force_login(org_world["people"]["city_admin"])
    assert client.post("/accounts/registrations/", {"request": request.pk, "decision": "approve"}).status_code == 404
    client.force_login(org_world["people"]["earner"])
    assert client.get("/accounts/registrations/").status_code == 403
    client.force_login(org_world["people"]["district_admin"])
    with sent():
        assert client.post("/accounts/registrations/", {"request": request.pk, "decision": "decline", "reason": "Not staff"}).status_code == 302
    assert RegistrationRequest.objects.get().state == "declined" and not Membership.objects.filter(user=request.user).exists()


def test_list_pages_keep_a_constant_number_of_queries(org_world, sent, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    admin = org_world["people"]["district_admin"]
    open_district(org_world)
    client.force_login(admin)

    def grow(start, n):
        for i in range(start, start + n):
            onboarding.invite(by=admin, organization=org_world["orgs"]["district"], role="earner", email=f"q{i}@rural.example")
            register(org_world, sent, email=f"r{i}@rural.example", address=f"192.0.2.{i}")
        for verification in EmailVerification.objects.filter(used_at__isnull=True):
            User.objects.filter(pk=verification.user_id).update(is_active=True, email_verified_at=timezone.now())

    def counts():
        found = []
        for url in ("/accounts/invitations/", "/accounts/registrations/", "/accounts/self-registration/"):
            client.get(url)  # the menu is kept per person and new people retire it: compare warm pages
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found.append(len(queries))
        return found

    grow(0, 2)
    few = counts()
    grow(2, 20)
    assert counts() == few


# --- API ----------------------------------------------------------------------------------------------------------

def test_invitations_api(org_world, sent, client):
    client.force_login(org_world["people"]["district_admin"])
    with sent():
        created = client.post("/api/v1/accounts/invitations/", {"organization": "rural-district", "role": "coach",
                                                                "email": "api@rural.example"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["state"] == "pending" and "token" not in created.content.decode()
    assert len(mail.outbox) == 1
    refused = client.post("/api/v1/accounts/invitations/", {"organization": "rural-district", "role": "platform_admin",
                                                            "email": "boss@rural.example"}, content_type="application/json")
    assert refused.status_code == 403
    bad = client.post("/api/v1/accounts/invitations/", {"organization": "city-district", "role": "earner",
                                                        "email": "x@rural.example"}, content_type="application/json")
    assert bad.status_code == 400 and "organization" in bad.json()
    listed = client.get("/api/v1/accounts/invitations/?limit=5").json()
    assert listed["count"] == 1 and listed["results"][0]["email"] == "api@rural.example"
    pk = created.json()["id"]
    client.force_login(org_world["people"]["city_admin"])
    assert client.get("/api/v1/accounts/invitations/").json()["count"] == 0
    assert client.post(f"/api/v1/accounts/invitations/{pk}/revoke/").status_code == 404
    client.force_login(org_world["people"]["earner"])
    assert client.get("/api/v1/accounts/invitations/").status_code == 403
    client.force_login(org_world["people"]["district_admin"])
    assert client.post(f"/api/v1/accounts/invitations/{pk}/revoke/").json()["state"] == "revoked"


# --- command ------------------------------------------------------------------------------------------------------

def test_invite_command_single_and_csv(org_world, sent, tmp_path):
    import json
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    with sent():
        call_command("invite", "cmd@rural.example", "--org", "rural-district", "--role", "coach", stdout=out)
    assert json.loads(out.getvalue().strip().splitlines()[-1]) == {"invited": 1, "errors": []}
    assert mail.outbox[-1].to == ["cmd@rural.example"]
    path = tmp_path / "people.csv"
    path.write_bytes(b"email,role\nc1@rural.example,earner\nbad,earner\nc2@rural.example,platform_admin\n")
    out, err = StringIO(), StringIO()
    call_command("invite", "--csv", str(path), "--org", "rural-district", "--by", "district_admin", stdout=out, stderr=err)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["invited"] == 1 and [(e["row"], e["column"]) for e in result["errors"]] == [(3, "email"), (4, "role")]
    with pytest.raises(CommandError):
        call_command("invite", "x@rural.example", "--org", "rural-district", "--role", "platform_admin")
    with pytest.raises(CommandError):
        call_command("invite", "x@rural.example", "--org", "nowhere")


def test_overdue_invitations_show_as_expired_and_can_be_sent_again(org_world, sent, client):
    invitation, token = invite(org_world, sent)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(org_world["people"]["district_admin"])
    assert "Expired" in client.get("/accounts/invitations/?state=expired").content.decode()
    assert Invitation.objects.get().state == "expired"
    with sent():
        client.post(f"/accounts/invitations/{invitation.pk}/resend/", {"confirmed": "yes"})
    fresh = Invitation.objects.get()
    assert fresh.state == "pending" and fresh.expires_at > timezone.now() + timedelta(days=13)
    assert onboarding.invitation_for_token(token) is None and onboarding.invitation_for_token(token_of(link_in(mail.outbox[-1])))


@pytest.mark.parametrize("field,value,message", [
    ("first_name", "x" * 151, "at most 150"),
    ("email", "a" * 250 + "@rural.example", "at most 254"),
    ("email", "=cmd|' /C calc'!A0@rural.example", "valid e-mail"),
    ("password2", "something-else-entirely", "differ"),
])
def test_hostile_registration_input_is_refused_and_escaped(org_world, client, field, value, message):
    open_district(org_world)
    data = {"organization": "rural-district", "email": "ok@rural.example", "first_name": "<b>Sam</b>", "last_name": "S",
            "password1": PASSWORD, "password2": PASSWORD, field: value}
    page = client.post("/accounts/register/", data)
    assert page.status_code == 400 and message in page.content.decode() and "<b>Sam</b>" not in page.content.decode()
    assert not User.objects.filter(email__iendswith="rural.example").exists() and not mail.outbox
