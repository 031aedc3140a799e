"""Scheduled housekeeping: purge raw evidence after the issuer's retention period, remind cohorts of deadlines.

Both are safe to run as often as the scheduler likes: a purged file is never purged again and a reminder is
sent at most once per cohort and member.
"""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from django.utils import timezone, translation
from django.utils.formats import date_format

from microcred.accounts.models import Organization
from microcred.core.i18n import Later, When as _When

from .models import Attempt, Cohort, EvidenceFile
from .notifications import notify

logger = logging.getLogger(__name__)
S = Attempt.State
FINISHED = (S.EARNED, S.NOT_YET, S.WITHDRAWN)


def _expired_attempts_q(now: dt.datetime) -> Q | None:
    """Attempts whose evidence the issuer no longer keeps: finished and last decided longer ago than its retention period.

    A withdrawn attempt that never had a decision counts from its withdrawal (its last change)."""
    condition = None
    for org_id, days in Organization.objects.filter(evidence_retention_days__isnull=False).values_list("pk", "evidence_retention_days"):
        cutoff = now - dt.timedelta(days=days)
        q = Q(micro_credential__owner_id=org_id) & (
            Q(state__in=FINISHED, decided_at__isnull=False, decided_at__lte=cutoff)
            | Q(state=S.WITHDRAWN, decided_at__isnull=True, updated_at__lte=cutoff))
        condition = q if condition is None else condition | q
    return condition


def purge_expired_evidence(*, now: dt.datetime | None = None) -> int:
    """Delete the stored bytes of evidence files whose every attempt is past its issuer's retention period.

    Guarantees: Evidence rows, submissions, decisions, scores and feedback stay; a file still used by any
    attempt that is not yet expired (draft, submitted, a recent decision, or an issuer without a retention
    period) is kept, and so is a file uploaded after the attempt's last decision (a revision in progress);
    already purged files are skipped, so running twice purges nothing more. Returns how many
    files were purged."""
    from .uploads import purge_bytes  # imported late: the storage layer is optional for callers of this module

    now = now or timezone.now()
    expired = _expired_attempts_q(now)
    if expired is None:
        return 0
    expired_ids = Attempt.objects.filter(expired).values("pk")
    still_needed = Attempt.objects.exclude(pk__in=expired_ids).values("pk")
    # Only what was handed in before the last decision: a "not yet" being revised keeps its new uploads.
    assessed = Q(uses__response__attempt__decided_at__isnull=True) | Q(created_at__lte=F("uses__response__attempt__decided_at"))
    files = (EvidenceFile.objects.filter(assessed, purged_at__isnull=True, uses__response__attempt__in=expired_ids)
             .exclude(pk__in=EvidenceFile.objects.filter(uses__response__attempt__in=still_needed).values("pk"))
             .distinct())
    purged = 0
    for evidence_file in files.iterator():
        try:
            purge_bytes(evidence_file)
        except Exception:  # one unreadable file must not stop the rest; it is retried next run
            logger.exception("Could not purge evidence file %s", evidence_file.pk)
            continue
        purged += 1
    if purged:
        logger.info("Purged the bytes of %d evidence file(s) past their retention period.", purged)
    return purged


def send_deadline_reminders(*, now: dt.datetime | None = None, days: int = 3) -> int:
    """Remind cohort members with unfinished work (a draft or a "not yet" to revise) that the deadline is near.

    Only cohorts whose deadline is still ahead and at most `days` away; at most one reminder per cohort and
    member, ever (Notification.dedupe_key). Returns how many reminders were sent."""
    now = now or timezone.now()
    sent = 0
    cohorts = Cohort.objects.filter(deadline__gt=now, deadline__lte=now + dt.timedelta(days=days)).order_by("deadline")
    for cohort in cohorts:
        attempts = (Attempt.objects.filter(earner__in=cohort.members.all(), micro_credential__in=cohort.micro_credentials.all(),
                                           state__in=[S.DRAFT, S.NOT_YET])
                    .select_related("earner", "version").order_by("earner_id", "pk"))
        by_earner: dict[int, list[Attempt]] = {}
        for attempt in attempts:
            by_earner.setdefault(attempt.earner_id, []).append(attempt)
        deadline = timezone.localtime(cohort.deadline)
        for group in by_earner.values():
            first = group[0]
            titles = ", ".join(f"“{a.version.title}”" for a in group)
            message = Later(gettext_noop("%(cohort)s: submissions close %(deadline)s. Finish and submit %(titles)s."),
                            cohort=cohort.name, deadline=_When(deadline), titles=titles)
            if notify(user=first.earner, kind="deadline", message=message, url=reverse("earning:attempt", args=[first.pk]),
                      dedupe_key=f"cohort-deadline:{cohort.pk}"):
                sent += 1
    return sent
