"""Every write of the recognition app: drafting and publishing policies, educator facts, evaluation → awards."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from microcred.accounts.models import Organization, Role
from microcred.accounts.selectors import has_role, is_platform_admin
from microcred.core import audit
from microcred.credentials.models import IssuedCredential

from . import engine, selectors
from .models import Award, EducatorFact, Policy
from .policy import PolicyErrors, References, parse_document, resolve_approved, validate_policy

WITHDRAWING_EXCLUSIONS = ("revoked", "expired")


def can_manage(user, recognizer: Organization) -> bool:
    return has_role(user, Role.RECOGNIZER_ADMIN, recognizer) or is_platform_admin(user)


def _check_can_manage(by, recognizer: Organization) -> None:
    if not can_manage(by, recognizer):
        raise PermissionDenied("Only the recognizer's admins may edit or publish its policies.")


def create_or_update_draft(*, recognizer: Organization, document, by) -> Policy:
    """Validate the document and save it as the policy's draft (a new version after the last one).

    Guarantees: recognizer admins (or platform admins) only; a refused document raises PolicyErrors with exact
    paths and changes nothing; a slug belongs to one recognizer; one draft per policy at a time."""
    _check_can_manage(by, recognizer)
    raw = parse_document(document)
    clean = validate_policy(raw, references=References.from_database(exclude_policy=raw.get("slug")))
    if clean["recognizer"] != recognizer.slug:
        raise PolicyErrors({"recognizer": [f"This policy belongs to “{recognizer.slug}”, not “{clean['recognizer']}”."]})
    with transaction.atomic():
        others = Policy.objects.select_for_update().filter(slug=clean["slug"])
        if others.exclude(recognizer=recognizer).exists():
            raise PolicyErrors({"slug": [f"Another recognizer already uses the policy slug “{clean['slug']}”."]})
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
    return policy


def set_educator_fact(*, recognizer: Organization, educator, key: str, value, by) -> EducatorFact:
    """Record a fact the recognizer holds about an educator (replacing the previous value)."""
    _check_can_manage(by, recognizer)
    fact, _ = EducatorFact.objects.update_or_create(recognizer=recognizer, educator=educator, key=key,
                                                    defaults={"value": value})
    audit.record(actor=by, action="recognition.fact_set", target=fact, data={"key": key})
    return fact


# --- Evaluation -------------------------------------------------------------------------------

@dataclass
class Change:
    action: str  # award | keep | update | withdraw | supersede
    outcome_key: str
    detail: str = ""


@dataclass
class DryRunRow:
    educator: object
    evaluation: engine.Evaluation
    changes: list[Change]


def _evaluate(document: dict, version: int | None, recognizer_id: int, educator_ids, *, as_of, stacks=None):
    approved = resolve_approved(document, selectors.published_document)
    stacks = stacks if stacks is not None else selectors.stack_definitions()
    creds = selectors.credential_facts(educator_ids)
    facts = selectors.educator_facts(recognizer_id, educator_ids)
    return {eid: engine.evaluate(document, creds.get(eid, []), facts.get(eid, {}), as_of=as_of, approved=approved,
                                 stacks=stacks, version=version) for eid in educator_ids}


def _withdrawal_reason(award: Award, evaluation: engine.Evaluation) -> str:
    """Why an award's credentials no longer count, or "" when none of them was revoked or expired."""
    lost = [cid for cid in award.provenance.get("credentials", []) if evaluation.excluded.get(cid) in WITHDRAWING_EXCLUSIONS]
    if not lost:
        return ""
    reasons = {str(c.pk): f"{c.version.micro_credential.slug}: {c.revocation_reason}" if c.revocation_reason else c.version.micro_credential.slug
               for c in IssuedCredential.objects.filter(pk__in=[c for c in lost if _is_uuid(c)]).select_related("version__micro_credential")}
    parts = [f"credential {cid} ({reasons.get(cid, 'imported')}) {evaluation.excluded[cid]}" for cid in lost]
    return "; ".join(parts) + " — " + "; ".join(evaluation.outcome(award.outcome_key).missing)


def _is_uuid(value: str) -> bool:
    return len(value) == 36 and value.count("-") == 4


def _plan(evaluation: engine.Evaluation, active: dict[str, Award]) -> list[Change]:
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
            else:
                changes.append(Change("keep", outcome.key))
        elif award is not None:
            reason = _withdrawal_reason(award, evaluation)
            changes.append(Change("withdraw", outcome.key, reason) if reason else Change("keep", outcome.key, "earned earlier"))
    return changes


def _active_by_key(educator_id: int, slug: str) -> dict[str, Award]:
    return {a.outcome_key: a for a in Award.objects.filter(educator_id=educator_id, policy__slug=slug, state=Award.State.ACTIVE)
            .select_related("policy").order_by("policy__version")}


def dry_run(policy_or_document, *, by, educators=None, as_of=None) -> list[DryRunRow]:
    """Who would qualify under a (draft) policy or document, and what would change against current awards.
    Writes nothing. Recognizer admins of the policy's recognizer only."""
    if isinstance(policy_or_document, Policy):
        document, version = policy_or_document.document, policy_or_document.version
    else:
        document, version = validate_policy(policy_or_document), None
    recognizer = Organization.objects.get(slug=document["recognizer"])
    _check_can_manage(by, recognizer)
    as_of = as_of or timezone.now()
    User = get_user_model()
    if educators is None:
        educators = [u for u in User.objects.filter(pk__in=selectors.educators_to_evaluate())
                     if recognizer.pk in selectors.jurisdiction_ids(u)]
    results = _evaluate(document, version, recognizer.pk, [e.pk for e in educators], as_of=as_of)
    return [DryRunRow(e, results[e.pk], _plan(results[e.pk], _active_by_key(e.pk, document["slug"]))) for e in educators]


def evaluate_educator(educator, *, policies=None, as_of=None) -> list[Change]:
    """Bring the educator's awards in line with every published policy that applies to them (or ``policies``).

    Guarantees: idempotent (a second run changes nothing: one active award per policy version and outcome, by
    constraint); an award records the exact policy version and credential ids that counted; an award whose
    credential was revoked or expired is withdrawn with the reason when the rest no longer achieve it (and
    awards under older versions too); a newer version's achievement supersedes the older award."""
    as_of = as_of or timezone.now()
    policies = selectors.policies_applying_to(educator) if policies is None else policies
    stacks = selectors.stack_definitions()
    changes: list[Change] = []
    evaluated_slugs = set()
    for policy in policies:
        evaluated_slugs.add(policy.slug)
        evaluation = _evaluate(policy.document, policy.version, policy.recognizer_id, [educator.pk], as_of=as_of, stacks=stacks)[educator.pk]
        with transaction.atomic():
            active = _active_by_key(educator.pk, policy.slug)
            for change in _plan(evaluation, active):
                _apply(change, policy, educator, evaluation, active.get(change.outcome_key), as_of)
                changes.append(change)
    # Awards under policies no longer evaluated (retired versions, outside the jurisdiction now) still fall
    # when a credential they counted is revoked.
    stale = Award.objects.filter(educator=educator, state=Award.State.ACTIVE).exclude(policy__slug__in=evaluated_slugs) \
        .select_related("policy")
    for award in stale:
        evaluation = _evaluate(award.policy.document, award.policy.version, award.policy.recognizer_id, [educator.pk],
                               as_of=as_of, stacks=stacks)[educator.pk]
        if not evaluation.outcome(award.outcome_key).achieved:
            reason = _withdrawal_reason(award, evaluation)
            if reason:
                with transaction.atomic():
                    _withdraw(award, reason, as_of)
                changes.append(Change("withdraw", award.outcome_key, reason))
    return [c for c in changes if c.action != "keep"]


def _apply(change: Change, policy: Policy, educator, evaluation: engine.Evaluation, award: Award | None, as_of) -> None:
    outcome = evaluation.outcome(change.outcome_key)
    provenance = {"policy": policy.slug, "version": policy.version, "credentials": outcome.provenance,
                  "evaluated_at": as_of.isoformat(), "progress": [r.label for r in evaluation.requirements]}
    if change.action == "keep":
        return
    if change.action == "withdraw":
        _withdraw(award, change.detail, as_of)
        return
    if change.action == "update":
        award.provenance = provenance
        award.save(update_fields=["provenance"])
        audit.record(actor=None, action="award.provenance_updated", target=award, data={"credentials": outcome.provenance})
        return
    if change.action == "supersede":
        _withdraw(award, f"superseded by version {policy.version} of “{policy.slug}”", as_of)
    expires = (engine.years_before(as_of, -outcome.expires_after_years) if outcome.expires_after_years else None)
    try:
        with transaction.atomic():
            created = Award.objects.create(
                policy=policy, educator=educator, outcome_key=outcome.key, kind=outcome.kind, name=outcome.name,
                amount=Decimal(str(outcome.amount)) if outcome.amount is not None else None, unit=outcome.unit,
                provenance=provenance, awarded_at=as_of, expires_at=expires)
            audit.record(actor=None, action="award.granted", target=created,
                         data={"policy": policy.slug, "version": policy.version, "credentials": outcome.provenance})
    except IntegrityError:
        pass  # another worker granted the same award first: that one stands


def _withdraw(award: Award, reason: str, as_of) -> None:
    award.state, award.withdrawn_at, award.withdrawn_reason = Award.State.WITHDRAWN, as_of, reason[:1000]
    award.save(update_fields=["state", "withdrawn_at", "withdrawn_reason"])
    audit.record(actor=None, action="award.withdrawn", target=award, data={"reason": award.withdrawn_reason})


def evaluate_all(*, progress: Callable[[int, int], None] | None = None, as_of=None) -> dict:
    """Re-evaluate every educator with credentials or awards; idempotent. ``progress(done, total)`` is called
    after each educator. Returns {"educators", "changes"}."""
    User = get_user_model()
    ids = selectors.educators_to_evaluate()
    total, changed = len(ids), 0
    for done, educator in enumerate(User.objects.filter(pk__in=ids).order_by("pk").iterator(), start=1):
        changed += len(evaluate_educator(educator, as_of=as_of))
        if progress:
            progress(done, total)
    return {"educators": total, "changes": changed}
