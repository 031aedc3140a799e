"""Reads of the recognition app: the engine's plain inputs, loaded in a few batched queries."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from microcred.accounts import policy as authz
from microcred.accounts.models import EducatorProfile, Membership, Organization
from microcred.catalog import translation as content_translation
from microcred.catalog.models import Criterion, Stack, StackItem
from microcred.core import suppression
from microcred.credentials.models import ExternalCredential, IssuedCredential

from . import wording
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
    # Imports count only from an issuer known to this platform that vouched for them (docs/credentials.md).
    for e in ExternalCredential.objects.countable().filter(earner_id__in=educator_ids):
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
    ids |= set(ExternalCredential.objects.filter(issuer_known=True).values_list("earner_id", flat=True))
    ids |= set(Award.objects.filter(state=Award.State.ACTIVE).values_list("educator_id", flat=True))
    return sorted(ids)


def awards_for(educator, *, active_only=True) -> QuerySet[Award]:
    qs = Award.objects.filter(educator=educator).select_related("policy")
    return qs.filter(state=Award.State.ACTIVE) if active_only else qs


# --- Pages, API and exports: progress, portability, qualifiers, awards (read-only, nothing persisted) -------------

NEAR_FRACTION = 0.75  # "close": every countable requirement at least this far along
SUGGESTION_LIMIT = 6
EVALUATION_CHUNK = 1000  # educators whose credentials are loaded at once for page-time evaluation


@dataclass
class PolicyProgress:
    """One policy evaluated for one educator without persisting anything, with what would close the gap."""

    policy: Policy
    evaluation: object  # engine.Evaluation
    suggestions: list = field(default_factory=list)  # MicroCredentialVersion (published catalog MCs)
    stack_titles: dict = field(default_factory=dict)  # stack slug → title, for the plain-language rules

    @property
    def plain(self) -> list[tuple[str, str]]:
        """Each requirement as (what it asks, what is missing) in words (see wording.py)."""
        if not hasattr(self, "_plain"):
            self._plain = wording.describe_all(self.evaluation, self.policy.document, self.stack_titles)
        return self._plain

    @property
    def missing_plain(self) -> list[str]:
        if not self.evaluation.in_effect:
            return [_("The policy is not in effect on this date.")]
        return [missing for missing in (m for _label, m in self.plain) if missing]

    @property
    def achieved(self) -> bool:
        return bool(self.evaluation.outcomes) and self.evaluation.outcomes[0].achieved

    @property
    def missing(self) -> list[str]:
        return self.evaluation.outcomes[0].missing if self.evaluation.outcomes else []

    @property
    def requirements(self) -> list[dict]:
        return [dict(requirement_row(r), description=label, still_needed=missing)
                for r, (label, missing) in zip(self.evaluation.requirements, self.plain)]


def requirement_row(r) -> dict:
    percent = 100 if r.met else (int(100 * min(r.have, r.need) / r.need) if r.need else 0)
    return {"kind": r.kind, "label": r.label, "met": r.met, "have": r.have, "need": r.need, "missing": r.missing,
            "percent": percent, "credentials": list(r.credential_ids)}


def progress_fraction(evaluation) -> float:
    """How far along the countable requirements (threshold, stack, count_in_topic) are: the least of have/need."""
    parts = [min(r.have, r.need) / r.need for r in evaluation.requirements
             if r.kind in ("threshold", "stack", "count_in_topic") and r.need]
    return min(parts) if parts else (1.0 if all(r.met for r in evaluation.requirements) else 0.0)


def _published_documents() -> dict[str, dict]:
    return dict(published_policies().values_list("slug", "document"))


def evaluate_without_saving(policies, educator_ids, *, as_of=None) -> dict[tuple[int, int], object]:
    """(policy pk, educator id) → engine.Evaluation, in batches of queries; writes nothing (pages, dry views)."""
    from django.utils import timezone

    from . import engine
    from .policy import PolicyErrors, resolve_approved

    as_of = as_of or timezone.now()
    policies, educator_ids = list(policies), list(educator_ids)
    documents = _published_documents()
    stacks = stack_definitions()
    approved = {}
    for p in policies:
        try:
            approved[p.pk] = resolve_approved(p.document, documents.get)
        except PolicyErrors:  # a reciprocity partner was retired since: count the policy's own set only
            approved[p.pk] = resolve_approved({**p.document, "approved": {**p.document["approved"], "reciprocity": []}}, documents.get)
    out = {}
    for start in range(0, len(educator_ids), EVALUATION_CHUNK):
        chunk = educator_ids[start:start + EVALUATION_CHUNK]
        creds = credential_facts(chunk)
        facts = {rid: educator_facts(rid, chunk) for rid in {p.recognizer_id for p in policies}}
        for p in policies:
            for eid in chunk:
                out[(p.pk, eid)] = engine.evaluate(p.document, creds.get(eid, []), facts[p.recognizer_id].get(eid, {}),
                                                   as_of=as_of, approved=approved[p.pk], stacks=stacks, version=p.version)
    return out


@dataclass(frozen=True)
class CredentialName:
    """How a page names one of the educator's credentials: its title (in ``lang``: the MC's translation where there is
    one; "" for an imported credential's own name, whose language is unknown; None for our own interface words) and
    a note (when it was issued, or its format and issuer)."""

    title: str
    lang: str | None
    note: str

    def __str__(self) -> str:
        return f"{self.title} ({self.note})"


def credential_names(educator) -> dict[str, CredentialName]:
    """Credential id → its name in the reader's language, for provenance on pages. Two queries."""
    language = (get_language() or content_translation.SOURCE_LANGUAGE).split("-")[0]
    out = {}
    for c in IssuedCredential.objects.filter(earner=educator).select_related("version").prefetch_related("version__translations"):
        title, lang = c.version.title, content_translation.SOURCE_LANGUAGE
        if language != content_translation.SOURCE_LANGUAGE:
            found = next((content_translation.value_at(t.content or {}, ("title",)) for t in c.version.translations.all()
                          if t.language == language), "")
            title, lang = (found, language) if found else (title, lang)
        out[str(c.pk)] = CredentialName(title, lang, _("issued %(date)s") % {"date": date_format(c.issued_at, "DATE_FORMAT")})
    for e in ExternalCredential.objects.filter(earner=educator):
        title, lang = (e.achievement_name, "") if e.achievement_name else (_("Imported credential"), None)
        out[str(e.pk)] = CredentialName(title, lang, f"{e.format_label}, {e.issuer_name or e.issuer_id}")
    return out


def credential_labels(educator) -> dict[str, str]:
    """Credential id → what the educator calls it ("Title (issued March 3, 2025)"), as plain text (the API's label)."""
    return {pk: str(name) for pk, name in credential_names(educator).items()}


@dataclass
class _CatalogIndex:
    """What suggestions need, loaded once per page: visible published MCs with their tags, issuers and stacks."""

    entries: list  # (version, mc slug, lower-case tags, issuer slugs, stack slugs)
    held: set
    documents: dict
    stacks: dict


def _localize_title(version, language: str) -> None:
    """The version's title in ``language`` where its MC is translated (``content_language`` says which); display only."""
    version.content_language = content_translation.SOURCE_LANGUAGE
    if language == content_translation.SOURCE_LANGUAGE:
        return
    title = next((content_translation.value_at(t.content or {}, ("title",)) for t in version.translations.all()
                  if t.language == language), "")
    if title:
        version.title, version.content_language = title, language
        version._localized_language = language  # catalog.translation refuses to save a localized copy


def _catalog_index(user) -> _CatalogIndex:
    from microcred.catalog.selectors import catalog_versions

    stacks_of = _stacks_of_mcs()
    entries = []
    language = (get_language() or content_translation.SOURCE_LANGUAGE).split("-")[0]
    for v in catalog_versions(user).select_related("micro_credential").prefetch_related("organization_roles__organization",
                                                                                        "translations"):
        _localize_title(v, language)
        entries.append((v, v.micro_credential.slug, {str(t).lower() for t in (v.tags or [])},
                        {r.organization.slug for r in v.organization_roles.all() if r.role == "issuer"},
                        stacks_of.get(v.micro_credential_id, frozenset())))
    held = set(IssuedCredential.objects.filter(earner=user, revoked_at__isnull=True)
               .values_list("version__micro_credential__slug", flat=True))
    return _CatalogIndex(entries, held, _published_documents(), stack_definitions())


def closing_micro_credentials(progress: PolicyProgress, *, user, limit: int = SUGGESTION_LIMIT, index=None) -> list:
    """Published catalog MCs this person may see that the policy approves and that would move an unmet requirement
    (an MC in the stack, tagged with the topic, or converting into the threshold's unit), most helpful first. None
    when only eligibility facts are missing: no MC closes those."""
    from .policy import PolicyErrors, resolve_approved

    ev, doc = progress.evaluation, progress.policy.document
    unmet = [doc["rules"][r.rule] for r in ev.requirements if not r.met and r.kind != "eligibility"]
    if progress.achieved or not unmet:
        return []
    index = index or _catalog_index(user)
    try:
        approved = resolve_approved(doc, index.documents.get)
    except PolicyErrors:
        approved = resolve_approved({**doc, "approved": {**doc["approved"], "reciprocity": []}}, lambda s: None)
    converts = [r for r in doc["rules"] if r["kind"] == "convert"]
    scored = []
    for v, slug, tags, issuers, stacks in index.entries:
        if slug in index.held:
            continue
        if not (slug in approved["micro_credentials"] or stacks & approved["stacks"] or issuers & approved["issuers"]
                or tags & approved["tags"]):
            continue
        helps = 0
        for rule in unmet:
            if rule["kind"] == "stack":
                helps += rule["stack"] in stacks and rule["stack"] in index.stacks
            elif rule["kind"] == "count_in_topic":
                helps += rule["tag"].lower() in tags
            elif rule["kind"] == "threshold":
                helps += any(c["unit"] == rule["unit"] and (c.get("category") is None or c["category"].lower() in tags)
                             for c in converts)
        if helps:
            scored.append((-helps, v.title.lower(), v.pk, v))
    return [t[-1] for t in sorted(scored, key=lambda t: t[:3])[:limit]]


def educator_progress(educator, *, as_of=None, suggest: bool = True) -> list[PolicyProgress]:
    """Every published policy of the educator's own state and district, evaluated now (nothing saved), with the
    catalog MCs that would close each gap."""
    policies = sorted(policies_applying_to(educator), key=lambda p: (p.recognizer.name, p.title))
    results = evaluate_without_saving(policies, [educator.pk], as_of=as_of)
    titles = stack_titles(policies)
    rows = [PolicyProgress(p, results[(p.pk, educator.pk)], stack_titles=titles) for p in policies]
    if suggest and any(not row.achieved for row in rows):
        index = _catalog_index(educator)
        for row in rows:
            row.suggestions = closing_micro_credentials(row, user=educator, index=index)
    return rows


def portability(educator, *, as_of=None) -> list[PolicyProgress]:
    """What the same credentials would count for under other recognizers' published policies (not the
    educator's own jurisdiction). Facts those recognizers would need are reported missing, never guessed."""
    own = jurisdiction_ids(educator)
    policies = sorted(published_policies().exclude(recognizer_id__in=own), key=lambda p: (p.recognizer.name, p.title))
    results = evaluate_without_saving(policies, [educator.pk], as_of=as_of)
    titles = stack_titles(policies)
    return [PolicyProgress(p, results[(p.pk, educator.pk)], stack_titles=titles) for p in policies]


def stack_titles(policies) -> dict[str, str]:
    """Titles of the stacks the policies' rules name, in one query (rules name stacks by slug)."""
    slugs = {rule["stack"] for p in policies for rule in p.document.get("rules", []) if rule.get("kind") == "stack"}
    return dict(Stack.objects.filter(slug__in=slugs).values_list("slug", "title")) if slugs else {}


def all_awards_for(educator) -> QuerySet[Award]:
    """The educator's awards, active and withdrawn, newest first, with their policy version and recognizer."""
    return Award.objects.filter(educator=educator).select_related("policy__recognizer").order_by("state", "-awarded_at")


# Recognizer side -------------------------------------------------------------------------------------------------

RECOGNIZER_KINDS = ("state_agency", "higher_ed")  # districts are many: listed once they have a policy


def managed_recognizers(user) -> QuerySet[Organization]:
    """Organizations whose policies this person edits: where they are recognizer admin (platform admins also: every
    state agency and university, and any organization that already has policies)."""
    from django.db.models import Q

    own = Q(pk__in=authz.recognizer_admin_organization_ids(user))
    if authz.is_platform_admin(user):
        return Organization.objects.filter(own | Q(kind__in=RECOGNIZER_KINDS) | Q(recognition_policies__isnull=False)).distinct()
    return Organization.objects.filter(own)


def policies_of(recognizers) -> QuerySet[Policy]:
    """Every version (draft, published, retired) of the policies of these recognizers."""
    return Policy.objects.filter(recognizer__in=recognizers).select_related("recognizer").order_by("recognizer__name", "slug", "-version")


def policy_versions(slug: str) -> list[Policy]:
    return list(Policy.objects.filter(slug=slug).select_related("recognizer", "created_by", "published_by").order_by("-version"))


def managed_policy_versions(*, user, slug: str) -> list[Policy]:
    """The policy's versions, newest first; 404 for anyone who does not manage its recognizer (drafts stay
    private). Web and API views alike."""
    from django.http import Http404

    versions = policy_versions(slug)
    if not versions or not authz.can_manage_recognizer(user, versions[0].recognizer):
        raise Http404("No such policy.")
    return versions


def _subtree(organization_id: int) -> set[int]:
    children = defaultdict(list)
    for pk, parent in Organization.objects.values_list("pk", "parent_id"):
        children[parent].append(pk)
    out, todo = set(), [organization_id]
    while todo:
        pk = todo.pop()
        if pk not in out:
            out.add(pk)
            todo.extend(children[pk])
    return out


def dry_run_educators(recognizer: Organization):
    """Whom a dry run of the recognizer's policy evaluates: educators with something to evaluate, in its
    jurisdiction, by name. The one choice for the page, the API and the command."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        pk__in=set(educators_to_evaluate()) & jurisdiction_educator_ids(recognizer)).order_by("last_name", "first_name", "pk")


def jurisdiction_educator_ids(recognizer: Organization) -> set[int]:
    """People whose ``jurisdiction_ids`` include the recognizer (the inverse, in four queries): members of it or
    of any organization under it, educators whose profile district or school is under it, and — for state
    agencies under it — educators whose profile names that state."""
    from django.db.models import Q

    subtree = _subtree(recognizer.pk)
    ids = set(Membership.objects.filter(organization_id__in=subtree).values_list("user_id", flat=True))
    states = set(Organization.objects.filter(pk__in=subtree, kind=Organization.Kind.STATE_AGENCY).exclude(state="")
                 .values_list("state", flat=True))
    ids |= set(EducatorProfile.objects.filter(Q(district_id__in=subtree) | Q(school_id__in=subtree) | Q(state__in=states))
               .values_list("user_id", flat=True))
    return ids


def _places(educator_ids) -> dict[int, tuple[str, str]]:
    """educator id → (district name, school name): from their profile, else from a membership in a district or
    school (and a school's district); '' when neither says."""
    educator_ids = list(educator_ids)
    if len(educator_ids) > EVALUATION_CHUNK:  # keep each IN (…) list short for SQLite
        out = {}
        for start in range(0, len(educator_ids), EVALUATION_CHUNK):
            out.update(_places(educator_ids[start:start + EVALUATION_CHUNK]))
        return out
    found: dict[int, dict[str, str]] = defaultdict(dict)
    for uid, kind, name, parent_kind, parent_name in Membership.objects.filter(
            user_id__in=educator_ids, organization__kind__in=(Organization.Kind.DISTRICT, Organization.Kind.SCHOOL)) \
            .order_by("pk").values_list("user_id", "organization__kind", "organization__name", "organization__parent__kind",
                                        "organization__parent__name"):
        found[uid].setdefault(kind, name)
        if kind == Organization.Kind.SCHOOL and parent_kind == Organization.Kind.DISTRICT:
            found[uid].setdefault(Organization.Kind.DISTRICT, parent_name)
    for uid, district, school in EducatorProfile.objects.filter(user_id__in=educator_ids) \
            .values_list("user_id", "district__name", "school__name"):
        if district:
            found[uid][Organization.Kind.DISTRICT] = district
        if school:
            found[uid][Organization.Kind.SCHOOL] = school
    return {uid: (f.get(Organization.Kind.DISTRICT, ""), f.get(Organization.Kind.SCHOOL, "")) for uid, f in found.items()}


def standing_of(evaluation, *, near: float = NEAR_FRACTION) -> dict:
    """What the qualifiers page keeps of one evaluation: qualified, close, percent, the requirement rows, what is
    missing and the credits (converted units). The one reading of an evaluation for the live page and the stored
    standings alike, so they cannot disagree."""
    fraction = progress_fraction(evaluation)
    achieved = bool(evaluation.outcomes) and evaluation.outcomes[0].achieved
    return {"qualified": achieved, "close": not achieved and fraction >= near, "percent": int(100 * fraction),
            "requirements": [requirement_row(r) for r in evaluation.requirements],
            "missing": evaluation.outcomes[0].missing if evaluation.outcomes else [],
            "credits": dict(evaluation.totals)}


def _counts_list(bucket: dict) -> list[dict]:
    return [{"name": name or "(not given)", "educators": n, "qualified": q, "close": c}
            for name, (n, q, c) in sorted(bucket.items(), key=lambda kv: (kv[0] == "", kv[0].lower()))]


def qualifiers(policy: Policy, *, as_of=None, near: float = NEAR_FRACTION) -> dict:
    """Who qualifies under the policy (evaluated now) or is close (every countable requirement ≥ ``near``), as
    individuals within the recognizer's jurisdiction only; counts by district and school for everyone.

    The live evaluation of the whole state: the pages read ``stored_qualifiers`` instead (docs/decisions/0040);
    this stays as the reference the stored standings are tested against, and for the benchmark's "before"."""
    from django.contrib.auth import get_user_model

    everyone = educators_to_evaluate()
    mine = jurisdiction_educator_ids(policy.recognizer)
    results = evaluate_without_saving([policy], everyone, as_of=as_of)
    places = _places(everyone)
    awarded = defaultdict(set)
    for eid, key in Award.objects.filter(policy__slug=policy.slug, state=Award.State.ACTIVE).values_list("educator_id", "outcome_key"):
        awarded[eid].add(key)
    rows, by_district, by_school = [], defaultdict(lambda: [0, 0, 0]), defaultdict(lambda: [0, 0, 0])
    elsewhere = {"educators": 0, "qualified": 0, "close": 0}
    for eid in everyone:
        standing = standing_of(results[(policy.pk, eid)], near=near)
        achieved, close = standing["qualified"], standing["close"]
        district, school = places.get(eid, ("", ""))
        for bucket, name in ((by_district, district), (by_school, school)):
            counts = bucket[name]
            counts[0] += 1
            counts[1] += achieved
            counts[2] += close
        if eid not in mine:
            elsewhere["educators"] += 1
            elsewhere["qualified"] += achieved
            elsewhere["close"] += close
            continue
        if achieved or close:
            rows.append({"educator": eid, "district": district, "school": school, "qualified": achieved, "close": close,
                         "percent": standing["percent"], "requirements": standing["requirements"],
                         "missing": standing["missing"], "awarded": sorted(awarded.get(eid, ()))})
    people = {}
    ids = [r["educator"] for r in rows]
    for start in range(0, len(ids), EVALUATION_CHUNK):
        people.update(get_user_model().objects.in_bulk(ids[start:start + EVALUATION_CHUNK]))
    for r in rows:
        r["educator"] = people[r["educator"]]
    rows.sort(key=lambda r: (not r["qualified"], -r["percent"], r["educator"].get_full_name().lower(), r["educator"].pk))

    outcomes = [{"key": o["key"], "name": o["name"], "kind": o["kind"],
                 "qualified": sum(r["qualified"] for r in rows), "awarded": sum(o["key"] in r["awarded"] for r in rows)}
                for o in policy.document["outcomes"]]
    qualified, close = [r for r in rows if r["qualified"]], [r for r in rows if r["close"]]
    return _suppressed({"policy": policy, "evaluated": len(everyone),
                        "in_jurisdiction": sum(1 for e in everyone if e in mine),
                        "near_percent": int(near * 100), "outcomes": outcomes,
                        "qualified": qualified, "close": close, "qualified_count": len(qualified),
                        "close_count": len(close),
                        "by_district": _counts_list(by_district), "by_school": _counts_list(by_school),
                        "elsewhere": elsewhere})


QUALIFIERS_PAGE_SIZE = 50


def qualifier_snapshot(policy: Policy):
    """The policy's stored qualifiers snapshot (or None: never asked for)."""
    from .models import QualifierSnapshot

    return QualifierSnapshot.objects.filter(policy=policy).first()


def stored_qualifiers(policy: Policy, *, snapshot=None, qualified_offset: int = 0, close_offset: int = 0,
                      limit: int = QUALIFIERS_PAGE_SIZE) -> dict | None:
    """The qualifiers page read from the stored standings (docs/decisions/0040): the same shape as ``qualifiers``
    with one page (``limit`` rows from each offset) of those who qualify and of those who are close, plus
    ``qualified_count``/``close_count`` and the snapshot. A constant number of queries however many educators.
    None when the policy has no ready standings yet (the caller asks for a build)."""
    from django.db import connection
    from django.db.models import Count, F, Q
    from django.db.models.functions import Collate

    from .models import QualifierStanding

    snapshot = snapshot or qualifier_snapshot(policy)
    if snapshot is None or not snapshot.generation:
        return None
    counts = snapshot.counts
    listed = QualifierStanding.objects.filter(policy=policy, generation=snapshot.generation, in_jurisdiction=True)
    # Names in code-point order, as the live page sorts them in Python (PostgreSQL's default collation would not).
    name = Collate("sort_name", "C") if connection.vendor == "postgresql" else F("sort_name")
    order = ("-percent", name.asc(), "educator_id")
    pages = {}
    for name, flag, offset in (("qualified", "qualified", qualified_offset), ("close", "close", close_offset)):
        offset = max(0, int(offset))
        pages[name] = list(listed.filter(**{flag: True}).select_related("educator").order_by(*order)[offset:offset + limit])
    shown = [s.educator_id for rows in pages.values() for s in rows]
    awarded = defaultdict(set)
    for eid, key in Award.objects.filter(policy__slug=policy.slug, state=Award.State.ACTIVE, educator_id__in=shown) \
            .values_list("educator_id", "outcome_key"):
        awarded[eid].add(key)
    per_outcome = dict(Award.objects.filter(
        policy__slug=policy.slug, state=Award.State.ACTIVE,
        educator_id__in=listed.filter(Q(qualified=True) | Q(close=True)).values("educator_id"))
        .values("outcome_key").annotate(n=Count("educator_id", distinct=True)).values_list("outcome_key", "n"))

    def row(s) -> dict:
        return {"educator": s.educator, "district": s.district, "school": s.school, "qualified": s.qualified,
                "close": s.close, "percent": s.percent, "requirements": s.requirements, "missing": s.missing,
                "awarded": sorted(awarded.get(s.educator_id, ())), "credits": s.credits}

    outcomes = [{"key": o["key"], "name": o["name"], "kind": o["kind"], "qualified": counts["qualified"],
                 "awarded": per_outcome.get(o["key"], 0)} for o in policy.document["outcomes"]]
    return {"policy": policy, "near_percent": int(NEAR_FRACTION * 100), "outcomes": outcomes,
            "qualified": [row(s) for s in pages["qualified"]], "close": [row(s) for s in pages["close"]],
            "qualified_count": counts["qualified"], "close_count": counts["close"],
            "qualified_offset": max(0, int(qualified_offset)), "close_offset": max(0, int(close_offset)),
            "limit": limit, "snapshot": snapshot, "computed_at": snapshot.built_at, **_suppressed_counts(counts)}


def _suppressed_counts(counts: dict) -> dict:
    """The snapshot's counts by district, school and elsewhere under the small-cell rule, kept in the cache under
    the digest of the counts themselves: the same counts always suppress the same way, so nothing needs retiring,
    and a state's thousand schools are not re-suppressed on every view."""
    import hashlib
    import json

    from django.core.cache import cache

    key = "recognition:suppressed-counts:" + hashlib.sha256(
        json.dumps(counts, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _suppressed({"evaluated": counts["evaluated"], "in_jurisdiction": counts["in_jurisdiction"],
                             "by_district": _counts_list(counts["by_district"]),
                             "by_school": _counts_list(counts["by_school"]), "elsewhere": dict(counts["elsewhere"])})
        cache.set(key, found, 3600)
    return found


def _suppressed(data: dict) -> dict:
    """The qualifiers' counts under the small-cell rule (microcred/core/suppression.py): a district's, a school's or
    "elsewhere"'s count of fewer than the threshold is not shown, nor any count that would reveal it. Individuals
    of the recognizer's own jurisdiction stay listed: the recognizer sees them by name already."""
    totals = {"educators": data["evaluated"],
              "qualified": sum(c["qualified"] for c in data["by_district"]),
              "close": sum(c["close"] for c in data["by_district"])}
    columns = ("educators", "qualified", "close")
    for key in ("by_district", "by_school"):
        rows, _totals = suppression.suppress_rows(data[key], columns, total_column="educators", totals=totals)
        data[key] = [{**r, **{c: suppression.shown(r[c]) for c in columns}} for r in rows]
    elsewhere = data["elsewhere"]
    cells = {("e", c): elsewhere[c] for c in columns} | {"mine": data["in_jurisdiction"], "all": data["evaluated"],
                                                        "rest": elsewhere["educators"] - elsewhere["qualified"] - elsewhere["close"]}
    out = suppression.suppress(cells, [([("e", "qualified"), ("e", "close"), "rest"], ("e", "educators")),
                                       ([("e", "educators"), "mine"], "all")])
    data["elsewhere"] = {c: suppression.shown(out[("e", c)]) for c in columns}
    data["in_jurisdiction"], data["evaluated"] = suppression.shown(out["mine"]), suppression.shown(out["all"])
    return data


EXPORT_COLUMNS = ("award_id", "educator_id", "educator", "username", "email", "license_number", "license_type", "district", "school",
                  "recognizer", "policy", "policy_version", "outcome_key", "outcome", "kind", "amount", "unit", "state",
                  "awarded_at", "expires_at", "withdrawn_at", "withdrawn_reason", "credential_ids",
                  "imported_credentials")


def awards_export(recognizer: Organization, *, policy_slug: str | None = None, state: str | None = Award.State.ACTIVE):
    """Awards under the recognizer's policies for educators within its jurisdiction, one dict per award (the
    columns of EXPORT_COLUMNS), oldest first; ``state`` None means active and withdrawn. A generator: exports of
    many thousands of awards stream."""
    mine = jurisdiction_educator_ids(recognizer)
    qs = Award.objects.filter(policy__recognizer=recognizer).select_related("policy", "educator").order_by("awarded_at", "pk")
    if policy_slug:
        qs = qs.filter(policy__slug=policy_slug)
    if state:
        qs = qs.filter(state=state)
    awarded = sorted(set(qs.values_list("educator_id", flat=True)) & mine)
    places = _places(awarded)
    licenses = {}
    for start in range(0, len(awarded), EVALUATION_CHUNK):
        rows = (EducatorProfile.objects.filter(user_id__in=awarded[start:start + EVALUATION_CHUNK])
                .values_list("user_id", "license_number", "license_type"))
        licenses.update((user_id, (number, kind)) for user_id, number, kind in rows)
    imported = {}  # imported credential id → its format label ("Open Badges 2.0, imported (baked PNG)")
    for start in range(0, len(awarded), EVALUATION_CHUNK):
        for e in ExternalCredential.objects.filter(earner_id__in=awarded[start:start + EVALUATION_CHUNK]).only(
                "pk", "standard", "format"):
            imported[str(e.pk)] = e.format_label
    for a in qs.iterator(chunk_size=2000):
        if a.educator_id not in mine:
            continue
        license_number, license_type = licenses.get(a.educator_id) or ("", "")
        district, school = places.get(a.educator_id, ("", ""))
        yield {"award_id": a.pk, "educator_id": a.educator_id, "educator": a.educator.get_full_name() or a.educator.username,
               "username": a.educator.username, "email": a.educator.email, "license_number": license_number,
               "license_type": license_type,
               "district": district, "school": school, "recognizer": recognizer.slug, "policy": a.policy.slug,
               "policy_version": a.policy.version, "outcome_key": a.outcome_key, "outcome": a.name, "kind": a.kind,
               "amount": str(a.amount) if a.amount is not None else "", "unit": a.unit, "state": a.state,
               "awarded_at": a.awarded_at.isoformat(), "expires_at": a.expires_at.isoformat() if a.expires_at else "",
               "withdrawn_at": a.withdrawn_at.isoformat() if a.withdrawn_at else "", "withdrawn_reason": a.withdrawn_reason,
               "credential_ids": list(a.provenance.get("credentials", [])),
               "imported_credentials": "; ".join(f"{c}: {imported[c]}" for c in a.provenance.get("credentials", [])
                                                 if c in imported)}


def policies_counting(micro_credential) -> list[dict]:
    """The published policies whose approved set takes a credential for ``micro_credential`` (as it would be issued
    today: its issuer, tags and stacks), for the MC's public quality record. Per-educator conditions (cycle window,
    impact evidence, eligibility) are not judged here: this says which policies *can* count it."""
    from django.utils import timezone

    from microcred.credentials.builder import issuing_organization

    from . import engine
    from .policy import PolicyErrors, resolve_approved

    version = micro_credential.current_version
    if version is None:
        return []
    policies = list(published_policies().select_related("recognizer"))
    if not policies:
        return []
    documents = {p.slug: p.document for p in policies}
    tags = frozenset(str(t) for t in (version.tags or []))
    fact = CredentialFact(id="", mc_slug=micro_credential.slug, version=version.number,
                          issuer=issuing_organization(version).slug, issued_at=timezone.now(), tags=tags,
                          stacks=_stacks_of_mcs().get(micro_credential.pk, frozenset()))
    out = []
    for p in policies:
        try:
            approved = resolve_approved(p.document, documents.get)
        except PolicyErrors:
            approved = resolve_approved({**p.document, "approved": {**p.document["approved"], "reciprocity": []}},
                                        documents.get)
        if engine._exclusion(fact, approved, fact.issued_at, None, False) == "":
            out.append({"recognizer": p.recognizer.name, "policy": p.title, "slug": p.slug})
    return out
