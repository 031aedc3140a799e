"""Production: PostgreSQL via DATABASE_URL, HTTPS only, secrets from the environment (docs/security.md)."""
import os

from .base import *  # noqa: F401,F403
from .base import _env_bool

if not os.environ.get("MICROCRED_SECRET_KEY"):
    raise RuntimeError("Set MICROCRED_SECRET_KEY in production.")
DEBUG = False
# The TLS-terminating proxy must set X-Forwarded-Proto (and strip any a client sent).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env_bool("MICROCRED_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# One year of HSTS, subdomains included; preload only when the operator opts in (it is hard to undo).
SECURE_HSTS_SECONDS = int(os.environ.get("MICROCRED_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = _env_bool("MICROCRED_HSTS_PRELOAD", True)
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
# Browsers upgrade any stray http:// subresource; everything else as in base.
MICROCRED_CONTENT_SECURITY_POLICY = os.environ.get("MICROCRED_CONTENT_SECURITY_POLICY") or (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; media-src 'self'; object-src 'none'; frame-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; upgrade-insecure-requests")
# Staff roles (platform/issuer/recognizer admins, assessors, is_staff) must use two-factor unless turned off.
MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES = _env_bool("MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES", True)
