"""Reads of the recognition app: the engine's plain inputs, loaded in a few batched queries."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

from microcred.accounts.models import EducatorProfile, Membership, Organization
from microcred.catalog.models import Criterion, Stack, StackItem
from microcred.credentials.models import ExternalCredential, IssuedCredential

from .engine import CredentialFact, StackDef
from .models import Award, EducatorFact, Policy

IMPACT_TAGS = {"student impact", "student-impact"}


def published_policies() -> QuerySet[Policy]:
    return Policy.objects.filter(state=Policy.State.PUBLISHED).select_related("recognizer")


def published_document(slug: str) -> dict | None:
    policy = published_policies().filter(slug=slug).first()
    return policy.document if policy else None


def stack_definitions() -> dict[str, StackDef]:
    items = defaultdict(list)
    for item in StackItem.objects.select_related("micro_credential", "child_stack").order_by("stack_id", "position"):
        items[item.stack_id].append((item.micro_credential.slug if item.micro_credential_id else None,
                                     item.child_stack.slug if item.child_stack_id else None, item.slot))
    return {s.slug: StackDef(s.slug, s.rule, tuple(items[s.pk]), s.required_count) for s in Stack.objects.all()}


def _stacks_of_mcs() -> dict[int, frozenset]:
    """micro-credential id → slugs of every stack containing it, directly or through nested stacks."""
    direct, parents = defaultdict(set), defaultdict(set)
    slugs = dict(Stack.objects.values_list("pk", "slug"))
    for stack_id, mc_id, child_id in StackItem.objects.values_list("stack_id", "micro_credential_id", "child_stack_id"):
        if mc_id:
            direct[mc_id].add(stack_id)
        else:
            parents[child_id].add(stack_id)
    out = {}
    for mc_id, stack_ids in direct.items():
        seen, todo = set(), list(stack_ids)
        while todo:
            sid = todo.pop()
            if sid not in seen:
                seen.add(sid)
                todo.extend(parents[sid])
        out[mc_id] = frozenset(slugs[s] for s in seen)
    return out


def credential_facts(educator_ids) -> dict[int, list[CredentialFact]]:
    """Every credential of these educators as engine input (issued here and imported)."""
    educator_ids = list(educator_ids)
    out: dict[int, list[CredentialFact]] = defaultdict(list)
    issued = list(IssuedCredential.objects.filter(earner_id__in=educator_ids)
                  .select_related("version__micro_credential", "issuer").prefetch_related("version__subjects"))
    version_ids = {c.version_id for c in issued}
    impact = set(Criterion.objects.filter(rubric__part__version_id__in=version_ids, title__icontains="impact")
                 .values_list("rubric__part__version_id", flat=True))
    stacks = _stacks_of_mcs()
    for c in issued:
        tags = frozenset(str(t) for t in (c.version.tags or []))
        until = c.credential.get("validUntil") if isinstance(c.credential, dict) else None
        out[c.earner_id].append(CredentialFact(
            id=str(c.pk), mc_slug=c.version.micro_credential.slug, version=c.version.number, issuer=c.issuer.slug,
            issued_at=c.issued_at, tags=tags, subjects=frozenset(s.slug for s in c.version.subjects.all()),
            stacks=stacks.get(c.version.micro_credential_id, frozenset()), revoked=c.revoked_at is not None,
            expires_at=parse_datetime(until) if isinstance(until, str) else None,
            has_student_impact_evidence=c.version_id in impact or bool({t.lower() for t in tags} & IMPACT_TAGS)))
    for e in ExternalCredential.objects.filter(earner_id__in=educator_ids):
        out[e.earner_id].append(CredentialFact(
            id=str(e.pk), mc_slug="", issuer=e.issuer_id, issued_at=e.valid_from or e.verified_at,
            expires_at=e.valid_until, external=True))
    return out


def educator_facts(recognizer_id: int, educator_ids) -> dict[int, dict]:
    out: dict[int, dict] = defaultdict(dict)
    for educator_id, key, value in EducatorFact.objects.filter(recognizer_id=recognizer_id, educator_id__in=list(educator_ids)) \
            .values_list("educator_id", "key", "value"):
        out[educator_id][key] = value
    return out


def jurisdiction_ids(educator) -> set[int]:
    """Organizations whose policies apply to the educator: where they are a member or work, those
    organizations' ancestors, and state agencies of the state on their profile."""
    start = set(Membership.objects.filter(user=educator).values_list("organization_id", flat=True))
    profile = EducatorProfile.objects.filter(user=educator).first()
    if profile:
        start |= {pk for pk in (profile.district_id, profile.school_id) if pk}
        if profile.state:
            start |= set(Organization.objects.filter(kind=Organization.Kind.STATE_AGENCY, state=profile.state)
                         .values_list("pk", flat=True))
    parents = dict(Organization.objects.values_list("pk", "parent_id"))
    out, todo = set(), list(start)
    while todo:
        pk = todo.pop()
        if pk and pk not in out:
            out.add(pk)
            todo.append(parents.get(pk))
    return out


def policies_applying_to(educator) -> list[Policy]:
    return list(published_policies().filter(recognizer_id__in=jurisdiction_ids(educator)))


def educators_to_evaluate() -> list[int]:
    """Everyone with a credential (issued or imported) or an active award."""
    ids = set(IssuedCredential.objects.values_list("earner_id", flat=True))
    ids |= set(ExternalCredential.objects.values_list("earner_id", flat=True))
    ids |= set(Award.objects.filter(state=Award.State.ACTIVE).values_list("educator_id", flat=True))
    return sorted(ids)


def awards_for(educator, *, active_only=True) -> QuerySet[Award]:
    qs = Award.objects.filter(educator=educator).select_related("policy")
    return qs.filter(state=Award.State.ACTIVE) if active_only else qs
