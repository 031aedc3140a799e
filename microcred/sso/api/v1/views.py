"""JSON API of single sign-on: the identity providers of the organizations you configure (read-only)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.accounts import policy
from microcred.core.api import ERROR_RESPONSES as ERRORS

from ... import selectors
from .serializers import IdentityProviderSerializer

LIST_LIMIT = 200


@extend_schema(responses={200: IdentityProviderSerializer(many=True), **ERRORS}, operation_id="sso_providers")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def providers(request):
    """The identity providers of the organizations whose sign-in you configure (organization and platform admins)."""
    if not policy.can_open_sso_pages(request.user):
        raise PermissionDenied(_("Only organization admins configure single sign-on."))
    queryset = selectors.providers_for(request.user).order_by("organization__name", "name")[:LIST_LIMIT]
    return Response(IdentityProviderSerializer(queryset, many=True).data)
