"""Exactly once under faults: a background worker and a recognition run are killed with SIGKILL mid-way and
restarted. Nothing is lost and nothing is doubled.

Everything runs in real subprocesses against a throwaway database (a SQLite file, or a fresh PostgreSQL database
when DATABASE_URL is set): the seed goes through the services, so every earned attempt enqueued its
``issue_credential_for`` task in django-tasks' database backend exactly as a real decision does.
"""
import pytest

from . import deployment as dep

RUNNING_ISSUE = ("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING' "
                 "AND task_path LIKE '%issue_credential_for'")
CREDENTIALS = "SELECT COUNT(*) FROM credentials_issuedcredential"
ACTIVE_AWARDS = "SELECT COUNT(*) FROM recognition_award WHERE state = 'active'"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    d = dep.migrated(tmp_path_factory.mktemp("migrated") / "site")
    yield d
    d.destroy()


@pytest.fixture
def install(tmp_path, migrated):
    """A fresh, migrated install of its own (a copy of the module's migrated one)."""
    d = dep.create(tmp_path / "site", like=migrated)
    yield d
    d.destroy()


def test_killed_worker_issues_every_credential_exactly_once(install):
    seeded = install.seed("earned", "--earners", "12", "--mcs", "3")
    n = seeded["earned"]
    assert seeded["queued_issue_tasks"] == n == 36

    worker = install.start("db_worker", "--worker-id", "fault-worker", "--interval", "0.1", "--no-startup-delay",
                           "--no-reload", "-v0")
    # Kill it while it is inside an issuance, after some credentials exist and before all of them do.
    install.kill_when(worker, lambda: n // 4 <= (install.scalar(CREDENTIALS) or 0) < n and install.scalar(RUNNING_ISSUE))
    killed = install.seed("report")
    assert 0 < killed["credentials"] < n
    assert killed["tasks"].get("issue_credential_for:RUNNING") == 1
    assert killed["duplicated"] == [] and killed["status_slots_unique"] == killed["status_slots"]

    # A plain restart drains the queue but never retries the task the dead worker had claimed: django-tasks 0.8
    # leaves it RUNNING for ever (its attempt would have no credential if that issuance had not committed yet).
    install.run("db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0")
    restarted = install.seed("report")
    assert restarted["tasks"].get("issue_credential_for:RUNNING") == 1
    assert len(restarted["missing"]) <= 1

    # The recovery path: requeue what the dead worker held, then run a worker again.
    dry = install.run("requeue_stale_tasks", "--worker-id", "fault-worker", "--dry-run")
    assert "1 stale task(s); nothing changed" in dry and "issue_credential_for" in dry
    assert "Requeued 1 stale task(s)." in install.run("requeue_stale_tasks", "--worker-id", "fault-worker")
    install.run("db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0")

    final = install.seed("report")
    assert final["missing"] == [] and final["duplicated"] == []
    assert final["credentials"] == final["earned"] == n
    assert final["status_slots_unique"] == final["status_slots"] == n
    assert not [t for t in final["tasks"] if not t.endswith(":SUCCEEDED")], final["tasks"]
    # Running everything again changes nothing: issuing is idempotent.
    assert "Requeued 0 stale task(s)." in install.run("requeue_stale_tasks", "--older-than", "0")
    assert install.seed("report")["credentials"] == n


def expected_awards(report):
    """What an uninterrupted run grants on the recognition seed: every educator holding a credential is a teacher
    leader (1 MC); those holding two also get the renewal (2 × 30 PDP ≥ 60), each citing exactly their credentials."""
    out = []
    for educator, held in report["credentials_by_educator"].items():
        out.append([educator, "fault-leader", 1, "leader", "active", held])
        if len(held) >= 2:
            out.append([educator, "fault-renewal", 1, "renewal", "active", held])
    return sorted(out)


def test_killed_recognition_run_rerun_matches_an_uninterrupted_one(install):
    # evaluate_all writes in chunks of 2,000 educators: 2,600 make two, so a kill can fall between them.
    seeded = install.seed("recognition", "--earners", "2600")
    before = install.seed("report")
    expected = expected_awards(before)
    assert before["awards"] == [] and len(expected) == 2601 + 1734

    run = install.start("evaluate_recognition", "--no-progress")
    install.kill_when(run, lambda: 0 < (install.scalar(ACTIVE_AWARDS) or 0) < len(expected), timeout=120)
    partial = install.seed("report")
    assert 0 < len(partial["awards"]) < len(expected)
    assert all(a in expected for a in partial["awards"])  # what was written before the kill is already right

    assert f"{seeded['educators']} educators" in install.run("evaluate_recognition", "--no-progress")
    after = install.seed("report")
    assert after["awards"] == expected
    assert after["award_audit"] == {"award.granted": len(expected)}  # granted once each, across both runs
    # And once more: nothing left to change.
    assert "0 award changes" in install.run("evaluate_recognition", "--no-progress")
    assert install.seed("report")["awards"] == expected
