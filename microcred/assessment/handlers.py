"""Reactions to earning's events: a submission enters the queue; a withdrawal leaves it."""
from django.dispatch import receiver

from microcred.catalog import coverage as catalog_coverage
from microcred.earning import selectors as earning_selectors
from microcred.earning.signals import attempt_submitted, submission_withdrawn


@receiver(attempt_submitted, dispatch_uid="assessment.open_review")
def on_submitted(sender, attempt_id, submission_id, **kwargs):
    from .tasks import open_review_for

    open_review_for.enqueue(submission_id=submission_id)


@receiver(submission_withdrawn, dispatch_uid="assessment.withdrawn")
def on_withdrawn(sender, attempt_id, submission_id, **kwargs):
    from .services import close_withdrawn

    close_withdrawn(submission_id=submission_id)


def _assigned_assessor_may_view(user, evidence_file) -> bool:
    from .selectors import assessor_may_view_file

    return assessor_may_view_file(user, evidence_file)


# Assessors download the evidence of submissions assigned to them (blind: only through the assignment).
earning_selectors.register_evidence_viewer(_assigned_assessor_may_view)


def _coverage(version_ids):
    from .selectors import assessor_coverage

    return assessor_coverage(version_ids)


# Catalog (below us) asks how many certified assessors and anchors an MC version has before it is published.
catalog_coverage.register(_coverage)
