"""Response headers every page carries."""
from __future__ import annotations

from django.conf import settings

# Scripts only from our own origin (htmx and site.js are static files): an injected <script> or on*= attribute
# does not run. Inline style attributes stay allowed: templates size progress bars with them, and CSS cannot run code.
DEFAULT_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; frame-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
DEFAULT_PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response that has not set its own.

    Django 5.2 has no built-in CSP. A view may set a stricter policy (evidence downloads send
    ``default-src 'none'; sandbox``); it is kept as is."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "MICROCRED_CONTENT_SECURITY_POLICY", None) or DEFAULT_CONTENT_SECURITY_POLICY
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        permissions = getattr(settings, "MICROCRED_PERMISSIONS_POLICY", None) or DEFAULT_PERMISSIONS_POLICY
        if "Permissions-Policy" not in response:
            response["Permissions-Policy"] = permissions
        return response



class PrivateResponsesNotStoredMiddleware:
    """``Cache-Control: no-store, private`` on every response to a signed-in person (a session, or an API token or
    bearer token: anything sent with credentials) and on every download (CSV/JSON exports, files): a shared school
    computer's browser or a proxy must not keep a copy of someone's pages or exports. Public pages, documents and
    static files seen by anonymous visitors keep their own caching.

    Sits after AuthenticationMiddleware (it reads ``request.user``, which DRF also sets for token requests)."""

    VALUE = "no-store, private"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(getattr(user, "is_authenticated", False))
        if signed_in or "HTTP_AUTHORIZATION" in request.META or self._is_download(response):
            if "no-store" not in response.get("Cache-Control", ""):
                response["Cache-Control"] = self.VALUE
            if "Expires" in response:
                del response["Expires"]
        return response

    @staticmethod
    def _is_download(response) -> bool:
        disposition = response.get("Content-Disposition", "")
        content_type = response.get("Content-Type", "")
        return disposition.lower().startswith("attachment") or content_type.startswith("text/csv")
