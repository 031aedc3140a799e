"""django-oauth-toolkit wired for the Open Badges 3.0 API: per-client scopes and the earner's consent page."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from oauthlib.oauth2 import Server
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import (AuthorizationCodeGrant,
                                                                     code_challenge_method_s256)
from oauth2_provider.scopes import BaseScopes
from oauth2_provider.views import AuthorizationView

from microcred.core import audit

from . import ob3

# The consent page's words for each scope (translatable); ob3.SCOPES keeps the same meaning in English.
SCOPE_LABELS = {
    ob3.SCOPE_CREDENTIAL_READ: _("Read your credentials"),
    ob3.SCOPE_CREDENTIAL_UPSERT: _("Add credentials to your account (each is verified before it is kept)"),
    ob3.SCOPE_PROFILE_READ: _("Read your profile (your name and e-mail address)"),
    ob3.SCOPE_PROFILE_UPDATE: _("Change your name"),
    ob3.SCOPE_OFFLINE: _("Stay connected when you are not signed in (until you revoke access)"),
}


class S256OnlyServer(Server):
    """oauthlib's server with PKCE limited to S256 (OB 3.0 §7.3.2.1). A request without code_challenge_method
    means "plain" (RFC 7636 §4.3), so it is refused too, with invalid_request sent back to the client."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for grant in (*self.grant_types.values(), *self.response_types.values()):
            if isinstance(grant, AuthorizationCodeGrant):
                grant._code_challenge_methods = {"S256": code_challenge_method_s256}


class RegisteredScopes(BaseScopes):
    """A client may ask an earner for at most the scopes it registered with; nothing else exists here."""

    def get_all_scopes(self):
        return {scope: str(label) for scope, label in SCOPE_LABELS.items()}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        registration = getattr(application, "ob_registration", None) if application is not None else None
        if registration is None:
            return []
        return [scope for scope in registration.scopes if scope in SCOPE_LABELS]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        available = self.get_available_scopes(application, request)
        return [ob3.SCOPE_CREDENTIAL_READ] if ob3.SCOPE_CREDENTIAL_READ in available else []


def consent_page_policy(redirect_uri: str) -> str:
    """The site's Content-Security-Policy, with form-action widened to the client's (already validated) redirect
    origin: browsers apply form-action to the redirect that follows the earner's answer."""
    from urllib.parse import urlsplit

    from django.conf import settings

    from microcred.core.middleware import DEFAULT_CONTENT_SECURITY_POLICY

    parts = urlsplit(redirect_uri)
    origin = f"{parts.scheme}://{parts.netloc}"
    policy = getattr(settings, "MICROCRED_CONTENT_SECURITY_POLICY", None) or DEFAULT_CONTENT_SECURITY_POLICY
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    widened = [f"{d} {origin}" if d.startswith("form-action") else d for d in directives]
    if not any(d.startswith("form-action") for d in directives):
        widened.append(f"form-action 'self' {origin}")
    return "; ".join(widened)


class ConsentView(AuthorizationView):
    """The earner signs in and approves (or refuses) one client's request, every time (approval prompt "force")."""

    template_name = "oauth2_provider/authorize.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = context.get("application")
        context["registration"] = getattr(application, "ob_registration", None) if application else None
        context["scope_labels"] = [SCOPE_LABELS.get(scope, scope) for scope in context.get("scopes") or []]
        return context

    def get(self, request, *args, **kwargs):
        if "approval_prompt" in request.GET:  # a client cannot ask to skip the earner's answer ("auto")
            query = request.GET.copy()
            del query["approval_prompt"]
            request.GET = query
        response = super().get(request, *args, **kwargs)
        redirect_uri = (getattr(response, "context_data", None) or {}).get("redirect_uri")
        if redirect_uri and not (response.context_data or {}).get("error"):
            response["Content-Security-Policy"] = consent_page_policy(redirect_uri)
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.cleaned_data.get("allow") and response.status_code in (301, 302):
            application = self._application(form.cleaned_data.get("client_id"))
            if application is not None:
                audit.record(actor=self.request.user, action="ob_client.approved", target=application,
                             data={"scope": form.cleaned_data.get("scope", "")})
        return response

    @staticmethod
    def _application(client_id):
        from oauth2_provider.models import get_application_model

        return get_application_model().objects.filter(client_id=client_id).first() if client_id else None
