"""Test settings: the same app, a fast password hasher and an in-memory mailbox."""
import os
import tempfile

# A fresh data folder per test run, removed when the run ends (conftest.py), unless the caller chose one.
MICROCRED_TEST_OWNS_DATA_DIR = "MICROCRED_DATA_DIR" not in os.environ
if MICROCRED_TEST_OWNS_DATA_DIR:
    os.environ["MICROCRED_DATA_DIR"] = tempfile.mkdtemp(prefix="microcred-test-")

from .base import *  # noqa: E402,F401,F403

# Hashing cost is not what these tests are about; test_accounts checks argon2 in base settings.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if CACHES["default"]["BACKEND"].endswith("FileBasedCache"):  # noqa: F405
    # Each test starts from an empty cache (conftest.py), cheapest in memory; the machine-wide file cache that
    # production uses without Redis (decision 0059) is tested on its own (core/tests/test_node_cache.py).
    CACHES = cache_settings("")  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise expects it)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, as in production (WAL + busy timeout), not shared-cache memory whose table locks fail at once:
    # the concurrency tests need two connections to wait for each other the way real requests do.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405
# django-axes needs the request in authenticate(); the test client's login() passes none. Tests of login
# throttling turn it on with override_settings(AXES_ENABLED=True) (tests/security/test_web_baseline.py).
AXES_ENABLED = False
MICROCRED_REQUIRE_2FA_FOR_STAFF_ROLES = False
MICROCRED_LTI_ALLOW_HTTP = True  # the simulated LMS platform of the LTI tests runs on 127.0.0.1
MICROCRED_SSO_ALLOW_HTTP = True  # the tests start their identity providers on 127.0.0.1 over http
