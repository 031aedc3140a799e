"""JSON API of credentials: for issuers' integrations a credential's status, and revoke / suspend / lift a
suspension — the same services as the buttons on the credential page; for earners, importing a credential."""
from __future__ import annotations

import datetime
import json

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from microcred.accounts import policy
from microcred.core.api import ERROR_RESPONSES, bounded_int

from ... import selectors, services
from ...models import ExternalCredential, IssuedCredential, KnownIssuer
from ...verify import MAX_BYTES
from .serializers import (REASON_MAX, CredentialImportInSerializer, CredentialStatusChangeSerializer,
                          CredentialStatusSerializer, ImportedCredentialSerializer, IssuedCredentialPageSerializer,
                          KnownIssuerRegistrationSerializer, KnownIssuerSerializer)

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
    raise PermissionDenied(_("Only issuer admins of the issuing organization may manage this credential's status."))


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
        return Response({"detail": _("Send a JSON object: {\"reason\": \"…\"}.")}, status=400)
    reason = data.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        return Response({"reason": [_("A reason is required (text, at most 500 characters).")]}, status=400)
    if len(reason) > REASON_MAX:
        return Response({"reason": [_("Keep the reason under %(max)s characters.") % {"max": REASON_MAX}]}, status=400)
    credential = service(credential, by=request.user, reason=reason)
    credential.refresh_from_db()
    return Response(_as_json(credential))


IMPORT_FORMATS = """Accepted, as a multipart file `document` or a JSON body `{"document": …}` (text or object):

- Open Badges 3.0: the credential as JSON (embedded proof) or a VC-JWT; it must verify offline, every check.
- Open Badges 2.0: a hosted assertion (JSON), a signed assertion (compact JWS), or, online mode only, its URL.
- Baked images (multipart only): PNG with an iTXt `openbadgecredential` (OB 3.0) or `openbadges` (OB 2.0) chunk,
  SVG with `<openbadges:credential>` (OB 3.0) or `<openbadges:assertion>` (OB 2.0).

Open Badges 2.0 assertions are kept unless a check fails (wrong recipient, expired, revoked, bad signature,
changed hosted copy); `status` says whether the issuer's key or copy confirmed it or it was not verifiable
offline. Up to 2 MB. 201 on import, 200 when the same credential was imported before, 400 with the reason."""


@extend_schema(
    request={"multipart/form-data": {"type": "object", "properties": {"document": {"type": "string", "format": "binary"}},
                                     "required": ["document"]},
             "application/json": CredentialImportInSerializer},
    responses={201: ImportedCredentialSerializer, 200: ImportedCredentialSerializer, **ERROR_RESPONSES,
               413: OpenApiTypes.OBJECT},
    operation_id="credential_import", description=IMPORT_FORMATS)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def import_credential(request):
    """Import a credential issued elsewhere into the caller's own credentials."""
    if not policy.can_import_credential(request.user):
        raise PermissionDenied(_("Log in to import a credential."))
    upload = request.FILES.get("document") if hasattr(request, "FILES") else None
    if upload is not None:
        if upload.size > MAX_BYTES:
            return Response({"document": [_("The file is larger than %(size)s bytes (2 MB).") % {"size": f"{MAX_BYTES:,}"}]}, status=413)
        data = upload.read(MAX_BYTES + 1)
    else:
        document = request.data.get("document") if hasattr(request.data, "get") else None
        if isinstance(document, (dict, list)):
            document = json.dumps(document)
        if not isinstance(document, str) or not document.strip():
            return Response({"document": [_("Send the credential as a file or as {\"document\": …}.")]}, status=400)
        data = document.strip().encode("utf-8")
    before = ExternalCredential.objects.filter(earner=request.user).count()
    imported = services.import_external_credential(earner=request.user, data=data)
    created = ExternalCredential.objects.filter(earner=request.user).count() > before
    return Response(_imported_json(imported), status=201 if created else 200)


def _imported_json(imported: ExternalCredential) -> dict:
    return ImportedCredentialSerializer(imported).data


# --- known issuers -------------------------------------------------------------------------------------------------

def _require_registry_access(request) -> None:
    if not policy.can_view_known_issuers(request.user):
        raise PermissionDenied(_("Only platform admins and recognizer admins manage known issuers."))


@extend_schema(methods=["GET"], responses={200: KnownIssuerSerializer(many=True), **ERROR_RESPONSES},
               operation_id="known_issuers_list")
@extend_schema(methods=["POST"], request=KnownIssuerRegistrationSerializer,
               responses={201: KnownIssuerSerializer, **ERROR_RESPONSES}, operation_id="known_issuers_register")
@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
def known_issuers(request):
    """External issuers known to this platform (GET), or register one (POST). Platform and recognizer admins only.
    Credentials from a known issuer are shown as verified and count for recognition; keys come from the
    registered documents (or the did:key itself). Audited."""
    _require_registry_access(request)
    if request.method == "GET":
        return Response(KnownIssuerSerializer(selectors.known_issuers(), many=True).data)
    data = request.data
    if not isinstance(data, dict):
        return Response({"detail": _("Send a JSON object: {\"identifier\", \"name\", \"key_documents\"}.")}, status=400)
    try:
        known = services.register_known_issuer(
            by=request.user, identifier=data.get("identifier"), name=data.get("name"),
            key_documents=data.get("key_documents"), note=data.get("note") if isinstance(data.get("note"), str) else "")
    except DjangoValidationError as error:
        return Response(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}, status=400)
    return Response(KnownIssuerSerializer(known).data, status=201)


@extend_schema(methods=["GET"], responses={200: KnownIssuerSerializer, **ERROR_RESPONSES}, operation_id="known_issuer_get")
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
        return Response(KnownIssuerSerializer(known).data)
    services.remove_known_issuer(known, by=request.user)
    return Response(status=204)


# --- the issuer's list of issued credentials ---------------------------------------------------------------------

LIMIT, MAX_LIMIT = 50, 500


def _date(params, name):
    raw = params.get(name)
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw[:10]) if len(raw) == 10 else None
    except ValueError:
        return None


@extend_schema(parameters=[
    OpenApiParameter("q", str, description=f"Words each found in the earner's name, username or e-mail (at most {selectors.MAX_QUERY} characters)"),
    OpenApiParameter("micro_credential", str, description="Slug of a micro-credential"),
    OpenApiParameter("issuer", str, description="Slug of one of your issuing organizations"),
    OpenApiParameter("state", str, enum=["active", "suspended", "revoked"], description="Default: any"),
    OpenApiParameter("issued_from", OpenApiTypes.DATE, description="Issued on or after (YYYY-MM-DD)"),
    OpenApiParameter("issued_to", OpenApiTypes.DATE, description="Issued on or before (YYYY-MM-DD)"),
    OpenApiParameter("limit", int, description=f"Rows per page (default {LIMIT}, at most {MAX_LIMIT})"),
    OpenApiParameter("offset", int, description="Rows to skip")],
    responses={200: IssuedCredentialPageSerializer, **ERROR_RESPONSES}, operation_id="credentials_issued_list")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def issued(request):
    """Credentials issued by your organizations (issuer admins; platform admins: every issuer's), newest first,
    with the same filters as the issued-credentials page."""
    params = request.query_params
    dates = {}
    for name in ("issued_from", "issued_to"):
        dates[name] = _date(params, name)
        if params.get(name) and dates[name] is None:
            return Response({name: ["Use a date as YYYY-MM-DD."]}, status=400)
    found = selectors.issued_credentials(request.user, q=params.get("q", ""),
                                         micro_credential=params.get("micro_credential", "")[:200],
                                         issuer=params.get("issuer", "")[:200], state=params.get("state", ""), **dates)
    limit = bounded_int(params.get("limit"), LIMIT, maximum=MAX_LIMIT) or LIMIT
    offset = bounded_int(params.get("offset"), 0, maximum=10**9)
    count = found.count()
    rows = list(found[offset:offset + limit])
    return Response(IssuedCredentialPageSerializer({"count": count, "offset": offset, "limit": limit,
                                                    "next_offset": offset + limit if offset + limit < count else None,
                                                    "results": rows}).data)
