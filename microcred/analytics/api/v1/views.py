"""JSON API of the dashboards: the same tables as the pages and CSVs, suppressed the same way."""
from __future__ import annotations

from django.http import Http404
from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.accounts import policy
from microcred.core import suppression
from microcred.core.api import ERROR_RESPONSES as ERRORS

from ... import selectors, tables
from ...views import _filters
from .serializers import DashboardRefSerializer, DashboardSerializer

FILTERS = [OpenApiParameter("period", str, enum=list(selectors.PERIODS)),
           OpenApiParameter("mc", str, description="Slug of one micro-credential"),
           OpenApiParameter("stack", str, description="Slug of one stack: attempts on its micro-credentials"),
           OpenApiParameter("organization", str, description="Slug of a district or school within the dashboard's"),
           OpenApiParameter("locale", str, enum=["city", "suburb", "town", "rural"]),
           OpenApiParameter("title_i", str, enum=["yes", "no"]), OpenApiParameter("high_need", str, enum=["yes", "no"])]


@extend_schema(responses={200: DashboardRefSerializer(many=True), **ERRORS}, operation_id="analytics_dashboards")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def dashboards(request):
    """The dashboards you may open."""
    if not policy.can_open_analytics(request.user):
        raise PermissionDenied("Dashboards are for district, state, issuer and platform admins.")
    return Response(DashboardRefSerializer(selectors.dashboards_for(request.user), many=True).data)


def _answer(request, kind, slug):
    board = selectors.dashboard_for(request.user, kind, slug)
    if board is None:
        raise Http404("No such dashboard.")
    _form, filters = _filters(request, board)
    built, snapshot = tables.dashboard_tables(board, filters, get_language())
    return Response(DashboardSerializer({
        "kind": board.kind, "organization": board.organization.slug if board.organization else None,
        "threshold": suppression.threshold(), "as_of": snapshot.built_at if snapshot else None,
        "tables": [{"name": name, "title": t["title"], "columns": [c for c, _h in t["columns"]],
                    "computed": t["rows"] is not None, "rows": t["rows"] or []}
                   for name, t in built.items()]}).data)


@extend_schema(parameters=FILTERS, responses={200: DashboardSerializer, **ERRORS}, operation_id="analytics_platform")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def platform(request):
    """The platform dashboard's tables (platform admins)."""
    return _answer(request, "platform", None)


@extend_schema(parameters=FILTERS, responses={200: DashboardSerializer, **ERRORS}, operation_id="analytics_dashboard")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def dashboard(request, kind, slug):
    """A district, state or issuer dashboard's tables (kind: district, state or issuer; slug: the organization)."""
    return _answer(request, kind, slug)
