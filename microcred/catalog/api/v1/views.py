"""JSON API of the catalog and of authoring. Same selectors and services as the web pages."""
from __future__ import annotations


from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from django.utils.translation import gettext as _

from microcred.accounts.models import Organization

from ... import selectors, services
from ...definition import export_definition

from microcred.core.api import ERROR_RESPONSES, bounded_int

from .serializers import (CatalogSearchSerializer, DefinitionSerializer, ImportRequestSerializer,
                          MicroCredentialDetailSerializer, StackSerializer, TransitionRequestSerializer, VersionStateSerializer)

FACET_PARAMS = [OpenApiParameter(name, OpenApiTypes.STR, many=True, required=False, description=f"Filter by {name} (repeatable)")
                for name in selectors.FACETS]


@extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=False, description="Words to search for"),
                           OpenApiParameter("limit", OpenApiTypes.INT, required=False),
                           OpenApiParameter("offset", OpenApiTypes.INT, required=False),
                           OpenApiParameter("quality", OpenApiTypes.STR, required=False, enum=["approved"],
                                            description="Only MCs approved by an independent quality review"),
                           OpenApiParameter("sort", OpenApiTypes.STR, required=False, enum=["quality"],
                                            description="quality: quality-approved MCs first"), *FACET_PARAMS],
               responses={200: CatalogSearchSerializer, **ERROR_RESPONSES}, operation_id="catalog_search")
@api_view(["GET"])
def catalog_search(request):
    """Search the catalog: published micro-credentials visible to the caller, with facet counts."""
    filters = {name: request.query_params.getlist(name) for name in selectors.FACETS if request.query_params.getlist(name)}
    result = selectors.search_catalog(user=request.user, q=request.query_params.get("q", ""), filters=filters,
                                      limit=bounded_int(request.query_params.get("limit"), 50, maximum=200),
                                      offset=bounded_int(request.query_params.get("offset"), 0, maximum=100_000),
                                      quality=request.query_params.get("quality", "")[:20], sort=request.query_params.get("sort", "")[:20])
    data = {"total": result.total, "results": result.versions,
            "facets": {name: [vars(v) for v in values] for name, values in result.facets.items()}}
    return Response(CatalogSearchSerializer(data, context={"request": request}).data)


@extend_schema(responses={200: MicroCredentialDetailSerializer, **ERROR_RESPONSES}, operation_id="micro_credential_detail")
@api_view(["GET"])
def micro_credential_detail(request, slug):
    """The published version of a micro-credential with every section and rubric."""
    version = selectors.micro_credential_for_catalog(user=request.user, slug=slug)
    return Response(_detail(version))


@extend_schema(responses={200: MicroCredentialDetailSerializer, **ERROR_RESPONSES}, operation_id="micro_credential_version")
@api_view(["GET"])
def micro_credential_version(request, slug, number):
    """One version (drafts only for the owning organization's authors)."""
    version = selectors.version_for_reading(user=request.user, slug=slug, number=number)
    return Response(_detail(version))


def _detail(version) -> dict:
    return {"definition": export_definition(version), "state": version.state, "published_at": version.published_at,
            "stacks": list(selectors.stacks_containing(version.micro_credential).values_list("slug", flat=True)),
            "alignments": [_alignment(a) for a in selectors.alignments_of(version)]}


def _alignment(a) -> dict:
    return {"target_name": a.name or str(a), "target_url": a.url, "target_code": a.code, "target_framework": a.framework,
            "target_type": "CFItem" if a.item_id or "/CFItems/" in a.url else "",
            "case_item": a.item.identifier if a.item else None,
            "case_framework": a.item.framework.identifier if a.item else None,
            "criterion": ({"part": a.criterion.rubric.part.position, "criterion": a.criterion.position,
                           "title": a.criterion.title} if a.criterion else None)}


@extend_schema(responses={200: StackSerializer(many=True), **ERROR_RESPONSES}, operation_id="stack_list")
@api_view(["GET"])
def stack_list(request):
    """Published stacks and pathways."""
    return Response(StackSerializer(selectors.visible_stacks(user=request.user), many=True).data)


@extend_schema(responses={200: StackSerializer, **ERROR_RESPONSES}, operation_id="stack_detail")
@api_view(["GET"])
def stack_detail(request, slug):
    return Response(StackSerializer(selectors.stack_for_catalog(user=request.user, slug=slug)).data)


@extend_schema(request=ImportRequestSerializer, responses={201: VersionStateSerializer, **ERROR_RESPONSES}, operation_id="authoring_import")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def authoring_import(request):
    """Import an MC definition: a new MC, or a new draft of the caller's MC with the same slug."""
    body = ImportRequestSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    owner = Organization.objects.filter(slug=body.validated_data["owner"]).first()
    if owner is None:
        return Response({"owner": [_("No such organization.")]}, status=status.HTTP_400_BAD_REQUEST)
    version = services.import_definition(definition=body.validated_data["definition"], owner=owner, by=request.user)
    return Response({"slug": version.micro_credential.slug, "version": version.number, "state": version.state}, status=status.HTTP_201_CREATED)


@extend_schema(methods=["GET"], responses={200: DefinitionSerializer, **ERROR_RESPONSES}, operation_id="authoring_definition_get")
@extend_schema(methods=["PUT"], request=DefinitionSerializer, responses={200: DefinitionSerializer, **ERROR_RESPONSES},
               operation_id="authoring_definition_put")
@api_view(["GET", "PUT"])
@permission_classes([IsAuthenticated])
def authoring_definition(request, slug, number):
    """Read (export) or replace the definition of a draft version. Only drafts can be replaced."""
    version = selectors.editable_version(user=request.user, slug=slug, number=number)
    if request.method == "PUT":
        if not isinstance(request.data, dict):
            return Response({"definition": ["must be a JSON object."]}, status=status.HTTP_400_BAD_REQUEST)
        version = services.update_draft(version=version, definition=dict(request.data), by=request.user)
    return Response(export_definition(version))


@extend_schema(request=TransitionRequestSerializer, responses={200: VersionStateSerializer, **ERROR_RESPONSES}, operation_id="authoring_transition")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def authoring_transition(request, slug, number):
    """Move a version through its lifecycle: submit, return (with note), publish, retire (with reason), new-version."""
    version = selectors.editable_version(user=request.user, slug=slug, number=number)
    body = TransitionRequestSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    action = body.validated_data["action"]
    if action == "submit":
        version = services.submit_for_review(version=version, by=request.user)
    elif action == "return":
        version = services.return_to_draft(version=version, by=request.user, note=body.validated_data.get("note", ""))
    elif action == "publish":
        try:
            version = services.publish_checked(version=version, by=request.user,
                                               publish_anyway=body.validated_data["publish_anyway"])
        except services.CoverageGap as gap:
            return Response({"coverage": gap.coverage.gaps, "certified_assessors": gap.coverage.certified_assessors,
                             "anchors": gap.coverage.anchors,
                             "detail": _("Not published: confirm with publish_anyway=true.")}, status=400)
    elif action == "retire":
        version = services.retire(version=version, by=request.user, reason=body.validated_data.get("reason", ""))
    else:
        version = services.start_new_version(micro_credential=version.micro_credential, by=request.user)
    return Response({"slug": version.micro_credential.slug, "version": version.number, "state": version.state})


