"""JSON API of invitations: the same selectors and services as the invitations page, the same rules (only the
invitations of the organizations you manage; another organization's invitation is 404)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.accounts import onboarding, policy, selectors
from microcred.accounts.models import Invitation, Organization
from microcred.core.api import ERROR_RESPONSES as ERRORS
from microcred.core.api import bounded_int

from .serializers import InvitationCreateSerializer, InvitationPageSerializer, InvitationSerializer

LIMIT, MAX_LIMIT = 50, 500


@extend_schema(methods=["GET"], parameters=[
    OpenApiParameter("state", str, enum=Invitation.State.values, description="Only invitations in this state"),
    OpenApiParameter("limit", int, description=f"Rows per page (default {LIMIT}, at most {MAX_LIMIT})"),
    OpenApiParameter("offset", int, description="Rows to skip")],
    responses={200: InvitationPageSerializer, **ERRORS}, operation_id="invitations_list")
@extend_schema(methods=["POST"], request=InvitationCreateSerializer, responses={201: InvitationSerializer, **ERRORS},
               operation_id="invitations_create")
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def invitations(request):
    """GET: the invitations of the organizations whose people you manage, newest first. POST: invite an e-mail
    address to a role you may give at one of them (the link is mailed; it is never in the answer)."""
    if not policy.can_open_invitations(request.user):
        raise PermissionDenied(_("Only people administrators invite people."))
    if request.method == "POST":
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organization = Organization.objects.filter(slug=data.validated_data["organization"]).first()
        if organization is None or not policy.can_manage_people(request.user, organization):
            raise ValidationError({"organization": [_("Choose one of the organizations whose people you manage.")]})
        invitation = onboarding.invite(by=request.user, organization=organization, role=data.validated_data["role"],
                                       email=data.validated_data["email"])
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)
    params = request.query_params
    onboarding.expire_overdue_invitations(selectors.visible_invitations(request.user))
    found = selectors.visible_invitations(request.user, state=params.get("state", ""))
    limit = bounded_int(params.get("limit"), LIMIT, maximum=MAX_LIMIT) or LIMIT
    offset = bounded_int(params.get("offset"), 0, maximum=10**9)
    count = found.count()
    rows = list(found[offset:offset + limit])
    return Response(InvitationPageSerializer({"count": count, "offset": offset, "limit": limit,
                                              "next_offset": offset + limit if offset + limit < count else None,
                                              "results": rows}).data)


@extend_schema(request=None, responses={200: InvitationSerializer, **ERRORS}, operation_id="invitations_revoke")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def revoke(request, pk):
    """Revoke a pending or expired invitation (its link stops working). Idempotent."""
    invitation = selectors.visible_invitation(request.user, pk)
    return Response(InvitationSerializer(onboarding.revoke_invitation(by=request.user, invitation=invitation)).data)
