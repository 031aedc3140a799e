"""Production: PostgreSQL via DATABASE_URL, HTTPS only, secrets from the environment."""
import os

from .base import *  # noqa: F401,F403

if not os.environ.get("MICROCRED_SECRET_KEY"):
    raise RuntimeError("Set MICROCRED_SECRET_KEY in production.")
DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_HTTPONLY = True
SECURE_REFERRER_POLICY = "same-origin"
