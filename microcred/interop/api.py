"""The Open Badges 3.0 API resource endpoints (getCredentials, upsertCredential, getProfile, putProfile).

Bearer access tokens only (no session cookies, so no CSRF exposure); each operation needs its OB scope; every
error is an Imsx_StatusInfo body with the HTTP status the spec lists. Thin: parse, ask policy, call a service."""
from __future__ import annotations

import json
import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation, DefaultContentNegotiation
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from microcred.accounts import policy
from microcred.core.api import PayloadTooLarge, SafeJSONParser
from microcred.credentials.verify import MAX_BYTES

from . import ob3, selectors, services

log = logging.getLogger(__name__)
PROFILE_MAX_BYTES = 64 * 1024
JSON_TYPES = ("application/json", "application/vc+ld+json", "application/ld+json")


class BearerToken(OAuth2Authentication):
    """django-oauth-toolkit's bearer check on the plain Django request: the body stays unread (upsert needs its
    exact bytes) and is never parsed before the token is known to be good."""

    def authenticate(self, request):
        return super().authenticate(request._request)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How /api/schema/ describes BearerToken: the OAuth2ACG scheme of the service description document."""

    target_class = "microcred.interop.api.BearerToken"
    name = "OAuth2ACG"

    def get_security_definition(self, auto_schema):
        return {"type": "oauth2", "description": "OAuth 2.0 authorization code grant with PKCE (S256); see "
                                                 "/ims/ob/v3p0/discovery",
                "flows": {"authorizationCode": {"authorizationUrl": "/oauth/authorize", "tokenUrl": "/oauth/token",
                                                "refreshUrl": "/oauth/token",
                                                "scopes": {scope: ob3.SCOPES[scope] for scope in ob3.OB_SCOPES}}}}


class InsufficientScope(exceptions.PermissionDenied):
    def __init__(self, scope: str):
        super().__init__(_("The access token does not grant the scope this operation needs: %(scope)s") % {"scope": scope})
        self.scope = scope


class HasOBScope(BasePermission):
    """The token's earner is this request's user and the token grants the view's scope for this method."""

    def has_permission(self, request, view):
        token = request.auth
        if token is None or not policy.can_use_api_for(token, request.user):
            raise exceptions.NotAuthenticated()
        scope = view.required_scopes.get(request.method)
        if scope is None:
            return True  # a method the view does not have: 405 from dispatch
        if not policy.token_allows(token, scope):
            raise InsufficientScope(scope)
        return True


class JSONOnly(BaseContentNegotiation):
    """Answer JSON (or the credential's own text) whatever Accept says, rather than a 406."""

    def select_parser(self, request, parsers):
        return DefaultContentNegotiation().select_parser(request, parsers)

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _error(status: int, description: str, code_minor: str, headers: dict | None = None) -> Response:
    response = Response(ob3.status_info(description, code_minor), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class OB3View(APIView):
    authentication_classes = [BearerToken]
    permission_classes = [HasOBScope]
    renderer_classes = [JSONRenderer]
    parser_classes = [SafeJSONParser]
    content_negotiation_class = JSONOnly
    required_scopes: dict[str, str] = {}
    body_limits: dict[str, int] = {}
    body_types: dict[str, tuple[str, ...]] = {}

    def initial(self, request, *args, **kwargs):
        # Read (bounded) the body before authentication: the token check looks at form data, which would
        # otherwise consume the stream that upsert needs as raw bytes.
        limit = self.body_limits.get(request.method)
        if limit is not None:
            allowed = self.body_types[request.method]
            content_type = (request.content_type or "").split(";")[0].strip().lower()
            if content_type not in allowed:  # never hand a form or multipart body to the token check
                raise exceptions.UnsupportedMediaType(content_type or "none", detail=(
                    _("Send the body as %(types)s.") % {"types": " or ".join(allowed)}))
            _body(request, limit)
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        realm = 'Bearer realm="ob/v3p0"'
        if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
            supplied = self.request.META.get("HTTP_AUTHORIZATION", "").lower().startswith("bearer ")
            challenge = realm + (', error="invalid_token"' if supplied else "")
            return _error(401, _("A valid access token is required (Authorization: Bearer …)."), ob3.UNAUTHORIZED,
                          {"WWW-Authenticate": challenge})
        if isinstance(exc, InsufficientScope):
            return _error(403, str(exc.detail), ob3.FORBIDDEN,
                          {"WWW-Authenticate": f'{realm}, error="insufficient_scope", scope="{exc.scope}"'})
        if isinstance(exc, exceptions.PermissionDenied):
            return _error(403, str(exc.detail), ob3.FORBIDDEN)
        if isinstance(exc, exceptions.MethodNotAllowed):
            return _error(405, str(exc.detail), ob3.NOT_ALLOWED, {"Allow": ", ".join(self.allowed_methods)})
        if isinstance(exc, PayloadTooLarge):
            return _error(413, str(exc.detail), ob3.INVALID_DATA)
        if isinstance(exc, exceptions.UnsupportedMediaType):
            return _error(415, str(exc.detail), ob3.UNSUPPORTED_TYPE)
        if isinstance(exc, (exceptions.ParseError, exceptions.ValidationError)):
            return _error(400, str(exc.detail), ob3.INVALID_DATA)
        if isinstance(exc, DjangoValidationError):
            return _error(400, " ".join(exc.messages) or _("The request is not valid."), ob3.INVALID_DATA)
        if isinstance(exc, (Http404, exceptions.NotFound)):
            return _error(404, _("Not found."), ob3.NOT_FOUND)
        if isinstance(exc, exceptions.Throttled):
            return _error(429, str(exc.detail), "server_busy")
        log.exception("Open Badges API request failed")
        return _error(500, _("The server could not answer this request."), ob3.INTERNAL)


def _int(request, name: str, default: int, minimum: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or len(raw) > 9 or int(raw) < minimum:
        raise exceptions.ParseError(f"{name} must be an integer of at least {minimum}.")
    return min(int(raw), maximum) if maximum else int(raw)


ERRORS = {code: OpenApiResponse(OpenApiTypes.OBJECT, description=f"Imsx_StatusInfo ({code})")
          for code in (400, 401, 403, 405, 413, 415)}


class CredentialsView(OB3View):
    required_scopes = {"GET": ob3.SCOPE_CREDENTIAL_READ, "POST": ob3.SCOPE_CREDENTIAL_UPSERT}
    body_limits = {"POST": MAX_BYTES}
    body_types = {"POST": (*JSON_TYPES, "text/plain")}

    @extend_schema(operation_id="ob3_getCredentials", tags=["Open Badges 3.0 API"],
                   summary="getCredentials: the signed credentials of the authorized earner",
                   parameters=[OpenApiParameter("limit", int), OpenApiParameter("offset", int),
                               OpenApiParameter("since", OpenApiTypes.DATETIME)],
                   responses={200: OpenApiResponse(OpenApiTypes.OBJECT,
                                                   description="GetOpenBadgeCredentialsResponse"), **ERRORS})
    def get(self, request):
        limit = _int(request, "limit", ob3.DEFAULT_LIMIT, 1, ob3.MAX_LIMIT)
        offset = _int(request, "offset", 0, 0)
        since = request.query_params.get("since")
        since_at = parse_datetime(since) if since else None
        if since and (since_at is None or since_at.tzinfo is None):
            raise exceptions.ParseError("since must be a date-time with a time zone (RFC 3339).")
        page = selectors.credentials_page(request.user, limit=limit, offset=offset, since=since_at)
        response = Response({"credential": page.credential, "compactJwsString": page.compact_jws})
        url = request.build_absolute_uri(request.path)
        for name, value in ob3.paging_headers(url, total=page.total, limit=limit, offset=offset).items():
            response[name] = value
        return response

    @extend_schema(operation_id="ob3_upsertCredential", tags=["Open Badges 3.0 API"], request=OpenApiTypes.OBJECT,
                   summary="upsertCredential: keep a credential for the earner if it verifies here",
                   responses={200: OpenApiTypes.OBJECT, 201: OpenApiTypes.OBJECT, **ERRORS})
    def post(self, request):
        content_type = (request.content_type or "").split(";")[0].strip().lower()  # checked in initial()
        body = request._request.body  # read and bounded in initial()
        if content_type == "text/plain":
            text = body.decode("utf-8", errors="replace").strip()
            if text.startswith("{"):
                raise exceptions.ParseError(_("A text/plain body must be a compact JWS (VC-JWT); send JSON as "
                                              "application/json."))
        else:
            try:
                echoed = json.loads(body.decode("utf-8-sig"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                raise exceptions.ParseError(_("The body is not JSON; send a VC-JWT as text/plain.")) from None
            if not isinstance(echoed, dict):
                raise exceptions.ParseError(_("The body must be a credential (a JSON object)."))
        record, created = services.upsert_credential(earner=request.user, data=body)
        status = 201 if created else 200
        if content_type == "text/plain":
            return HttpResponse(body.decode("utf-8").strip(), status=status, content_type="text/plain")
        return Response(echoed, status=status, content_type=content_type)


def _body(request, limit: int) -> bytes:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise PayloadTooLarge(_("The request body is larger than %(limit)s bytes.") % {"limit": f"{limit:,}"})
    body = request._request.body
    if len(body) > limit:
        raise PayloadTooLarge(_("The request body is larger than %(limit)s bytes.") % {"limit": f"{limit:,}"})
    if not body.strip():
        raise exceptions.ParseError(_("The request body is empty."))
    return body


class ProfileView(OB3View):
    required_scopes = {"GET": ob3.SCOPE_PROFILE_READ, "PUT": ob3.SCOPE_PROFILE_UPDATE}
    body_limits = {"PUT": PROFILE_MAX_BYTES}
    body_types = {"PUT": ("application/json",)}

    def _document(self, user) -> dict:
        return ob3.profile_document(profile_id=selectors.profile_id(user),
                                    name=user.get_full_name() or user.username, email=user.email)

    @extend_schema(operation_id="ob3_getProfile", tags=["Open Badges 3.0 API"],
                   summary="getProfile: the earner's profile", responses={200: OpenApiTypes.OBJECT, **ERRORS})
    def get(self, request):
        return Response(self._document(request.user))

    @extend_schema(operation_id="ob3_putProfile", tags=["Open Badges 3.0 API"], request=OpenApiTypes.OBJECT,
                   summary="putProfile: change the earner's name", responses={200: OpenApiTypes.OBJECT, **ERRORS})
    def put(self, request):
        user = services.update_profile(earner=request.user, document=request.data)
        return Response(self._document(user))
