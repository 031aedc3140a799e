"""Evidence retention at its edges, and deadline reminders sent once."""
import datetime as dt
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from microcred.accounts.models import User
from microcred.earning import services
from microcred.earning.models import Attempt, Cohort, Evidence, EvidenceFile, Notification
from microcred.earning.retention import purge_expired_evidence, send_deadline_reminders

S = Attempt.State
NOW = timezone.now()


@pytest.fixture
def issuer(world):
    issuer = world["orgs"]["issuer"]
    issuer.evidence_retention_days = 30
    issuer.save(update_fields=["evidence_retention_days"])
    return issuer


def _earner(name):
    return User.objects.create_user(username=name, password=f"pw-{name}-123")


def _attempt(earner, mc, state=S.DRAFT, decided_days_ago=None, **extra):
    attempt = services.start_attempt(earner=earner, micro_credential=mc)
    fields = {"state": state, **extra}
    if decided_days_ago is not None:
        fields["decided_at"] = NOW - dt.timedelta(days=decided_days_ago)
    Attempt.objects.filter(pk=attempt.pk).update(**fields)
    attempt.refresh_from_db()
    return attempt


def _file(attempt, evidence_file=None, uploaded_days_ago=500):
    """Attach an uploaded file (made here, long before any decision unless told) as evidence of the attempt's part 2."""
    if evidence_file is None:
        evidence_file = EvidenceFile.objects.create(
            owner=attempt.earner, storage_name=f"evidence/{uuid.uuid4().hex}", original_name="lesson.mp4", content_type="video/mp4",
            kind="video", size=1234, sha256="0" * 64)
        EvidenceFile.objects.filter(pk=evidence_file.pk).update(created_at=NOW - dt.timedelta(days=uploaded_days_ago))
    response = attempt.responses.get(part__position=2)
    Evidence.objects.create(response=response, kind=Evidence.Kind.VIDEO, file=evidence_file)
    return evidence_file


def _purged(evidence_file) -> bool:
    evidence_file.refresh_from_db()
    return evidence_file.purged_at is not None


def test_retention_edges_keep_in_progress_and_recent_work(world, issuer, published, publish_mc):
    mc = published.micro_credential
    other_issuers_mc = publish_mc(owner=world["orgs"]["other_issuer"], title="No Retention Here").micro_credential
    day_before = _file(_attempt(_earner("a"), mc, S.EARNED, decided_days_ago=29))
    day_after = _file(_attempt(_earner("b"), mc, S.EARNED, decided_days_ago=31))
    not_yet_old = _file(_attempt(_earner("c"), mc, S.NOT_YET, decided_days_ago=31))
    draft = _file(_attempt(_earner("d"), mc, S.DRAFT))
    submitted = _file(_attempt(_earner("e"), mc, S.SUBMITTED, submitted_at=NOW - dt.timedelta(days=90)))
    withdrawn = _file(_attempt(_earner("f"), mc, S.WITHDRAWN, updated_at=NOW - dt.timedelta(days=31)))
    withdrawn_recent = _file(_attempt(_earner("g"), mc, S.WITHDRAWN, updated_at=NOW - dt.timedelta(days=2)))
    no_policy = _file(_attempt(_earner("h"), other_issuers_mc, S.EARNED, decided_days_ago=400))
    # One file, two attempts: the earlier one expired, a new draft still uses it.
    reuser = _earner("i")
    shared = _file(_attempt(reuser, mc, S.WITHDRAWN, decided_days_ago=60))
    _file(_attempt(reuser, mc, S.DRAFT), evidence_file=shared)
    # A "not yet" decided long ago, revised now: the new upload is work in progress.
    revising = _attempt(_earner("j"), mc, S.NOT_YET, decided_days_ago=45)
    old_upload, new_upload = _file(revising, uploaded_days_ago=50), _file(revising, uploaded_days_ago=1)
    evidence_before = Evidence.objects.count()

    assert purge_expired_evidence(now=NOW) == 4
    assert [_purged(f) for f in (day_after, not_yet_old, withdrawn, old_upload)] == [True] * 4
    assert not any(_purged(f) for f in (day_before, draft, submitted, withdrawn_recent, no_policy, shared, new_upload))
    assert Evidence.objects.count() == evidence_before  # the records (and scores, feedback) stay
    assert EvidenceFile.objects.count() == 11
    assert purge_expired_evidence(now=NOW) == 0  # idempotent
    # Two days later the day-29 file is past the period too.
    assert purge_expired_evidence(now=NOW + dt.timedelta(days=2)) == 1 and _purged(day_before)


def test_no_retention_period_purges_nothing(world, published):
    f = _file(_attempt(_earner("a"), published.micro_credential, S.EARNED, decided_days_ago=3650))
    assert purge_expired_evidence(now=NOW) == 0 and not _purged(f)


def test_purge_uses_the_storage_layer_and_survives_a_failure(world, issuer, published, monkeypatch):
    mc = published.micro_credential
    first = _file(_attempt(_earner("a"), mc, S.EARNED, decided_days_ago=40))
    second = _file(_attempt(_earner("b"), mc, S.EARNED, decided_days_ago=40))
    calls = []

    def flaky(evidence_file, **kwargs):
        calls.append(evidence_file.pk)
        if evidence_file.pk == first.pk:
            raise OSError("disk unavailable")
        EvidenceFile.objects.filter(pk=evidence_file.pk).update(purged_at=timezone.now())

    monkeypatch.setattr("microcred.earning.uploads.purge_bytes", flaky)
    assert purge_expired_evidence(now=NOW) == 1
    assert set(calls) == {first.pk, second.pk}
    assert not _purged(first) and _purged(second)


def test_purge_command(world, issuer, published, capsys):
    _file(_attempt(_earner("a"), published.micro_credential, S.EARNED, decided_days_ago=31))
    call_command("purge_evidence")
    assert "Purged 1 evidence file(s)." in capsys.readouterr().out


# --- Deadline reminders ----------------------------------------------------------------------

@pytest.fixture
def cohort(world, published):
    cohort = Cohort.objects.create(organization=world["orgs"]["district"], name="Spring Cohort",
                                   deadline=NOW + dt.timedelta(days=2))
    cohort.micro_credentials.add(published.micro_credential)
    return cohort


def test_reminders_go_once_to_members_with_unfinished_work(world, cohort, published, publish_mc):
    earner, other = world["people"]["earner"], world["people"]["other_earner"]
    finished, outsider = _earner("finished"), _earner("outsider")
    cohort.members.add(earner, other, finished)
    mc = published.micro_credential
    _attempt(earner, mc, S.DRAFT)
    _attempt(finished, mc, S.EARNED, decided_days_ago=1)
    _attempt(outsider, mc, S.DRAFT)  # not a member
    _attempt(other, publish_mc(title="Not In The Cohort").micro_credential, S.DRAFT)  # MC not in the cohort

    assert send_deadline_reminders(now=NOW) == 1
    notice = Notification.objects.get(kind="deadline")
    assert notice.user == earner and "Spring Cohort" in notice.message and notice.url.startswith("/earn/attempts/")
    assert send_deadline_reminders(now=NOW + dt.timedelta(hours=12)) == 0  # once per cohort and member
    # A "not yet" to revise counts as unfinished work too.
    _attempt(other, mc, S.NOT_YET, decided_days_ago=1)
    assert send_deadline_reminders(now=NOW) == 1
    assert Notification.objects.filter(kind="deadline").count() == 2


def test_reminders_respect_the_window(world, cohort, published):
    earner = world["people"]["earner"]
    cohort.members.add(earner)
    _attempt(earner, published.micro_credential, S.DRAFT)
    assert send_deadline_reminders(now=NOW - dt.timedelta(days=2), days=3) == 0  # four days ahead: too early
    assert send_deadline_reminders(now=NOW + dt.timedelta(days=3)) == 0          # deadline passed
    call_command("send_deadline_reminders", "--days", "3")
    assert Notification.objects.filter(user=earner, kind="deadline").count() == 1
