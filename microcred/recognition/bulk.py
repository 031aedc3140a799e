"""Batched evaluation: every published policy that applies, for many educators, in a few queries per chunk.

``evaluate_educators`` is the one evaluation path behind ``services.evaluate_educator`` (a chunk of one) and
``services.evaluate_all`` (chunks of ``CHUNK``), so a single educator and a full run cannot disagree. Per run it
loads the policies, stacks, versions and organizations once; per chunk it loads the educators' credentials,
imported credentials, facts, jurisdictions and active awards (one query each), evaluates in memory with the
pure engine, and writes only what changed with bulk_create / bulk_update, audit events included. A second run
over unchanged data writes nothing.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connections, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


from microcred.accounts.models import EducatorProfile, Membership, Organization
from microcred.catalog.models import Criterion, MicroCredentialVersion
from microcred.core.i18n import Later
from microcred.core.models import AuditEvent
from microcred.credentials.models import ExternalCredential, IssuedCredential
from microcred.earning.notifications import notify_many

from . import engine, selectors
from .fastinsert import Inserter
from .models import Award, Policy
from .signals import awards_changed
from .policy import PolicyErrors, resolve_approved

CHUNK = 2000
WITHDRAWING_EXCLUSIONS = ("revoked", "expired")
IMPACT_TAGS = selectors.IMPACT_TAGS


@dataclass
class Change:
    action: str  # award | keep | update | withdraw | supersede
    outcome_key: str
    detail: str = ""
    educator_id: int | None = None
    policy: str = ""


@dataclass
class _Version:
    mc_slug: str
    mc_id: int
    number: int
    tags: frozenset
    tags_lower: frozenset
    subjects: frozenset
    impact: bool


@dataclass
class RunContext:
    """What a run loads once: policies, their resolved approved sets, stacks, versions and organizations."""

    policies: dict[int, Policy]                 # every version (awards may point at retired ones)
    published: list[Policy]
    approved: dict[int, dict]
    stacks: dict[str, engine.StackDef]
    versions: dict[int, _Version]
    org_slugs: dict[int, str]
    org_parent: dict[int, int | None]
    state_agencies: dict[str, set[int]]
    stacks_of_mc: dict[int, frozenset]
    only: list[Policy] | None = None            # evaluate exactly these policies (not by jurisdiction)
    revocation: dict[str, str] = field(default_factory=dict)
    compiled: dict[int, engine.CompiledPolicy] = field(default_factory=dict)
    kinds: dict[tuple, int] = field(default_factory=dict)
    kind_info: list[tuple] = field(default_factory=list)  # kind -> (mc slug, issuer slug, lower-case tags, stacks)
    kind_flags: dict[int, list[bool]] = field(default_factory=dict)  # policy pk -> in the approved set, per kind
    bounds: dict[tuple, tuple] = field(default_factory=dict)

    def compiled_for(self, policy: Policy) -> engine.CompiledPolicy:
        compiled = self.compiled.get(policy.id)  # .id, not .pk: the pk property is slow in a hot loop
        if compiled is None:
            compiled = self.compiled[policy.id] = engine.compile_policy(policy.document, self.stacks)
        return compiled

    def _approved_of(self, policy: Policy, creds: list[engine.CredentialFact]) -> list[engine.CredentialFact]:
        """The credentials in the policy's approved set, whatever their dates, revocation or evidence."""
        approved = self.approved[policy.id]
        flags = self.kind_flags.get(policy.id)
        if flags is None or len(flags) < len(self.kind_info):
            flags = self.kind_flags[policy.id] = [
                issuer in approved["issuers"] or not tags.isdisjoint(approved["tags"]) or mc in approved["micro_credentials"]
                or not stacks.isdisjoint(approved["stacks"]) for mc, issuer, tags, stacks in self.kind_info]
        out = []
        for cred in creds:
            if cred.external:
                if approved["external"] and (cred.issuer in approved["issuers"] or not cred.tags_lower.isdisjoint(approved["tags"])):
                    out.append(cred)
            elif flags[cred.kind]:
                out.append(cred)
        return out

    def kind_of(self, version_id: int, issuer_id: int) -> int:
        """A small integer per (version, issuer): whether a credential is in a policy's approved set depends on
        nothing else, so it is worked out once per policy and kind."""
        key = (version_id, issuer_id)
        kind = self.kinds.get(key)
        if kind is None:
            v = self.versions[version_id]
            kind = self.kinds[key] = len(self.kind_info)
            self.kind_info.append((v.mc_slug, self.org_slugs[issuer_id], v.tags_lower, self.stacks_of_mc.get(v.mc_id, frozenset())))
        return kind

    def could_achieve(self, policy: Policy, creds: list[engine.CredentialFact], facts: dict, as_of: dt.datetime) -> bool:
        """False only when evaluating cannot achieve the policy, by upper bounds that ignore dates, revocation,
        duplicates, categories and caps: not in effect; an eligibility rule fails; fewer approved credentials than
        a threshold, topic count or flat stack needs. Evaluation is skipped then (when no award of the policy is
        held, nothing could change); it decides everything else."""
        in_effect, eligibility, checks = self._bounds_for(policy, as_of)
        if not in_effect:
            return False
        if eligibility:
            declared = policy.document["facts"]
            for rule in eligibility:
                if not engine.eligible(rule, declared, facts):
                    return False
        approved = self._approved_of(policy, creds)
        if not approved:  # every valid policy has a threshold, stack or count-in-topic requirement: none is met by nothing
            return False
        for kind, a, b in checks:
            if kind == "threshold":
                if len(approved) * b < a:
                    return False
            elif kind == "topic":
                if sum(a in c.tags_lower for c in approved) < b:
                    return False
            elif len({c.mc_slug for c in approved if not c.external and c.mc_slug in a}) < b:  # stack
                return False
        return True

    def _bounds_for(self, policy: Policy, as_of: dt.datetime) -> tuple:
        """(in effect on as_of, eligibility rules, [(kind, a, b)]) — worked out once per policy and run."""
        key = (policy.id, as_of)
        if key not in self.bounds:
            rules = policy.document["rules"]
            cp = self.compiled_for(policy)
            today = as_of.date()
            in_effect = cp.start <= today and (cp.until is None or today <= cp.until)
            eligibility = [r for r in rules if r["kind"] == "eligibility"]
            checks: list[tuple] = []
            for rule in rules:
                kind = rule["kind"]
                if kind == "threshold":
                    per_mc = [r["per_mc"] for r in rules if r["kind"] == "convert" and r["unit"] == rule["unit"]]
                    checks.append(("threshold", rule["min"], max(per_mc) if per_mc else 0))
                elif kind == "count_in_topic":
                    checks.append(("topic", rule["tag"].lower(), rule["min"]))
                elif kind == "stack":
                    checks.append(("stack", cp.stack_members.get(rule["stack"], frozenset()), self._stack_floor(rule)))
            self.bounds[key] = (in_effect, eligibility, checks)
        return self.bounds[key]

    def _stack_floor(self, rule: dict) -> int:
        """How many distinct MCs of the stack completing it needs at least: its needed item count when every item
        is an MC (distinct by construction), else 1 (a nested stack's MCs may be shared)."""
        stack = self.stacks.get(rule["stack"])
        if stack is None or any(mc is None for mc, _, _ in stack.items):
            return 1
        logic = rule.get("logic", "as_defined")
        if isinstance(logic, dict):
            return logic["n_of"]
        if logic == "all_of" or stack.rule in ("all_of", "sequence"):
            return len(stack.items)
        if stack.rule == "n_of_m":
            return min(stack.required_count or len(stack.items), len(stack.items))
        if stack.rule == "choice_slots":
            return len({slot or 0 for _, _, slot in stack.items})
        return 1

    @classmethod
    def load(cls, *, policies: Iterable[Policy] | None = None) -> "RunContext":
        every = {p.pk: p for p in Policy.objects.all()}
        published = [p for p in every.values() if p.state == Policy.State.PUBLISHED]
        documents = {p.slug: p.document for p in published}
        only = list(policies) if policies is not None else None
        approved = {}
        for p in {x.pk: x for x in published + list(every.values()) + (only or [])}.values():
            approved[p.pk] = _approved(p.document, documents)
        versions = {}
        subjects = defaultdict(set)
        through = MicroCredentialVersion.subjects.through
        for vid, slug in through.objects.values_list("microcredentialversion_id", "subject__slug"):
            subjects[vid].add(slug)
        impact = set(Criterion.objects.filter(title__icontains="impact").values_list("rubric__part__version_id", flat=True))
        for vid, slug, mc_id, number, tags in MicroCredentialVersion.objects.values_list(
                "pk", "micro_credential__slug", "micro_credential_id", "number", "tags"):
            tags = frozenset(str(t) for t in (tags or []))
            versions[vid] = _Version(slug, mc_id, number, tags, frozenset(t.lower() for t in tags), frozenset(subjects[vid]),
                                     vid in impact or bool({t.lower() for t in tags} & IMPACT_TAGS))
        orgs = list(Organization.objects.values_list("pk", "slug", "parent_id", "kind", "state"))
        agencies = defaultdict(set)
        for pk, _, _, kind, state in orgs:
            if kind == Organization.Kind.STATE_AGENCY and state:
                agencies[state].add(pk)
        return cls(policies=every, published=published, approved=approved, stacks=selectors.stack_definitions(),
                   versions=versions, org_slugs={o[0]: o[1] for o in orgs}, org_parent={o[0]: o[2] for o in orgs},
                   state_agencies=agencies, stacks_of_mc=selectors._stacks_of_mcs(), only=only)


def _approved(document: dict, documents: dict) -> dict:
    try:
        return resolve_approved(document, documents.get)
    except PolicyErrors:  # a reciprocity partner is no longer published: its set no longer counts
        return resolve_approved({**document, "approved": {**document["approved"], "reciprocity": []}}, documents.get)


# --- Per chunk: loading -----------------------------------------------------------------------------------------

def _raw(qs):
    """Rows of a values_list queryset straight from the cursor, without Django's per-value converters (the
    converters are most of the loading time at 100,000s of rows); ``_when`` does the one conversion needed."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(5000):
            yield from rows


def _span(field: str, ids: list[int]) -> Q:
    """The sorted chunk's id range: two parameters instead of 2,000 (the drivers parse every placeholder of every
    query); rows of people in the range but not in the chunk are skipped by the loaders."""
    return Q(**{f"{field}__gte": ids[0], f"{field}__lte": ids[-1]})


def _when(value) -> dt.datetime | None:
    """A datetime column as an aware datetime: PostgreSQL's driver gives one; SQLite gives naive UTC (or text)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


def _credential_facts(ctx: RunContext, ids: list[int]) -> dict[int, list[engine.CredentialFact]]:
    out: dict[int, list[engine.CredentialFact]] = defaultdict(list)
    wanted = set(ids)
    rows = _raw(IssuedCredential.objects.filter(_span("earner_id", ids)).order_by().values_list(
        "pk", "earner_id", "version_id", "issuer_id", "issued_at", "revoked_at", "revocation_reason", "credential__validUntil"))
    Fact, versions, slugs, stacks_of, empty = engine.CredentialFact, ctx.versions, ctx.org_slugs, ctx.stacks_of_mc, frozenset()
    for pk, earner_id, version_id, issuer_id, issued_at, revoked_at, reason, until in rows:
        if earner_id not in wanted:
            continue
        v = versions[version_id]
        cid = f"{pk[:8]}-{pk[8:12]}-{pk[12:16]}-{pk[16:20]}-{pk[20:]}" if isinstance(pk, str) and len(pk) == 32 else str(pk)  # SQLite: hex
        if revoked_at is not None:
            ctx.revocation[cid] = f"{v.mc_slug}: {reason}" if reason else v.mc_slug
        if isinstance(until, str) and until.startswith('"'):  # a JSON-encoded string (some SQLite builds)
            until = json.loads(until)
        out[earner_id].append(Fact(
            id=cid, mc_slug=v.mc_slug, version=v.number, issuer=slugs[issuer_id], issued_at=_when(issued_at),
            tags=v.tags, tags_lower=v.tags_lower, subjects=v.subjects, stacks=stacks_of.get(v.mc_id, empty), revoked=revoked_at is not None,
            expires_at=parse_datetime(until) if isinstance(until, str) else None, has_student_impact_evidence=v.impact,
            kind=ctx.kind_of(version_id, issuer_id)))
    for pk, earner_id, issuer, valid_from, verified_at, valid_until in ExternalCredential.objects.countable().filter(_span("earner_id", ids)) \
            .values_list("pk", "earner_id", "issuer_id", "valid_from", "verified_at", "valid_until"):
        if earner_id in wanted:
            out[earner_id].append(engine.CredentialFact(id=str(pk), mc_slug="", issuer=issuer, issued_at=valid_from or verified_at,
                                                    expires_at=valid_until, external=True))
    return out


def _facts(ids: list[int]) -> dict[tuple[int, int], dict]:
    from .models import EducatorFact

    out: dict[tuple[int, int], dict] = defaultdict(dict)
    wanted = set(ids)
    for recognizer_id, educator_id, key, value in EducatorFact.objects.filter(_span("educator_id", ids)) \
            .values_list("recognizer_id", "educator_id", "key", "value"):
        if educator_id in wanted:
            out[(recognizer_id, educator_id)][key] = value
    return out


def _jurisdictions(ctx: RunContext, ids: list[int]) -> dict[int, set[int]]:
    """The same as selectors.jurisdiction_ids, for a chunk: memberships, profile district/school, the profile
    state's agencies, and all their ancestors."""
    start: dict[int, set[int]] = defaultdict(set)
    wanted = set(ids)
    for user_id, org_id in Membership.objects.filter(_span("user_id", ids)).values_list("user_id", "organization_id"):
        if user_id in wanted:
            start[user_id].add(org_id)
    for user_id, district_id, school_id, state in EducatorProfile.objects.filter(_span("user_id", ids)) \
            .values_list("user_id", "district_id", "school_id", "state"):
        if user_id not in wanted:
            continue
        start[user_id] |= {pk for pk in (district_id, school_id) if pk}
        if state:
            start[user_id] |= ctx.state_agencies.get(state, set())
    closure_cache: dict[int, frozenset] = {}

    def ancestors(pk: int) -> frozenset:
        if pk not in closure_cache:
            out, cursor = set(), pk
            while cursor and cursor not in out:
                out.add(cursor)
                cursor = ctx.org_parent.get(cursor)
            closure_cache[pk] = frozenset(out)
        return closure_cache[pk]

    return {uid: set().union(*(ancestors(pk) for pk in orgs)) for uid, orgs in start.items()}


@dataclass
class HeldAward:
    """An active award as evaluation needs it (loading full Award rows is the slow part of a second run)."""

    pk: int
    educator_id: int
    policy: Policy
    outcome_key: str
    name: str
    amount: Decimal | None
    provenance: dict


def _active_awards(ctx: RunContext, ids: list[int]) -> dict[int, list[HeldAward]]:
    out: dict[int, list[HeldAward]] = defaultdict(list)
    wanted = set(ids)
    rows = _raw(Award.objects.filter(_span("educator_id", ids), state=Award.State.ACTIVE).order_by().values_list(
        "pk", "educator_id", "policy_id", "outcome_key", "name", "amount", "provenance__credentials"))
    for pk, educator_id, policy_id, key, name, amount, credentials in rows:
        if educator_id not in wanted:
            continue
        if isinstance(credentials, str):
            credentials = json.loads(credentials)
        policy = ctx.policies.get(policy_id) or Policy.objects.get(pk=policy_id)
        out[educator_id].append(HeldAward(pk, educator_id, policy, key, name, _amount(amount), {"credentials": credentials or []}))
    return out


# --- Planning (pure) ----------------------------------------------------------------------------------------------

def _active_by_key(awards: list[Award], slug: str) -> dict[str, Award]:
    """Active awards of one policy slug, any version; the newest version's wins (as services._active_by_key)."""
    mine = sorted((a for a in awards if a.policy.slug == slug), key=lambda a: a.policy.version)
    return {a.outcome_key: a for a in mine}


def _amount(value) -> Decimal | None:
    return Decimal(str(value)).quantize(Decimal("0.01")) if value is not None else None


def plan(evaluation: engine.Evaluation, active: dict[str, Award], revocation: dict[str, str],
         credentials: list[engine.CredentialFact] = ()) -> list[Change]:
    """What evaluating changes against the active awards of the same policy slug (any version), per outcome.
    Awards once earned persist (time passing and cycle windows do not take them back); they are withdrawn only
    when a credential they counted is revoked or expired and the rest no longer achieve the outcome."""
    changes = []
    for outcome in evaluation.outcomes:
        award = active.get(outcome.key)
        if outcome.achieved:
            if award is None:
                changes.append(Change("award", outcome.key))
            elif award.policy.version != evaluation.version and evaluation.version is not None:
                changes.append(Change("supersede", outcome.key, f"version {award.policy.version} → {evaluation.version}"))
            elif sorted(award.provenance.get("credentials", [])) != outcome.provenance:
                changes.append(Change("update", outcome.key, "the credentials that count changed"))
            elif award.amount != _amount(outcome.amount):
                changes.append(Change("update", outcome.key, "the amount changed"))
            else:
                changes.append(Change("keep", outcome.key))
        elif award is not None:
            reason = withdrawal_reason(award, evaluation, revocation, credentials)
            changes.append(Change("withdraw", outcome.key, reason) if reason else Change("keep", outcome.key, "earned earlier"))
    return changes


def withdrawal_reason(award: Award, evaluation: engine.Evaluation, revocation: dict[str, str],
                      credentials: list[engine.CredentialFact] = ()) -> str:
    """Why an award's credentials no longer count, or "" when none of them was revoked or expired.
    ``revocation`` labels credentials ("mc-slug: reason"); others are labelled by their MC, else "imported"."""
    lost = [cid for cid in award.provenance.get("credentials", []) if evaluation.excluded.get(cid) in WITHDRAWING_EXCLUSIONS]
    if not lost:
        return ""
    slugs = {c.id: c.mc_slug for c in credentials if not c.external}
    parts = [f"credential {cid} ({revocation.get(cid) or slugs.get(cid) or 'imported'}) {evaluation.excluded[cid]}" for cid in lost]
    return "; ".join(parts) + " — " + "; ".join(evaluation.outcome(award.outcome_key).missing)


# --- Writing ------------------------------------------------------------------------------------------------------

@dataclass
class _Writes:
    create: list[Award] = field(default_factory=list)
    withdraw: list[Award] = field(default_factory=list)
    update: list[Award] = field(default_factory=list)
    events: list[tuple[str, Award, dict]] = field(default_factory=list)


def _provenance(policy: Policy, evaluation: engine.Evaluation, outcome: engine.OutcomeResult, as_of) -> dict:
    return {"policy": policy.slug, "version": policy.version, "credentials": outcome.provenance,
            "evaluated_at": as_of.isoformat(), "progress": [r.label for r in evaluation.requirements]}


def _withdraw(writes: _Writes, held: HeldAward, reason: str, as_of) -> None:
    award = Award(pk=held.pk, policy=held.policy, educator_id=held.educator_id, outcome_key=held.outcome_key, name=held.name,
                  state=Award.State.WITHDRAWN, withdrawn_at=as_of, withdrawn_reason=reason[:1000])
    writes.withdraw.append(award)
    writes.events.append(("award.withdrawn", award, {"reason": award.withdrawn_reason}))


def _apply(writes: _Writes, change: Change, policy: Policy, educator_id: int, evaluation: engine.Evaluation,
           award: Award | None, as_of) -> None:
    if change.action == "keep":
        return
    if change.action == "withdraw":
        _withdraw(writes, award, change.detail, as_of)
        return
    outcome = evaluation.outcome(change.outcome_key)
    if change.action == "update":
        updated = Award(pk=award.pk, policy=award.policy, educator_id=educator_id, outcome_key=award.outcome_key, name=award.name,
                        provenance=_provenance(policy, evaluation, outcome, as_of), amount=_amount(outcome.amount))
        writes.update.append(updated)
        writes.events.append(("award.provenance_updated", updated, {"credentials": outcome.provenance}))
        return
    if change.action == "supersede":
        _withdraw(writes, award, f"superseded by version {policy.version} of “{policy.slug}”", as_of)
    expires = engine.years_before(as_of, -outcome.expires_after_years) if outcome.expires_after_years else None
    # A plain row, not an Award: building 100,000s of model instances is a large part of a first run.
    created = _NewAward({"policy_id": policy.pk, "educator_id": educator_id, "outcome_key": outcome.key, "kind": outcome.kind,
                         "name": outcome.name, "amount": _amount(outcome.amount), "unit": outcome.unit,
                         "state": Award.State.ACTIVE, "provenance": _provenance(policy, evaluation, outcome, as_of),
                         "awarded_at": as_of, "expires_at": expires})
    writes.create.append(created)
    writes.events.append(("award.granted", created, {"policy": policy.slug, "version": policy.version,
                                                      "credentials": outcome.provenance}))


class _NewAward:
    """An award to insert: its row, and its primary key once inserted."""

    __slots__ = ("row", "pk")

    def __init__(self, row: dict):
        self.row, self.pk = row, None

    name = property(lambda self: self.row["name"])
    educator_id = property(lambda self: self.row["educator_id"])
    state = property(lambda self: self.row["state"])


def _audit_events(events: list[tuple[str, Award, dict]]) -> list[AuditEvent]:
    """The rows audit.record would append, built for one bulk insert (evaluation has no human actor); the
    label is str(award), with the educators' names loaded in one query instead of one per award."""
    users = {pk: (f"{first} {last}".strip() or username) for pk, first, last, username in
             get_user_model().objects.filter(pk__in={a.educator_id for _, a, _ in events}).values_list("pk", "first_name", "last_name", "username")}
    try:
        from microcred.core import audit_context

        where = audit_context.current()
        extra = {"ip_address": where.ip_address, "via": where.via, "source": where.detail, "user_agent": where.user_agent}
    except ImportError:  # an older audit trail without sources
        extra = {}
    label = Award._meta.label_lower
    return [{"actor_id": None, "action": action, "target_type": label, "target_id": str(award.pk),
             "target_label": f"{award.name} — {users.get(award.educator_id, '')} ({award.state})"[:300],
             "data": data, **extra} for action, award, data in events]


def _notices(events: list[tuple[str, Award, dict]]) -> list[dict]:
    """One notice per award granted or withdrawn (not for a newer version superseding an award: the educator hears
    of the new award), for earning's notify_many: created in bulk, e-mailed later by one background task."""
    url, out = reverse("recognition:worth"), []
    for action, award, data in events:
        if award.pk is None:
            continue  # not written (another worker granted it first)
        if action == "award.granted":
            out.append({"user_id": award.educator_id, "kind": "award", "url": url, "dedupe_key": f"award-{award.pk}",
                        "message": Later(gettext_noop("You have been recognised: “%(name)s”. See what your work is worth."),
                                         name=award.name)})
        elif action == "award.withdrawn" and not award.withdrawn_reason.startswith("superseded by"):
            out.append({"user_id": award.educator_id, "kind": "award", "url": url,
                        "dedupe_key": f"award-withdrawn-{award.pk}",
                        "message": Later(gettext_noop("Your recognition “%(name)s” was withdrawn: %(reason)s"),
                                         name=award.name, reason=award.withdrawn_reason)})
    return out


def _write(writes: _Writes) -> None:
    if not (writes.create or writes.withdraw or writes.update):
        return
    _write_awards(writes)
    notify_many(_notices(writes.events))
    granted = [a.pk for action, a, _data in writes.events if action == "award.granted" and a.pk is not None]
    withdrawn = [a.pk for action, a, _data in writes.events if action == "award.withdrawn" and a.pk is not None]
    if granted or withdrawn:
        transaction.on_commit(lambda: awards_changed.send(sender=Award, granted_ids=granted, withdrawn_ids=withdrawn))


def _write_awards(writes: _Writes) -> None:
    try:
        with transaction.atomic():
            if writes.withdraw:
                Award.objects.bulk_update(writes.withdraw, ["state", "withdrawn_at", "withdrawn_reason"], batch_size=500)
            if writes.update:
                Award.objects.bulk_update(writes.update, ["provenance", "amount"], batch_size=500)
            rows = Inserter(timezone.now())
            if writes.create:
                for created, pk in zip(writes.create, rows.insert_returning(Award, [a.row for a in writes.create])):
                    created.pk = pk
            rows.insert(AuditEvent, _audit_events(writes.events))
    except IntegrityError:
        # Another worker granted one of these awards first (one active award per outcome, by constraint): write
        # this chunk one award at a time; those already granted stand.
        for created in writes.create:
            created.pk = None
        _write_one_by_one(writes)


def _write_one_by_one(writes: _Writes) -> None:
    for action, award, data in writes.events:
        try:
            with transaction.atomic():
                if isinstance(award, _NewAward):
                    award.pk = Award.objects.create(**award.row).pk
                elif action == "award.withdrawn":
                    award.save(update_fields=["state", "withdrawn_at", "withdrawn_reason"])
                else:
                    award.save(update_fields=["provenance", "amount"])
                Inserter(timezone.now()).insert(AuditEvent, _audit_events([(action, award, data)]))
        except IntegrityError:
            pass


# --- The run ------------------------------------------------------------------------------------------------------

def evaluate_educators(educator_ids: Iterable[int], *, as_of: dt.datetime, policies: Iterable[Policy] | None = None,
                       chunk: int = CHUNK, progress: Callable[[int, int], None] | None = None,
                       context: RunContext | None = None) -> list[Change]:
    """Bring these educators' awards in line with every published policy that applies to them (or exactly
    ``policies``), ``chunk`` educators at a time. Returns the changes (not the "keep"s)."""
    ids = sorted(set(educator_ids))
    ctx = context or RunContext.load(policies=policies)
    by_recognizer: dict[int, list[Policy]] = defaultdict(list)
    for p in ctx.published:
        by_recognizer[p.recognizer_id].append(p)
    changes: list[Change] = []
    for start in range(0, len(ids), chunk):
        part = ids[start:start + chunk]
        changes += _evaluate_chunk(ctx, part, by_recognizer, as_of)
        if progress:
            progress(min(start + chunk, len(ids)), len(ids))
    return changes


def _evaluate_chunk(ctx: RunContext, ids: list[int], by_recognizer, as_of) -> list[Change]:
    creds = _credential_facts(ctx, ids)
    facts = _facts(ids)
    awards = _active_awards(ctx, ids)
    places = _jurisdictions(ctx, ids) if ctx.only is None else {}
    writes, changes = _Writes(), []
    empty: dict = {}
    for eid in ids:
        mine = creds.get(eid, [])
        held = awards.get(eid, [])
        held_slugs = {a.policy.slug for a in held}
        if ctx.only is not None:
            policies = ctx.only
        else:
            policies = [p for rid in places.get(eid, ()) for p in by_recognizer.get(rid, ())]
        evaluated = set()
        for policy in policies:
            evaluated.add(policy.slug)
            mine_facts = facts.get((policy.recognizer_id, eid), empty)
            if policy.slug not in held_slugs and not ctx.could_achieve(policy, mine, mine_facts, as_of):
                continue  # not achievable and no award to keep or withdraw: the plan would be empty
            evaluation = engine.evaluate(policy.document, mine, mine_facts, as_of=as_of,
                                         approved=ctx.approved[policy.id], stacks=ctx.stacks, version=policy.version,
                                         compiled=ctx.compiled_for(policy))
            active = _active_by_key(held, policy.slug) if policy.slug in held_slugs else {}
            for change in plan(evaluation, active, ctx.revocation, mine):
                _apply(writes, change, policy, eid, evaluation, active.get(change.outcome_key), as_of)
                if change.action != "keep":
                    change.educator_id, change.policy = eid, policy.slug
                    changes.append(change)
        # Awards under policies no longer evaluated (retired versions, outside the jurisdiction now) still fall
        # when a credential they counted is revoked or expired.
        for award in held:
            if award.policy.slug in evaluated:
                continue
            policy = award.policy
            if policy.pk not in ctx.approved:
                ctx.approved[policy.pk] = _approved(policy.document, {p.slug: p.document for p in ctx.published})
            evaluation = engine.evaluate(policy.document, mine, facts.get((policy.recognizer_id, eid), empty), as_of=as_of,
                                         approved=ctx.approved[policy.pk], stacks=ctx.stacks, version=policy.version)
            if not evaluation.outcome(award.outcome_key).achieved:
                reason = withdrawal_reason(award, evaluation, ctx.revocation, mine)
                if reason:
                    _withdraw(writes, award, reason, as_of)
                    changes.append(Change("withdraw", award.outcome_key, reason, eid, policy.slug))
    _write(writes)
    return changes
