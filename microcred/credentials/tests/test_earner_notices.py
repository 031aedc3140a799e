"""Issue 15, finding 2: issuing, suspending, reinstating and revoking a credential tells its earner (a notice,
e-mailed by earning's background task) and records the credential's standing on the earning side, so "My MCs"
never shows a revoked credential as "Earned ✓" and stacks stop counting it (docs/decisions/0020)."""
import pytest
from django.core import mail

from microcred.credentials import services
from microcred.earning.models import CredentialStanding, Notification
from microcred.earning.selectors import earned_micro_credential_ids

from .conftest import earn

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspendable(world, published, settings):
    settings.MICROCRED_CREDENTIAL_SUSPENSION = True
    return services.issue_for_attempt(earn(world, published))


def _notices(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind).order_by("created_at"))


def test_issuing_tells_the_earner_and_records_the_standing(world, earned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.issue_for_attempt(earned)
    standing = CredentialStanding.objects.get(attempt=earned)
    assert (standing.state, standing.credential_id, standing.url) == ("active", issued.pk, f"/credentials/{issued.pk}")
    [notice] = _notices(earned.earner, "credential")
    assert notice.url == f"/credentials/{issued.pk}" and earned.version.title in notice.message
    assert any(earned.version.title in m.body for m in mail.outbox)  # sent by the background task after commit
    services.issue_for_attempt(earned)  # a retried task: no second notice
    assert len(_notices(earned.earner, "credential")) == 1


def test_revoking_tells_the_earner_and_stops_counting(world, issued, django_capture_on_commit_callbacks):
    earner, admin = issued.earner, world["people"]["issuer_admin"]
    assert issued.version.micro_credential_id in earned_micro_credential_ids(earner)
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke(issued, by=admin, reason="Evidence was <b>not</b> the earner's own.")
    standing = CredentialStanding.objects.get(attempt_id=issued.attempt_id)
    assert standing.state == "revoked" and standing.reason == "Evidence was <b>not</b> the earner's own."
    [notice] = _notices(earner, "revocation")
    assert "revoked" in notice.message and "not</b>" in notice.message and notice.url == f"/credentials/{issued.pk}"
    assert issued.version.micro_credential_id not in earned_micro_credential_ids(earner)
    services.revoke(issued, by=admin, reason="again")  # revoking twice keeps the first: no second notice
    assert len(_notices(earner, "revocation")) == 1


def test_my_mcs_shows_revoked_never_earned(world, issued, client):
    earner = issued.earner
    client.force_login(earner)
    page = client.get("/earn/").content.decode()
    assert f'id="earned-{issued.attempt_id}" class="earned-active"' in page and "Earned ✓" in page
    assert f'href="/credentials/{issued.pk}"' in page
    services.revoke(issued, by=world["people"]["issuer_admin"], reason="Evidence was <b>not</b> the earner's own.")
    page = client.get("/earn/").content.decode()
    assert f'class="earned-revoked"' in page and "Revoked" in page and "Earned ✓" not in page
    assert "Evidence was &lt;b&gt;not&lt;/b&gt; the earner&#x27;s own." in page  # the reason, escaped
    unread = Notification.objects.filter(user=earner, read_at__isnull=True).count()
    assert unread >= 2 and f"({unread} unread)" in page


def test_suspension_and_reinstatement_tell_the_earner(world, suspendable, client):
    admin, earner = world["people"]["issuer_admin"], suspendable.earner
    services.suspend(suspendable, by=admin, reason="Under review")
    assert CredentialStanding.objects.get(attempt_id=suspendable.attempt_id).state == "suspended"
    client.force_login(earner)
    page = client.get("/earn/").content.decode()
    assert 'class="earned-suspended"' in page and "Suspended" in page and "Earned ✓" not in page
    assert suspendable.version.micro_credential_id in earned_micro_credential_ids(earner)  # reversible: still counts
    services.unsuspend(suspendable, by=admin, reason="Review done")
    assert CredentialStanding.objects.get(attempt_id=suspendable.attempt_id).state == "active"
    messages = [n.message for n in _notices(earner, "revocation")]
    assert len(messages) == 2 and "suspended: Under review" in messages[0] and "active again" in messages[1]
    services.revoke(suspendable, by=admin, reason="Final")
    # A revoked standing is final even if something tried to set it back.
    from microcred.earning.services import record_credential_standing
    from django.utils import timezone

    record_credential_standing(attempt_id=suspendable.attempt_id, credential_id=suspendable.pk, url="/x", state="active",
                               at=timezone.now())
    assert CredentialStanding.objects.get(attempt_id=suspendable.attempt_id).state == "revoked"


def test_the_backfill_migration_records_existing_credentials(world, issued):
    import importlib

    from django.apps import apps

    CredentialStanding.objects.all().delete()
    services.revoke(issued, by=world["people"]["issuer_admin"], reason="Old revocation")
    CredentialStanding.objects.all().delete()
    backfill = importlib.import_module("microcred.credentials.migrations.0006_backfill_credential_standing").backfill
    backfill(apps, None)
    standing = CredentialStanding.objects.get(attempt_id=issued.attempt_id)
    assert (standing.state, standing.reason) == ("revoked", "Old revocation")


def test_the_earned_attempt_links_to_its_credential(world, earned, client):
    client.force_login(earned.earner)
    page = client.get(f"/earn/attempts/{earned.pk}/").content.decode()
    assert "Your credential is being issued" in page and 'id="credential-link"' not in page
    issued = services.issue_for_attempt(earned)
    page = client.get(f"/earn/attempts/{earned.pk}/").content.decode()
    assert f'id="credential-link" href="/credentials/{issued.pk}"' in page
    services.revoke(issued, by=world["people"]["issuer_admin"], reason="Copied evidence")
    page = client.get(f"/earn/attempts/{earned.pk}/").content.decode()
    assert "state-revoked" in page and "Copied evidence" in page


def test_my_mcs_queries_do_not_grow_with_credentials(world, publish_mc, client, django_assert_max_num_queries):
    earner = world["people"]["earner"]
    client.force_login(earner)
    services.issue_for_attempt(earn(world, publish_mc(title="Query practice 0")))
    with django_assert_max_num_queries(200) as first:
        client.get("/earn/")
    for i in (1, 2, 3):
        services.issue_for_attempt(earn(world, publish_mc(title=f"Query practice {i}")))
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/earn/")
