"""The credentials part of the demo world: every earned attempt has its credential, and the showcase states exist.

- one credential public (the demo teacher's first), so its page shows the earner's name;
- one revoked, with a reason, by an issuer admin of its organization: a synthetic educator's, so the demo
  personas keep valid credentials;
- one expired: another synthetic educator's credential, earned "last year", with validUntil in the past;
- a known external issuer (the 1EdTech OB 3.0 test vector's issuer, registered with its key document by the demo's
  platform admin) and two external credentials imported for the demo teacher, both shipped in demo/data/: the
  1EdTech vector (known issuer: "external, verified") and a Digital Bazaar-signed did:key credential ("signed by an
  issuer this platform does not know");
- one Open Badges 2.0 badge imported for the demo teacher: a baked PNG of a hosted assertion (ob2_badge.py).

Idempotent. The demo's task backend is the database one, so credentials are issued here directly instead of
waiting for a worker to run the task the earned signal queued (issuing is idempotent; the task is then a no-op).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from microcred.accounts import services as account_services
from microcred.accounts.models import Membership, Organization, Role, User
from microcred.credentials import services as credential_services
from microcred.credentials.builder import issuing_organization
from microcred.credentials.models import ExternalCredential, IssuedCredential, KnownIssuer
from microcred.earning import services as earning_services
from microcred.earning.models import Attempt, Decision

from . import ob2_badge

REVOKED_USERNAME = "demo-revoked-educator"
EXPIRED_USERNAME = "demo-expired-educator"
REVOCATION_REASON = "Demo: the evidence was found to be another educator's work."
DATA = Path(__file__).resolve().parent / "data"
EXTERNAL_VECTOR = DATA / "1edtech-ob3-signed-credential.json"  # from a registered, known issuer
UNKNOWN_ISSUER_CREDENTIAL = DATA / "digitalbazaar-ob3-did-key.json"  # a did:key issuer nobody registered
KNOWN_ISSUER_ID = "https://example.edu/issuers/565049"
KNOWN_ISSUER_MULTIKEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"  # the vector's published key (expected.json)


def known_issuer_document() -> dict:
    method = f"{KNOWN_ISSUER_ID}#{KNOWN_ISSUER_MULTIKEY}"
    return {"@context": ["https://www.w3.org/ns/cid/v1"], "id": KNOWN_ISSUER_ID, "verificationMethod": [
        {"id": method, "type": "Multikey", "controller": KNOWN_ISSUER_ID, "publicKeyMultibase": KNOWN_ISSUER_MULTIKEY}],
        "assertionMethod": [method]}


def _register_known_issuer() -> KnownIssuer | None:
    existing = KnownIssuer.objects.filter(identifier=KNOWN_ISSUER_ID).first()
    if existing is not None:
        return existing
    admin = (User.objects.filter(memberships__role=Role.PLATFORM_ADMIN).order_by("id").first()
             or User.objects.filter(is_superuser=True).order_by("id").first())
    if admin is None:
        return None
    return credential_services.register_known_issuer(
        by=admin, identifier=KNOWN_ISSUER_ID, name="Example Corp (1EdTech test issuer)",
        key_documents=[known_issuer_document()], note="Demo: key from 1EdTech's published OB 3.0 test vector.")


def _synthetic_earner(username: str, first: str, last: str, district: Organization | None) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first, last_name=last, email=f"{username}@demo.microcred.test")
        user.set_unusable_password()  # not a login: it only carries a showcase credential
        user.save()
        if district is not None:
            account_services.grant_role(user=user, organization=district, role=Role.EARNER)
    return user


def _earn_like(template: Attempt, earner: User) -> Attempt | None:
    """Earn ``template``'s micro-credential as ``earner``, through submission and assessment like the demo's own."""
    existing = Attempt.objects.filter(earner=earner, version__micro_credential=template.version.micro_credential).first()
    if existing is not None:
        return existing if existing.state == Attempt.State.EARNED else None
    from .earning_world import _assess, _levels, _submit

    attempt = earning_services.start_attempt(earner=earner, micro_credential=template.version.micro_credential)
    _assess(_submit(attempt, earner), _levels(attempt))
    attempt.refresh_from_db()
    return attempt if attempt.state == Attempt.State.EARNED else None


def _issuer_admin(organization: Organization) -> User | None:
    membership = (Membership.objects.filter(organization=organization, role=Role.ISSUER_ADMIN)
                  .select_related("user").order_by("id").first())
    return membership.user if membership else None


def load_credentials_demo() -> dict:
    """Issue what is missing and set up the showcase states. Returns what exists afterwards."""
    summary = {"issued": 0, "public": None, "revoked": None, "expired": None, "imported": None,
               "imported_unknown": None, "known_issuer": None, "imported_ob2": None}
    with transaction.atomic():
        earned = list(Attempt.objects.filter(state=Attempt.State.EARNED).exclude(
            earner__username__in=[REVOKED_USERNAME, EXPIRED_USERNAME]).select_related("version__micro_credential", "earner")
            .order_by("id"))
        for attempt in earned:
            credential_services.issue_for_attempt(attempt)
            summary["issued"] += 1
        if not earned:
            return summary

        teacher = User.objects.filter(username="teacher").first()
        showcase = IssuedCredential.objects.filter(earner=teacher).order_by("issued_at").first() if teacher else None
        showcase = showcase or IssuedCredential.objects.order_by("issued_at").first()
        if showcase.visibility != IssuedCredential.Visibility.PUBLIC:
            credential_services.set_visibility(showcase, by=showcase.earner, visibility=IssuedCredential.Visibility.PUBLIC)
        summary["public"] = str(showcase.pk)

        template = showcase.attempt
        district = Organization.objects.filter(kind=Organization.Kind.DISTRICT).order_by("id").first()
        admin = _issuer_admin(issuing_organization(template.version))
        if admin is not None:
            attempt = _earn_like(template, _synthetic_earner(REVOKED_USERNAME, "Sam", "Example", district))
            if attempt is not None:
                revoked = credential_services.issue_for_attempt(attempt)
                revoked = credential_services.revoke(revoked, by=admin, reason=REVOCATION_REASON)
                summary["revoked"] = str(revoked.pk)

        attempt = _earn_like(template, _synthetic_earner(EXPIRED_USERNAME, "Alex", "Example", district))
        if attempt is not None:
            if not IssuedCredential.objects.filter(attempt=attempt).exists():
                # Demo data only: date the decision a year back, so the credential is valid from then and has lapsed.
                Decision.objects.filter(submission__attempt=attempt).update(
                    decided_at=timezone.now() - dt.timedelta(days=400))
            expired = credential_services.issue_for_attempt(attempt, valid_until=timezone.now() - dt.timedelta(days=35))
            summary["expired"] = str(expired.pk)

        known = _register_known_issuer()
        summary["known_issuer"] = known.identifier if known else None
        if teacher is not None:
            for key, path in (("imported", EXTERNAL_VECTOR), ("imported_unknown", UNKNOWN_ISSUER_CREDENTIAL)):
                try:
                    imported = credential_services.import_external_credential(earner=teacher, data=path.read_bytes())
                    summary[key] = str(imported.pk)
                except ValidationError:  # the example no longer verifies here: the demo goes on without it
                    pass
            if teacher.email:
                summary["imported_ob2"] = str(credential_services.import_external_credential(
                    earner=teacher, data=ob2_badge.baked_png(teacher.email)).pk)
    return summary


def demo_credential_counts() -> dict:
    return {"issued": IssuedCredential.objects.count(), "external": ExternalCredential.objects.count()}
