"""Seed and inspect a throwaway microcred database for the fault tests (test-only; not product code).

Run as a separate process against the database the worker sees (MICROCRED_DATA_DIR / DATABASE_URL and
DJANGO_SETTINGS_MODULE come from the environment):

    python -m tests.faults.seed earned --earners 20 --mcs 3   # earned attempts whose credentials are queued tasks
    python -m tests.faults.seed recognition --earners 4500    # issued credentials + two published policies
    python -m tests.faults.seed report                         # JSON: credentials, duplicates, task states, awards

Every write goes through the services, so the earned attempts enqueue ``issue_credential_for`` exactly the way
a real decision does (the database task backend of the non-test settings).
"""
from __future__ import annotations

import argparse
import json
import os
import sys


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "microcred.settings.dev")
    import django

    django.setup()


def _world(n_mcs: int):
    from microcred.accounts import services as accounts
    from microcred.accounts.models import Organization, User
    from microcred.catalog import services as catalog
    from microcred.catalog.tests.factories import make_definition
    from microcred.catalog.vocabularies import ensure_vocabularies

    ensure_vocabularies()

    def org(slug, kind, **kw):
        return Organization.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title(), "kind": kind, **kw})[0]

    def person(username, *memberships):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=username.title(), last_name="Tester", email=f"{username}@example.org")
            user.set_unusable_password()  # no logins here; argon2 would only slow the seed down
            user.save()
        for organization, role in memberships:
            accounts.grant_role(user=user, organization=organization, role=role)
        return user

    state = org("state-agency", "state_agency", state="TN")
    district = org("rural-district", "district", parent=state, state="TN", locale="rural")
    issuer = org("issuer-one", "nonprofit")
    people = {"admin": person("issuer_admin", (issuer, "issuer_admin")), "assessor": person("assessor", (issuer, "assessor")),
              "recognizer": person("recognizer", (state, "recognizer_admin"))}
    versions = []
    for i in range(n_mcs):
        version = catalog.create_micro_credential(owner=issuer, definition=make_definition(title=f"Fault practice number {i + 1}"),
                                                  by=people["admin"], slug=f"fault-practice-{i + 1}")
        catalog.submit_for_review(version=version, by=people["admin"])
        versions.append(catalog.publish(version=version, by=people["admin"]))
    return {"state": state, "district": district, "issuer": issuer, "people": people, "versions": versions,
            "person": person}


def _earn(earner, version, assessor):
    from microcred.earning import services as earning
    from microcred.earning.tests.factories import answer_everything, levels_for

    attempt = earning.start_attempt(earner=earner, micro_credential=version.micro_credential)
    answer_everything(attempt, earner)
    earning.confirm_privacy(attempt=attempt, by=earner)
    earning.submit_attempt(attempt=attempt, by=earner)
    earning.record_decision(submission=attempt.submissions.get(), by=assessor, levels=levels_for(attempt))
    return attempt


def _migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def seed_earned(earners: int, mcs: int) -> dict:
    """``earners`` × ``mcs`` earned attempts; each decision enqueued its issue_credential_for task (not run)."""
    from django_tasks.backends.database.models import DBTaskResult

    _migrate()
    w = _world(mcs)
    for e in range(earners):
        earner = w["person"](f"earner-{e:04d}", (w["district"], "earner"))
        for version in w["versions"]:
            _earn(earner, version, w["people"]["assessor"])
    queued = DBTaskResult.objects.filter(task_path__endswith="issue_credential_for", status="READY").count()
    return {"earned": earners * mcs, "queued_issue_tasks": queued}


RENEWAL = {
    "format": "microcred.policy/1", "slug": "fault-renewal", "title": "Renewal (fault test)",
    "recognizer": "state-agency", "effective_from": "2020-01-01", "approved": {"issuers": ["issuer-one"]},
    "rules": [{"kind": "convert", "per_mc": 30, "unit": "PDP"}, {"kind": "threshold", "unit": "PDP", "min": 60}],
    "outcomes": [{"key": "renewal", "kind": "credits", "name": "License renewal PDPs", "unit": "PDP"}],
}
ROLE = {
    "format": "microcred.policy/1", "slug": "fault-leader", "title": "Teacher leader (fault test)",
    "recognizer": "state-agency", "effective_from": "2020-01-01", "approved": {"issuers": ["issuer-one"]},
    "rules": [{"kind": "convert", "per_mc": 1, "unit": "MC"}, {"kind": "threshold", "unit": "MC", "min": 1}],
    "outcomes": [{"key": "leader", "kind": "role", "name": "Teacher leader"}],
}


def seed_recognition(earners: int) -> dict:
    """``earners`` educators with issued credentials (every third one short of the renewal threshold) and two
    published policies, no awards yet: ``evaluate_recognition`` has all the work to do.

    Three educators earn and receive their credentials through the real path; the rest are bulk copies of those
    rows (new ids, own attempts and status indexes), so the run spans several of evaluate_all's chunks without a
    slow seed. Recognition reads only these rows, never the signatures."""
    import uuid

    from django.db import transaction
    from django.utils import timezone

    from microcred.accounts.models import Membership, User
    from microcred.credentials.models import STATUS_LIST_SIZE, IssuedCredential
    from microcred.credentials.services import issue_for_attempt
    from microcred.earning.models import Attempt
    from microcred.recognition import services as recognition

    _migrate()
    w = _world(2)
    template = w["person"]("educator-template", (w["district"], "earner"))
    creds = [issue_for_attempt(_earn(template, version, w["people"]["assessor"])) for version in w["versions"]]
    now = timezone.now()
    with transaction.atomic():
        users = User.objects.bulk_create([User(username=f"educator-{e:05d}", first_name="Educator", last_name=f"{e:05d}",
                                               password="!", email=f"educator-{e:05d}@example.org") for e in range(earners)])
        users = list(User.objects.filter(username__startswith="educator-0").order_by("username"))
        Membership.objects.bulk_create([Membership(user=u, organization=w["district"], role="earner") for u in users])
        pairs = [(u, c) for e, u in enumerate(users) for c in creds[: 1 if e % 3 == 0 else 2]]
        attempts = Attempt.objects.bulk_create([
            Attempt(earner=u, version=c.version, micro_credential=c.version.micro_credential, state=Attempt.State.EARNED,
                    privacy_confirmed_at=now, submitted_at=now, decided_at=now) for u, c in pairs])
        # Indexes the issued ones (drawn at random) do not hold: the list's unique constraint stands.
        taken = {(c.status_list_id, c.status_index) for c in creds}
        free = (n for n in range(1000, STATUS_LIST_SIZE) if all((c.status_list_id, n) not in taken for c in creds))
        IssuedCredential.objects.bulk_create([
            IssuedCredential(id=uuid.uuid4(), attempt=a, issuer=c.issuer, version=c.version, earner=u, credential=c.credential,
                             jwt=c.jwt, status_list=c.status_list, status_index=next(free), issued_at=c.issued_at)
            for (u, c), a in zip(pairs, attempts)], batch_size=500)
    by = w["people"]["recognizer"]
    for document in (RENEWAL, ROLE):
        recognition.publish(policy=recognition.create_or_update_draft(recognizer=w["state"], document=document, by=by), by=by)
    return {"educators": earners + 1, "credentials": len(pairs) + len(creds)}


def report() -> dict:
    """What the fault tests assert on, read straight from the database."""
    from django.db.models import Count

    from django_tasks.backends.database.models import DBTaskResult
    from microcred.core.models import AuditEvent
    from microcred.credentials.models import IssuedCredential
    from microcred.earning.models import Attempt
    from microcred.recognition.models import Award

    earned = set(Attempt.objects.filter(state=Attempt.State.EARNED).values_list("pk", flat=True))
    per_attempt = dict(IssuedCredential.objects.values_list("attempt_id").annotate(n=Count("id")).values_list("attempt_id", "n"))
    slots = list(IssuedCredential.objects.values_list("status_list_id", "status_index"))
    tasks = {f"{path.rsplit('.', 1)[-1]}:{status}": n for path, status, n in
             DBTaskResult.objects.values_list("task_path", "status").annotate(n=Count("id")).values_list("task_path", "status", "n")}
    awards = sorted([educator, slug, version, key, state, sorted(provenance.get("credentials", []))]
                    for educator, slug, version, key, state, provenance in
                    Award.objects.values_list("educator__username", "policy__slug", "policy__version", "outcome_key", "state", "provenance"))
    held: dict[str, list[str]] = {}
    for username, pk in IssuedCredential.objects.filter(revoked_at__isnull=True).values_list("earner__username", "pk"):
        held.setdefault(username, []).append(str(pk))
    audit = dict(AuditEvent.objects.filter(action__startswith="award.").values_list("action").annotate(n=Count("id"))
                 .values_list("action", "n"))
    return {
        "earned": len(earned),
        "credentials": sum(per_attempt.values()),
        "missing": sorted(earned - set(per_attempt)),
        "duplicated": sorted(a for a, n in per_attempt.items() if n > 1),
        "status_slots": len(slots), "status_slots_unique": len(set(slots)),
        "tasks": tasks,
        "awards": awards,
        "credentials_by_educator": {k: sorted(v) for k, v in held.items()},
        "award_audit": audit,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.seed", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    earned = sub.add_parser("earned")
    earned.add_argument("--earners", type=int, default=20)
    earned.add_argument("--mcs", type=int, default=3)
    rec = sub.add_parser("recognition")
    rec.add_argument("--earners", type=int, default=4500)
    sub.add_parser("report")
    args = parser.parse_args(argv)
    _setup()
    if args.action == "earned":
        out = seed_earned(args.earners, args.mcs)
    elif args.action == "recognition":
        out = seed_recognition(args.earners)
    else:
        out = report()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
