"""JSON API of the people pages: the same selectors and services, the same rules (only the people of the
organizations you manage; a person elsewhere is 404)."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.accounts.models import Organization, Role
from microcred.core.api import ERROR_RESPONSES as ERRORS
from microcred.core.api import bounded_int

from ... import selectors, services
from .serializers import (PersonDeactivationSerializer, PersonDetailSerializer, PersonPageSerializer,
                          PersonRoleChangeSerializer, PersonSerializer)

LIMIT, MAX_LIMIT = 50, 500


@extend_schema(parameters=[
    OpenApiParameter("q", str, description=f"Words each found in the username, name or e-mail (at most {selectors.MAX_QUERY} characters)"),
    OpenApiParameter("organization", str, description="Slug of one organization whose people you manage"),
    OpenApiParameter("role", str, enum=Role.values, description="Only people holding this role (there)"),
    OpenApiParameter("status", str, enum=["active", "inactive"], description="Default: both"),
    OpenApiParameter("limit", int, description=f"Rows per page (default {LIMIT}, at most {MAX_LIMIT})"),
    OpenApiParameter("offset", int, description="Rows to skip")],
    responses={200: PersonPageSerializer, **ERRORS}, operation_id="people_list")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def people(request):
    """Search the people of the organizations you manage (by last name, first name)."""
    params = request.query_params
    organization = None
    slug = params.get("organization")
    if slug:
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise ValidationError({"organization": [_("Choose one of the organizations whose people you manage.")]})
    found = selectors.search_people(request.user, q=params.get("q", ""), organization=organization,
                                    role=params.get("role", ""), status=params.get("status", ""))
    limit = bounded_int(params.get("limit"), LIMIT, maximum=MAX_LIMIT) or LIMIT
    offset = bounded_int(params.get("offset"), 0, maximum=10**9)
    count = found.count()
    rows = list(found[offset:offset + limit])
    return Response(PersonPageSerializer({"count": count, "offset": offset, "limit": limit,
                                          "next_offset": offset + limit if offset + limit < count else None,
                                          "results": rows}).data)


@extend_schema(responses={200: PersonDetailSerializer, **ERRORS}, operation_id="people_detail")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def person(request, pk):
    """One person: memberships in your organizations, the educator facts your organizations keep, coaching and
    cohorts within your organizations, what you may change."""
    found = selectors.visible_person(request.user, pk)
    return Response(PersonDetailSerializer(selectors.person_page(request.user, found)).data)


@extend_schema(request=PersonRoleChangeSerializer, responses={200: PersonSerializer, **ERRORS}, operation_id="people_change_role")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def roles(request, pk):
    """Give (action "grant", the default) or take away ("revoke") a role at an organization whose people you
    manage: only roles you may give there, never to yourself, never platform admin. Idempotent."""
    found = selectors.visible_person(request.user, pk)
    data = PersonRoleChangeSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    organization = selectors.managed_organizations(request.user).filter(slug=data.validated_data["organization"]).first()
    if organization is None:
        raise ValidationError({"organization": [_("Choose one of the organizations whose people you manage.")]})
    services.change_role(by=request.user, person=found, organization=organization, role=data.validated_data["role"],
                         grant=data.validated_data["action"] == "grant")
    try:
        found = selectors.visible_person(request.user, pk)
    except Http404:  # their last membership in your organizations ended
        found.managed_memberships = []
    return Response(PersonSerializer(found).data)


@extend_schema(request=None, responses={200: PersonDeactivationSerializer, **ERRORS}, operation_id="people_deactivate")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def deactivate(request, pk):
    """Deactivate the person's account (signed out everywhere, credentials stay valid) — or, when they also belong
    to organizations you do not manage, end only their memberships in yours (outcome "memberships_ended")."""
    found = selectors.visible_person(request.user, pk)
    done = services.deactivate(by=request.user, person=found)
    return Response(PersonDeactivationSerializer({"outcome": done.kind, "person": done.person, "memberships": done.memberships}).data)


@extend_schema(request=None, responses={200: PersonSerializer, **ERRORS}, operation_id="people_reactivate")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def reactivate(request, pk):
    """Let a deactivated account sign in again (the same rule as deactivating). Idempotent."""
    found = selectors.visible_person(request.user, pk)
    services.reactivate(by=request.user, person=found)
    return Response(PersonSerializer(selectors.visible_person(request.user, pk)).data)
