"""A web process gets ready before its first request (core/serving.py, decision 0054)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.engine_agnostic  # their own SQLite or none: the PostgreSQL pass skips them (conftest.py)

ROOT = Path(__file__).resolve().parents[3]

# Runs in its own interpreter: freezing the collector, closing connections and loading the production entry point
# must not touch the test process or its database.
PROBE = r"""
import gc, io, json, sys
import microcred.wsgi as wsgi
from django.db import connections
from django.urls import get_resolver
frozen = gc.get_freeze_count()
open_connections = [alias for alias in connections if connections[alias].connection is not None]
views_loaded = "microcred.earning.views" in sys.modules and "microcred.credentials.views" in sys.modules
gc.collect()  # a full sweep after the freeze leaves the frozen objects alone
statuses = []
body = wsgi.application({"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80",
                         "HTTP_HOST": "127.0.0.1", "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http",
                         "wsgi.errors": sys.stderr, "wsgi.version": (1, 0), "wsgi.multithread": True,
                         "wsgi.multiprocess": True, "wsgi.run_once": False},
                        lambda status, headers, exc_info=None: statuses.append(status))
print(json.dumps({"frozen": frozen, "frozen_after_sweep": gc.get_freeze_count(), "open_connections": open_connections,
                  "views_loaded": views_loaded, "status": statuses[0], "body": b"".join(body).decode()}))
"""


def _probe(tmp_path, code=PROBE):
    """Run ``code`` in a fresh interpreter with the test settings and its own data folder; its last line's JSON."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MICROCRED_", "DATABASE_URL"))}
    env.update({"DJANGO_SETTINGS_MODULE": "microcred.settings.test", "MICROCRED_DATA_DIR": str(tmp_path / "data"),
                "PYTHONPATH": str(ROOT)})
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_wsgi_entry_point_loads_every_view_freezes_what_it_loaded_and_keeps_no_connection(tmp_path):
    # A fresh data folder, no tables yet: the start depends on no data (the site URL check finds none).
    found = _probe(tmp_path)
    assert found["views_loaded"] is True
    # Django, the libraries and the views: far more than a bare interpreter's few thousand objects.
    assert found["frozen"] > 50_000
    # The sweep leaves them (only the few freed since by reference counting leave the count).
    assert found["frozen_after_sweep"] > 0.99 * found["frozen"]
    assert found["open_connections"] == []
    # ... and the process still serves, with a connection of its own opened on demand.
    assert found["status"].startswith("200"), found
    assert json.loads(found["body"])["status"] == "ok"


def test_ready_to_serve_is_idempotent_and_reports_what_is_frozen(tmp_path):
    probe = r"""
import gc, json, django
django.setup()
from microcred.core.serving import ready_to_serve
first = ready_to_serve()
again = ready_to_serve()
print(json.dumps({"first": first, "again": again, "count": gc.get_freeze_count()}))
"""
    found = _probe(tmp_path, probe)
    assert found["first"] > 50_000
    assert found["again"] >= found["first"] and found["count"] == found["again"]


def test_our_templates_are_compiled_before_the_first_request_and_a_broken_one_is_only_logged(settings, tmp_path, monkeypatch, caplog):
    from microcred.core import serving

    assert serving.compile_templates() > 100  # every page, partial and e-mail layout of the project
    folder = tmp_path / "templates"
    (folder / "good").mkdir(parents=True)
    (folder / "good" / "page.html").write_text("<p>{{ name|upper }}</p>")
    (folder / "broken.html").write_text("{% if %}<script>alert(1)</script>")  # hostile and unparseable
    settings.TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [str(folder)],
                           "APP_DIRS": False, "OPTIONS": {}}]
    monkeypatch.setattr(serving, "PACKAGE", tmp_path)
    with caplog.at_level("WARNING", logger="microcred.core.serving"):
        assert serving.compile_templates() == 1
    assert "broken.html does not compile" in caplog.text


def test_apps_warm_ups_run_before_serving_and_a_failing_one_is_only_logged(monkeypatch, caplog):
    from microcred.core import serving

    ran = []
    monkeypatch.setattr(serving, "_warm_ups", [])

    def fine():
        ran.append("fine")

    def broken():
        raise RuntimeError('<script>alert("x")</script>')

    for warm_up in (broken, fine, fine):  # the same function twice runs once
        serving.register_warm_up(warm_up)
    with caplog.at_level("WARNING", logger="microcred.core.serving"):
        assert serving.run_warm_ups() == 1
    assert ran == ["fine"] and "broken failed" in caplog.text


def test_the_credential_verifier_is_warm_before_the_first_request(tmp_path):
    """Decision 0062: the schemas and JSON-LD contexts are loaded by ready_to_serve (frozen with the rest), so the
    first verification in a process no longer costs ≈ 0.6 s of CPU on a visitor's request."""
    probe = r"""
import json, django
django.setup()
from microcred.credentials.standards import jsonld, verify
before = {"schema": verify._validator is not None, "contexts": len(jsonld.default_loader().processed_contexts)}
from microcred.core.serving import ready_to_serve
ready_to_serve()
after = {"schema": verify._validator is not None, "clr_schema": verify._clr_validator is not None,
         "contexts": len(jsonld.default_loader().processed_contexts)}
print(json.dumps({"before": before, "after": after}))
"""
    found = _probe(tmp_path, probe)
    assert found["before"] == {"schema": False, "contexts": 0}
    assert found["after"]["schema"] and found["after"]["clr_schema"] and found["after"]["contexts"] > 0
