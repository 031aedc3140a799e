"""The wallet part of the demo world: an illustrative wallet the demo teacher has connected, so the connected-apps
page (and revoking) can be tried, an LTI tool key published at /interop/jwks.json and /lti/jwks, and an illustrative district LMS registered for LTI. Idempotent: the client is registered once; a live grant is renewed if missing."""
from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken, set_token_value
from oauthlib.common import generate_token

from microcred.accounts.models import User
from microcred.interop import keys, ob3, services
from microcred.interop.models import ClientRegistration, IntegrationKey

SOFTWARE_ID = "microcred-demo-wallet"
DEMO_WALLET = {
    "client_name": "Demo wallet (illustrative)", "client_uri": "https://demo-wallet.example/",
    "logo_uri": "https://demo-wallet.example/logo.png", "tos_uri": "https://demo-wallet.example/terms",
    "policy_uri": "https://demo-wallet.example/privacy", "software_id": SOFTWARE_ID, "software_version": "1.0",
    "redirect_uris": ["https://demo-wallet.example/callback"],
    "scope": " ".join([ob3.SCOPE_CREDENTIAL_READ, ob3.SCOPE_PROFILE_READ, ob3.SCOPE_OFFLINE]),
    "grant_types": ["authorization_code", "refresh_token"],
}


def load_interop_demo() -> dict:
    """Register the demo wallet and give it the demo teacher's approval (as if they had clicked Allow)."""
    created = False
    with transaction.atomic():
        registration = ClientRegistration.objects.filter(software_id=SOFTWARE_ID).select_related("application").first()
        if registration is None:
            registration, _secret = services.register_client(metadata=DEMO_WALLET)  # nobody runs it: secret unused
            created = True
        teacher = User.objects.filter(username="teacher").first()
        application = registration.application
        if teacher is not None and not RefreshToken.objects.filter(user=teacher, application=application,
                                                                   revoked__isnull=True).exists():
            access = AccessToken(user=teacher, application=application, scope=registration.scope,
                                 expires=timezone.now() + timedelta(hours=1))
            set_token_value(access, generate_token())
            access.save()
            refresh = RefreshToken(user=teacher, application=application, access_token=access)
            set_token_value(refresh, generate_token())
            refresh.save()
        # An LTI tool key, so /interop/jwks.json publishes something (made once, as an operator would).
        lti_key_created = not IntegrationKey.objects.filter(purpose=IntegrationKey.Purpose.LTI).exists()
        if lti_key_created:
            keys.rotate_key(purpose=IntegrationKey.Purpose.LTI, by=None)
        lti_platform_created = _demo_lms()
    return {"demo_wallet_registered": created, "demo_lti_key_created": lti_key_created,
            "demo_lti_platform_created": lti_platform_created}


def _demo_lms() -> bool:
    """An illustrative LMS registered for the rural district, so /lti/platforms/ shows one (nobody runs it)."""
    from microcred.accounts.models import Organization
    from microcred.interop.lti import services as lti
    from microcred.interop.models import LtiPlatform

    from . import content

    district = Organization.objects.filter(slug=content.RURAL).first()
    if district is None or LtiPlatform.objects.filter(issuer="https://canvas.demo-district.example").exists():
        return False
    lti.save_platform(by=None, platform=LtiPlatform(
        name="District Canvas (illustrative)", issuer="https://canvas.demo-district.example", client_id="10000000000042",
        deployment_ids="42:8865aa05b4b79b64a91a86042e43af5ea8ae79eb", jwks_url="https://canvas.demo-district.example/api/lti/security/jwks",
        auth_login_url="https://canvas.demo-district.example/api/lti/authorize_redirect",
        access_token_url="https://canvas.demo-district.example/login/oauth2/token", organization=district))
    return True


DEMO_WEBHOOK_URL = "https://sis.demo-district.example/hooks/microcred"


def load_webhook_demo() -> dict:
    """One webhook subscription of the demo issuer (its issuer admin made it) with a few logged deliveries: two
    delivered, one that needed a retry, one that failed every retry. Illustrative: the address is not real and
    nothing is sent (the log is written as the delivery task would). Idempotent: made once."""
    from microcred.accounts.models import Organization
    from microcred.core.secrets import encrypt_secret
    from microcred.interop.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
    from microcred.interop.webhooks import services as webhooks, signing

    if WebhookSubscription.objects.filter(url=DEMO_WEBHOOK_URL).exists():
        return {"demo_webhook_created": False}
    admin = User.objects.filter(username="issuer_admin").first()
    organization = Organization.objects.filter(memberships__user=admin, memberships__role="issuer_admin").first() if admin else None
    if organization is None:
        return {"demo_webhook_created": False}
    now = timezone.now()
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            organization=organization, url=DEMO_WEBHOOK_URL, description="District student information system (illustrative)",
            events=["credential.issued", "credential.revoked", "attempt.decided"], created_by=admin,
            encrypted_secret=encrypt_secret(signing.new_secret().encode(), purpose=webhooks.SECRET_PURPOSE))
        log = [("credential.issued", "delivered", [(200, "", "ok")]),
               ("attempt.decided", "delivered", [(503, "", "Service Unavailable"), (200, "", "ok")]),
               ("credential.revoked", "failed", [(None, "TimeoutError: timed out", "")] * 3),
               ("credential.issued", "delivered", [(204, "", "")])]
        for n, (event_type, state, attempts) in enumerate(log):
            at = now - timedelta(hours=6 * (len(log) - n))
            delivery = WebhookDelivery.objects.create(
                subscription=subscription, event_type=event_type, message_id=f"msg_demo{n:028d}", state=state,
                attempt_count=len(attempts), finished_at=at + timedelta(minutes=10),
                payload={"type": event_type, "timestamp": at.isoformat(), "data": {"illustrative": True}})
            WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=at)
            WebhookAttempt.objects.bulk_create([
                WebhookAttempt(delivery=delivery, number=i + 1, started_at=at + timedelta(seconds=30 * 4 ** i),
                               duration_ms=180 + 40 * i if code else 10000, status_code=code, error=error,
                               response_excerpt=excerpt, succeeded=bool(code and code < 300))
                for i, (code, error, excerpt) in enumerate(attempts)])
    return {"demo_webhook_created": True}


DEMO_FEED_NAME = "Renewal system (nightly file)"


def load_licensure_feed_demo() -> dict:
    """The demo state recognizer's licensure feed: a CSV into the folder ``renewals`` under the data directory, with
    one recorded run, sent as the timer would (a real file is written). Idempotent: made once."""
    from microcred.accounts.models import Organization
    from microcred.interop.feeds import services as feeds
    from microcred.interop.models import LicensureFeed

    if LicensureFeed.objects.filter(name=DEMO_FEED_NAME).exists():
        return {"demo_feed_created": False}
    admin = User.objects.filter(username="recognizer").first()
    recognizer = Organization.objects.filter(memberships__user=admin, memberships__role="recognizer_admin").first() if admin else None
    if recognizer is None:
        return {"demo_feed_created": False}
    feed, _secret = feeds.create_feed(
        recognizer=recognizer, name=DEMO_FEED_NAME, schedule="daily", format="csv", destination="folder", folder="renewals",
        columns=[["LicenseNumber", "license_number"], ["Educator", "educator"], ["Credit", "outcome"], ["Amount", "amount"],
                 ["Unit", "unit"], ["Awarded", "awarded_at"], ["Status", "state"]], by=admin)
    run = feeds.request_run(feed=feed, by=admin)
    feeds.send_run(run.pk)
    return {"demo_feed_created": True}


DEMO_LTI_COURSE = "demo-course-reading-pd"


def load_lti_roster_demo() -> dict:
    """A course of the illustrative district LMS that launched microcred with its membership service (NRPS), linked
    to a demo MC, and one completed roster sync that enrolled the demo teacher in its cohort (written as the task
    would: nobody runs the LMS). Shows on /lti/courses/ for the district's people admins. Idempotent: made once."""
    from microcred.catalog.models import MicroCredential
    from microcred.earning import services as earning
    from microcred.interop.models import LtiCourseLink, LtiPlatform, LtiRosterSync

    platform = LtiPlatform.objects.filter(issuer="https://canvas.demo-district.example").select_related("organization").first()
    teacher = User.objects.filter(username="teacher").first()
    mc = MicroCredential.objects.filter(versions__state="published").order_by("pk").first()
    if platform is None or teacher is None or mc is None or LtiCourseLink.objects.filter(context_id=DEMO_LTI_COURSE).exists():
        return {"demo_lti_course_created": False}
    with transaction.atomic():
        link = LtiCourseLink.objects.create(
            platform=platform, deployment_id=platform.deployments[0], context_id=DEMO_LTI_COURSE,
            context_title="Reading PD — spring", resource_link_id="demo-link-1", micro_credential=mc,
            memberships_url="https://canvas.demo-district.example/api/lti/courses/42/names_and_roles",
            last_launch_at=timezone.now())
        link.cohort = earning.create_cohort(organization=platform.organization, micro_credentials=[mc], by=None,
                                            name="Reading PD — spring (from District Canvas)")
        link.save(update_fields=["cohort"])
        link.cohort.members.add(teacher)
        LtiRosterSync.objects.create(link=link, state=LtiRosterSync.State.DONE, finished_at=timezone.now(), pages=1,
                                     added=1, already=0, skipped=1)
    return {"demo_lti_course_created": True}
