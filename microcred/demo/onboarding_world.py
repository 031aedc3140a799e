"""The onboarding part of the demo world (issue 14 item 3): Cumberland Valley takes self-registrations from its
e-mail domain with approval, one verified registration waits in district_admin's queue, and a few invitations are
pending on /accounts/invitations/. ILLUSTRATIVE, fictional people and addresses. Idempotent."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from microcred.accounts import onboarding
from microcred.accounts.models import Invitation, Organization, RegistrationRequest, User

from . import content

DOMAIN = "cvschools.example"
INVITATIONS = [(f"h.nguyen@{DOMAIN}", "earner"), (f"p.okonkwo@{DOMAIN}", "earner"), (f"s.mercer@{DOMAIN}", "coach")]
REGISTRANT = ("e.lindqvist@" + DOMAIN, "Elin", "Lindqvist")


def load_onboarding_demo() -> dict:
    district = Organization.objects.filter(slug=content.RURAL).first()
    admin = User.objects.filter(username="district_admin").first()
    if district is None or admin is None:
        return {"invitations_created": 0}
    created = 0
    with transaction.atomic():
        if not onboarding.self_registration_for(district).enabled:
            onboarding.configure_self_registration(by=admin, organization=district, enabled=True, allowed_domains=[DOMAIN],
                                                   requires_approval=True)
        for email, role in INVITATIONS:
            if not Invitation.objects.filter(organization=district, email=email).exists():
                onboarding.invite(by=admin, organization=district, role=role, email=email)
                created += 1
        email, first, last = REGISTRANT
        if not User.objects.filter(email=email).exists():
            user = User(username=email, email=email, first_name=first, last_name=last, email_verified_at=timezone.now())
            user.set_unusable_password()  # a demo person: there to be approved, not to sign in
            user.save()
            RegistrationRequest.objects.create(organization=district, user=user)
    return {"invitations_created": created}
