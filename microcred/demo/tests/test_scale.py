"""Scale data (generate_scale_data) and the pages bench/pages.py measures: each page's SQL query count does not grow
with the number of rows. Two small worlds (the second with about twice the educators and MCs) are generated in
turn, each rolled back after its pages were counted; the same page must issue the same number of queries."""
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from microcred.accounts.models import User
from microcred.credentials.verify import verify_credential
from microcred.credentials.models import IssuedCredential
from microcred.demo.scale import BENCH_PASSWORD, bench_pages, generate

SMALL = {"educators": 30, "micro_credentials": 45}
LARGE = {"educators": 80, "micro_credentials": 75}



def count_queries(page: dict) -> tuple[int, int]:
    """(status, queries) of the page's second request: the first may fill caches."""
    client = Client(HTTP_HOST="127.0.0.1")
    if page["username"]:
        client.force_login(User.objects.get(username=page["username"]))
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            if page.get("form"):
                response = client.post(page["path"], page["body"], HTTP_HX_REQUEST="true")
                assert b"Saved" in response.content
            elif page["method"] == "POST":
                response = client.post(page["path"], page["body"], content_type="application/json")
            else:
                response = client.get(page["path"])
    return response.status_code, len(queries)


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker):
    counts = {}
    with django_db_blocker.unblock():
        for label, size in (("small", SMALL), ("large", LARGE)):
            with transaction.atomic():
                cache.clear()
                generate(**size, awards=True)
                counts[label] = {page["name"]: count_queries(page) for page in bench_pages()}
                transaction.set_rollback(True)
        cache.clear()
    return counts


PAGES = ["catalog_browse", "catalog_search", "catalog_browse_signed_in", "catalog_search_signed_in", "mc_page", "earner_home", "attempt_page", "autosave", "assessor_queue", "scoring_page",
         "issuer_dashboard", "recognizer_qualifiers", "credential_page", "verify"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_page_queries_do_not_grow_with_rows(worlds, name):
    small_status, small = worlds["small"][name]
    large_status, large = worlds["large"][name]
    assert small_status == large_status == 200, (small_status, large_status)
    assert large == small, f"{name}: {small} queries over the small world, {large} over the larger one"


@pytest.mark.django_db
def test_world_has_every_kind_of_row_and_a_verifiable_credential_per_mc(capsys):
    call_command("generate_scale_data", educators=30, no_awards=True, verbosity=0)
    counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert counts["educators"] == 30 and counts["issuers"] == 20 and counts["micro_credentials"] >= 45
    for key in ("attempts", "submissions", "reviews", "assignments", "scores", "decisions", "credentials", "assessors", "policies"):
        assert counts[key] > 0, key
    assert counts["submissions"] > counts["credentials"] > 0 and counts["signed_credentials"] <= counts["micro_credentials"]
    signed = IssuedCredential.objects.exclude(jwt="").filter(revoked_at__isnull=True).first()
    assert verify_credential(signed.credential).as_dict()["verified"] is True
    assert User.objects.get(username="scale-issuer-admin-01").check_password(BENCH_PASSWORD)
    assert [p["name"] for p in bench_pages()] == PAGES


@pytest.mark.django_db
def test_demo_world_loads_into_a_scale_database():
    generate(educators=10, awards=False)
    call_command("seed_demo", verbosity=0)
    assert User.objects.filter(username="teacher").exists()


@pytest.mark.django_db
def test_load_bench_takes_its_logins_from_a_generated_world_without_loading_the_demo():
    """bench/load.py against a generated state world: its own educators, assessors and signed credentials (seed_demo
    into a state-sized database would take long and measure the demo, not the state)."""
    import importlib.util
    from pathlib import Path

    from microcred.earning.models import Attempt

    path = Path(__file__).resolve().parents[3] / "bench" / "load.py"
    spec = importlib.util.spec_from_file_location("microcred_bench_load", path)
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    generate(educators=30, awards=False)
    targets = load.prepare(5)

    assert not User.objects.filter(username="teacher").exists()  # the demo was not loaded
    assert len(targets["earners"]) == 5 and len({e["username"] for e in targets["earners"]}) == 5
    for earner in targets["earners"]:
        attempt = Attempt.objects.select_related("earner").get(pk=earner["attempt"])
        assert attempt.earner.username == earner["username"] and earner["username"].startswith("scale-educator-")
        assert attempt.state == Attempt.State.DRAFT and attempt.earner.check_password(earner["password"])
        assert attempt.version.parts.filter(prompts__pk=earner["prompt"], prompts__response_type__in=["written", "reflection"]).exists()
    assert targets["assessors"] and all(a["username"].startswith("scale-assessor-") and a["items"] for a in targets["assessors"])
    assert targets["credentials"] and verify_credential(targets["credential_json"]).as_dict()["verified"] is True


@pytest.mark.engine_agnostic
def test_load_bench_reports_the_window_after_warm_up_beside_the_whole_run(tmp_path):
    """bench/load.py's second figure: the requests that started after --warm-up seconds; the whole run stays the
    headline. Lines it cannot read (a torn last line, hostile names) are skipped, not fatal."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "bench" / "load.py"
    spec = importlib.util.spec_from_file_location("microcred_bench_load_window", path)
    load = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(load)
    log = tmp_path / "requests.tsv"
    start = 1_800_000_000.0
    lines = [f"{start + i / 10:.3f}\tGET /slow start\t{5000.0}\t0" for i in range(100)]  # the first 10 s: cold
    lines += [f"{start + 60 + i / 10:.3f}\tGET /<script>\t{float(i % 100)}\t{int(i == 0)}" for i in range(1000)]
    log.write_text("\n".join(lines) + "\n1800000100.000\tGET /torn")
    window = load.after_warm_up(log, 60)["after_60s"]
    assert window == {"requests": 1000, "errors": 1, "p50_ms": 50.0, "p95_ms": 95.0, "p99_ms": 99.0}
    assert load.after_warm_up(tmp_path / "missing.tsv", 60) == {}
    assert load.after_warm_up(log, 10_000) == {}  # nothing that late


@pytest.mark.engine_agnostic
def test_interpreter_bench_times_this_pythons_hot_work_and_refuses_a_bad_repeat():
    """bench/interpreter.py (decision 0056): the page frame, an SQL compilation and a credential's JSON, timed with
    production settings in a throwaway folder; the last line is JSON naming the interpreter."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[3] / "bench" / "interpreter.py"
    done = subprocess.run([sys.executable, str(script), "--repeat", "3"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["python"] == ".".join(map(str, sys.version_info[:3])) and result["executable"] == sys.executable
    assert all(isinstance(result[k], float) and 0 < result[k] < 1000 for k in ("template_ms", "sql_compile_ms", "json_ms"))
    refused = subprocess.run([sys.executable, str(script), "--repeat", "0"], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "--repeat must be positive" in refused.stderr
