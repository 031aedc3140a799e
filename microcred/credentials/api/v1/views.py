"""JSON API of credentials for issuers' integrations: a credential's status, and revoke / suspend / lift a
suspension — the same services as the buttons on the credential page."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.accounts import policy
from microcred.core.api import ERROR_RESPONSES

from ... import selectors, services
from ...models import IssuedCredential
from .serializers import REASON_MAX, CredentialStatusChangeSerializer, CredentialStatusSerializer

ACTIONS = {"revoke": services.revoke, "suspend": services.suspend, "unsuspend": services.unsuspend}

def _as_json(credential: IssuedCredential) -> dict:
    return CredentialStatusSerializer(credential).data


def _managed_credential(request, credential_id) -> IssuedCredential:
    """The credential if the caller is an issuer admin of its issuer; 404 if it does not exist or the caller may
    not see it (private credentials stay invisible), 403 if they see it but may not change its status."""
    credential = IssuedCredential.objects.select_related("issuer").filter(pk=credential_id).first()
    if credential is None:
        raise Http404("No such credential.")
    if policy.can_revoke(request.user, credential):
        return credential
    if selectors.visible_credential(credential_id, request.user) is None:
        raise Http404("No such credential.")
    raise PermissionDenied("Only issuer admins of the issuing organization may manage this credential's status.")


@extend_schema(responses={200: CredentialStatusSerializer, **ERROR_RESPONSES}, operation_id="credential_status")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def credential_status(request, credential_id):
    """A credential's status as its issuer manages it: active, suspended or revoked, with reasons. Issuer admins
    of the issuing organization only."""
    return Response(_as_json(_managed_credential(request, credential_id)))


@extend_schema(request=CredentialStatusChangeSerializer, responses={200: CredentialStatusSerializer, **ERROR_RESPONSES},
               parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=sorted(ACTIONS))],
               operation_id="credential_status_change")
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def change_status(request, credential_id, action):
    """Revoke (final), suspend, or lift a suspension (``unsuspend``), with a required reason; audited. Repeating an
    action that is already in effect returns the credential unchanged."""
    service = ACTIONS.get(action)
    if service is None:
        raise Http404(f"Unknown action {action[:40]!r}: use one of {', '.join(sorted(ACTIONS))}.")
    credential = _managed_credential(request, credential_id)
    data = request.data
    if not isinstance(data, dict) and not hasattr(data, "getlist"):
        return Response({"detail": "Send a JSON object: {\"reason\": \"…\"}."}, status=400)
    reason = data.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        return Response({"reason": ["A reason is required (text, at most 500 characters)."]}, status=400)
    if len(reason) > REASON_MAX:
        return Response({"reason": [f"Keep the reason under {REASON_MAX} characters."]}, status=400)
    credential = service(credential, by=request.user, reason=reason)
    credential.refresh_from_db()
    return Response(_as_json(credential))
