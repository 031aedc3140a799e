"""Schemathesis against the project's own OpenAPI document, in-process, on the test database.

Every operation of ``/api/schema/`` is called with generated (valid and invalid) input as each caller below, and
every response must be a non-5xx that the schema documents: a listed status code, the listed content type and a
body that matches the listed shape. Operations added later (recognition, credentials) are picked up automatically.
"""
from __future__ import annotations

import contextlib
import re
import warnings
from urllib.parse import unquote, urlsplit

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from microcred.credentials.tests.conftest import earn
from microcred.earning import services as earning
from microcred.earning.tests.factories import submit_complete

# The API's input handling is the same on every engine: fuzzed on the SQLite pass only.
pytestmark = pytest.mark.engine_agnostic

# Few examples per operation and caller: the whole file must stay well under two minutes on SQLite.
MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CALLERS = ["anonymous", "earner", "assessor", "issuer_admin"]
COVERAGE_CALLERS = {"earner", "issuer_admin"}
FUZZ = settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


@contextlib.contextmanager
def _keep_test_connection():
    """The WSGI handler closes "old" connections at the start and end of each request, which would end the test's
    transaction; Django's own test client unhooks the same signal for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_world(world, published, publish_mc):
    """Something to find for every caller: an earned attempt, an open one, and one in the assessor's queue."""
    earn(world, published)
    queued_version = publish_mc(slug="queued-mc", title="Queued MC")
    earner = world["people"]["earner"]
    submit_complete(earning.start_attempt(earner=earner, micro_credential=queued_version.micro_credential), earner)
    open_version = publish_mc(slug="open-mc", title="Open MC")
    earning.start_attempt(earner=world["people"]["other_earner"], micro_credential=open_version.micro_credential)
    return world


@pytest.fixture(params=CALLERS)
def caller(request):
    return request.param


@pytest.fixture
def api_schema(api_world, caller):
    with _keep_test_connection():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    schema.config.generation.update(max_examples=MAX_EXAMPLES)
    # The coverage phase (boundary values, every missing field, unexpected methods) costs as much as the rest:
    # run it for the two callers who reach the most code, to keep the file under two minutes.
    schema.config.phases.coverage.enabled = caller in COVERAGE_CALLERS
    return schema


@pytest.fixture
def caller_headers(api_world, caller):
    """Token authentication (no CSRF token needed for unsafe methods, unlike the session)."""
    if caller == "anonymous":
        return {}
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=api_world["people"][caller])
    return {"Authorization": f"Token {token.key}"}


# Which objects a path parameter names, by (path fragment, parameter): the first match wins.
PARAMETER_MODELS = [
    ("/earning/attempts/", "evidence_id", "earning.Evidence"), ("/earning/attempts/", "id", "earning.Attempt"),
    ("/assessment/items/", "id", "assessment.Assignment"), ("/micro-credentials/", "slug", "catalog.MicroCredential"),
    ("/stacks/", "slug", "catalog.Stack"), ("/recognition/policies/", "slug", "recognition.Policy"),
]


@pytest.fixture
def known_objects(api_world):
    """Primary keys or slugs of existing objects per model, to steer part of the generated path parameters at."""
    from django.apps import apps

    known = {}
    for _, parameter, label in PARAMETER_MODELS:
        field = "slug" if parameter == "slug" else "pk"
        known[label] = sorted(apps.get_model(label).objects.values_list(field, flat=True))
    return known


def _steer(case, known_objects) -> None:
    """Two in three generated ids and slugs (chosen by the value itself, so runs stay reproducible) are swapped for
    existing ones of the right model: random values alone would only ever meet 404s. Versions are numbered 1, 2."""
    for name, value in list((case.path_parameters or {}).items()):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            continue
        n = value if isinstance(value, int) else len(value)
        if n % 3 == 0:
            continue  # keep the generated value: unknown and malformed ids must be answered well too
        if name == "number":
            case.path_parameters[name] = 1 + n % 2
            continue
        label = next((label for fragment, parameter, label in PARAMETER_MODELS
                      if fragment in case.path and parameter == name), None)
        pool = known_objects.get(label) or []
        if pool:
            case.path_parameters[name] = pool[n % len(pool)]


def _routed(url: str) -> bool:
    try:
        resolve(unquote(urlsplit(url).path))
    except Resolver404:
        return False
    return True


schema = schemathesis.pytest.from_fixture("api_schema")
# The recognition API is being built right now and does not document its 403/404 answers yet (reported to the lead).
# Until it does, those two undocumented codes there are a warning, not a failure; 5xx and every documented answer
# are checked as everywhere else. Empty this pattern once recognition's views list their error responses.
PENDING_ERROR_DOCS = re.compile(r"^$^")  # every API documents its errors now; add a prefix here only while building one


class UndocumentedErrorWarning(UserWarning):
    pass


_warned: set = set()


def _call_and_check(case, caller_headers, known_objects):
    _steer(case, known_objects)
    with _keep_test_connection():
        response = case.call(headers=caller_headers)
    if not _routed(response.request.url):
        # A path parameter Django's URL converters refuse (an "id" of -1 or "x/y") never reaches the API view:
        # the site's 404 page answers. That must still be a plain 404, never a crash.
        assert response.status_code == 404, f"{case.method} {response.request.url} -> {response.status_code}"
        return
    documented = {str(code) for code in case.operation.definition.raw.get("responses", {})}
    if (PENDING_ERROR_DOCS.match(case.operation.path) and response.status_code in (403, 404)
            and str(response.status_code) not in documented):
        if (case.operation.label, response.status_code) not in _warned:
            _warned.add((case.operation.label, response.status_code))
            warnings.warn(UndocumentedErrorWarning(f"{case.operation.label} answered {response.status_code}, "
                                                   f"which its schema does not list"), stacklevel=1)
        case.validate_response(response, checks=[not_a_server_error])
        return
    case.validate_response(response, checks=CHECKS)


@FUZZ
@schema.parametrize()
def test_every_operation_answers_as_documented(case, caller_headers, known_objects):
    _call_and_check(case, caller_headers, known_objects)


def test_token_authentication_reaches_the_callers_own_data(api_world, caller_headers, caller):
    """The callers above really are signed in (a broken token would silently make every caller anonymous)."""
    from django.test import Client

    response = Client().get("/api/v1/earning/attempts/", headers=caller_headers)
    if caller == "anonymous":
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert len(response.json()) == (2 if caller == "earner" else 0)
