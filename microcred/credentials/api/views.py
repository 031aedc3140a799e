"""JSON API of credentials for issuers' integrations: a credential's status, and revoke / suspend / lift a
suspension — the same services as the buttons on the credential page."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.catalog.api.serializers import ERROR_RESPONSES

from django.core.exceptions import ValidationError

from .. import permissions, selectors, services
from ..models import IssuedCredential, KnownIssuer

ACTIONS = {"revoke": services.revoke, "suspend": services.suspend, "unsuspend": services.unsuspend}
REASON_MAX = 500

CredentialStatus = inline_serializer("CredentialStatus", {
    "id": serializers.UUIDField(), "url": serializers.CharField(),
    "state": serializers.ChoiceField(choices=IssuedCredential.State.choices),
    "revoked_at": serializers.DateTimeField(allow_null=True), "revocation_reason": serializers.CharField(),
    "suspended_at": serializers.DateTimeField(allow_null=True), "suspension_reason": serializers.CharField(),
    "can_be_suspended": serializers.BooleanField(help_text="Issued with a suspension status entry"),
    "status_lists": serializers.ListField(child=serializers.CharField(), help_text="URLs of its status lists")})
ReasonIn = inline_serializer("CredentialStatusChange", {"reason": serializers.CharField(max_length=REASON_MAX)})


def _as_json(credential: IssuedCredential) -> dict:
    entries = credential.credential.get("credentialStatus") or []
    entries = entries if isinstance(entries, list) else [entries]
    return {
        "id": str(credential.pk), "url": credential.credential.get("id", ""), "state": credential.state,
        "revoked_at": credential.revoked_at, "revocation_reason": credential.revocation_reason,
        "suspended_at": credential.suspended_at, "suspension_reason": credential.suspension_reason,
        "can_be_suspended": credential.can_be_suspended,
        "status_lists": [e.get("statusListCredential") for e in entries if isinstance(e, dict)],
    }


def _managed_credential(request, credential_id) -> IssuedCredential:
    """The credential if the caller is an issuer admin of its issuer; 404 if it does not exist or the caller may
    not see it (private credentials stay invisible), 403 if they see it but may not change its status."""
    credential = IssuedCredential.objects.select_related("issuer").filter(pk=credential_id).first()
    if credential is None:
        raise Http404("No such credential.")
    if selectors.can_revoke(request.user, credential):
        return credential
    if selectors.visible_credential(credential_id, request.user) is None:
        raise Http404("No such credential.")
    raise PermissionDenied("Only issuer admins of the issuing organization may manage this credential's status.")


@extend_schema(responses={200: CredentialStatus, **ERROR_RESPONSES}, operation_id="credential_status")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def credential_status(request, credential_id):
    """A credential's status as its issuer manages it: active, suspended or revoked, with reasons. Issuer admins
    of the issuing organization only."""
    return Response(_as_json(_managed_credential(request, credential_id)))


@extend_schema(request=ReasonIn, responses={200: CredentialStatus, **ERROR_RESPONSES},
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


# --- known issuers -------------------------------------------------------------------------------------------------

KNOWN_ISSUER_FIELDS = {
    "id": serializers.IntegerField(), "identifier": serializers.CharField(), "name": serializers.CharField(),
    "key_documents": serializers.ListField(child=serializers.DictField()),
    "registered_by": serializers.CharField(allow_null=True), "registered_at": serializers.DateTimeField(),
    "note": serializers.CharField()}
KnownIssuerOut = inline_serializer("KnownIssuer", KNOWN_ISSUER_FIELDS)
KnownIssuerList = inline_serializer("KnownIssuerList", KNOWN_ISSUER_FIELDS, many=True)
KnownIssuerIn = inline_serializer("KnownIssuerRegistration", {
    "identifier": serializers.CharField(max_length=1000, help_text="The issuer id as its credentials name it"),
    "name": serializers.CharField(max_length=300),
    "key_documents": serializers.ListField(child=serializers.DictField(), required=False,
                                           help_text="Its controller/DID/key documents, obtained from the issuer"),
    "note": serializers.CharField(max_length=500, required=False)})


def _known_json(known: KnownIssuer) -> dict:
    return {"id": known.pk, "identifier": known.identifier, "name": known.name, "key_documents": known.key_documents,
            "registered_by": known.registered_by.get_username() if known.registered_by else None,
            "registered_at": known.registered_at, "note": known.note}


def _require_registry_access(request) -> None:
    if not permissions.can_view_known_issuers(request.user):
        raise PermissionDenied("Only platform admins and recognizer admins manage known issuers.")


@extend_schema(methods=["GET"], responses={200: KnownIssuerList, **ERROR_RESPONSES},
               operation_id="known_issuers_list")
@extend_schema(methods=["POST"], request=KnownIssuerIn, responses={201: KnownIssuerOut, **ERROR_RESPONSES},
               operation_id="known_issuers_register")
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def known_issuers(request):
    """External issuers known to this platform (GET), or register one (POST). Platform and recognizer admins only.
    Credentials from a known issuer are shown as verified and count for recognition; keys come from the
    registered documents (or the did:key itself). Audited."""
    _require_registry_access(request)
    if request.method == "GET":
        return Response([_known_json(k) for k in selectors.known_issuers()])
    data = request.data
    if not isinstance(data, dict):
        return Response({"detail": "Send a JSON object: {\"identifier\", \"name\", \"key_documents\"}."}, status=400)
    try:
        known = services.register_known_issuer(
            by=request.user, identifier=data.get("identifier"), name=data.get("name"),
            key_documents=data.get("key_documents"), note=data.get("note") if isinstance(data.get("note"), str) else "")
    except ValidationError as error:
        return Response(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}, status=400)
    return Response(_known_json(known), status=201)


@extend_schema(methods=["GET"], responses={200: KnownIssuerOut, **ERROR_RESPONSES}, operation_id="known_issuer_get")
@extend_schema(methods=["DELETE"], responses={204: None, **ERROR_RESPONSES}, operation_id="known_issuer_remove")
@api_view(["GET", "DELETE"])
@permission_classes([IsAuthenticated])
def known_issuer(request, pk):
    """One known issuer (GET), or remove it (DELETE): its credentials become "signed by an issuer this platform does
    not know" again. Platform and recognizer admins only; audited."""
    _require_registry_access(request)
    known = KnownIssuer.objects.select_related("registered_by").filter(pk=pk).first()
    if known is None:
        raise Http404("No such known issuer.")
    if request.method == "GET":
        return Response(_known_json(known))
    services.remove_known_issuer(known, by=request.user)
    return Response(status=204)
