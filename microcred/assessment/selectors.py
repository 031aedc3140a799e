"""Reads of assessment: the blind view of an item, queues, dashboards."""
from __future__ import annotations

from django.http import Http404
from django.utils import timezone

from .models import Assignment, Review


def assessor_may_view_file(user, evidence_file) -> bool:
    """An assessor with a live (assigned or scored) item whose evidence includes this file."""
    file_id = str(evidence_file.pk)
    items = Assignment.objects.filter(assessor=user).exclude(state=Assignment.State.RELEASED).select_related("review__submission", "anchor_item")
    for a in items:
        snapshot = a.review.submission.snapshot if a.review_id else a.anchor_item.snapshot
        if any(e.get("file_id") == file_id for p in snapshot.get("parts", []) for e in p.get("evidence", [])):
            return True
    return False


def assignment_for(*, user, assignment_id: int) -> Assignment:
    a = Assignment.objects.select_related("review__version", "anchor_item__version").filter(pk=assignment_id, assessor=user).first()
    if a is None:
        raise Http404("No such item.")
    return a


def blind_view(assignment: Assignment) -> dict:
    """What an assessor sees: the MC's parts, prompts, rubric and the evidence — never who, where, or others' scores."""
    snapshot = assignment.review.submission.snapshot if assignment.review_id else assignment.anchor_item.snapshot
    version = assignment.review.version if assignment.review_id else assignment.anchor_item.version
    by_part = {p["part_id"]: p for p in snapshot.get("parts", [])}
    parts = []
    for part in version.parts.prefetch_related("prompts", "rubric__levels", "rubric__criteria__descriptors"):
        snap = by_part.get(part.pk, {"evidence": [], "locked": False})
        prompts = []
        for prompt in part.prompts.all():
            items = [e for e in snap["evidence"] if e.get("prompt_id") == prompt.pk]
            prompts.append({"prompt": prompt, "evidence": items})
        levels = list(part.rubric.levels.all())
        criteria = []
        for c in part.rubric.criteria.all():
            texts = {d.level_id: d.text for d in c.descriptors.all()}
            criteria.append({"criterion": c, "cells": [{"level": lvl, "text": texts.get(lvl.pk, "")} for lvl in levels]})
        parts.append({"part": part, "prompts": prompts, "locked": snap.get("locked", False), "levels": levels, "criteria": criteria,
                      "quiz": snap.get("quiz")})
    note = assignment.review.submission.note_to_assessor if assignment.review_id else ""
    return {"title": version.title, "version": version.number, "parts": parts, "note_to_assessor": note,
            "role": assignment.get_role_display() if assignment.role not in ("check",) else "First"}


def my_queue(user):
    return Assignment.objects.filter(assessor=user, state=Assignment.State.ASSIGNED).select_related("review__version", "anchor_item__version")


def queue_health(micro_credential_ids=None) -> dict:
    now = timezone.now()
    open_reviews = Review.objects.filter(stage__in=["precheck", "first", "second", "adjudication"])
    if micro_credential_ids is not None:
        open_reviews = open_reviews.filter(micro_credential_id__in=micro_credential_ids)
    decided = Review.objects.filter(stage="decided")
    if micro_credential_ids is not None:
        decided = decided.filter(micro_credential_id__in=micro_credential_ids)
    turnaround = sorted(((r.decided_at - r.submission.submitted_at).total_seconds() / 86400) for r in decided.select_related("submission")[:2000])
    median = turnaround[len(turnaround) // 2] if turnaround else None
    unassigned = [r for r in open_reviews if not r.assignments.filter(state=Assignment.State.ASSIGNED).exists()]
    return {"waiting": open_reviews.count(), "overdue": open_reviews.filter(due_at__lt=now).count(), "unassigned": len(unassigned),
            "in_adjudication": open_reviews.filter(stage="adjudication").count(),
            "median_turnaround_days": round(median, 1) if median is not None else None,
            "decided": decided.count(), "earned": decided.filter(final_result="earned").count()}


