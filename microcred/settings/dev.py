"""Embedded local run (the demo): SQLite in the data folder unless DATABASE_URL is set."""
from .base import *  # noqa: F401,F403

# Serve static files straight from the apps, so the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise expects it)
