"""Two requests scoring the same item at once (double click, two tabs, retry): one set of scores, one decision."""
import threading

import pytest
from django.db import connection

from microcred.assessment import services
from microcred.assessment.models import Assignment, Score, ScoringPolicy
from microcred.earning.models import Decision

from .factories import certified_pool, levels, submitted

pytestmark = pytest.mark.django_db(transaction=True)


def test_simultaneous_scoring_makes_one_decision(world, published):
    mc = published.micro_credential
    certified_pool(world, mc)
    ScoringPolicy.objects.update_or_create(micro_credential=mc, defaults={"calibration_period": 0, "random_double_rate": 0, "conditional_double": False})
    submission = submitted(world["people"]["earner"], mc)
    review = services.open_review(submission=submission)
    item = review.assignments.get()
    barrier, errors = threading.Barrier(3), []

    def score():
        try:
            barrier.wait()
            services.submit_scores(assignment=Assignment.objects.get(pk=item.pk), by=item.assessor, levels=levels(review.version, "top"))
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=score) for _ in range(3)]
    [t.start() for t in threads]
    [t.join(60) for t in threads]
    assert errors == []
    assert Decision.objects.filter(submission=submission).count() == 1
    assert Score.objects.filter(assignment=item).count() == len(levels(review.version))


def test_expired_certification_is_not_assigned(world, published):
    import datetime as dt

    from django.utils import timezone

    from microcred.assessment.models import Qualification

    mc = published.micro_credential
    pool = certified_pool(world, mc, n=1)
    Qualification.objects.filter(assessor=pool[0]).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert services.expire_certifications() == 1
    assert Qualification.objects.get(assessor=pool[0]).status == "training"
