"""JSON API of rosters: start an import (it runs in the background) and follow it; the same services as the pages."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.core.api import ERROR_RESPONSES as ERRORS

from ... import selectors, services, tasks
from .serializers import RosterImportInSerializer, RosterImportRunDetailSerializer, RosterImportRunSerializer

LIST_LIMIT = 50


@extend_schema(methods=["GET"], responses={200: RosterImportRunSerializer(many=True), **ERRORS}, operation_id="rosters_runs")
@extend_schema(methods=["POST"], request={"multipart/form-data": RosterImportInSerializer},
               responses={202: RosterImportRunSerializer, **ERRORS}, operation_id="rosters_start_import")
@api_view(["GET", "POST"])
@parser_classes([MultiPartParser])
@permission_classes([IsAuthenticated])
def runs(request):
    """GET: the latest imports of the organizations you may import for (50). POST: upload a roster or educator-facts
    file; the import runs in the background (202); follow it at its URL."""
    orgs = selectors.importable_organizations(request.user)
    if not orgs:
        raise PermissionDenied(_("Only organization admins of a district, school or state agency import rosters."))
    if request.method == "GET":
        return Response(RosterImportRunSerializer(selectors.runs_for(orgs)[:LIST_LIMIT], many=True).data)
    body = RosterImportInSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    organization = next((o for o in orgs if o.slug == body.validated_data["organization"]), None)
    if organization is None:
        raise ValidationError({"organization": [_("Not an organization you may import for.")]})
    run = services.start_upload(organization=organization, kind=body.validated_data["kind"],
                                upload=body.validated_data["file"], dry_run=body.validated_data["dry_run"],
                                by=request.user)
    transaction.on_commit(lambda: tasks.run_import_task.enqueue(run.pk))
    return Response(RosterImportRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(responses={200: RosterImportRunDetailSerializer, **ERRORS}, operation_id="rosters_run")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def run_detail(request, pk: int):
    """One import: its state, counts and first 100 problems (file, row, column, message)."""
    run = selectors.run_for(request.user, pk)
    if run is None:
        raise Http404("No such import.")
    return Response(RosterImportRunDetailSerializer(run).data)


