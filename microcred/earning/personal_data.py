"""What earning holds about a person: growth plan, attempts (answers, evidence metadata and the evidence files
themselves), feedback they received, notifications and notification choices (registered in EarningConfig.ready).

Erasure on an account deletion follows the retention rules (docs/privacy.md#deleting-your-account): work never
assessed (drafts, withdrawn before a decision) is erased with its files; assessed work stays as the record behind
a decision or credential and its evidence files are purged when the issuer's retention period ends (an issuer with no
retention period: purged now, as nothing requires keeping them past the person's account)."""
from __future__ import annotations

import re

from django.db.models import Q

from microcred.accounts.data_registry import ExportFile, Section
from microcred.core.object_storage import open_stored

from .models import (Attempt, CoachAssignment, Evidence, EvidenceFile, GrowthPlan, Notification,
                     NotificationEmailOptOut, NotificationInAppOptOut)
from .notifications import emailed_kinds, shown_kinds

SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _iso(value):
    return value.isoformat() if value else None


def _file_path(f: EvidenceFile) -> str:
    name = re.sub(r"\.{2,}", ".", SAFE.sub("_", f.original_name))[-80:].lstrip(".") or "file"
    return f"evidence/{f.pk}-{name}"


def export(user) -> Section:
    plan = GrowthPlan.objects.filter(earner=user).first()
    attempts = (Attempt.objects.filter(earner=user).select_related("version").order_by("started_at")
                .prefetch_related("responses__evidence__file", "submissions__decision__part_feedback"))
    files: list[ExportFile] = []
    rows = []
    for attempt in attempts:
        responses = []
        for response in attempt.responses.all():
            evidence = []
            for e in response.evidence.all():
                item = {"kind": e.kind, "text": e.text, "url": e.url, "choice": e.choice, "public": e.public,
                        "created_at": _iso(e.created_at)}
                if e.file_id:
                    f = e.file
                    item["file"] = {"name": f.original_name, "content_type": f.content_type, "size": f.size,
                                    "sha256": f.sha256, "uploaded_at": _iso(f.created_at), "purged_at": _iso(f.purged_at),
                                    "path": None if f.purged_at else f"files/earning/{_file_path(f)}"}
                evidence.append(item)
            responses.append({"part_id": response.part_id, "evidence": evidence})
        submissions = []
        for s in attempt.submissions.all():
            decision = getattr(s, "decision", None)
            submissions.append({"number": s.number, "state": s.state, "submitted_at": _iso(s.submitted_at),
                                "note_to_assessor": s.note_to_assessor,
                                "decision": None if decision is None else {
                                    "result": decision.result, "decided_at": _iso(decision.decided_at),
                                    "feedback": decision.overall_feedback,
                                    "parts": [{"part_id": p.part_id, "passed": p.passed, "feedback": p.feedback}
                                              for p in decision.part_feedback.all()]}})
        rows.append({"id": attempt.pk, "micro_credential": attempt.version.title, "state": attempt.state,
                     "started_at": _iso(attempt.started_at), "submitted_at": _iso(attempt.submitted_at),
                     "decided_at": _iso(attempt.decided_at), "responses": responses, "submissions": submissions})
    for f in EvidenceFile.objects.filter(owner=user, purged_at__isnull=True).order_by("created_at"):
        files.append(ExportFile(path=_file_path(f), open=lambda name=f.storage_name: open_stored(name)))
    return Section(data={
        "growth_plan": None if plan is None else {
            "goals": plan.goals, "updated_at": _iso(plan.updated_at),
            "items": [{"micro_credential": i.micro_credential.slug if i.micro_credential else None,
                       "stack": i.stack.slug if i.stack else None, "state": i.state, "note": i.note}
                      for i in plan.items.select_related("micro_credential", "stack")]},
        "attempts": rows,
        "evidence_files": [{"name": f.original_name, "size": f.size, "sha256": f.sha256, "uploaded_at": _iso(f.created_at),
                            "purged_at": _iso(f.purged_at), "path": None if f.purged_at else f"files/earning/{_file_path(f)}"}
                           for f in EvidenceFile.objects.filter(owner=user).order_by("created_at")],
        "notifications": [{"kind": n.kind, "message": n.message, "created_at": _iso(n.created_at),
                           "read_at": _iso(n.read_at), "emailed_at": _iso(n.emailed_at)}
                          for n in Notification.objects.filter(user=user)[:5000]],
        "notification_choices": {"email": sorted(emailed_kinds(user)), "in_app": sorted(shown_kinds(user))},
    }, files=files)


def erase(user, *, now) -> dict:
    """See the module docstring. Returns counts of what went."""
    from .uploads import purge_bytes

    never_assessed = Attempt.objects.filter(earner=user).filter(
        Q(state=Attempt.State.DRAFT) | Q(state=Attempt.State.WITHDRAWN, decided_at__isnull=True))
    erased_evidence = Evidence.objects.filter(response__attempt__in=never_assessed)
    draft_files = set(erased_evidence.exclude(file=None).values_list("file_id", flat=True))
    counts = {"unassessed_attempts_emptied": never_assessed.count()}
    counts["evidence_erased"] = erased_evidence.delete()[0]
    purged = 0
    for f in EvidenceFile.objects.filter(owner=user, purged_at__isnull=True):
        keeping_issuers = set(Attempt.objects.filter(responses__evidence__file=f)
                              .exclude(pk__in=never_assessed.values("pk"))
                              .values_list("micro_credential__owner__evidence_retention_days", flat=True))
        # Kept only while an assessed attempt's issuer has a retention period still running (purge_evidence ends it).
        if f.pk in draft_files or not keeping_issuers or keeping_issuers == {None}:
            purge_bytes(f)
            purged += 1
    counts["evidence_files_purged"] = purged
    counts["evidence_files_kept_for_retention"] = EvidenceFile.objects.filter(owner=user, purged_at__isnull=True).count()
    counts["notifications"] = Notification.objects.filter(user=user).delete()[0]
    NotificationEmailOptOut.objects.filter(user=user).delete()
    NotificationInAppOptOut.objects.filter(user=user).delete()
    counts["growth_plan"] = GrowthPlan.objects.filter(earner=user).delete()[0]
    counts["coach_assignments_ended"] = CoachAssignment.objects.filter(Q(earner=user) | Q(coach=user), active=True).update(active=False)
    counts["cohorts_left"] = user.cohorts.count()
    user.cohorts.clear()
    return counts
