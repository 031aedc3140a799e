"""Every non-trivial read of the catalog: visibility, search with facets, details, stack progress."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from microcred.accounts import policy
from microcred.accounts.models import Organization
from microcred.accounts.selectors import member_organization_ids
from microcred.core.cache import Generation, remembered, remembered_object

from . import fulltext, translation
from . import pilots as catalog_pilots
from . import quality as catalog_quality
from .coverage import UNKNOWN, coverage_for
from .models import (Alignment, CompetencyFramework, CompetencyItem, Criterion, EducatorRole, EvidenceType, GradeBand, MicroCredential, MicroCredentialVersion,
                     OrganizationRole, Part, Stack, StackItem, Subject)

S = MicroCredentialVersion.State
HOURS_BANDS = {"under-5": (None, Decimal("5")), "5-15": (Decimal("5"), Decimal("15")), "over-15": (Decimal("15"), None)}
HOURS_LABELS = {"under-5": _("Under 5 hours"), "5-15": _("5 to 15 hours"), "over-15": _("Over 15 hours")}
MAX_QUERY_LENGTH = 200


def visible_micro_credentials(user) -> QuerySet[MicroCredential]:
    """Published MCs this person may see: public ones, and members-only ones of their organizations."""
    qs = MicroCredential.objects.filter(current_version__state=S.PUBLISHED)
    if policy.is_platform_admin(user):
        return qs
    orgs = member_organization_ids(user)
    return qs.filter(Q(visibility=MicroCredential.Visibility.PUBLIC) | Q(visible_to__in=orgs) | Q(owner__in=orgs)).distinct()


def _visible_version_ids(user) -> QuerySet:
    return visible_micro_credentials(user).values("current_version_id")


def catalog_versions(user) -> QuerySet[MicroCredentialVersion]:
    return MicroCredentialVersion.objects.filter(pk__in=_visible_version_ids(user), state=S.PUBLISHED)


def catalog_audience(user) -> tuple[int, ...]:
    """The members-only MCs ``user`` may see now (sorted ids; empty for anonymous visitors and most earners).

    Who asks changes the catalog only through this: ``visible_micro_credentials`` is every published public MC plus
    these (decision 0045). So two people with the same audience see the same catalog, and results computed for an
    audience (``audience_versions``) can be shared by everyone who has it."""
    members_only = visible_micro_credentials(user).filter(visibility=MicroCredential.Visibility.MEMBERS)
    return tuple(members_only.order_by("pk").values_list("pk", flat=True))


def audience_versions(audience: tuple[int, ...]) -> QuerySet[MicroCredentialVersion]:
    """The published versions the catalog shows to people with ``audience`` (catalog_audience): every public MC's,
    and those of the members-only MCs named, and nothing else: the visibility decision stays catalog_audience's."""
    mcs = MicroCredential.objects.filter(current_version__state=S.PUBLISHED).filter(
        Q(visibility=MicroCredential.Visibility.PUBLIC) | Q(pk__in=list(audience)))
    return MicroCredentialVersion.objects.filter(pk__in=mcs.values("current_version_id"), state=S.PUBLISHED)


def query_terms(q: str) -> list[str]:
    """Split a search into lower-case words (at most 12, each at most 60 characters)."""
    q = (q or "")[:MAX_QUERY_LENGTH].lower()
    return [t[:60] for t in re.findall(r"[\w'-]+", q)][:12]


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class CatalogResult:
    versions: list
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    terms: list[str] = field(default_factory=list)


FACETS = ("subject", "grade_band", "role", "issuer", "stack", "cost", "hours", "evidence_type")


def _apply_filters(qs: QuerySet, filters: dict[str, list[str]], skip: str | None = None) -> QuerySet:
    for name, values in filters.items():
        if name == skip or not values:
            continue
        if name == "subject":
            qs = qs.filter(subjects__slug__in=values)
        elif name == "grade_band":
            qs = qs.filter(grade_bands__slug__in=values)
        elif name == "role":
            qs = qs.filter(educator_roles__slug__in=values)
        elif name == "issuer":
            qs = qs.filter(organization_roles__role=OrganizationRole.Role.ISSUER, organization_roles__organization__slug__in=values)
        elif name == "stack":
            qs = qs.filter(micro_credential__stack_items__stack__slug__in=values, micro_credential__stack_items__stack__state=Stack.State.PUBLISHED)
        elif name == "cost":
            qs = qs.filter(cost__in=values)
        elif name == "evidence_type":
            qs = qs.filter(parts__evidence_types__evidence_type__in=values)
        elif name == "hours":
            cond = Q(pk__in=[])  # like every other facet, a value naming no band matches nothing
            for v in values:
                if v not in HOURS_BANDS:
                    continue
                low, high = HOURS_BANDS[v]
                band = Q(estimated_hours__isnull=False)
                if low is not None:
                    band &= Q(estimated_hours__gte=low)
                if high is not None:
                    band &= Q(estimated_hours__lt=high)
                cond |= band
            qs = qs.filter(cond)
    return qs


# Facet counts are cached under this generation, retired when the catalog changes (publish, retire: apps.py).
CATALOG = Generation("catalog")


def _facet_counts(base: QuerySet, name: str, selected: list[str]) -> list[FacetValue]:
    ids = base.values("pk")
    def rows(values_qs, value_key, label_key):
        return [(r[value_key], r[label_key], r["n"]) for r in values_qs]
    if name == "subject":
        data = rows(Subject.objects.filter(versions__in=ids).annotate(n=Count("versions", distinct=True)).values("slug", "name", "n"), "slug", "name")
    elif name == "grade_band":
        data = rows(GradeBand.objects.filter(versions__in=ids).annotate(n=Count("versions", distinct=True)).values("slug", "name", "n", "position").order_by("position"), "slug", "name")
    elif name == "role":
        data = rows(EducatorRole.objects.filter(versions__in=ids).annotate(n=Count("versions", distinct=True)).values("slug", "name", "n", "position").order_by("position"), "slug", "name")
    elif name == "issuer":
        data = rows(Organization.objects.filter(micro_credential_roles__role=OrganizationRole.Role.ISSUER, micro_credential_roles__version__in=ids)
                    .annotate(n=Count("micro_credential_roles__version", distinct=True)).values("slug", "name", "n"), "slug", "name")
    elif name == "stack":
        data = rows(Stack.objects.filter(state=Stack.State.PUBLISHED, items__micro_credential__current_version__in=ids)
                    .annotate(n=Count("items__micro_credential", distinct=True)).values("slug", "title", "n"), "slug", "title")
    elif name == "cost":
        labels = dict(MicroCredentialVersion.Cost.choices)
        data = [(r["cost"], labels[r["cost"]], r["n"]) for r in base.order_by().values("cost").annotate(n=Count("pk", distinct=True))]
    elif name == "evidence_type":
        labels = dict(EvidenceType.choices)
        data = [(r["parts__evidence_types__evidence_type"], labels.get(r["parts__evidence_types__evidence_type"], ""), r["n"])
                for r in base.order_by().filter(parts__evidence_types__isnull=False)
                .values("parts__evidence_types__evidence_type").annotate(n=Count("pk", distinct=True))]
        order = [v for v, _ in EvidenceType.choices]
        data.sort(key=lambda d: order.index(d[0]) if d[0] in order else 99)
    elif name == "hours":
        data = []
        for key, (low, high) in HOURS_BANDS.items():
            qs = base.filter(estimated_hours__isnull=False)
            if low is not None:
                qs = qs.filter(estimated_hours__gte=low)
            if high is not None:
                qs = qs.filter(estimated_hours__lt=high)
            data.append((key, HOURS_LABELS[key], qs.count()))
    else:
        data = []
    if name in ("grade_band", "role"):  # fixed vocabularies, in the message catalog
        data = [(v, gettext(label), n) for v, label, n in data]
    return [FacetValue(value=v, label=label, count=n, selected=v in selected) for v, label, n in data if n or v in selected]


# Fields of a version that neither a catalog card nor the API's summary shows.
SUMMARY_SKIPS = ("key_method", "method_components", "research", "resources", "search_text", "review_note", "change_note")


def search_catalog(*, user=None, audience: tuple[int, ...] | None = None, q: str = "",
                   filters: dict[str, list[str]] | None = None, limit: int = 50, offset: int = 0,
                   quality: str = "", sort: str = "") -> CatalogResult:
    """Search published MCs visible to ``user`` (or to people with ``audience``, from catalog_audience, when the
    caller already has it): every word must begin a word of the MC's text (catalog/fulltext.py); facets count within
    the other filters. ``quality`` "approved" keeps MCs an independent quality review approved (with or without
    conditions); ``sort`` "quality" puts approved MCs first (catalog/quality.py; the facets do not count this
    filter)."""
    if audience is None:
        audience = catalog_audience(user)
    # No slug or choice holds a NUL, and PostgreSQL refuses one in any text parameter (a 500, found by fuzzing).
    filters = {k: [v.replace("\x00", "")[:120] for v in vals][:20] for k, vals in (filters or {}).items() if k in FACETS}
    base = audience_versions(audience)
    terms = query_terms(q)
    if terms:
        base = fulltext.matching(base, terms)  # the database's full-text index (catalog/fulltext.py)
    filtered = _apply_filters(base, filters)
    # Order and filter on three columns of every match, then read (and prefetch) only the page shown (issue 18).
    rows = list(MicroCredentialVersion.objects.filter(pk__in=filtered.values("pk").distinct())
                .order_by("title").values_list("pk", "micro_credential_id", "title"))
    if terms:
        # Titles that contain the words first, then the rest alphabetically.
        rows.sort(key=lambda r: (-sum(t in r[2].lower() for t in terms), r[2].lower()))
    quality_wide = quality == "approved" or sort == "quality"
    # Every match's review status only when the filter or the order needs it; otherwise the page's (2,000 vs 48 MCs).
    statuses = catalog_quality.status_for(r[1] for r in rows) if quality_wide else {}
    if quality == "approved":
        rows = [r for r in rows if statuses.get(r[1], "") in catalog_quality.APPROVED]
    if sort == "quality":
        rows.sort(key=lambda r: catalog_quality.RANK.get(statuses.get(r[1], ""), 3))  # stable: the order above within a rank
    total = len(rows)
    page = [r[0] for r in rows[offset:offset + limit]]
    if not quality_wide:
        statuses = catalog_quality.status_for(r[1] for r in rows[offset:offset + limit])
    # The cards and the API's summaries: not the long texts and lists of the MC's page (nor its search text).
    by_pk = (MicroCredentialVersion.objects.filter(pk__in=page).defer(*SUMMARY_SKIPS)
             .select_related("micro_credential", "micro_credential__owner")
             .prefetch_related("subjects", "grade_bands", "educator_roles",
                               Prefetch("parts", queryset=Part.objects.only("id", "version_id").prefetch_related("evidence_types")),
                               Prefetch("organization_roles", queryset=OrganizationRole.objects.select_related("organization")))
             .in_bulk()) if page else {}
    versions = [by_pk[pk] for pk in page]
    pilots = catalog_pilots.status_for(page)
    for v in versions:
        v.quality_status = statuses.get(v.micro_credential_id, "")
        v.pilot_status = pilots.get(v.pk)
    # Shared by everyone with the same audience (most earners: the public catalog), not kept per person.
    facets = remembered(CATALOG, f"facets {audience} {get_language()} {terms} {sorted(filters.items())}",
                        lambda: {name: _facet_counts(_apply_filters(base, filters, skip=name), name, filters.get(name, []))
                                 for name in FACETS})
    return CatalogResult(versions=with_coverage(versions), total=total, facets=facets, terms=terms)


def with_coverage(versions: list[MicroCredentialVersion]) -> list[MicroCredentialVersion]:
    """Set ``coverage`` (catalog.coverage.Coverage) on each version: cards say "no assessors yet" (constant queries)."""
    found = coverage_for(v.pk for v in versions)
    for v in versions:
        v.coverage = found.get(v.pk, UNKNOWN)
    return versions


def featured_micro_credentials(*, user, limit: int = 6) -> list[MicroCredentialVersion]:
    """The newest published MCs, those someone can be assessed on now first: an MC without a certified assessor
    comes after them, and its card says "no assessors yet" (decision 0019)."""
    candidates = with_coverage(list(catalog_versions(user).select_related("micro_credential").order_by("-published_at")[:limit * 10]))
    candidates.sort(key=lambda v: not v.coverage.has_assessors)  # stable: newest first within each group
    return candidates[:limit]


def _detail_queryset():
    return MicroCredentialVersion.objects.select_related("micro_credential", "micro_credential__owner").prefetch_related(
        "subjects", "grade_bands", "educator_roles", "translations",
        Prefetch("alignments", queryset=Alignment.objects.select_related("item__framework", "criterion")),
        Prefetch("organization_roles", queryset=OrganizationRole.objects.select_related("organization")),
        Prefetch("parts", queryset=Part.objects.prefetch_related(
            "evidence_types", "prompts", "rubric__levels",
            Prefetch("rubric__criteria", queryset=Criterion.objects.prefetch_related("descriptors__level")))))


# A version's content as shown (parts, prompts, rubric, alignments, translations, owner) is kept whole per version:
# the attempt page and every autosave draw it, and at state scale its ~12 queries were the largest share of the
# database time under load (bench/README.md). Any write to the catalog's rows or to an organization retires it
# (apps.py). Each language's copy is read back from the cache once, localized, and then kept by the process as it
# is (decision 0054: unpickling it took ≈ 10 % of the web workers' CPU under load); localizing one never touches
# another (decision 0048). Every change retires it through the generation, so its lifetime is only a backstop
# (decision 0060): an hour, not five minutes, or every process would reload every version it shows every few minutes.
VERSION_CONTENT = Generation("version-content")
VERSION_CONTENT_SECONDS = 3600


def version_for_display(version_id: int, language: str | None) -> MicroCredentialVersion:
    """A version with its parts, prompts and rubric loaded in a constant number of queries (none when kept), shown in
    ``language`` where it is translated (catalog.translation.localize). For display only, and shared by every
    request of the process that shows it in that language: never changed, never saved."""
    version_id = int(version_id)
    shown_in = (language or translation.SOURCE_LANGUAGE).split("-")[0]

    def localized():
        version = remembered(VERSION_CONTENT, f"version {version_id}", lambda: _detail_queryset().get(pk=version_id),
                             timeout=VERSION_CONTENT_SECONDS)
        return translation.localize(version, shown_in)

    return remembered_object(VERSION_CONTENT, f"version {version_id} shown in {shown_in}", localized,
                             timeout=VERSION_CONTENT_SECONDS)


def can_view(user, mc: MicroCredential) -> bool:
    if mc.visibility == MicroCredential.Visibility.PUBLIC or policy.is_platform_admin(user) or policy.can_edit(user, mc):
        return True
    orgs = member_organization_ids(user)
    return mc.owner_id in orgs or mc.visible_to.filter(pk__in=orgs).exists()


def micro_credential_for_catalog(*, user, slug: str) -> MicroCredentialVersion:
    """The published version the catalog shows; 404 when absent or not visible to this person."""
    mc = MicroCredential.objects.filter(slug=slug).select_related("current_version").first()
    if mc is None or mc.current_version is None or mc.current_version.state != S.PUBLISHED or not can_view(user, mc):
        raise Http404("No such micro-credential.")
    return _detail_queryset().get(pk=mc.current_version_id)


def version_for_reading(*, user, slug: str, number: int) -> MicroCredentialVersion:
    """A specific version: published/retired ones for whoever may see the MC; drafts only for its editors."""
    version = _detail_queryset().filter(micro_credential__slug=slug, number=number).first()
    if version is None:
        raise Http404("No such version.")
    mc = version.micro_credential
    if version.state in (S.DRAFT, S.IN_REVIEW):
        if not policy.can_edit(user, mc):
            raise Http404("No such version.")
    elif not can_view(user, mc):
        raise Http404("No such version.")
    return version


def parts_with_rubrics(version: MicroCredentialVersion) -> list[dict]:
    """Parts with their rubric laid out as a grid: rows of (criterion, [descriptor per level])."""
    from .rubrics import describe_rule

    out = []
    for part in version.parts.all():
        rubric = getattr(part, "rubric", None)
        grid, levels = [], []
        if rubric is not None:
            levels = list(rubric.levels.all())
            for criterion in rubric.criteria.all():
                by_level = {d.level_id: d for d in criterion.descriptors.all()}
                grid.append({"criterion": criterion, "cells": [
                    {"level": lvl, "text": by_level[lvl.pk].text if lvl.pk in by_level else "",
                     "content_language": getattr(by_level.get(lvl.pk), "content_language", "en"),
                     "passing": lvl.position >= rubric.passing_level} for lvl in levels]})
        out.append({"part": part, "rubric": rubric, "levels": levels, "grid": grid,
                    "rule": describe_rule(rubric) if rubric else ""})
    return out


def stacks_containing(mc: MicroCredential) -> QuerySet[Stack]:
    return Stack.objects.filter(state=Stack.State.PUBLISHED, items__micro_credential=mc).distinct()


def visible_stacks(*, user) -> QuerySet[Stack]:
    return Stack.objects.filter(state=Stack.State.PUBLISHED).select_related("owner").annotate(n_items=Count("items"))


def stack_for_catalog(*, user, slug: str) -> Stack:
    stack = Stack.objects.filter(slug=slug).select_related("owner").first()
    if stack is None or (stack.state != Stack.State.PUBLISHED and not policy.can_edit(user, stack)):
        raise Http404("No such stack.")
    return stack


def stack_items(*, user, stack: Stack) -> list[dict]:
    """The items of a stack, each with the MC's current version when this person may see it."""
    visible = set(visible_micro_credentials(user).values_list("pk", flat=True))
    rows = []
    for item in stack.items.select_related("micro_credential__current_version", "child_stack"):
        if item.micro_credential_id:
            mc = item.micro_credential
            rows.append({"item": item, "kind": "mc", "micro_credential": mc if mc.pk in visible else None,
                         "version": mc.current_version if mc.pk in visible else None})
        else:
            rows.append({"item": item, "kind": "stack", "stack": item.child_stack})
    return rows


MAX_STACK_DEPTH = 10


def stack_items_by_stack(stack_ids) -> dict[int, list[StackItem]]:
    """The items of these stacks and of every stack nested in them (to MAX_STACK_DEPTH levels), by stack id, in
    position order: one query per nesting level, whatever the number of stacks."""
    items: dict[int, list[StackItem]] = {}
    frontier = set(stack_ids)
    for _ in range(MAX_STACK_DEPTH + 1):
        frontier -= items.keys()
        if not frontier:
            break
        for stack_id in frontier:
            items[stack_id] = []
        for item in StackItem.objects.filter(stack_id__in=frontier).select_related("child_stack").order_by("stack_id", "position"):
            items[item.stack_id].append(item)
        frontier = {item.child_stack_id for stack_id in frontier for item in items[stack_id] if item.child_stack_id}
    return items


def stack_progress_many(stacks, earned_mc_ids: set[int]) -> list[dict]:
    """stack_progress for each of `stacks`, reading their items (nested ones included) in one query per level."""
    items = stack_items_by_stack([s.pk for s in stacks])
    return [stack_progress(s, earned_mc_ids, items_by_stack=items) for s in stacks]


def stack_progress(stack: Stack, earned_mc_ids: set[int], *, items_by_stack: dict | None = None, _depth: int = 0) -> dict:
    """How far someone who earned `earned_mc_ids` is through `stack` (nested stacks count when complete).

    Returns {"complete": bool, "done": int, "needed": int, "items": [{item_id, done}]}. For a sequence,
    an item only counts when every earlier item is done. `items_by_stack` (from stack_items_by_stack) saves the
    queries when the items are already read.
    """
    if items_by_stack is None:
        items_by_stack = stack_items_by_stack([stack.pk])
    items = items_by_stack.get(stack.pk)
    if items is None:  # deeper than the items read: read this stack's subtree
        items_by_stack.update(stack_items_by_stack([stack.pk]))
        items = items_by_stack[stack.pk]
    statuses = []
    for item in items:
        if item.micro_credential_id:
            done = item.micro_credential_id in earned_mc_ids
        elif _depth < MAX_STACK_DEPTH:
            done = stack_progress(item.child_stack, earned_mc_ids, items_by_stack=items_by_stack, _depth=_depth + 1)["complete"]
        else:
            done = False
        statuses.append((item, done))
    if stack.rule == Stack.Rule.N_OF_M:
        needed = min(stack.required_count or len(items), len(items))
        done_count = min(sum(d for _, d in statuses), needed)
    elif stack.rule == Stack.Rule.SEQUENCE:
        needed, done_count = len(items), 0
        for _, d in statuses:
            if not d:
                break
            done_count += 1
    elif stack.rule == Stack.Rule.CHOICE_SLOTS:
        slots: dict[int, bool] = {}
        for item, d in statuses:
            slots[item.slot or 0] = slots.get(item.slot or 0, False) or d
        needed, done_count = len(slots), sum(slots.values())
    else:
        needed, done_count = len(items), sum(d for _, d in statuses)
    return {"complete": needed > 0 and done_count >= needed, "done": done_count, "needed": needed,
            "items": [{"item_id": item.pk, "done": d} for item, d in statuses]}


# --- Authoring -------------------------------------------------------------------------------

def micro_credentials_for_author(*, user) -> QuerySet[MicroCredential]:
    qs = MicroCredential.objects.select_related("owner", "current_version").prefetch_related("versions")
    if policy.is_platform_admin(user):
        return qs.order_by("owner__name", "slug")
    return qs.filter(owner__in=policy.authoring_organization_ids(user)).order_by("owner__name", "slug")


def stacks_for_author(*, user) -> QuerySet[Stack]:
    qs = Stack.objects.select_related("owner")
    if policy.is_platform_admin(user):
        return qs
    return qs.filter(owner__in=policy.authoring_organization_ids(user))


def authoring_organizations(*, user) -> QuerySet[Organization]:
    if policy.is_platform_admin(user):
        return Organization.objects.all()
    return Organization.objects.filter(pk__in=policy.authoring_organization_ids(user))


def editable_version(*, user, slug: str, number: int) -> MicroCredentialVersion:
    """Version ``number`` of an MC this person may edit, or 404 (web and API authoring pages alike)."""
    mc = editable_micro_credential(user=user, slug=slug)
    version = mc.versions.filter(number=number).first()
    if version is None:
        raise Http404("No such version.")
    return version


def editable_micro_credential(*, user, slug: str) -> MicroCredential:
    """The MC for the authoring pages; 404 (not 403) to people who may not edit it, so nothing leaks."""
    mc = MicroCredential.objects.filter(slug=slug).select_related("owner").first()
    if mc is None or not policy.can_edit(user, mc):
        raise Http404("No such micro-credential.")
    return mc



def version_for_translation(*, user, slug: str, number: int) -> MicroCredentialVersion:
    """A version an editor translates (any state: see services.save_translation), with everything the form lists."""
    version = editable_version(user=user, slug=slug, number=number)
    return _detail_queryset().get(pk=version.pk)


# --- CASE competency frameworks -------------------------------------------------------------------------------------

PICKER_LIMIT = 60


def competency_frameworks():
    """Imported frameworks with their item counts (one query)."""
    return CompetencyFramework.objects.annotate(item_count=Count("items")).order_by("title")


def competency_items_for_picker(*, framework: CompetencyFramework | None, q: str = "") -> tuple[list[CompetencyItem], int]:
    """Items of ``framework`` in tree order whose code or statement contains ``q``: at most PICKER_LIMIT, and how
    many matched in all."""
    if framework is None:
        return [], 0
    items = framework.items.all()
    q = q.strip()[:200]
    if q:
        items = items.filter(Q(human_coding_scheme__icontains=q) | Q(full_statement__icontains=q)
                             | Q(abbreviated_statement__icontains=q))
    return list(items.order_by("position")[:PICKER_LIMIT]), items.count()


def competency_item(identifier: str) -> CompetencyItem | None:
    return CompetencyItem.objects.filter(identifier=identifier[:100]).select_related("framework").first() if identifier else None


def alignments_of(version: MicroCredentialVersion) -> list[Alignment]:
    """The version's alignments with their CASE item, framework and criterion (one query)."""
    return list(version.alignments.select_related("item__framework", "criterion__rubric__part"))


def alignment_targets(version: MicroCredentialVersion) -> list[tuple[str, str]]:
    """What the picker can align: the whole competency ("") or one rubric criterion ("part-criterion")."""
    targets = [("", gettext("The whole competency"))]
    for c in Criterion.objects.filter(rubric__part__version=version).select_related("rubric__part").order_by(
            "rubric__part__position", "position"):
        targets.append((f"{c.rubric.part.position}-{c.position}",
                        gettext("Part %(p)s, criterion %(c)s: %(title)s") % {"p": c.rubric.part.position, "c": c.position,
                                                                              "title": c.title}))
    return targets


def version_history(micro_credential: MicroCredential) -> list[MicroCredentialVersion]:
    """The MC's published and retired versions, newest first, with their number, publication date and the author's
    "what changed" note: the public version history (one query however many versions)."""
    return list(micro_credential.versions.filter(state__in=[MicroCredentialVersion.State.PUBLISHED,
                                                            MicroCredentialVersion.State.RETIRED])
                .only("id", "micro_credential_id", "number", "state", "published_at", "retired_at", "change_note")
                .order_by("-number"))
