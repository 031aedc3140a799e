"""Embedded local run (the demo): SQLite in the data folder unless DATABASE_URL is set."""
import os

from .base import *  # noqa: F401,F403

# Serve static files straight from the apps, so the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise expects it)

# The demo's e-mails (notifications, password resets) land as files in the data folder, where they can be read,
# unless a real backend is configured.
if "MICROCRED_EMAIL_BACKEND" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "sent-mail"  # noqa: F405

# The address the demo last served at (`microcred demo` writes it), so commands run by hand build the same links.
_demo_site_url = DATA_DIR / "site_url"  # noqa: F405
if "MICROCRED_SITE_URL" not in os.environ and _demo_site_url.is_file():
    SITE_URL = _demo_site_url.read_text(encoding="utf-8").strip().rstrip("/") or SITE_URL  # noqa: F405

# The help page shows a support address; a deployment sets its own.
MICROCRED_SUPPORT_EMAIL = os.environ.get("MICROCRED_SUPPORT_EMAIL", "help@microcred.example")
# The demo's example identity providers run on this machine (docs/sso.md): http is allowed here, never in production.
MICROCRED_SSO_ALLOW_HTTP = os.environ.get("MICROCRED_SSO_ALLOW_HTTP", "1").lower() in ("1", "true", "yes", "on")
