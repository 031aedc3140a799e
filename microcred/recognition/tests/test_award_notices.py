"""Issue 15, finding 2: an award (and its withdrawal) tells the educator. Awards made in bulk (publishing a policy
re-evaluates everyone) create their notices in one insert and are e-mailed by ONE background task, never one
e-mail per award inside the request."""
import pytest
from django.core import mail

from microcred.credentials.services import revoke
from microcred.earning.models import Notification
from microcred.recognition import services
from microcred.recognition.models import Award

from .test_services import published_policy, two_credentials  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_an_award_and_its_withdrawal_tell_the_educator(world, two_credentials, published_policy,  # noqa: F811
                                                       django_capture_on_commit_callbacks):
    earner = world["people"]["earner"]
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluate_educator(earner)
    award = Award.objects.get(educator=earner, state="active")
    [notice] = Notification.objects.filter(user=earner, kind="award")
    assert award.name in notice.message and notice.url == "/recognition/" and notice.dedupe_key == f"award-{award.pk}"
    assert any(award.name in m.body for m in mail.outbox)
    services.evaluate_educator(earner)  # idempotent: nothing new, no second notice
    assert Notification.objects.filter(user=earner, kind="award").count() == 1
    revoke(two_credentials[0], by=world["people"]["issuer_admin"], reason="Plagiarised evidence")
    services.evaluate_educator(earner)
    withdrawn = Notification.objects.filter(user=earner, kind="award").exclude(pk=notice.pk).get()
    assert "withdrawn" in withdrawn.message and "Plagiarised evidence" in withdrawn.message


def test_bulk_awards_queue_one_email_task_not_one_per_award(world, publish_mc, two_credentials, published_policy,  # noqa: F811
                                                            django_capture_on_commit_callbacks, monkeypatch):
    from microcred.credentials.services import issue_for_attempt
    from microcred.credentials.tests.conftest import earn
    from microcred.earning import tasks

    versions = [publish_mc(title=f"Bulk practice {i}") for i in (1, 2)]
    for v in versions:
        issue_for_attempt(earn(world, v, earner_key="other_earner"))
    batches, singles = [], []
    from types import SimpleNamespace

    monkeypatch.setattr(tasks, "email_notifications", SimpleNamespace(enqueue=lambda **kw: batches.append(kw["notification_ids"])))
    monkeypatch.setattr(tasks, "email_notification", SimpleNamespace(enqueue=lambda **kw: singles.append(kw)))
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluate_all()
    awarded = Award.objects.filter(state="active").count()
    assert awarded == 2
    assert len(batches) == 1 and len(batches[0]) == awarded and singles == []
    assert Notification.objects.filter(kind="award").count() == awarded
