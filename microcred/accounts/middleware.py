"""Send people who must use two-factor (settings.MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES) to set it up or enter a code."""
from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import policy, two_factor

# Reachable without a verified session: logging in and out, two-factor itself, password reset, files, health.
OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(settings, "MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES", False):
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request):
        user = getattr(request, "user", None)
        if not getattr(user, "is_authenticated", False) or request.path.startswith(OPEN_PREFIXES):
            return None
        verified = getattr(user, "is_verified", lambda: False)()
        if verified or not two_factor.requires_two_factor(user):
            return None
        enabled = two_factor.is_enabled(user)
        if request.path.startswith("/api/"):
            message = (_("Enter your two-factor code at /accounts/login/code/ first.") if enabled else
                       _("Your role requires two-factor authentication: set it up at /accounts/two-factor/ first."))
            return JsonResponse({"detail": message}, status=403)
        if enabled:
            return redirect(f"{reverse('accounts:login_code')}?{urlencode({'next': request.get_full_path()})}")
        return redirect("accounts:two_factor")


class PersonLanguageMiddleware:
    """A signed-in person's saved interface language (User.language) wins over the browser's and the cookie's; LocaleMiddleware
    has already chosen for everyone else. (Placed after AuthenticationMiddleware; Content-Language and Vary are added by
    LocaleMiddleware on the way out.)"""

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if getattr(user, "is_authenticated", False) else ""
        if chosen in self.languages and chosen != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)


class RememberRolesMiddleware:
    """Each person's memberships are read at most once per request, however many policy questions the page asks
    (issue 18: the same query ran 9–10 times per request); any membership change during the request forgets them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = policy.begin_request_scope()
        try:
            return self.get_response(request)
        finally:
            policy.end_request_scope(token)
