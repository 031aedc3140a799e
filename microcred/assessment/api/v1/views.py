"""JSON API of assessment: the same services and blind view as the assessor pages, for integrations."""
from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.accounts import policy as authz  # who may do what (local "policy" names are IssuerPolicy rows)
from microcred.core.api import ERROR_RESPONSES
from microcred.catalog.models import MicroCredential

from ... import selectors, services
from ...forms import COMMENT_MAX, FEEDBACK_MAX
from .serializers import (AssessmentItemSerializer, AssessmentItemSummarySerializer, AssessmentScoresSerializer,
                          NextItemSerializer, ReliabilityFiguresSerializer)

_ID = re.compile(r"[0-9]{1,12}")


def _detail(assignment) -> dict:
    return AssessmentItemSerializer(assignment).data


def _item(request, pk):
    assignment = selectors.assignment_for(user=request.user, assignment_id=pk)
    if assignment.state == assignment.State.RELEASED:
        raise Http404("No such item.")
    return assignment


@extend_schema(responses={200: AssessmentItemSummarySerializer(many=True), **ERROR_RESPONSES}, operation_id="assessment_queue")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def queue(request):
    """Your open items (role, MC, due date — never who the earner is)."""
    return Response(AssessmentItemSummarySerializer(selectors.queue_rows(request.user), many=True).data)


@extend_schema(request=None, responses={200: NextItemSerializer, **ERROR_RESPONSES}, operation_id="assessment_next")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def next_item(request):
    """Your next item: your oldest open one, else one claimed from the queue. `item` is null when there is nothing."""
    assignment = services.next_item(assessor=request.user)
    if assignment is None:
        return Response(NextItemSerializer({"item": None, "message": _("Nothing to score right now.")}).data)
    return Response(NextItemSerializer({"item": selectors.item_summary(assignment), "message": ""}).data)


@extend_schema(responses={200: AssessmentItemSerializer, **ERROR_RESPONSES}, operation_id="assessment_item")
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


@extend_schema(request=AssessmentScoresSerializer, responses={200: AssessmentItemSerializer, **ERROR_RESPONSES}, operation_id="assessment_item_scores")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def scores(request, pk):
    """Submit your blind scores for an item: a level for every criterion of every part under review. Scores are
    never edited; a repeat of an accepted submission returns the item unchanged."""
    assignment = _item(request, pk)
    data = request.data
    if not isinstance(data, dict) or hasattr(data, "getlist"):
        return Response({"detail": _("Send a JSON object: {levels: {criterion_id: level_index}, comments: {…}, part_feedback: {…}}.")}, status=400)
    parts = [p for p in selectors.blind_view(assignment)["parts"] if not p["locked"]]
    criteria = {c["criterion"].pk for p in parts for c in p["criteria"]}
    part_ids = {p["part"].pk for p in parts}
    errors: dict[str, list[str]] = {}
    if isinstance(data.get("levels"), dict):
        levels, errors["levels"] = _id_map(data["levels"], "levels", criteria, int, "criterion")
    else:
        levels, errors["levels"] = {}, [_("Give levels as an object: {criterion id: level index}.")]
    comments, errors["comments"] = _id_map(data.get("comments"), "comments", criteria, str, "criterion")
    feedback, errors["part_feedback"] = _id_map(data.get("part_feedback"), "part_feedback", part_ids, str, "part")
    errors["comments"] += [_("Criterion %(id)s: keep the comment under %(max)s characters.") % {"id": k, "max": f"{COMMENT_MAX:,}"} for k, v in comments.items() if len(v) > COMMENT_MAX]
    errors["part_feedback"] += [_("Part %(id)s: keep the feedback under %(max)s characters.") % {"id": k, "max": f"{FEEDBACK_MAX:,}"} for k, v in feedback.items() if len(v) > FEEDBACK_MAX]
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
        raise ValidationError({field: [_("Give a date (YYYY-MM-DD) or an ISO 8601 date-time.")]})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@extend_schema(parameters=[OpenApiParameter("mc", str, required=True, description="Slug of the micro-credential"),
                           OpenApiParameter("since", str, description="From this date (YYYY-MM-DD or ISO date-time)"),
                           OpenApiParameter("until", str, description="Before this date")],
               responses={200: ReliabilityFiguresSerializer, **ERROR_RESPONSES}, operation_id="assessment_reliability")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def reliability(request):
    """Inter-rater reliability of one MC (issuer admins of its organization, platform admins)."""
    from ... import reliability as stats

    slug = request.query_params.get("mc")
    if not slug:
        return Response({"mc": [_("Give the slug of a micro-credential: ?mc=SLUG.")]}, status=400)
    mc = get_object_or_404(MicroCredential, slug=slug)
    if not authz.can_manage_assessment(request.user, mc):
        raise PermissionDenied(_("Only issuer admins of this micro-credential's organization see its reliability figures."))
    try:
        since, until = _moment(request.query_params.get("since"), "since"), _moment(request.query_params.get("until"), "until")
    except ValidationError as exc:
        return Response(exc.message_dict, status=400)
    return Response(ReliabilityFiguresSerializer({"micro_credential": mc.slug,
                                                  **stats.figures(micro_credential=mc, since=since, until=until)}).data)
