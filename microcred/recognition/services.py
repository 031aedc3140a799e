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
from .models import Award, EducatorFact, Policy
from .policy import PolicyErrors, References, parse_document, resolve_approved, validate_policy
from .signals import educator_fact_recorded, policy_published

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
    transaction.on_commit(lambda: educator_fact_recorded.send(sender=EducatorFact, educator_id=educator.pk, key=key))
    return fact
