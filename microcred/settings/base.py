"""Settings shared by every environment. Environment variables choose the database and secrets."""
import os
import secrets
from pathlib import Path

import dj_database_url

from microcred.core.object_storage import storage_settings
from microcred.core.redis_cache import cache_settings

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The embedded data folder: SQLite database, uploaded evidence, generated secrets.
DATA_DIR = Path(os.environ.get("MICROCRED_DATA_DIR", "var")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if os.environ.get("MICROCRED_SECRET_KEY"):
        return os.environ["MICROCRED_SECRET_KEY"]
    # Embedded installs keep a generated key in the data folder so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Issuer private keys are encrypted at rest under a key derived from this (falls back to SECRET_KEY).
# Keep it stable and backed up separately from the database: without it no issuer key can be used.
MICROCRED_KEY_ENCRYPTION_KEY = os.environ.get("MICROCRED_KEY_ENCRYPTION_KEY", "")
DEBUG = _env_bool("MICROCRED_DEBUG")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("MICROCRED_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("MICROCRED_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]
# Absolute base URL used in e-mails and, later, in credential identifiers.
SITE_URL = os.environ.get("MICROCRED_SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    # Our apps first, so their templates (e.g. registration/*) win over the admin's.
    "microcred.core",
    "microcred.accounts",
    "microcred.sso",
    "microcred.rosters",
    "microcred.catalog",
    "microcred.earning",
    "microcred.people",
    "microcred.assessment",
    "microcred.credentials",
    "microcred.quality",
    "microcred.recognition",
    "microcred.interop",
    "microcred.analytics",
    "microcred.demo",
    # The admin site of microcred: its login is the site's (lockout, two-factor), see accounts/admin_site.py.
    "microcred.accounts.admin_site.MicrocredAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "oauth2_provider",
    "django_tasks",
    "django_tasks.backends.database",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "microcred.core.audit_context.AuditContextMiddleware",  # "from where" of audit events
    "microcred.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Only on the LTI tool's views (an LMS frames them): the session cookie they set is SameSite=None; Secure.
    "microcred.interop.lti.middleware.LtiSessionCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # the browser's language (Accept-Language) or the chosen one (cookie)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "microcred.accounts.middleware.RememberRolesMiddleware",  # memberships read once per request (issue 18)
    "microcred.accounts.middleware.PersonLanguageMiddleware",  # a signed-in person's saved language wins
    # No copy of a signed-in person's pages or of any export in browser or proxy caches (shared school computers).
    "microcred.core.middleware.PrivateResponsesNotStoredMiddleware",
    "microcred.accounts.sessions.IdleSessionMiddleware",  # an active session stays alive; an idle one ends
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "microcred.accounts.middleware.RequireTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "microcred.urls"
WSGI_APPLICATION = "microcred.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "microcred.core.menu.menu",  # the navigation the apps contribute (core/menu.py)
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=int(os.environ.get("MICROCRED_CONN_MAX_AGE", "60")))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "microcred.sqlite3",
        "OPTIONS": {
            # WAL lets readers proceed while one writer commits; IMMEDIATE avoids
            # "database is locked" on read-then-write transactions.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}

# Caching (issue 18, decisions 0033 and 0039, docs/operations.md "Caching"): the embedded default is a local-memory
# cache per process, whose entries are retired across the machine's workers through generation stamps
# (microcred/core/cache.py); REDIS_URL (redis://HOST:6379/0) shares one Redis between several web nodes.
CACHES = cache_settings(os.environ.get("REDIS_URL", ""), directory=DATA_DIR / "cache" / "entries",
                        max_entries=int(os.environ.get("MICROCRED_CACHE_MAX_ENTRIES", "5000")),
                        timeout_seconds=float(os.environ.get("MICROCRED_REDIS_TIMEOUT_SECONDS", "0.5")))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# argon2id at OWASP's recommended cost (decision 0052, microcred/accounts/hashers.py); PBKDF2 hashes from before
# still verify and are re-hashed at the next login.
PASSWORD_HASHERS = [
    "microcred.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The axes backend comes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Answers user.has_perm() for the few names apps below accounts ask (accounts/policy.py PERMISSIONS), finally:
    # before ModelBackend, so no permission row granted in the admin widens the policy's answer.
    "microcred.accounts.policy.PolicyBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en"
# The interface languages (docs/accessibility.md, "Languages"): chosen from the browser, switchable in every page's
# footer and remembered per person.
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [Path(__file__).resolve().parent.parent / "locale"]
LANGUAGE_COOKIE_NAME = "microcred_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
# Private files (evidence, personal-data and research exports): the data folder's media/ by default; an
# S3-compatible bucket when MICROCRED_S3_BUCKET is set (docs/operations.md "Object storage (S3)", decision 0041).
# Credentials come from boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, an instance role).
MICROCRED_S3_DOWNLOAD_SECONDS = int(os.environ.get("MICROCRED_S3_DOWNLOAD_SECONDS", "60"))
STORAGES = {
    "default": storage_settings(bucket=os.environ.get("MICROCRED_S3_BUCKET", ""),
                                endpoint_url=os.environ.get("MICROCRED_S3_ENDPOINT_URL", ""),
                                region=os.environ.get("MICROCRED_S3_REGION", ""),
                                prefix=os.environ.get("MICROCRED_S3_PREFIX", ""),
                                addressing_style=os.environ.get("MICROCRED_S3_ADDRESSING_STYLE", ""),
                                download_seconds=MICROCRED_S3_DOWNLOAD_SECONDS),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Password reset and notifications: console by default, SMTP when configured.
EMAIL_BACKEND = os.environ.get("MICROCRED_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("MICROCRED_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("MICROCRED_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("MICROCRED_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("MICROCRED_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("MICROCRED_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("MICROCRED_FROM_EMAIL", "microcred <no-reply@localhost>")
# Working days within which a decision is promised when an issuer has set no promise of its own (IssuerPolicy).
MICROCRED_ASSESSMENT_TURNAROUND_DAYS = int(os.environ.get("MICROCRED_ASSESSMENT_TURNAROUND_DAYS", "14"))
# Where people write for help with the platform itself (shown on /help/; empty: only organization contacts).
MICROCRED_SUPPORT_EMAIL = os.environ.get("MICROCRED_SUPPORT_EMAIL", "")

# Bound what one request may carry; evidence uploads (a later issue) stream to disk.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Largest MC definition accepted by the JSON import.
MICROCRED_MAX_DEFINITION_BYTES = 2 * 1024 * 1024
# Largest JSON body the API parses.
MICROCRED_MAX_JSON_BYTES = 4 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "microcred.core.api.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "microcred.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "microcred API",
    "DESCRIPTION": "Catalog, authoring and (in later versions) earning, assessment, credentials and recognition of educator micro-credentials.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MICROCRED_LOG_LEVEL", "WARNING")},
}

# Evidence uploads
# Per-kind limits in bytes (MICROCRED_UPLOAD_LIMIT_VIDEO_MB etc. override); no request carries more file bytes
# than the largest. Uploads spool to a temporary folder in the data dir (not a RAM-backed /tmp), from where the
# filesystem storage moves them into place.
MICROCRED_UPLOAD_LIMITS = {
    kind: int(os.environ.get(f"MICROCRED_UPLOAD_LIMIT_{kind.upper()}_MB", default_mb)) * 1024 * 1024
    for kind, default_mb in {"video": 2048, "document": 100, "image": 25, "audio": 300}.items()
}
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "microcred.earning.uploads.LimitedTemporaryFileUploadHandler",
]
FILE_UPLOAD_TEMP_DIR = os.environ.get("MICROCRED_UPLOAD_TEMP_DIR", str(DATA_DIR / "upload-tmp"))
Path(FILE_UPLOAD_TEMP_DIR).mkdir(parents=True, exist_ok=True)

# Web security baseline (docs/security.md)
# Sessions and CSRF: cookies are HttpOnly (CSRF's too: htmx reads the token from the page, not the cookie),
# SameSite=Lax. A session ends when the browser closes (the cookie has no expiry date) or after
# MICROCRED_SESSION_HOURS (12) without activity (microcred.accounts.sessions.IdleSessionMiddleware keeps an
# active one alive), whichever comes first: shared school computers.
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read with one plain statement on every signed-in request (accounts/session_store.py).
SESSION_ENGINE = "microcred.accounts.session_store"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = int(os.environ.get("MICROCRED_SESSION_HOURS", "12")) * 3600
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "microcred.accounts.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every page (microcred.core.middleware); unset keeps the built-in policy.
MICROCRED_CONTENT_SECURITY_POLICY = os.environ.get("MICROCRED_CONTENT_SECURITY_POLICY") or None

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that username is locked from that address for the cool-off period. Admins unlock in /admin/ (People → Unlock).
AXES_ENABLED = True
AXES_FAILURE_LIMIT = int(os.environ.get("MICROCRED_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("MICROCRED_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "microcred.accounts.views.locked_out"
# The same client address as the audit trail (MICROCRED_TRUSTED_PROXIES decides how far X-Forwarded-For is believed).
AXES_CLIENT_IP_CALLABLE = "microcred.core.audit_context.client_address"
AXES_VERBOSE = False
# Password spraying (microcred.accounts.throttle): failed log-ins from one address across all usernames. At this
# many in one window, log-in from that address pauses until the window ends. Higher than the per-username limit:
# a school's teachers may share one address. 0 turns it off.
MICROCRED_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("MICROCRED_LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
MICROCRED_LOGIN_ADDRESS_WINDOW_MINUTES = int(os.environ.get("MICROCRED_LOGIN_ADDRESS_WINDOW_MINUTES", "15"))

# Password reset e-mails (microcred.accounts.views.PasswordResetView): at most this many requests per client
# address per hour, and this many e-mails per account per hour; beyond them nothing is sent and the page answers
# as usual (it never tells whether an account exists). Counted in the database, across worker processes.
MICROCRED_PASSWORD_RESET_PER_ADDRESS = int(os.environ.get("MICROCRED_PASSWORD_RESET_PER_ADDRESS", "10"))
MICROCRED_PASSWORD_RESET_PER_ACCOUNT = int(os.environ.get("MICROCRED_PASSWORD_RESET_PER_ACCOUNT", "3"))

# Two-factor (TOTP, django-otp). Anyone may turn it on; with this set, platform and issuer admins, recognizer
# admins, assessors and staff must (they are sent to set it up). Off by default here; on in production settings.
MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES = _env_bool("MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES", False)
OTP_TOTP_ISSUER = os.environ.get("MICROCRED_2FA_ISSUER", "microcred")

# Open Badges 2.0 import (docs/credentials.md). Online checking (fetching hosted assertions, issuers' keys and
# revocation lists, with timeouts, size limits and no private addresses) is off unless turned on here.
MICROCRED_OB2_ONLINE = _env_bool("MICROCRED_OB2_ONLINE", False)

# Open Badges 3.0 API (microcred.interop, docs/interop.md): OAuth 2.0 authorization code grant with PKCE (S256
# only), clients registered dynamically (RFC 7591), each limited to the scopes it registered; django-oauth-toolkit.
MICROCRED_OB_API_TITLE = os.environ.get("MICROCRED_OB_API_TITLE", "microcred")
# Shown to wallets in the service description (OB 3.0 requires both); the site's home page until set.
MICROCRED_TERMS_URL = os.environ.get("MICROCRED_TERMS_URL", "")

# Outbound webhooks (docs/webhooks.md): retries with exponential backoff, automatic disabling after repeated failure,
# and never to a private, loopback or link-local address unless allowed (tests and closed networks only).
MICROCRED_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = _env_bool("MICROCRED_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)
MICROCRED_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("MICROCRED_WEBHOOK_MAX_ATTEMPTS", "8"))
MICROCRED_WEBHOOK_RETRY_BASE_SECONDS = int(os.environ.get("MICROCRED_WEBHOOK_RETRY_BASE_SECONDS", "30"))
MICROCRED_WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("MICROCRED_WEBHOOK_DISABLE_AFTER_FAILURES", "10"))
MICROCRED_WEBHOOK_DISABLE_AFTER_SECONDS = int(os.environ.get("MICROCRED_WEBHOOK_DISABLE_AFTER_SECONDS", "86400"))
MICROCRED_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("MICROCRED_WEBHOOK_TIMEOUT_SECONDS", "10"))
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update({
    "WebhookSubscriptionStateEnum": "microcred.interop.models.WebhookSubscription.State",
    "WebhookDeliveryStateEnum": "microcred.interop.models.WebhookDelivery.State",
})
MICROCRED_PRIVACY_URL = os.environ.get("MICROCRED_PRIVACY_URL", "")
# Stated (not swapped): the interop migration names the application model through this setting.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "microcred.interop.oauth.RegisteredScopes",
    "OAUTH2_SERVER_CLASS": "microcred.interop.oauth.S256OnlyServer",
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,          # S256 only: "plain" is refused (OB 3.0 §7.3.2.1)
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,  # tokens in the Authorization header, never in a URL
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,        # only a checksum of each token is stored
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,   # RFC 9207 `iss` in the authorization response
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,                # OB 3.0 recommends one hour
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 600,           # OB 3.0 recommends ten minutes, used once
    "REFRESH_TOKEN_EXPIRE_SECONDS": 180 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,             # a replayed refresh token ends the whole grant
    "REQUEST_APPROVAL_PROMPT": "force",                 # the earner approves every authorization request
    # Registration accepts https redirect URIs, and http only on a loopback address (native clients, RFC 8252).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"],
    "ALLOWED_SCHEMES": ["https", "http"],
}
# DOT warns that http redirect URIs are allowed: on purpose, for loopback only (interop/registration.py enforces it).
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W008"]
# Verifier online mode (off by default): resolve an issuer's own did:web / https key document, and status lists,
# over HTTPS with a 5 s timeout, a 256 KB limit, no redirects and never to private addresses; cached (seconds).
MICROCRED_VERIFY_ONLINE = _env_bool("MICROCRED_VERIFY_ONLINE", False)
MICROCRED_VERIFY_ONLINE_CACHE_SECONDS = int(os.environ.get("MICROCRED_VERIFY_ONLINE_CACHE_SECONDS", "3600"))

# CASE 1.0 competency framework import (docs/competency-frameworks.md). Downloading a CFPackage from a URL is off
# unless turned on here; when on: HTTPS only, public addresses only, no redirects, a timeout and a size cap.
MICROCRED_CASE_ONLINE = _env_bool("MICROCRED_CASE_ONLINE", False)
MICROCRED_CASE_MAX_BYTES = int(os.environ.get("MICROCRED_CASE_MAX_MB", "10")) * 1024 * 1024
MICROCRED_CASE_TIMEOUT = int(os.environ.get("MICROCRED_CASE_TIMEOUT", "20"))
MICROCRED_CASE_MAX_ITEMS = int(os.environ.get("MICROCRED_CASE_MAX_ITEMS", "20000"))

# Roster imports (microcred.rosters, docs/rosters.md). Scheduled syncs may read folders only under these roots
# (separated by the OS path separator; none by default: folder syncs are off until the operator names a root).
MICROCRED_ROSTER_SYNC_ROOTS = [p for p in os.environ.get("MICROCRED_ROSTER_SYNC_ROOTS", "").split(os.pathsep) if p]
MICROCRED_ROSTER_MAX_UPLOAD_BYTES = int(os.environ.get("MICROCRED_ROSTER_MAX_UPLOAD_MB", "500")) * 1024 * 1024
MICROCRED_ROSTER_SYNC_MAX_BYTES = int(os.environ.get("MICROCRED_ROSTER_SYNC_MAX_MB", "500")) * 1024 * 1024
MICROCRED_ROSTER_SYNC_TIMEOUT = int(os.environ.get("MICROCRED_ROSTER_SYNC_TIMEOUT", "30"))
# The API's enums of roster imports have their own names (a "kind" and a "state" exist elsewhere too).
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update({
    "RosterImportKindEnum": "microcred.rosters.models.ImportRun.Kind",
    "RosterImportStateEnum": "microcred.rosters.models.ImportRun.State",
    "RosterImportSourceEnum": "microcred.rosters.models.ImportRun.Source",
})

# Single sign-on (microcred.sso, docs/sso.md). Identity providers must be reached over https; tests and the demo,
# whose providers run on this machine, may allow http. The SAML signature checker is Debian's xmlsec1.
MICROCRED_SSO_ALLOW_HTTP = _env_bool("MICROCRED_SSO_ALLOW_HTTP")
MICROCRED_SSO_XMLSEC_BINARY = os.environ.get("MICROCRED_SSO_XMLSEC_BINARY", "/usr/bin/xmlsec1")
MICROCRED_SSO_TIMEOUT_SECONDS = 10

# LTI 1.3 tool (docs/lti.md): platforms' addresses must be https unless this is on (tests, a local LMS);
# the timeout of each call to a platform (its keys, token and grade endpoints).
MICROCRED_LTI_ALLOW_HTTP = _env_bool("MICROCRED_LTI_ALLOW_HTTP")
MICROCRED_LTI_TIMEOUT_SECONDS = int(os.environ.get("MICROCRED_LTI_TIMEOUT_SECONDS", "10"))
# A credential's state (active, suspended, revoked) in the credentials API: its own enum name.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["IssuedCredentialStateEnum"] = "microcred.credentials.models.IssuedCredential.State"

# Analytics (issue 17): counts of fewer than this many people are never shown (pages, CSVs, API, the recognizer's
# qualifiers); at least 5 — a lower value is refused (microcred/core/suppression.py, docs/decisions/0025).
MICROCRED_SMALL_CELL_THRESHOLD = int(os.environ.get("MICROCRED_SMALL_CELL_THRESHOLD", "10"))
# The research export's k-anonymity: every released combination of quasi-identifiers covers at least k people.
MICROCRED_RESEARCH_K = 10
# A dashboard without a pre-aggregated snapshot is computed while the reader waits only on a platform holding at most
# this many attempts; above it, the page answers at once and the figures are computed in the background (decision 0043).
MICROCRED_ANALYTICS_LIVE_LIMIT = int(os.environ.get("MICROCRED_ANALYTICS_LIVE_LIMIT", "20000"))
