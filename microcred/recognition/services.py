"""Every write of the recognition app: drafting and publishing policies, educator facts, evaluation → awards."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import policy as authz  # who may do what (recognition's own .policy is the rule documents)
from microcred.accounts.models import Organization
from microcred.core import audit
from microcred.credentials.models import IssuedCredential

from . import bulk, engine, selectors
from .models import Award, EducatorFact, Policy, QualifierSnapshot, QualifierStanding
from .policy import PolicyErrors, References, parse_document, resolve_approved, validate_policy
from .signals import educator_fact_recorded, policy_changed, policy_published

WITHDRAWING_EXCLUSIONS = bulk.WITHDRAWING_EXCLUSIONS


def _check_can_manage(by, recognizer: Organization) -> None:
    if not authz.can_manage_recognizer(by, recognizer):
        raise PermissionDenied(_("Only the recognizer's admins may edit or publish its policies."))


def create_or_update_draft(*, recognizer: Organization, document, by) -> Policy:
    """Validate the document and save it as the policy's draft (a new version after the last one).

    Guarantees: recognizer admins (or platform admins) only; a refused document raises PolicyErrors with exact
    paths and changes nothing; a slug belongs to one recognizer; one draft per policy at a time."""
    _check_can_manage(by, recognizer)
    raw = parse_document(document)
    clean = validate_policy(raw, references=References.from_database(exclude_policy=raw.get("slug")))
    if clean["recognizer"] != recognizer.slug:
        raise PolicyErrors({"recognizer": [_("This policy belongs to “%(mine)s”, not “%(other)s”.") % {"mine": recognizer.slug, "other": clean["recognizer"]}]})
    with transaction.atomic():
        others = Policy.objects.select_for_update().filter(slug=clean["slug"])
        if others.exclude(recognizer=recognizer).exists():
            raise PolicyErrors({"slug": [_("Another recognizer already uses the policy slug “%(slug)s”.") % {"slug": clean["slug"]}]})
        fields = {"title": clean["title"], "document": clean, "effective_from": dt.date.fromisoformat(clean["effective_from"]),
                  "effective_until": dt.date.fromisoformat(clean["effective_until"]) if clean["effective_until"] else None}
        draft = others.filter(state=Policy.State.DRAFT).first()
        if draft:
            for name, value in fields.items():
                setattr(draft, name, value)
            draft.save(update_fields=list(fields))
        else:
            number = (others.aggregate(n=Max("version"))["n"] or 0) + 1
            draft = Policy.objects.create(recognizer=recognizer, slug=clean["slug"], version=number, created_by=by, **fields)
        audit.record(actor=by, action="policy.draft_saved", target=draft, data={"version": draft.version})
        transaction.on_commit(lambda: policy_changed.send(sender=Policy, policy_id=draft.pk))
    return draft


def publish(*, policy: Policy, by) -> Policy:
    """Publish a draft: it becomes immutable and current; the previous published version is retired (awards
    made under it keep pointing at it). Re-validated against today's references. Publishing twice is a no-op."""
    _check_can_manage(by, policy.recognizer)
    with transaction.atomic():
        policy = Policy.objects.select_for_update().select_related("recognizer").get(pk=policy.pk)
        if policy.state == Policy.State.PUBLISHED:
            return policy
        if policy.state != Policy.State.DRAFT:
            raise ValidationError(f"Version {policy.version} of “{policy.slug}” is {policy.state}; only a draft can be published.")
        validate_policy(policy.document, references=References.from_database(exclude_policy=policy.slug))
        Policy.objects.filter(slug=policy.slug, state=Policy.State.PUBLISHED).update(state=Policy.State.RETIRED)
        policy.state, policy.published_at, policy.published_by = Policy.State.PUBLISHED, timezone.now(), by
        policy.save(update_fields=["state", "published_at", "published_by"])
        audit.record(actor=by, action="policy.published", target=policy, data={"version": policy.version})
        transaction.on_commit(lambda: policy_changed.send(sender=Policy, policy_id=policy.pk))
    return policy


def set_educator_fact(*, recognizer: Organization, educator, key: str, value, by) -> EducatorFact:
    """Record a fact the recognizer holds about an educator (replacing the previous value)."""
    _check_can_manage(by, recognizer)
    fact, _created = EducatorFact.objects.update_or_create(recognizer=recognizer, educator=educator, key=key,
                                                    defaults={"value": value})
    audit.record(actor=by, action="recognition.fact_set", target=fact, data={"key": key})
    return fact


# --- Evaluation -------------------------------------------------------------------------------

Change = bulk.Change  # action: award | keep | update | withdraw | supersede; outcome_key; detail


@dataclass
class DryRunRow:
    educator: object
    evaluation: engine.Evaluation
    changes: list[Change]
    excluded: list[tuple[str, str]] = field(default_factory=list)  # (MC slug, or "" for an imported credential; why it does not count)


def _evaluate(document: dict, version: int | None, recognizer_id: int, educator_ids, *, as_of, stacks=None, creds=None):
    approved = resolve_approved(document, selectors.published_document)
    stacks = stacks if stacks is not None else selectors.stack_definitions()
    creds = creds if creds is not None else selectors.credential_facts(educator_ids)
    facts = selectors.educator_facts(recognizer_id, educator_ids)
    return {eid: engine.evaluate(document, creds.get(eid, []), facts.get(eid, {}), as_of=as_of, approved=approved,
                                 stacks=stacks, version=version) for eid in educator_ids}


def _withdrawal_reason(award: Award, evaluation: engine.Evaluation) -> str:
    """Why an award's credentials no longer count, or "" when none of them was revoked or expired."""
    return bulk.withdrawal_reason(award, evaluation, _revocation_reasons(award.provenance.get("credentials", [])))


def _revocation_reasons(credential_ids) -> dict[str, str]:
    return {str(c.pk): f"{c.version.micro_credential.slug}: {c.revocation_reason}" if c.revocation_reason else c.version.micro_credential.slug
            for c in IssuedCredential.objects.filter(pk__in=[c for c in credential_ids if _is_uuid(c)])
            .select_related("version__micro_credential")}


def _is_uuid(value: str) -> bool:
    return len(value) == 36 and value.count("-") == 4


def _plan(evaluation: engine.Evaluation, active: dict[str, Award]) -> list[Change]:
    """What evaluating changes against the active awards of the same policy slug (see bulk.plan)."""
    lost = [cid for a in active.values() for cid in a.provenance.get("credentials", [])]
    return bulk.plan(evaluation, active, _revocation_reasons(lost))


def _active_by_key(educator_id: int, slug: str) -> dict[str, Award]:
    return {a.outcome_key: a for a in Award.objects.filter(educator_id=educator_id, policy__slug=slug, state=Award.State.ACTIVE)
            .select_related("policy").order_by("policy__version")}


def dry_run(policy_or_document, *, by, educators=None, as_of=None) -> list[DryRunRow]:
    """Who would qualify under a (draft) policy or document, and what would change against current awards.
    Writes nothing. Recognizer admins of the policy's recognizer only. ``educators`` defaults to
    selectors.dry_run_educators (the jurisdiction's educators with something to evaluate, by name)."""
    if isinstance(policy_or_document, Policy):
        document, version = policy_or_document.document, policy_or_document.version
    else:
        document, version = validate_policy(policy_or_document), None
    recognizer = Organization.objects.get(slug=document["recognizer"])
    _check_can_manage(by, recognizer)
    as_of = as_of or timezone.now()
    if educators is None:
        educators = list(selectors.dry_run_educators(recognizer))
    creds = selectors.credential_facts([e.pk for e in educators])
    results = _evaluate(document, version, recognizer.pk, [e.pk for e in educators], as_of=as_of, creds=creds)

    def excluded(educator_id):  # which of the educator's credentials do not count, and why (shown in the dry run)
        why = results[educator_id].excluded
        return [("" if c.external else c.mc_slug, why[c.id]) for c in creds.get(educator_id, []) if c.id in why]

    return [DryRunRow(e, results[e.pk], _plan(results[e.pk], _active_by_key(e.pk, document["slug"])), excluded(e.pk))
            for e in educators]


def evaluate_educator(educator, *, policies=None, as_of=None) -> list[Change]:
    """Bring the educator's awards in line with every published policy that applies to them (or ``policies``).

    Guarantees: idempotent (a second run changes nothing: one active award per policy version and outcome, by
    constraint); an award records the exact policy version and credential ids that counted; an award whose
    credential was revoked or expired is withdrawn with the reason when the rest no longer achieve it (and
    awards under older versions too); a newer version's achievement supersedes the older award. The same code
    path as ``evaluate_all`` (bulk.evaluate_educators with a chunk of one)."""
    return bulk.evaluate_educators([educator.pk], as_of=as_of or timezone.now(), policies=policies)


def evaluate_all(*, progress: Callable[[int, int], None] | None = None, as_of=None, chunk: int = bulk.CHUNK) -> dict:
    """Re-evaluate every educator with credentials or awards, in chunks of a few queries each; idempotent (a
    second run writes nothing). ``progress(done, total)`` is called after each chunk.
    Returns {"educators", "policies", "changes", "awards"} (awards: active awards afterwards)."""
    ids = selectors.educators_to_evaluate()
    context = bulk.RunContext.load()
    changes = bulk.evaluate_educators(ids, as_of=as_of or timezone.now(), chunk=chunk, progress=progress, context=context)
    return {"educators": len(ids), "policies": len(context.published), "changes": len(changes),
            "awards": Award.objects.filter(state=Award.State.ACTIVE).count()}


# --- Used by the pages and the API ------------------------------------------------------------------------------

FACT_VALUE_MAX = 200


def publish_and_reevaluate(*, policy: Policy, by) -> Policy:
    """Publish (see ``publish``) and, once committed, re-evaluate every educator in the background so the awards
    follow the newly published version without waiting for the nightly ``evaluate_recognition``."""
    published = publish(policy=policy, by=by)
    transaction.on_commit(lambda: policy_published.send(sender=Policy, policy_id=published.pk))
    return published


def record_educator_fact(*, recognizer: Organization, educator, key: str, value, by) -> EducatorFact:
    """Set a fact about an educator within the recognizer's jurisdiction, then re-evaluate them in the background.

    Guarantees: recognizer admins only; an educator outside the jurisdiction is refused exactly like an unknown
    one (nothing about them is revealed); the key is a slug; the value is a number, true/false or short text."""
    _check_can_manage(by, recognizer)
    errors = {}
    if educator is None or educator.pk not in selectors.jurisdiction_educator_ids(recognizer):
        errors["educator"] = [_("No educator with that username in the jurisdiction of %(recognizer)s.") % {"recognizer": recognizer.name}]
    if not isinstance(key, str) or not key or len(key) > 60 or not key.replace("-", "").replace("_", "").isalnum() or not key.isascii():
        errors["key"] = [_("Give the fact's name as a slug (letters, digits, - and _; at most 60 characters).")]
    if isinstance(value, str):
        value = value.strip()
        if not value or len(value) > FACT_VALUE_MAX:
            errors["value"] = [_("Give a value of 1 to %(max)s characters.") % {"max": FACT_VALUE_MAX}]
    elif isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        errors["value"] = [_("Give a finite number.")]
    elif not isinstance(value, (bool, int, float)):
        errors["value"] = [_("Give a number, true/false or short text.")]
    if errors:
        raise ValidationError(errors)
    fact = set_educator_fact(recognizer=recognizer, educator=educator, key=key, value=value, by=by)
    transaction.on_commit(lambda: educator_fact_recorded.send(sender=EducatorFact, educator_id=educator.pk, key=key,
                                                                   recognizer_id=recognizer.pk))
    return fact


# --- Stored qualifier standings (docs/decisions/0040) -------------------------------------------------------------
# The qualifiers page reads QualifierStanding rows and its snapshot's counts; these functions keep them equal to
# what selectors.qualifiers (the live evaluation) would show: a build evaluates every educator for a policy into a
# new generation of rows and switches the page to it at the end; an event about one educator re-evaluates that
# educator only, for the policies it can change, and adjusts the counts by the difference. No audit events: these
# are recomputations of already-audited facts, like the analytics snapshots (decision 0037).

TOUCHED_MAX = 10_000  # educators remembered during a build; beyond, the build simply runs again


def _empty_counts() -> dict:
    return {"evaluated": 0, "in_jurisdiction": 0, "qualified": 0, "close": 0, "by_district": {}, "by_school": {},
            "elsewhere": {"educators": 0, "qualified": 0, "close": 0}}


def _count(counts: dict, row: dict, sign: int) -> None:
    """Add (sign 1) or take away (sign -1) one standing's part of the snapshot's counts."""
    q, c = int(row["qualified"]) * sign, int(row["close"]) * sign
    counts["evaluated"] += sign
    for key, name in (("by_district", row["district"]), ("by_school", row["school"])):
        n = counts[key].setdefault(name, [0, 0, 0])
        n[0], n[1], n[2] = n[0] + sign, n[1] + q, n[2] + c
        if n[0] <= 0:
            del counts[key][name]
    if row["in_jurisdiction"]:
        counts["in_jurisdiction"] += sign
        counts["qualified"] += q
        counts["close"] += c
    else:
        e = counts["elsewhere"]
        e["educators"], e["qualified"], e["close"] = e["educators"] + sign, e["qualified"] + q, e["close"] + c


_STANDING_FIELDS = ("in_jurisdiction", "qualified", "close", "percent", "sort_name", "district", "school", "credits",
                    "requirements", "missing")


def _standings(policies, educator_ids, *, as_of, jurisdiction) -> dict[tuple[int, int], dict]:
    """(policy pk, educator id) → the standing's fields, evaluated now for these educators (one chunk).
    ``jurisdiction(policy, educator_id)`` says whether the educator is within the policy's recognizer's."""
    from django.contrib.auth import get_user_model

    results = selectors.evaluate_without_saving(policies, educator_ids, as_of=as_of)
    places = selectors._places(educator_ids)
    names = {pk: f"{first} {last}".strip().lower() for pk, first, last in
             get_user_model().objects.filter(pk__in=educator_ids).values_list("pk", "first_name", "last_name")}
    out = {}
    for p in policies:
        for eid in educator_ids:
            standing = selectors.standing_of(results[(p.pk, eid)])
            district, school = places.get(eid, ("", ""))
            mine = jurisdiction(p, eid)
            if not (mine and (standing["qualified"] or standing["close"])):
                standing["requirements"], standing["missing"] = [], []  # only listed rows are shown in detail
            out[(p.pk, eid)] = {**standing, "in_jurisdiction": mine, "district": district[:200], "school": school[:200],
                                "sort_name": names.get(eid, "")[:300]}
    return out


def _claim(policy_ids, *, force: bool) -> list[QualifierSnapshot]:
    """Move the snapshots to BUILDING with a new generation to write (a waiting or failed one; any with ``force``)."""
    now = timezone.now()
    claimed = []
    for policy_id in policy_ids:
        with transaction.atomic():
            snapshot, _created = QualifierSnapshot.objects.select_for_update().get_or_create(policy_id=policy_id)
            if snapshot.state == QualifierSnapshot.State.BUILDING and not force:
                continue
            if snapshot.state == QualifierSnapshot.State.READY and not force and snapshot.stale_since is None:
                continue
            snapshot.state, snapshot.started_at, snapshot.touched = QualifierSnapshot.State.BUILDING, now, []
            snapshot.building = max(snapshot.generation, snapshot.building) + 1
            snapshot.done = snapshot.total = 0
            snapshot.error = ""
            snapshot.save()
        claimed.append(snapshot)
    return claimed


def build_qualifier_standings(policy_ids, *, force: bool = False, as_of=None,
                              progress: Callable[[int, int], None] | None = None) -> list[QualifierSnapshot]:
    """Evaluate every educator (everyone with credentials or awards, as the live page) for these policies into a new
    generation of standings, chunk by chunk, sharing each chunk's credential loading between the policies; then
    fold in the educators changed meanwhile and switch the page to the new generation. The page keeps serving the
    previous generation (if any) until then. ``progress(done, total)`` after each chunk. Returns the snapshots
    built (a snapshot already being built elsewhere is skipped unless ``force``)."""
    snapshots = _claim(list(policy_ids), force=force)
    if not snapshots:
        return []
    as_of = as_of or timezone.now()
    policies = {p.pk: p for p in Policy.objects.filter(pk__in=[s.policy_id for s in snapshots]).select_related("recognizer")}
    try:
        everyone = selectors.educators_to_evaluate()
        mine = {pk: selectors.jurisdiction_educator_ids(p.recognizer) for pk, p in policies.items()}
        counts = {pk: _empty_counts() for pk in policies}
        generation = {s.policy_id: s.building for s in snapshots}
        QualifierStanding.objects.filter(policy_id__in=policies, generation__in=set(generation.values())).delete()
        QualifierSnapshot.objects.filter(pk__in=[s.pk for s in snapshots]).update(total=len(everyone))
        for start in range(0, len(everyone), selectors.EVALUATION_CHUNK):
            chunk = everyone[start:start + selectors.EVALUATION_CHUNK]
            rows = _standings(list(policies.values()), chunk, as_of=as_of, jurisdiction=lambda p, eid: eid in mine[p.pk])
            QualifierStanding.objects.bulk_create(
                [QualifierStanding(policy_id=pk, educator_id=eid, generation=generation[pk], computed_at=as_of, **row)
                 for (pk, eid), row in rows.items()], batch_size=1000)
            for (pk, _eid), row in rows.items():
                _count(counts[pk], row, 1)
            done = min(start + selectors.EVALUATION_CHUNK, len(everyone))
            QualifierSnapshot.objects.filter(pk__in=[s.pk for s in snapshots]).update(done=done)
            if progress:
                progress(done, len(everyone))
        return [_finish(snapshot, counts[snapshot.policy_id]) for snapshot in snapshots]
    except Exception as exc:
        QualifierSnapshot.objects.filter(pk__in=[s.pk for s in snapshots]).update(
            state=QualifierSnapshot.State.FAILED, error=str(exc)[:500])
        raise


def _finish(snapshot: QualifierSnapshot, counts: dict) -> QualifierSnapshot:
    """Re-evaluate the educators touched during the build into the new generation, then serve it."""
    with transaction.atomic():
        snapshot = QualifierSnapshot.objects.select_for_update().select_related("policy__recognizer").get(pk=snapshot.pk)
        if snapshot.touched:
            _update_generation(snapshot.policy, snapshot.building, sorted(set(snapshot.touched)), counts)
        old = snapshot.generation
        rerun = snapshot.stale_since is not None and snapshot.started_at and snapshot.stale_since > snapshot.started_at
        snapshot.generation, snapshot.counts, snapshot.touched = snapshot.building, counts, []
        snapshot.built_at, snapshot.done = timezone.now(), snapshot.total
        snapshot.state = QualifierSnapshot.State.PENDING if rerun else QualifierSnapshot.State.READY
        if not rerun:
            snapshot.stale_since = None
        snapshot.save()
    if old and old != snapshot.generation:
        QualifierStanding.objects.filter(policy_id=snapshot.policy_id, generation=old).delete()
    return snapshot


def _in_everyone(educator_id: int) -> bool:
    """Whether the live page would evaluate this educator (selectors.educators_to_evaluate, for one)."""
    from microcred.credentials.models import ExternalCredential

    return (IssuedCredential.objects.filter(earner_id=educator_id).exists()
            or ExternalCredential.objects.filter(issuer_known=True, earner_id=educator_id).exists()
            or Award.objects.filter(state=Award.State.ACTIVE, educator_id=educator_id).exists())


def _update_generation(policy: Policy, generation: int, educator_ids, counts: dict | None) -> int:
    """Re-evaluate these educators under the policy into one generation, adjusting ``counts`` by the difference.
    Returns how many standings changed."""
    now = timezone.now()
    stored = {s.educator_id: s for s in QualifierStanding.objects.filter(policy=policy, generation=generation,
                                                                         educator_id__in=educator_ids)}
    present = [eid for eid in educator_ids if _in_everyone(eid)]
    jurisdictions = {eid: selectors.jurisdiction_ids(eid) for eid in present}
    rows = _standings([policy], present, as_of=now,
                      jurisdiction=lambda p, eid: p.recognizer_id in jurisdictions[eid]) if present else {}
    changed = 0
    for eid in educator_ids:
        old, new = stored.get(eid), rows.get((policy.pk, eid))
        if old is not None and new is not None and all(getattr(old, f) == new[f] for f in _STANDING_FIELDS):
            continue
        changed += 1
        if old is not None:
            if counts is not None:
                _count(counts, {f: getattr(old, f) for f in _STANDING_FIELDS}, -1)
            old.delete()
        if new is not None:
            QualifierStanding.objects.create(policy=policy, educator_id=eid, generation=generation, computed_at=now, **new)
            if counts is not None:
                _count(counts, new, 1)
    return changed


def could_count(policy: Policy, fact: engine.CredentialFact, documents: dict) -> bool:
    """Whether the policy's approved set takes this credential at all (issuer, tags, MC, stacks, imports, quality
    review), whatever its dates: a credential it does not take cannot change anyone's standing under it."""
    import dataclasses

    try:
        approved = resolve_approved(policy.document, documents.get)
    except PolicyErrors:
        approved = resolve_approved({**policy.document, "approved": {**policy.document["approved"], "reciprocity": []}},
                                    documents.get)
    loose = dataclasses.replace(fact, revoked=False, expires_at=None)
    return engine._exclusion(loose, approved, loose.issued_at, None, False) == ""


def update_qualifiers_for_educator(educator_id: int, *, credential_id: str | None = None,
                                   recognizer_id: int | None = None) -> list[int]:
    """After an event about one educator (a credential issued, revoked or imported; a fact recorded), re-evaluate
    that educator only, for the stored policies it can change: those that could count the credential (or, for a
    fact, the recognizer's), plus any where the educator has no standing yet (a first credential adds them to
    everyone's counts). A snapshot being built remembers the educator for the end of the build. Returns the
    policy ids whose standings changed."""
    snapshots = list(QualifierSnapshot.objects.exclude(generation=0, state=QualifierSnapshot.State.PENDING)
                     .select_related("policy"))
    if not snapshots:
        return []
    policies = {s.policy_id: s.policy for s in snapshots}
    if credential_id is not None:
        fact = next((f for f in selectors.credential_facts([educator_id]).get(educator_id, []) if f.id == str(credential_id)), None)
        documents = dict(selectors.published_policies().values_list("slug", "document"))
        relevant = {pk for pk, p in policies.items() if fact is None or could_count(p, fact, documents)}
    elif recognizer_id is not None:
        relevant = {pk for pk, p in policies.items() if p.recognizer_id == recognizer_id}
    else:
        relevant = set(policies)
    served = {(s.policy_id, s.generation) for s in snapshots if s.generation}
    have = set(QualifierStanding.objects.filter(educator_id=educator_id, policy_id__in=policies)
               .values_list("policy_id", "generation"))
    relevant |= {pk for pk, generation in served if (pk, generation) not in have}
    relevant |= {s.policy_id for s in snapshots if s.state == QualifierSnapshot.State.BUILDING}  # remembered, cheap
    changed = []
    for policy_id in sorted(relevant):
        with transaction.atomic():
            snapshot = QualifierSnapshot.objects.select_for_update().select_related("policy__recognizer").get(policy_id=policy_id)
            if snapshot.state == QualifierSnapshot.State.BUILDING:
                if len(snapshot.touched) < TOUCHED_MAX:
                    snapshot.touched = sorted(set(snapshot.touched) | {educator_id})
                else:
                    snapshot.stale_since = timezone.now()
                snapshot.save(update_fields=["touched", "stale_since"])
            if snapshot.generation and _update_generation(snapshot.policy, snapshot.generation, [educator_id],
                                                          snapshot.counts):
                snapshot.save(update_fields=["counts"])
                changed.append(policy_id)
    return changed


def mark_qualifiers_stale(policy_ids) -> list[int]:
    """The policy changed (a draft saved, a version published or retired, a reciprocity partner published): its
    standings must be rebuilt. Moves existing ready/failed snapshots to PENDING and returns the ids of those that
    need a build enqueued (one waiting build per snapshot; a snapshot being built is rebuilt once more at its end)."""
    now = timezone.now()
    ids = list(policy_ids)
    QualifierSnapshot.objects.filter(policy_id__in=ids).update(stale_since=now)
    waiting = list(QualifierSnapshot.objects.filter(policy_id__in=ids, state__in=(
        QualifierSnapshot.State.READY, QualifierSnapshot.State.FAILED)).values_list("policy_id", flat=True))
    QualifierSnapshot.objects.filter(policy_id__in=waiting).update(state=QualifierSnapshot.State.PENDING)
    return waiting


def policies_depending_on(policy: Policy) -> list[int]:
    """The policy version itself and every policy with standings whose approved set takes this one by reciprocity."""
    out = {policy.pk}
    for pk, document in Policy.objects.filter(qualifier_snapshot__isnull=False).values_list("pk", "document"):
        if policy.slug in ((document or {}).get("approved") or {}).get("reciprocity", []):
            out.add(pk)
    return sorted(out)


def follow_policy_change(policy: Policy) -> list[int]:
    """A draft was saved or a version published: mark the standings that depend on it stale. A newly published
    version of a policy whose qualifiers someone follows gets its own snapshot at once (the page shows the published
    version), and the retired versions' standings are dropped. Returns the policy ids whose build to enqueue."""
    ids = policies_depending_on(policy)
    created = False
    if policy.state == Policy.State.PUBLISHED and QualifierSnapshot.objects.filter(policy__slug=policy.slug).exists():
        _snapshot, created = QualifierSnapshot.objects.get_or_create(policy=policy)
        retired = list(Policy.objects.filter(slug=policy.slug, state=Policy.State.RETIRED).values_list("pk", flat=True))
        QualifierStanding.objects.filter(policy_id__in=retired).delete()
        QualifierSnapshot.objects.filter(policy_id__in=retired).delete()
    waiting = mark_qualifiers_stale(ids)
    return sorted(set(waiting) | ({policy.pk} if created else set()))


def request_qualifier_build(policy: Policy) -> bool:
    """Ask for the policy's standings (the page found none): creates the snapshot; True when a build must be
    enqueued (it was not already waiting or being built)."""
    snapshot, created = QualifierSnapshot.objects.get_or_create(policy=policy)
    if created:
        return True
    return snapshot.state == QualifierSnapshot.State.FAILED and bool(
        QualifierSnapshot.objects.filter(pk=snapshot.pk, state=QualifierSnapshot.State.FAILED)
        .update(state=QualifierSnapshot.State.PENDING))
