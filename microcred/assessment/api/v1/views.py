"""JSON API of assessment: the same services and blind view as the assessor pages, for integrations."""
from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.accounts import policy as authz  # who may do what (local "policy" names are IssuerPolicy rows)
from microcred.core.api import ERROR_RESPONSES
from microcred.catalog.models import MicroCredential

from ... import selectors, services
from ...forms import COMMENT_MAX, FEEDBACK_MAX

SUMMARY_FIELDS = {
    "id": serializers.IntegerField(), "role": serializers.CharField(), "micro_credential": serializers.CharField(),
    "title": serializers.CharField(), "due_at": serializers.DateTimeField(), "overdue": serializers.BooleanField(),
    "url": serializers.CharField()}
ItemSummary = inline_serializer("AssessmentItemSummary", SUMMARY_FIELDS)
ItemDetail = inline_serializer("AssessmentItem", {
    "id": serializers.IntegerField(), "role": serializers.CharField(), "state": serializers.CharField(), "title": serializers.CharField(),
    "version": serializers.IntegerField(), "due_at": serializers.DateTimeField(), "note_to_assessor": serializers.CharField(),
    "parts": serializers.ListField(child=serializers.DictField())})
ScoresIn = inline_serializer("AssessmentScores", {
    "levels": serializers.DictField(child=serializers.IntegerField(), help_text="criterion id → level index (0 = lowest)"),
    "comments": serializers.DictField(child=serializers.CharField(), required=False, help_text="criterion id → comment"),
    "part_feedback": serializers.DictField(child=serializers.CharField(), required=False, help_text="part id → feedback to the earner")})

_ID = re.compile(r"[0-9]{1,12}")


def _summary(assignment) -> dict:
    row = selectors.item_summary(assignment)
    return {"id": row["id"], "role": row["role"], "micro_credential": row["micro_credential"], "title": row["title"],
            "due_at": row["due_at"], "overdue": row["overdue"], "url": f"/api/v1/assessment/items/{row['id']}/"}


def _evidence(e: dict) -> dict:
    """Evidence as assessors see it: content only (the snapshot's internal ids and hashes stay out)."""
    if e.get("kind") == "quiz":
        return {"kind": "quiz", "choice": e.get("choice"), "correct": e.get("correct")}
    if e.get("file_id"):
        return {"kind": e.get("kind"), "file": {"name": e.get("name"), "size": e.get("size"), "content_type": e.get("content_type"),
                                                 "url": f"/earn/files/{e['file_id']}/"}}
    if e.get("url"):
        return {"kind": e.get("kind"), "url": e["url"]}
    return {"kind": e.get("kind"), "text": e.get("text", "")}


def _detail(assignment) -> dict:
    view = selectors.blind_view(assignment)
    summary = selectors.item_summary(assignment)
    parts = []
    for p in view["parts"]:
        part = p["part"]
        row = {"part_id": part.pk, "position": part.position, "title": part.title, "locked": p["locked"]}
        if not p["locked"]:
            rubric = part.rubric
            row.update(
                overview=part.overview, quiz=p["quiz"],
                prompts=[{"prompt_id": q["prompt"].pk, "text": q["prompt"].text, "response_type": q["prompt"].response_type,
                          "choices": q["prompt"].choices, "evidence": [_evidence(e) for e in q["evidence"]]} for q in p["prompts"]],
                rubric={"passing_rule": rubric.passing_rule, "passing_level": rubric.passing_level, "min_criteria": rubric.min_criteria,
                        "levels": [{"index": lvl.position, "name": lvl.name} for lvl in p["levels"]],
                        "criteria": [{"criterion_id": c["criterion"].pk, "title": c["criterion"].title, "description": c["criterion"].description,
                                      "descriptors": [{"level_index": cell["level"].position, "text": cell["text"]} for cell in c["cells"]]}
                                     for c in p["criteria"]]})
        parts.append(row)
    return {"id": assignment.pk, "role": view["role"], "state": assignment.state, "title": view["title"], "version": view["version"],
            "micro_credential": summary["micro_credential"], "due_at": summary["due_at"], "overdue": summary["overdue"],
            "note_to_assessor": view["note_to_assessor"], "parts": parts}


def _item(request, pk):
    assignment = selectors.assignment_for(user=request.user, assignment_id=pk)
    if assignment.state == assignment.State.RELEASED:
        raise Http404("No such item.")
    return assignment


@extend_schema(responses={200: inline_serializer("AssessmentQueue", SUMMARY_FIELDS, many=True), **ERROR_RESPONSES}, operation_id="assessment_queue")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def queue(request):
    """Your open items (role, MC, due date — never who the earner is)."""
    return Response([_summary(row["assignment"]) for row in selectors.queue_rows(request.user)])


@extend_schema(request=None, responses={200: inline_serializer("NextItem", {"item": inline_serializer("NextItemSummary", SUMMARY_FIELDS, allow_null=True), "message": serializers.CharField()}),
                          **ERROR_RESPONSES}, operation_id="assessment_next")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def next_item(request):
    """Your next item: your oldest open one, else one claimed from the queue. `item` is null when there is nothing."""
    assignment = services.next_item(assessor=request.user)
    if assignment is None:
        return Response({"item": None, "message": "Nothing to score right now."})
    return Response({"item": _summary(assignment), "message": ""})


@extend_schema(responses={200: ItemDetail, **ERROR_RESPONSES}, operation_id="assessment_item")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def item(request, pk):
    """The blind view of one of your items: parts, prompts, evidence and rubric (criteria ids, level indexes)."""
    return Response(_detail(_item(request, pk)))


def _id_map(value, field: str, allowed: set[int], kind, describe: str) -> tuple[dict[int, object], list[str]]:
    """Parse {"<id>": value} from JSON (keys arrive as strings): ids must be whole numbers of this item."""
    if value is None:
        return {}, []
    if not isinstance(value, dict):
        return {}, [f"Give {field} as an object: {{{describe} id: …}}."]
    out, errors = {}, []
    for key, v in value.items():
        if not (isinstance(key, str) and _ID.fullmatch(key)):
            errors.append(f"“{key}” is not a {describe} id (a whole number).")
            continue
        if int(key) not in allowed:
            errors.append(f"{key} is not a {describe} to score in this item.")
            continue
        if kind is int:
            if isinstance(v, bool) or not isinstance(v, int):
                errors.append(f"{describe.capitalize()} {key}: the level must be a whole number (a level index, 0 = lowest).")
                continue
        elif v is None:
            v = ""
        elif not isinstance(v, str):
            errors.append(f"{describe.capitalize()} {key}: must be text.")
            continue
        out[int(key)] = v
    return out, errors


@extend_schema(request=ScoresIn, responses={200: ItemDetail, **ERROR_RESPONSES}, operation_id="assessment_item_scores")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def scores(request, pk):
    """Submit your blind scores for an item: a level for every criterion of every part under review. Scores are
    never edited; a repeat of an accepted submission returns the item unchanged."""
    assignment = _item(request, pk)
    data = request.data
    if not isinstance(data, dict) or hasattr(data, "getlist"):
        return Response({"detail": "Send a JSON object: {levels: {criterion_id: level_index}, comments: {…}, part_feedback: {…}}."}, status=400)
    parts = [p for p in selectors.blind_view(assignment)["parts"] if not p["locked"]]
    criteria = {c["criterion"].pk for p in parts for c in p["criteria"]}
    part_ids = {p["part"].pk for p in parts}
    errors: dict[str, list[str]] = {}
    if isinstance(data.get("levels"), dict):
        levels, errors["levels"] = _id_map(data["levels"], "levels", criteria, int, "criterion")
    else:
        levels, errors["levels"] = {}, ["Give levels as an object: {criterion id: level index}."]
    comments, errors["comments"] = _id_map(data.get("comments"), "comments", criteria, str, "criterion")
    feedback, errors["part_feedback"] = _id_map(data.get("part_feedback"), "part_feedback", part_ids, str, "part")
    errors["comments"] += [f"Criterion {k}: keep the comment under {COMMENT_MAX:,} characters." for k, v in comments.items() if len(v) > COMMENT_MAX]
    errors["part_feedback"] += [f"Part {k}: keep the feedback under {FEEDBACK_MAX:,} characters." for k, v in feedback.items() if len(v) > FEEDBACK_MAX]
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        return Response(errors, status=400)
    try:
        assignment = services.submit_scores(assignment=assignment, by=request.user, levels=levels, comments=comments, part_feedback=feedback)
    except ValidationError as exc:
        return Response(exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}, status=400)
    return Response(_detail(assignment))


def _moment(raw: str | None, field: str):
    """A date or date-time from the query string (None when absent); ValidationError when it is not one."""
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)) is not None:
            value = dt.datetime.combine(day, dt.time.min)
    except ValueError:
        value = None
    if value is None:
        raise ValidationError({field: ["Give a date (YYYY-MM-DD) or an ISO 8601 date-time."]})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@extend_schema(parameters=[OpenApiParameter("mc", str, required=True, description="Slug of the micro-credential"),
                           OpenApiParameter("since", str, description="From this date (YYYY-MM-DD or ISO date-time)"),
                           OpenApiParameter("until", str, description="Before this date")],
               responses={200: inline_serializer("ReliabilityFigures", {
                   "n_pairs": serializers.IntegerField(), "n_reviews": serializers.IntegerField(),
                   **{k: serializers.FloatField(allow_null=True) for k in ("exact_agreement", "adjacent_agreement", "cohen_kappa",
                                                                          "quadratic_weighted_kappa", "krippendorff_alpha", "gwet_ac1", "pass_rate")}}),
                          **ERROR_RESPONSES}, operation_id="assessment_reliability")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def reliability(request):
    """Inter-rater reliability of one MC (issuer admins of its organization, platform admins)."""
    from ... import reliability as stats

    slug = request.query_params.get("mc")
    if not slug:
        return Response({"mc": ["Give the slug of a micro-credential: ?mc=SLUG."]}, status=400)
    mc = get_object_or_404(MicroCredential, slug=slug)
    if not authz.can_manage_assessment(request.user, mc):
        raise PermissionDenied("Only issuer admins of this micro-credential's organization see its reliability figures.")
    try:
        since, until = _moment(request.query_params.get("since"), "since"), _moment(request.query_params.get("until"), "until")
    except ValidationError as exc:
        return Response(exc.message_dict, status=400)
    return Response({"micro_credential": mc.slug, **stats.figures(micro_credential=mc, since=since, until=until)})
