"""Shared fixtures: a small world of organizations, people in each role, and a published MC."""
import pytest

from microcred.catalog.tests.factories import make_definition


@pytest.fixture
def world(db):
    from microcred.accounts import services
    from microcred.accounts.models import Organization, User
    from microcred.catalog.vocabularies import ensure_vocabularies

    ensure_vocabularies()  # a transactional test before this one may have flushed them

    def org(slug, kind, **kw):
        return Organization.objects.create(slug=slug, name=slug.replace("-", " ").title(), kind=kind, **kw)

    state = org("state-agency", "state_agency", state="TN")
    district = org("rural-district", "district", parent=state, state="TN", locale="rural")
    other_district = org("city-district", "district", parent=state, state="TN", locale="city")
    issuer = org("issuer-one", "nonprofit")
    other_issuer = org("issuer-two", "nonprofit")

    def person(username, *memberships):
        user = User.objects.create_user(username=username, password=f"pw-{username}-123", email=f"{username}@example.org",
                                        first_name=username.title(), last_name="Tester")
        for organization, role in memberships:
            services.grant_role(user=user, organization=organization, role=role)
        return user

    people = {
        "author": person("author", (issuer, "author")),
        "issuer_admin": person("issuer_admin", (issuer, "issuer_admin")),
        "other_author": person("other_author", (other_issuer, "author")),
        "other_admin": person("other_admin", (other_issuer, "issuer_admin")),
        "earner": person("earner", (district, "earner")),
        "other_earner": person("other_earner", (other_district, "earner")),
        "assessor": person("assessor", (issuer, "assessor")),
        "recognizer": person("recognizer", (state, "recognizer_admin")),
        "platform_admin": person("platform_admin", (state, "platform_admin")),
    }
    return {"orgs": {"state": state, "district": district, "other_district": other_district, "issuer": issuer,
                     "other_issuer": other_issuer}, "people": people}


@pytest.fixture
def published(world):
    """A published public MC of issuer-one."""
    from microcred.catalog import services

    issuer = world["orgs"]["issuer"]
    admin = world["people"]["issuer_admin"]
    version = services.create_micro_credential(owner=issuer, definition=make_definition(), by=world["people"]["author"])
    services.submit_for_review(version=version, by=world["people"]["author"])
    return services.publish(version=version, by=admin)


@pytest.fixture
def publish_mc(world):
    """Create and publish an MC from a definition (overrides as keyword arguments)."""
    from microcred.catalog import services

    def _publish(owner=None, **overrides):
        owner = owner or world["orgs"]["issuer"]
        admin = world["people"]["issuer_admin" if owner == world["orgs"]["issuer"] else "other_admin"]
        version = services.create_micro_credential(owner=owner, definition=make_definition(owner=owner.slug, **overrides), by=admin)
        services.submit_for_review(version=version, by=admin)
        return services.publish(version=version, by=admin)

    return _publish


def pytest_collection_modifyitems(config, items):
    """Tests whose outcome cannot depend on the database engine run in one pass only. Browser flows (the view tests
    cover both engines) run on the SQLite pass. The other engine-agnostic tests (property-based fuzzing of pure
    functions and of the API's input handling, the shared-cache tests) run on the SQLite pass too, unless
    MICROCRED_ENGINE_AGNOSTIC_PASS=postgresql: .ci/run sets it so that its two passes, side by side on two cores,
    take about as long as each other (CI under 30 minutes)."""
    import os

    on_postgresql = os.environ.get("DATABASE_URL", "").startswith("postgres")
    agnostic_on_postgresql = os.environ.get("MICROCRED_ENGINE_AGNOSTIC_PASS", "sqlite") == "postgresql"
    for item in items:
        if item.get_closest_marker("browser"):
            runs_here = not on_postgresql
        elif item.get_closest_marker("engine_agnostic"):
            runs_here = on_postgresql == agnostic_on_postgresql
        else:
            continue
        if not runs_here:
            item.add_marker(pytest.mark.skip(reason="engine-agnostic: runs on the other pass only"))


def pytest_unconfigure(config):
    """Remove the run's temporary data folder (database, uploads, keys) that settings/test.py created."""
    import shutil

    from django.conf import settings

    if settings.configured and getattr(settings, "MICROCRED_TEST_OWNS_DATA_DIR", False):
        shutil.rmtree(settings.DATA_DIR, ignore_errors=True)


@pytest.fixture(autouse=True)
def _empty_cache_per_test():
    """Every test starts with an empty local cache: a page or figure cached by an earlier test (whose rows were rolled
    back, so no signal retired it) is never served to the next one (decision 0044)."""
    from django.core.cache import caches

    caches["default"].clear()
    yield


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A Spanish request through the test client leaves Spanish active in this thread: every test starts and ends in
    the site's language, so one test's language never decides another's."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- One demo seeding per test run ----------------------------------------------------------------------------------
# Seeding the demo world runs tens of thousands of queries (real scoring, issuing, recognition, analytics). Tests that
# only need the seeded world request `seeded_demo`: the first one in the run seeds for real and keeps a copy of every
# table's rows; the others get the database replaced by that copy (a few thousand rows, well under a second or two).
# The tests of seeding itself (idempotency, the command's output) still seed, on top of the copy or from empty.
_DEMO_SNAPSHOT: dict = {}


def _model_tables(connection):
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _take_demo_snapshot(connection) -> dict:
    tables = _model_tables(connection)
    rows = {}
    with connection.cursor() as cursor:
        for table in tables:
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quoted} TO STDOUT") as copy:
                    rows[table] = b"".join(bytes(block) for block in copy)
            else:
                cursor.execute(f"SELECT * FROM {quoted}")
                rows[table] = ([column[0] for column in cursor.description], cursor.fetchall())
    return {"tables": tables, "rows": rows}


def _restore_demo_snapshot(connection, snapshot: dict) -> None:
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import transaction

    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for statement in connection.ops.sql_flush(no_style(), _model_tables(connection), allow_cascade=True):
            cursor.execute(statement)
        for table in snapshot["tables"]:
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "postgresql":
                if snapshot["rows"][table]:
                    with cursor.cursor.copy(f"COPY {quoted} FROM STDIN") as copy:
                        copy.write(snapshot["rows"][table])
            else:
                columns, values = snapshot["rows"][table]
                if values:
                    names = ", ".join(connection.ops.quote_name(c) for c in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f"INSERT INTO {quoted} ({names}) VALUES ({marks})", values)
        # New rows must not collide with the copied primary keys (PostgreSQL's sequences do not follow inserts).
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
            cursor.execute(statement)
    ContentType.objects.clear_cache()


@pytest.fixture
def seeded_demo(request, transactional_db):
    """The database holds exactly the seeded demo world (as `seed_demo` leaves it), without seeding again each time.

    Every test using it is a transactional one (it asks for `transactional_db`), whatever its django_db mark says: the
    copy is committed, so a live server's thread sees it, and the usual flush afterwards removes it. That also keeps
    pytest-django from running these tests first, inside a test transaction, where each one seeded from scratch (the
    on-commit work of seeding never happens there, so such a world could not be kept): 20–50 s a test."""
    from django.db import connection

    from microcred.demo.world import load_demo_world

    key = connection.settings_dict["NAME"]
    if key in _DEMO_SNAPSHOT:
        _restore_demo_snapshot(connection, _DEMO_SNAPSHOT[key])
        return
    load_demo_world()
    _DEMO_SNAPSHOT[key] = _take_demo_snapshot(connection)


@pytest.fixture(autouse=True, scope="session")
def _reserved_names_never_resolve():
    """Names under the reserved .example and .invalid domains (RFC 2606, RFC 6761) never resolve. The demo world
    subscribes a webhook to https://sis.demo-district.example/…, and the test settings run every delivery at once: each
    would wait on the machine's resolver (0.4 s a lookup on a busy CI machine, hundreds of lookups a seeding). They
    fail here at once, with the error the resolver gives; every other name goes to the real resolver."""
    import socket

    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        name = host.decode() if isinstance(host, bytes) else str(host or "")
        if name.rstrip(".").lower().endswith((".example", ".invalid")):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", getaddrinfo)
        yield


@pytest.fixture
def redis_server(tmp_path):
    """A real Redis (Debian's redis-server) on a free port, in a temporary folder, without persistence; stopped after
    the test. ``.url`` is its REDIS_URL, ``.stop()`` takes it down (an outage) and ``.start()`` brings it back empty.
    Without redis-server the test is skipped, or fails when MICROCRED_REQUIRE_REDIS=1 (.ci/run sets it)."""
    import os
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("redis-server") or next((p for p in ["/usr/bin/redis-server"] if os.path.exists(p)), None)
    if binary is None:
        reason = "redis-server is not installed (Debian package redis-server)"
        if os.environ.get("MICROCRED_REQUIRE_REDIS") == "1":
            pytest.fail(f"{reason}, and MICROCRED_REQUIRE_REDIS=1 requires the shared-cache tests to run")
        pytest.skip(reason)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    class Server:
        url = f"redis://127.0.0.1:{port}/0"
        process = None

        def start(self):
            self.process = subprocess.Popen(
                [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(tmp_path), "--daemonize", "no", "--loglevel", "warning"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.2) as conn:
                        conn.sendall(b"PING\r\n")
                        if conn.recv(16).startswith(b"+PONG"):
                            return
                except OSError:
                    time.sleep(0.02)
            self.stop()
            pytest.fail(f"redis-server did not answer on port {port}")

        def stop(self):
            if self.process is not None and self.process.poll() is None:
                self.process.terminate()
                self.process.wait(timeout=10)
            self.process = None

    server = Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server for the session: moto's standalone server (werkzeug, in a thread) on a free port.
    ``.endpoint_url`` is its address; ``.client()`` a boto3 client with the test credentials."""
    import socket

    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()

    class Server:
        endpoint_url = f"http://127.0.0.1:{port}"
        region = "us-east-1"

        def client(self):
            import boto3

            return boto3.client("s3", endpoint_url=self.endpoint_url, region_name=self.region,
                                aws_access_key_id="testing", aws_secret_access_key="testing")

    yield Server()
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings, monkeypatch):
    """Private files on a fresh bucket of the S3 server for this test (settings.STORAGES as MICROCRED_S3_BUCKET
    would make them). ``.bucket`` is its name, ``.client`` a boto3 client, ``.keys()`` the object keys in it."""
    import uuid

    from microcred.core.object_storage import storage_settings

    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_DEFAULT_REGION": s3_server.region}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    bucket = f"microcred-test-{uuid.uuid4().hex[:12]}"
    client = s3_server.client()
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "default": storage_settings(
        bucket=bucket, endpoint_url=s3_server.endpoint_url, region=s3_server.region, download_seconds=60)}
    settings.MICROCRED_S3_DOWNLOAD_SECONDS = 60

    class Storage:
        def keys(self):
            return sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))

    storage = Storage()
    storage.bucket, storage.client, storage.endpoint_url = bucket, client, s3_server.endpoint_url
    yield storage
