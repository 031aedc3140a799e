"""Two tabs (or a double click) submitting at once, and two decisions racing: exactly one of each."""
import threading

import pytest
from django.db import connection

from microcred.earning import services
from microcred.earning.models import Attempt, Decision, Submission

from .factories import answer_everything, levels_for

pytestmark = pytest.mark.django_db(transaction=True)


def race(n, fn):
    barrier, errors = threading.Barrier(n), []

    def run():
        try:
            barrier.wait()
            fn()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


@pytest.fixture
def ready_attempt(world, published):
    earner = world["people"]["earner"]
    attempt = services.start_attempt(earner=earner, micro_credential=published.micro_credential)
    answer_everything(attempt, earner)
    services.confirm_privacy(attempt=attempt, by=earner)
    return attempt


def test_simultaneous_submits_make_one_submission(world, ready_attempt):
    earner = world["people"]["earner"]
    errors = race(4, lambda: services.submit_attempt(attempt=Attempt.objects.get(pk=ready_attempt.pk), by=earner))
    assert errors == []
    assert Submission.objects.filter(attempt=ready_attempt).count() == 1
    assert Attempt.objects.get(pk=ready_attempt.pk).state == "submitted"


def test_simultaneous_decisions_make_one_decision(world, ready_attempt):
    services.submit_attempt(attempt=ready_attempt, by=world["people"]["earner"])
    submission = ready_attempt.submissions.get()
    levels = levels_for(ready_attempt)
    errors = race(3, lambda: services.record_decision(submission=Submission.objects.get(pk=submission.pk), by=world["people"]["assessor"], levels=levels))
    assert errors == []
    assert Decision.objects.filter(submission=submission).count() == 1
    assert Attempt.objects.get(pk=ready_attempt.pk).state == "earned"
