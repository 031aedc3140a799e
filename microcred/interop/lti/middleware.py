"""The session cookie of an LTI view's response is SameSite=None; Secure (docs/lti.md).

An LMS frames the tool and posts the launch from its own site: a SameSite=Lax session cookie set there would not be
sent back. Every other response keeps the site's SameSite=Lax cookie. Sits just before SessionMiddleware, so it
sees the cookie SessionMiddleware set."""
from django.conf import settings


class LtiSessionCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(response, "lti_cross_site_cookies", False):
            cookie = response.cookies.get(settings.SESSION_COOKIE_NAME)
            if cookie is not None and cookie.value:
                cookie["samesite"], cookie["secure"] = "None", True
        return response
