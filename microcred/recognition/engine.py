"""Pure evaluation of one validated policy for one educator: plain data in, an ``Evaluation`` out, no ORM.

The pipeline (see ``policy`` for the document): revoked/expired credentials are dropped → the approved set →
the cycle window [as_of − years, as_of] (both ends inclusive; a later issue date does not count) → the evidence
condition → one credential per micro-credential (the latest) → conversion with caps → requirements (threshold,
stack, count_in_topic, eligibility). Every outcome is achieved when every requirement holds.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from .policy import resolve_approved

_RATING_OPS = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
               "<": lambda a, b: a < b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


@dataclass(frozen=True)
class CredentialFact:
    """One credential of an educator as the engine sees it (issued here, or imported when ``external``)."""

    id: str
    mc_slug: str
    issuer: str
    issued_at: dt.datetime
    version: int = 1
    tags: frozenset = frozenset()
    subjects: frozenset = frozenset()
    stacks: frozenset = frozenset()  # stack slugs the MC is an item of (directly or through nested stacks)
    revoked: bool = False
    expires_at: dt.datetime | None = None
    external: bool = False
    has_student_impact_evidence: bool = False
    tags_lower: frozenset = field(default=frozenset(), compare=False, repr=False)  # derived from tags
    kind: int = field(default=-1, compare=False, repr=False)  # the bulk loader's index of (version, issuer)

    def __post_init__(self):
        # Tags match case-insensitively; lower-case them once here rather than in every policy evaluated.
        if self.tags and not self.tags_lower:
            object.__setattr__(self, "tags_lower", frozenset(t.lower() for t in self.tags))


@dataclass(frozen=True)
class StackDef:
    """A stack's completion rule; ``items`` are (mc slug or None, child stack slug or None, slot)."""

    slug: str
    rule: str  # all_of | n_of_m | sequence | choice_slots
    items: tuple = ()
    required_count: int | None = None


@dataclass
class Requirement:
    rule: int
    kind: str
    met: bool
    have: float
    need: float
    label: str
    missing: str = ""
    credential_ids: list[str] = field(default_factory=list)


@dataclass
class OutcomeResult:
    key: str
    kind: str
    name: str
    achieved: bool
    amount: float | None
    unit: str
    expires_after_years: int | None
    provenance: list[str]
    missing: list[str]


@dataclass
class Evaluation:
    policy: str
    version: int | None
    as_of: dt.datetime
    in_effect: bool
    requirements: list[Requirement]
    outcomes: list[OutcomeResult]
    counted: list[str]
    excluded: dict[str, str]  # credential id -> why it does not count
    totals: dict[str, float]  # converted units after caps

    def outcome(self, key: str) -> OutcomeResult:
        return next(o for o in self.outcomes if o.key == key)


def years_before(moment: dt.datetime, years: int) -> dt.datetime:
    """The same calendar instant ``years`` earlier (29 February → 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


@dataclass
class CompiledPolicy:
    """What evaluation needs from a validated document, worked out once per policy rather than per educator."""

    start: dt.date
    until: dt.date | None
    window: int | None
    needs_impact: bool
    converts: list          # (unit, category as written or None, lower-cased category or None, per_mc)
    caps: dict              # (unit, category as written or None) -> max
    stack_members: dict     # stack slug -> every MC slug in it (nested stacks included)


_window_start = functools.lru_cache(maxsize=256)(years_before)  # one as_of per run: computed once per window


def compile_policy(policy: dict, stacks: dict[str, StackDef] | None = None) -> CompiledPolicy:
    rules = policy["rules"]
    stacks = stacks or {}
    return CompiledPolicy(
        start=dt.date.fromisoformat(policy["effective_from"]),
        until=dt.date.fromisoformat(policy["effective_until"]) if policy.get("effective_until") else None,
        window=next((r["years"] for r in rules if r["kind"] == "cycle_window"), None),
        needs_impact=any(r["kind"] == "evidence" for r in rules),
        converts=[(r["unit"], r.get("category"), r["category"].lower() if r.get("category") else None, r["per_mc"])
                  for r in rules if r["kind"] == "convert"],
        caps={(r["unit"], r.get("category")): r["max"] for r in rules if r["kind"] == "cap"},
        stack_members={r["stack"]: _stack_mcs(stacks[r["stack"]], stacks) for r in rules
                       if r["kind"] == "stack" and r["stack"] in stacks})


def evaluate(policy: dict, credentials: list[CredentialFact], facts: dict[str, Any], *, as_of: dt.datetime,
             approved: dict | None = None, stacks: dict[str, StackDef] | None = None,
             version: int | None = None, compiled: CompiledPolicy | None = None) -> Evaluation:
    """Evaluate a validated policy document. ``approved`` is the resolved approved set (reciprocity expanded;
    defaults to the document's own), ``stacks`` the definitions of stacks named in stack rules, ``compiled``
    the policy's ``compile_policy`` (with the same stacks) when the caller evaluates it for many educators."""
    approved = approved or resolve_approved(policy, lambda slug: None)
    stacks = stacks or {}
    cp = compiled or compile_policy(policy, stacks)
    rules = policy["rules"]
    excluded: dict[str, str] = {}
    today = as_of.date()
    in_effect = cp.start <= today and (cp.until is None or today <= cp.until)

    window_start = _window_start(as_of, cp.window) if cp.window else None
    latest: dict[str, CredentialFact] = {}
    for cred in credentials:
        why = _exclusion(cred, approved, as_of, window_start, cp.needs_impact)
        if why:
            excluded[cred.id] = why
            continue
        key = f"external:{cred.id}" if cred.external else cred.mc_slug
        previous = latest.get(key)
        if previous is None or cred.issued_at > previous.issued_at:
            if previous is not None:
                excluded[previous.id] = "the same micro-credential earned again later counts instead"
            latest[key] = cred
        else:
            excluded[cred.id] = "the same micro-credential earned again later counts instead"
    counting = sorted(latest.values(), key=_issue_order) if len(latest) > 1 else list(latest.values())

    totals, converted_ids = _convert(cp, counting)
    requirements: list[Requirement] = []
    counted_mcs = {c.mc_slug for c in counting if not c.external}
    for i, rule in enumerate(rules):
        kind = rule["kind"]
        if kind == "threshold":
            have = totals.get(rule["unit"], 0)
            met = have >= rule["min"]
            requirements.append(Requirement(i, kind, met, have, rule["min"], f"{rule['unit']} {have:g}/{rule['min']:g}",
                                            "" if met else f"{rule['min'] - have:g} more {rule['unit']}",
                                            converted_ids.get(rule["unit"], [])))
        elif kind == "stack":
            requirements.append(_stack_requirement(i, rule, stacks, counting, counted_mcs, cp.stack_members.get(rule["stack"])))
        elif kind == "count_in_topic":
            tag = rule["tag"].lower()
            ids = [c.id for c in counting if tag in c.tags_lower]
            met = len(ids) >= rule["min"]
            requirements.append(Requirement(i, kind, met, len(ids), rule["min"], f"MCs in “{rule['tag']}” {len(ids)}/{rule['min']}",
                                            "" if met else f"{rule['min'] - len(ids)} more MCs tagged “{rule['tag']}”", ids))
        elif kind == "eligibility":
            requirements.append(_eligibility(i, rule, policy["facts"], facts))

    achieved = in_effect and all(r.met for r in requirements)
    provenance = sorted({cid for r in requirements for cid in r.credential_ids}) if achieved else []
    missing = ([] if in_effect else ["the policy is not in effect on this date"]) + [r.missing for r in requirements if not r.met]
    outcomes = []
    for o in policy["outcomes"]:
        amount = o.get("amount")
        if amount is None and o.get("unit") in totals:
            amount = totals[o["unit"]]
        outcomes.append(OutcomeResult(o["key"], o["kind"], o["name"], achieved, amount, o.get("unit", ""),
                                      o.get("expires_after_years"), provenance, missing))
    return Evaluation(policy.get("slug", ""), version, as_of, in_effect, requirements, outcomes,
                      [c.id for c in counting], excluded, totals)


def _issue_order(cred: CredentialFact):
    return (cred.issued_at, cred.id)


def _exclusion(cred: CredentialFact, approved: dict, as_of, window_start, needs_impact) -> str:
    if cred.revoked:
        return "revoked"
    if cred.expires_at is not None and cred.expires_at <= as_of:
        return "expired"
    if cred.issued_at > as_of:
        return "issued after the evaluation date"
    in_set = cred.issuer in approved["issuers"] or not cred.tags_lower.isdisjoint(approved["tags"])
    if not cred.external:
        in_set = in_set or cred.mc_slug in approved["micro_credentials"] or not cred.stacks.isdisjoint(approved["stacks"])
    elif not approved["external"]:
        return "imported credentials are not accepted by this policy"
    if not in_set:
        return "not in the policy's approved set"
    quality = approved.get("quality")
    if quality is not None and not cred.external and cred.mc_slug not in quality:
        return "not approved by an independent quality review"
    if window_start is not None and cred.issued_at < window_start:
        return "earned before the cycle window"
    if needs_impact and not cred.has_student_impact_evidence:
        return "no documented impact on student learning"
    return ""


def _convert(cp: CompiledPolicy, counting: list[CredentialFact]) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Units per credential by the first matching convert rule; then caps per category and overall."""
    by_cat: dict[tuple[str, str | None], float] = {}
    ids: dict[str, list[str]] = {}
    if not cp.converts:
        return {}, ids
    for cred in counting:
        for unit, cat, cat_lower, per_mc in cp.converts:
            if cat_lower is None or cat_lower in cred.tags_lower:
                by_cat[(unit, cat)] = by_cat.get((unit, cat), 0) + per_mc
                ids.setdefault(unit, []).append(cred.id)
                break
    caps = cp.caps
    totals: dict[str, float] = {}
    for (unit, cat), value in by_cat.items():
        if cat is not None and (unit, cat) in caps:
            value = min(value, caps[(unit, cat)])
        totals[unit] = totals.get(unit, 0) + value
    for unit in list(totals):
        if (unit, None) in caps:
            totals[unit] = min(totals[unit], caps[(unit, None)])
    return totals, ids


def _stack_done(stack: StackDef, logic, stacks: dict[str, StackDef], mcs: set[str], depth: int = 0) -> tuple[int, int]:
    """(done, needed) for a stack, with nested stacks counting when complete."""
    statuses = []
    for mc, child, slot in stack.items:
        if mc:
            done = mc in mcs
        elif child in stacks and depth < 10:
            d, n = _stack_done(stacks[child], "as_defined", stacks, mcs, depth + 1)
            done = n > 0 and d >= n
        else:
            done = False
        statuses.append((done, slot))
    if isinstance(logic, dict):
        needed = logic["n_of"]
        return min(sum(d for d, _ in statuses), needed), needed
    if logic == "all_of":
        return sum(d for d, _ in statuses), len(statuses)
    if stack.rule == "n_of_m":
        needed = min(stack.required_count or len(statuses), len(statuses))
        return min(sum(d for d, _ in statuses), needed), needed
    if stack.rule == "sequence":
        done = 0
        for d, _ in statuses:
            if not d:
                break
            done += 1
        return done, len(statuses)
    if stack.rule == "choice_slots":
        slots: dict[int, bool] = {}
        for d, slot in statuses:
            slots[slot or 0] = slots.get(slot or 0, False) or d
        return sum(slots.values()), len(slots)
    return sum(d for d, _ in statuses), len(statuses)


def _stack_requirement(i, rule, stacks, counting, counted_mcs, members=None) -> Requirement:
    stack = stacks.get(rule["stack"])
    if stack is None:
        return Requirement(i, "stack", False, 0, 1, f"stack “{rule['stack']}”", f"stack “{rule['stack']}” is not defined")
    done, needed = _stack_done(stack, rule["logic"], stacks, counted_mcs)
    met = needed > 0 and done >= needed
    members = members if members is not None else _stack_mcs(stack, stacks)
    ids = [c.id for c in counting if c.mc_slug in members]
    return Requirement(i, "stack", met, done, needed, f"stack “{rule['stack']}” {done}/{needed}",
                       "" if met else f"{needed - done} more of stack “{rule['stack']}”", ids)


def _stack_mcs(stack: StackDef, stacks: dict[str, StackDef], depth: int = 0) -> set[str]:
    out = set()
    for mc, child, _ in stack.items:
        if mc:
            out.add(mc)
        elif child in stacks and depth < 10:
            out |= _stack_mcs(stacks[child], stacks, depth + 1)
    return out


def eligible(rule: dict, declared: dict, facts: dict) -> bool:
    """Whether the educator's facts satisfy one eligibility rule (an unknown fact never does)."""
    name, op, want = rule["fact"], rule["op"], rule["value"]
    have = facts.get(name)
    if have is None:
        return False
    kind = declared[name]
    try:
        if op == "in":
            return have in want
        if isinstance(kind, list):
            return have in kind and _RATING_OPS[op](kind.index(have), kind.index(want))
        return bool(_RATING_OPS[op](have, want))
    except TypeError:
        return False


def _eligibility(i, rule, declared: dict, facts: dict) -> Requirement:
    name, op, want = rule["fact"], rule["op"], rule["value"]
    label = f"{name} {op} {want}"
    if name not in facts or facts[name] is None:
        return Requirement(i, "eligibility", False, 0, 1, label, f"the recognizer has no “{name}” on record")
    have = facts[name]
    met = eligible(rule, declared, facts)
    return Requirement(i, "eligibility", bool(met), 1 if met else 0, 1, label,
                       "" if met else f"{name} is {have}; the policy needs {op} {want}")
