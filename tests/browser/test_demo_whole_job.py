"""`microcred demo` on an empty data folder prints its logins and address and serves; and alone it does the whole
job: a teacher's submission made in the browser reaches an assessor's queue (the demo's own background worker assigns
it), and once scored yields a credential whose every link uses the port the demo serves at, and an e-mail — with
nothing else started."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from .test_earning_browser import MP4, fill_every_prompt

MC = "maximizing-learning-through-classroom-routines"  # the demo teacher's draft; a certified pool scores it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo command on an empty data folder, as `bin/demo --port N` runs it; started once for this file's tests
    (it migrates and seeds from nothing: most of a minute). Its output is read as it comes (a full pipe would stall
    the server); ``startup`` is everything printed up to the address line."""
    data = tmp_path_factory.mktemp("demo") / "data"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "MICROCRED_SITE_URL")}
    env["MICROCRED_DATA_DIR"] = str(data)
    proc = subprocess.Popen([sys.executable, "-m", "microcred.manage", "demo", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    base = f"http://127.0.0.1:{port}"
    address = f"microcred demo: {base}/"
    deadline = time.time() + 240
    while time.time() < deadline:
        try:
            if (urllib.request.urlopen(f"{base}/healthz", timeout=5).status == 200
                    and any(line.startswith(address) for line in list(lines))):
                break
        except OSError:
            pass
        if proc.poll() is not None:
            reader.join(timeout=10)
            pytest.fail("the demo stopped:\n" + "".join(lines))
        time.sleep(0.5)
    else:
        pytest.fail("the demo did not answer within 240 s:\n" + "".join(lines))
    startup = list(lines)
    startup = startup[:next(i for i, line in enumerate(startup) if line.startswith(address)) + 1]

    def shell(code: str) -> dict:
        """Run Python in the demo's own data folder (what an operator's `microcred shell` would see)."""
        result = subprocess.run([sys.executable, "-m", "microcred.manage", "shell", "-c", code], env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout.strip().splitlines()[-1])

    yield {"base": base, "port": port, "shell": shell, "data": data, "proc": proc, "startup": "".join(startup)}
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    reader.join(timeout=10)


# `microcred demo` always uses the embedded SQLite (engine-agnostic); it runs in the browser tests' pass so that the
# two tests of this file share one running demo.
@pytest.mark.browser
@pytest.mark.engine_agnostic
def test_the_demo_command_prints_the_logins_and_address_and_serves_the_catalog(demo):
    """`microcred demo` on an empty data folder: migrates, seeds, prints the logins, then the URL, and serves."""
    base, port = demo["base"], demo["port"]
    body = urllib.request.urlopen(f"{base}/catalog/?q=phonics", timeout=10).read().decode()
    assert "Teaching Phonics" in body
    assert urllib.request.urlopen(f"{base}/healthz", timeout=5).status == 200
    assert urllib.request.urlopen(f"{base}/static/microcred/site.css", timeout=5).status == 200
    output = demo["startup"]
    assert "issuer_admin" in output
    # The address and where to sign in come last, after the logins; links are built with the port served at.
    # (interleaved with them may come only the server's request log lines, "[date] "GET …" 200")
    printed = [line for line in output.splitlines() if line.strip() and not line.startswith("[")]
    assert printed[-1].startswith(f"microcred demo: http://127.0.0.1:{port}/"), printed[-5:]
    assert f"http://127.0.0.1:{port}/accounts/login/" in printed[-1]


def _log_in(page, base, username, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(f"{base}/accounts/login/")


WAIT_FOR_ASSIGNMENT = f"""
import json, time
from microcred.assessment.models import Assignment
from microcred.earning.models import Attempt
attempt = Attempt.objects.get(earner__username="teacher", version__micro_credential__slug="{MC}")
for _ in range(240):
    assignment = Assignment.objects.filter(review__submission__attempt=attempt).select_related("assessor").first()
    if assignment:
        break
    time.sleep(0.5)
print(json.dumps({{"attempt": attempt.pk, "state": attempt.state,
                  "assessor": assignment.assessor.username if assignment else None}}))
"""

SCORE_AND_WAIT_FOR_CREDENTIAL = f"""
import json, time
from microcred.assessment.models import Review
from microcred.credentials.models import IssuedCredential
from microcred.demo.assessment_world import score_review
from microcred.earning.models import Attempt
from microcred.earning.tests.factories import levels_for
attempt = Attempt.objects.get(earner__username="teacher", version__micro_credential__slug="{MC}")
review = Review.objects.get(submission__attempt=attempt)
for _ in range(240):  # double scoring: the worker assigns the second reader after the first one scores
    review = score_review(review, levels_for=lambda assignment: levels_for(attempt))
    if review.stage not in ("first", "second", "adjudication"):
        break
    time.sleep(0.5)
for _ in range(240):
    issued = IssuedCredential.objects.filter(attempt=attempt).first()
    if issued:
        break
    time.sleep(0.5)
from django_tasks.backends.database.models import DBTaskResult
evaluations = DBTaskResult.objects.filter(task_path__endswith="evaluate_educator_task", enqueued_at__gte=issued.issued_at)
for _ in range(240):  # recognition re-evaluates the teacher after the credential is issued
    if evaluations.exists() and not evaluations.exclude(status="SUCCEEDED").exists():
        break
    time.sleep(0.5)
attempt.refresh_from_db()
print(json.dumps({{"stage": review.stage, "attempt_state": attempt.state,
                  "recognition_evaluated": evaluations.filter(status="SUCCEEDED").count(),
                  "credential": str(issued.pk) if issued else None,
                  "document": issued.credential if issued else None}}))
"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280])
def test_demo_alone_takes_a_submission_to_an_assessor_and_a_credential(demo, browser, tmp_path, width):
    from microcred.demo.content import PEOPLE

    base, shell = demo["base"], demo["shell"]
    password = {p["username"]: p["password"] for p in PEOPLE}
    video = tmp_path / "lesson.mp4"
    video.write_bytes(MP4)

    # The teacher finishes her draft in the browser and submits it.
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    _log_in(page, base, "teacher", password["teacher"])
    attempt = shell("import json; from microcred.earning.models import Attempt; print(json.dumps({'pk': Attempt.objects.get("
                    f"earner__username='teacher', version__micro_credential__slug='{MC}').pk}}))")["pk"]
    page.goto(f"{base}/earn/attempts/{attempt}/")
    fill_every_prompt(page, video)
    page.get_by_label("I confirm my evidence shows no names").check()
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(page.get_by_text("Submitted. Your evidence is locked")).to_be_visible()
    context.close()

    # Nothing else is running: the demo's own worker opens the review and assigns a certified assessor.
    assigned = shell(WAIT_FOR_ASSIGNMENT)
    assert assigned["state"] == "submitted" and assigned["assessor"], assigned
    assessor = assigned["assessor"]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    _log_in(page, base, assessor, password.get(assessor, f"demo-{assessor}-2026"))
    page.goto(f"{base}/assess/")
    expect(page.locator("main")).to_contain_text("Maximizing Learning")
    expect(page.locator("main")).not_to_contain_text("Tester")  # blind: no earner name in the queue
    context.close()

    # Scored (through the same service the scoring page calls): the worker issues the credential.
    scored = shell(SCORE_AND_WAIT_FOR_CREDENTIAL)
    assert scored["attempt_state"] == "earned" and scored["credential"], scored
    assert scored["recognition_evaluated"] >= 1, scored  # awards, if any policy now applies, are made by the worker
    document = scored["document"]
    for url in (document["id"], document["issuer"]["id"], document["credentialStatus"]["statusListCredential"],
                document["proof"][0]["verificationMethod"]):
        assert url.startswith(f"{base}/"), url
    # Every link of the credential answers on the port served at.
    for url in (document["id"], document["credentialStatus"]["statusListCredential"], document["proof"][0]["verificationMethod"]):
        assert urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"}), timeout=10).status == 200

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    _log_in(page, base, "teacher", password["teacher"])
    page.goto(f"{base}/credentials/{scored['credential']}")
    expect(page.locator("main")).to_contain_text("Maximizing Learning")
    qr_and_links = page.locator("main a[href^='http']").evaluate_all("els => els.map(e => e.href)")
    assert all(not href.startswith("http://localhost:8000") for href in qr_and_links)
    context.close()

    # The e-mails went out (the demo writes them to its data folder).
    deadline = time.time() + 60
    while time.time() < deadline and not any((demo["data"] / "sent-mail").glob("*.log")):
        time.sleep(0.5)
    mails = "".join(p.read_text(errors="replace") for p in (demo["data"] / "sent-mail").glob("*.log"))
    assert f"{base}/" in mails and "localhost:8000" not in mails
