"""The authorization matrix: every endpoint of the project × every role, against what access_matrix.py declares.

* Every URL pattern (walked from the root resolver) and every operation of the OpenAPI schema must be declared
  in access_matrix.ENDPOINTS; a new endpoint fails test_every_url_pattern_is_declared with what to add.
* Each declared case runs once per role against the matrix world (conftest.build_matrix_world) with a
  logged-in session of that role; the outcome must be the declared one.
* A write that is not allowed must leave every table as it was (audit events included), and no response may
  carry a secret of the world to a role that may not see it.
How to declare a new endpoint: tests/security/README.md.
"""
from __future__ import annotations

import functools
import json
import os
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from . import access_matrix as M

pytestmark = pytest.mark.django_db

_KWARG = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


# --- Enumerating the project -------------------------------------------------------------------------------

def url_patterns(resolver=None, prefix: str = ""):
    """(full route, URLPattern) of every URL pattern of the project, depth first."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def is_api(pattern: URLPattern) -> bool:
    from rest_framework.views import APIView

    cls = getattr(pattern.callback, "cls", None)
    return isinstance(cls, type) and issubclass(cls, APIView)


def view_name(pattern: URLPattern) -> str:
    callback = getattr(pattern.callback, "cls", None) or pattern.callback
    return f"{callback.__module__}.{getattr(callback, '__qualname__', callback.__class__.__name__)}"


@functools.cache
def project_routes() -> dict[str, URLPattern]:
    return {route: pattern for route, pattern in url_patterns() if not route.startswith(M.ADMIN_PREFIX)}


def schema_operations() -> list[tuple[str, str, str]]:
    """(route, METHOD, operationId) of every operation of the OpenAPI schema (drf-spectacular's generator)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    out = []
    for path, operations in schema["paths"].items():
        sample = re.sub(r"\{(\w+)\}", lambda m: "00000000-0000-4000-8000-000000000001" if m.group(1).endswith(("_id", "uuid")) and
                        m.group(1) not in ("evidence_id", "prompt_id", "earner_id", "list_id") else "1", path)
        route = resolve(sample).route
        for method, operation in operations.items():
            if method.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                out.append((route, method.upper(), operation.get("operationId", "")))
    return out


def _suggestion(route: str, pattern: URLPattern, methods) -> str:
    cases = ", ".join(f"{m}(only((\"<role>\", …), others=NOT_FOUND))" for m in methods)
    return f'    "{route}": [{cases}],   # {view_name(pattern)}'


def test_every_url_pattern_is_declared():
    routes = project_routes()
    problems = []
    for route, pattern in routes.items():
        declared = {case.method for case in M.ENDPOINTS.get(route, [])}
        needed = set() if is_api(pattern) else {"GET", "POST"}  # API methods come from the schema (next test)
        if route not in M.ENDPOINTS:
            problems.append(_suggestion(route, pattern, sorted(needed) or ["GET"]))
        elif needed - declared:
            problems.append(f'    "{route}": also declare {", ".join(sorted(needed - declared))} (a web page must say what a '
                            f"GET and a POST do for every role, even if it is NOT_ALLOWED)   # {view_name(pattern)}")
    stale = sorted(set(M.ENDPOINTS) - set(routes))
    assert not problems and not stale, (
        ("Endpoints without a declared expectation. Add them to ENDPOINTS in tests/security/access_matrix.py "
         "(who may use them: see tests/security/README.md):\n" + "\n".join(problems) if problems else "")
        + ("\nDeclared endpoints that no longer exist (remove or rename them in access_matrix.py): " + ", ".join(stale) if stale else ""))


def test_every_api_operation_is_declared():
    missing = []
    for route, method, operation_id in schema_operations():
        if route not in M.ENDPOINTS or method not in {case.method for case in M.ENDPOINTS[route]}:
            missing.append(f'    "{route}": {method}(…)   # operationId {operation_id}')
    assert not missing, ("API operations of the OpenAPI schema without a declared expectation; add a case with this method "
                         "to ENDPOINTS in tests/security/access_matrix.py:\n" + "\n".join(missing))


def test_declarations_are_well_formed():
    problems = []
    for route, cases in M.ENDPOINTS.items():
        for case in cases:
            where = f"{case.method} /{route} [{case.label}]"
            if set(case.expect) != set(M.ROLES):
                problems.append(f"{where}: expectations for {sorted(set(M.ROLES) ^ set(case.expect))} are missing or unknown")
            problems += [f"{where}: {role}: unknown outcome {o!r}" for role, o in case.expect.items() if o not in M.OUTCOMES]
            problems += [f"{where}: leak declared for unknown role {r!r}" for r in case.leaks if r not in M.ROLES]
            for m in _KWARG.finditer(route):
                name = m.group("name")
                if name not in M.URL_KWARGS and name not in case.kwargs:
                    problems.append(f"{where}: URL kwarg “{name}” is not in URL_KWARGS; add it there (name → Obj(object, attribute)) "
                                    "or give kwargs={...} in the case")
                elif M.URL_KWARGS.get(name) is None and name not in case.kwargs:
                    problems.append(f"{where}: URL kwarg “{name}” is ambiguous; say which object it names: kwargs={{'{name}': 'object'}}")
    assert not problems, "Malformed declarations in tests/security/access_matrix.py:\n" + "\n".join(problems)


# --- Running the matrix ------------------------------------------------------------------------------------

def _engine_marks(role: str) -> tuple:
    """In CI (.ci/run: the suite on SQLite and on PostgreSQL side by side) each role's column of the matrix runs on
    one engine, alternating: every case is checked once and both engines answer for half of the roles, which halves
    the matrix's share of CI. A single run (bin/test alone, either engine) checks every role."""
    if not os.environ.get("MICROCRED_ENGINE_AGNOSTIC_PASS"):
        return ()
    on_postgresql = os.environ.get("DATABASE_URL", "").startswith("postgres")
    if (M.ROLES.index(role) % 2 == 1) == on_postgresql:
        return ()
    return (pytest.mark.skip(reason="authorization matrix: this role's column runs on the other engine's pass"),)


CASES = [pytest.param(route, case, role, id=f"{case.method} /{route}{f' [{case.label}]' if case.label else ''} as {role}",
                      marks=_engine_marks(role))
         for route, cases in M.ENDPOINTS.items() for case in cases for role in M.ROLES]


def _resolve(world, spec, name):
    if isinstance(spec, M.Literal):
        return spec.value
    if isinstance(spec, str):
        default = M.URL_KWARGS.get(name)
        spec = M.Obj(spec, default.attr if isinstance(default, M.Obj) else "pk")
    try:
        obj = world["objects"][spec.name]
    except KeyError:
        pytest.fail(f"“{spec.name}” is not an object of the matrix world; known: {', '.join(sorted(world['objects']))} "
                    "(add it in tests/security/conftest.py build_matrix_world)")
    return getattr(obj, spec.attr)


def build_url(route: str, case: M.Case, world) -> str:
    def value(m):
        name = m.group("name")
        if name in case.kwargs:
            return str(_resolve(world, case.kwargs[name], name))
        if name not in M.URL_KWARGS:
            pytest.fail(f"URL kwarg “{name}” of /{route} is not in access_matrix.URL_KWARGS: declare which object it names")
        spec = M.URL_KWARGS[name]
        if spec is None:
            pytest.fail(f"URL kwarg “{name}” of /{route} is ambiguous: give kwargs={{'{name}': 'object'}} in the case")
        return str(_resolve(world, spec, name))
    return "/" + _KWARG.sub(value, route)


def _value(world, v):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if isinstance(v, M.Obj):
        return _resolve(world, v, "")
    if callable(v):
        return v(world)
    if v == "mp4":
        from .conftest import _mp4

        return SimpleUploadedFile("outsider.mp4", _mp4(), content_type="video/mp4")
    return v


def _body(world, spec):
    data = spec(world) if callable(spec) else spec
    if isinstance(data, dict):
        return {k: _value(world, v) for k, v in data.items()}
    return data


def send(client, case: M.Case, url: str, world):
    query = _body(world, case.query) or {}
    data = _body(world, case.data)
    if case.method == "GET":
        return client.get(url, query)
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    method = getattr(client, case.method.lower())
    if case.format == "json":
        return method(url, json.dumps(data if data is not None else {}), content_type="application/json")
    if case.method == "POST":
        return client.post(url, data or {})  # multipart, as a browser form with a file would send it
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return method(url, encode_multipart(BOUNDARY, data or {}), content_type=MULTIPART_CONTENT)


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def observed(response, body: bytes, *, api: bool) -> str:
    from django.conf import settings
    from django.shortcuts import resolve_url

    status = response.status_code
    if status >= 500:
        return f"ERROR {status}"
    if 300 <= status < 400:
        location = response.get("Location", "")
        login = resolve_url(settings.LOGIN_URL)
        return M.LOGIN if location.startswith((login, "/admin/login/")) else M.OK
    if status == 401 or (status == 403 and api and b"credentials were not provided" in body):
        return M.LOGIN
    return {403: M.FORBIDDEN, 404: M.NOT_FOUND, 405: M.NOT_ALLOWED}.get(status, M.OK if status < 300 else f"BAD REQUEST {status}")


# Tables a refused request may touch without that being a change of anyone's data: the session store and the
# login-attempt log (lockout counts failed logins, which is its job), and the rate-limit counters (failed log-ins
# per address, password-reset requests: counting refused requests is their job).
IGNORED_TABLES = ("django_session", "axes_", "core_ratelimitcounter")
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+["`]?(\w+)', re.IGNORECASE)


class WriteRecorder:
    """Every INSERT/UPDATE/DELETE the request sends to the database (through Django's cursor: ORM and raw SQL alike).

    Cheaper than comparing every row before and after, and stricter: a refused request must not write at all
    (audit events included)."""

    def __init__(self):
        self.writes: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        m = _WRITE.match(sql)
        if m and not m.group(2).startswith(IGNORED_TABLES):
            self.writes.append(f"{m.group(1).split()[0].upper()} {m.group(2)}")
        return execute(sql, params, many, context)


def leaked_secrets(world, role: str, body: bytes) -> list[str]:
    return [name for name, allowed in M.SECRETS.items()
            if role not in allowed and world["secrets"][name].encode() in body]


@pytest.mark.parametrize(("route", "case", "role"), CASES)
def test_matrix(route, case, role, matrix_world, matrix_client):
    world = matrix_world
    pattern = project_routes().get(route)
    if pattern is None:
        pytest.fail(f"/{route} is declared but no longer exists; remove it from access_matrix.ENDPOINTS")
    expected = case.expect[role]
    url = build_url(route, case, world)
    writes = case.method in M.WRITE_METHODS
    check_unchanged = expected != M.OK  # an outsider's GET must not write either
    from django.db import connection

    recorder = WriteRecorder()
    with connection.execute_wrapper(recorder):
        response = send(matrix_client(None if role == "anonymous" else role), case, url, world)
    body = body_of(response)
    got = observed(response, body, api=is_api(pattern))

    failures = []
    if expected in (M.OK, M.REFUSED):
        fine = got == M.OK or (writes and got.startswith("BAD REQUEST"))
        if not fine:
            failures.append(f"expected {expected}, got {got} (HTTP {response.status_code})")
    elif got != expected:
        failures.append(f"expected {expected}, got {got} (HTTP {response.status_code})")
    if check_unchanged and recorder.writes:
        failures.append(f"a {case.method} that is not {role}'s to make wrote to the database: {', '.join(sorted(set(recorder.writes)))}")
    leaks = leaked_secrets(world, role, body)
    if leaks:
        failures.append(f"the response carries what {role} may not see: {', '.join(leaks)}")
    if failures and role in case.leaks:
        pytest.xfail(case.leaks[role])
    assert not failures, f"{case.method} {url} as {role}: " + "; ".join(failures)


# --- The Django admin: staff only ----------------------------------------------------------------------------

ADMIN_DOOR = ("admin/login/", "admin/logout/")  # the way in (it sends people to the site's own login) and out


def admin_urls(*, every_route: bool) -> list[str]:
    """The admin's index and every model's list; with every_route, every admin URL (kwargs filled with 1)."""
    from django.contrib import admin
    from django.urls import reverse

    urls = [reverse("admin:index")] + [reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist") for m in admin.site._registry]
    if every_route:
        for route, _pattern in url_patterns():
            if route.startswith(M.ADMIN_PREFIX) and route not in ADMIN_DOOR and "(?P" not in route and "^" not in route:
                urls.append("/" + _KWARG.sub("1", route))
    return sorted(set(urls))


@pytest.mark.parametrize("role", M.ROLES)
def test_admin_is_staff_only(role, matrix_world, matrix_client):
    """Declared as one group: every admin URL sends anyone who is not Django staff to the admin login, and a POST
    by them writes nothing. Platform admins are a role in an organization, not staff."""
    from django.db import connection

    client = matrix_client(None if role == "anonymous" else role)
    every_route = role in ("anonymous", "platform_admin")  # the others are the same to the admin: not staff
    wrong, recorder = [], WriteRecorder()
    with connection.execute_wrapper(recorder):
        for url in admin_urls(every_route=every_route):
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"username": "outsider"} if method == "post" else None)
                if observed(response, body_of(response), api=False) != M.LOGIN:
                    wrong.append(f"{method.upper()} {url}: HTTP {response.status_code}")
    assert not wrong, f"the admin must send {role} (not staff) to the admin login:\n" + "\n".join(wrong)
    assert not recorder.writes, f"{role} wrote through the admin: {sorted(set(recorder.writes))}"


# --- The checks themselves see what they look for (so a pass means something) ------------------------------

@pytest.mark.parametrize(("role", "route", "kwargs", "secret"), [
    ("earner", "earn/attempts/<int:pk>/", {"pk": "draft_attempt"}, "draft_answer"),
    ("coach", "earn/attempts/<int:pk>/", {"pk": "draft_attempt"}, "draft_answer"),
    ("assessor_assigned", "api/v1/assessment/items/<int:pk>/", {"pk": "assignment"}, "submitted_answer"),
    ("coach", "earn/plan/<int:earner_id>/", {}, "goals"),
    ("author", "catalog/author/mc/<slug:slug>/v<int:number>/", {"slug": M.Obj("draft_mc", "slug"), "number": M.Obj("draft_version", "number")},
     "draft_title"),
    ("earner", "catalog/mc/<slug:slug>/", {"slug": M.Obj("members_mc", "slug")}, "members_title"),
    ("coach", "earn/attempts/<int:pk>/", {"pk": "draft_attempt"}, "earner_surname"),
])
def test_secrets_reach_the_people_allowed_to_see_them(role, route, kwargs, secret, matrix_world, matrix_client):
    url = build_url(route, M.Case("GET", M.EVERYONE, kwargs=kwargs), matrix_world)
    response = matrix_client(role).get(url)
    assert response.status_code == 200
    assert matrix_world["secrets"][secret].encode() in body_of(response), f"{secret} is not on {url}: the leak check would see nothing"


def test_write_recorder_sees_an_allowed_write(matrix_world, matrix_client):
    from django.db import connection

    case = M.ENDPOINTS["earn/attempts/<int:pk>/answer/<int:prompt_id>/"][1]
    recorder = WriteRecorder()
    with connection.execute_wrapper(recorder):
        response = send(matrix_client("earner"), case, build_url("earn/attempts/<int:pk>/answer/<int:prompt_id>/", case, matrix_world),
                        matrix_world)
    assert response.status_code == 302
    assert any(w.startswith("UPDATE earning_") or w.startswith("INSERT earning_") for w in recorder.writes), recorder.writes
