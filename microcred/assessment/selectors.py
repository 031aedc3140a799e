"""Reads of assessment: the blind view of an item, queues, dashboards."""
from __future__ import annotations

import datetime as dt

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from microcred.accounts import policy as authz  # who may do what (local "policy" names are IssuerPolicy rows)
from microcred.catalog import selectors as catalog_selectors
from microcred.catalog import translation as content_translation
from microcred.accounts.selectors import PEOPLE
from microcred.catalog.models import MicroCredentialVersion
from microcred.core.cache import Generation, remembered
from microcred.earning.selectors import neutral_file_name

from .models import AnchorItem, AnchorScore, Assignment, DriftFlag, IssuerPolicy, Qualification, Review, Score, ScoringPolicy


def add_business_days(start: dt.datetime, days: int) -> dt.datetime:
    current, added = start, 0
    while added < days:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def is_certified(q: Qualification | None, now=None) -> bool:
    now = now or timezone.now()
    return bool(q and q.status == Qualification.Status.CERTIFIED and (q.expires_at is None or q.expires_at > now))


def assessor_may_view_file(user, evidence_file) -> bool:
    """An assessor with a live (assigned or scored) item whose evidence includes this file."""
    file_id = str(evidence_file.pk)
    items = Assignment.objects.filter(assessor=user).exclude(state=Assignment.State.RELEASED).select_related("review__submission", "anchor_item")
    for a in items:
        snapshot = a.review.submission.snapshot if a.review_id else a.anchor_item.snapshot
        if any(e.get("file_id") == file_id for p in snapshot.get("parts", []) for e in p.get("evidence", [])):
            return True
    return False


def assignment_for(*, user, assignment_id: int, with_versions: bool = True) -> Assignment:
    """One of ``user``'s own items, or 404, with the submission blind_view reads. ``with_versions`` False: not the
    item's version rows either, for a page that shows the version as kept for display (blind_view) instead."""
    related = ("review__submission", "anchor_item") + (("review__version", "anchor_item__version") if with_versions else ())
    a = Assignment.objects.select_related(*related).filter(pk=assignment_id, assessor=user).first()
    if a is None:
        raise Http404("No such item.")
    return a


def _reader_language(language: str | None = None) -> str:
    return (language or get_language() or content_translation.SOURCE_LANGUAGE).split("-")[0]


def localized_title(version, language: str | None = None) -> tuple[str, str]:
    """(title, language it is in) of ``version`` for the reader: its translation's title where there is one. Reads
    ``version.translations`` (prefetch it) and never the parts, so a list of versions costs no query per row."""
    language = _reader_language(language)
    if language != content_translation.SOURCE_LANGUAGE:
        for t in version.translations.all():
            title = content_translation.value_at(t.content or {}, ("title",)) if t.language == language else ""
            if title:
                return title, language
    return version.title, content_translation.SOURCE_LANGUAGE


def blind_view(assignment: Assignment, language: str | None = None) -> dict:
    """What an assessor sees: the MC's parts, prompts, rubric and the evidence — never who, where, or others' scores.
    The MC's content is in the reader's language where the MC is translated (``content_language`` on each object)."""
    snapshot = assignment.review.submission.snapshot if assignment.review_id else assignment.anchor_item.snapshot
    version_id = assignment.review.version_id if assignment.review_id else assignment.anchor_item.version_id
    # A version's content is kept whole, localized per reader (catalog.selectors.version_for_display): every review
    # page of the same MC draws the same parts, prompts and rubric.
    version = catalog_selectors.version_for_display(version_id, _reader_language(language))
    by_part = {p["part_id"]: p for p in snapshot.get("parts", [])}
    parts = []
    for part in version.parts.all():
        snap = by_part.get(part.pk, {"evidence": [], "locked": False})
        prompts = []
        for prompt in part.prompts.all():
            # Uploaded file names can carry names of people; the assessor sees a neutral one.
            items = [dict(e, name=neutral_file_name(e["file_id"], e.get("name", ""))) if e.get("file_id") else e
                     for e in snap["evidence"] if e.get("prompt_id") == prompt.pk]
            prompts.append({"prompt": prompt, "evidence": items})
        levels = list(part.rubric.levels.all())
        criteria = []
        for c in part.rubric.criteria.all():
            texts = {d.level_id: d for d in c.descriptors.all()}
            criteria.append({"criterion": c, "cells": [
                {"level": lvl, "text": texts[lvl.pk].text if lvl.pk in texts else "",
                 "lang": getattr(texts.get(lvl.pk), "content_language", content_translation.SOURCE_LANGUAGE)}
                for lvl in levels]})
        parts.append({"part": part, "prompts": prompts, "locked": snap.get("locked", False), "levels": levels, "criteria": criteria,
                      "quiz": snap.get("quiz")})
    note = assignment.review.submission.note_to_assessor if assignment.review_id else ""
    return {"title": version.title, "title_lang": version.content_language, "version": version.number, "parts": parts,
            "note_to_assessor": note, "display_version": version,
            "role": assignment.get_role_display() if assignment.role not in ("check",) else _("First")}


def my_queue(user):
    return Assignment.objects.filter(assessor=user, state=Assignment.State.ASSIGNED).select_related("review__version", "anchor_item__version")


def queue_health(micro_credential_ids=None) -> dict:
    now = timezone.now()
    open_reviews = Review.objects.filter(stage__in=["precheck", "first", "second", "adjudication"])
    if micro_credential_ids is not None:
        open_reviews = open_reviews.filter(micro_credential_id__in=micro_credential_ids)
    decided = Review.objects.filter(stage="decided")
    if micro_credential_ids is not None:
        decided = decided.filter(micro_credential_id__in=micro_credential_ids)
    turnaround = sorted(((r.decided_at - r.submission.submitted_at).total_seconds() / 86400) for r in decided.select_related("submission")[:2000])
    median = turnaround[len(turnaround) // 2] if turnaround else None
    unassigned = open_reviews.exclude(Exists(Assignment.objects.filter(review=OuterRef("pk"), state=Assignment.State.ASSIGNED))).count()
    return {"waiting": open_reviews.count(), "overdue": open_reviews.filter(due_at__lt=now).count(), "unassigned": unassigned,
            "in_adjudication": open_reviews.filter(stage="adjudication").count(),
            "median_turnaround_days": round(median, 1) if median is not None else None,
            "decided": decided.count(), "earned": decided.filter(final_result="earned").count()}




# --- Assessor pages --------------------------------------------------------------------------------

def _due_at(assignment: Assignment, turnarounds: dict[int, int] | None = None):
    """Due date shown to the assessor. Seeded checks get one computed the same way, so they look like real items.
    ``turnarounds`` (organization id → business days, as read by ``_turnarounds``) saves the query per check item."""
    if assignment.review_id:
        return assignment.review.due_at
    owner_id = assignment.anchor_item.micro_credential.owner_id
    if turnarounds is None:
        turnarounds = _turnarounds([owner_id])
    return add_business_days(assignment.assigned_at, turnarounds.get(owner_id) or 14)


def _turnarounds(organization_ids) -> dict[int, int]:
    """organization id → its IssuerPolicy's turnaround (business days), for the organizations that have one."""
    ids = set(organization_ids)
    if not ids:
        return {}
    return dict(IssuerPolicy.objects.filter(organization_id__in=ids).values_list("organization_id", "turnaround_business_days"))


_ROLE_LABELS = dict(Assignment.Role.choices)


def item_summary(assignment: Assignment, now=None, *, turnarounds: dict[int, int] | None = None, version=None) -> dict:
    """One queue row: role, MC title, due date — never who the earner is. ``version``: the item's version as the
    page already loaded it (blind_view's), else the assignment's."""
    now = now or timezone.now()
    if version is None:
        version = assignment.review.version if assignment.review_id else assignment.anchor_item.version
    due = _due_at(assignment, turnarounds)
    role = _("First") if assignment.role == Assignment.Role.CHECK else str(_ROLE_LABELS.get(assignment.role, assignment.role))
    title, title_lang = localized_title(version)
    return {"assignment": assignment, "id": assignment.pk, "role": role, "title": title, "title_lang": title_lang,
            "micro_credential": version.micro_credential.slug, "due_at": due, "overdue": due < now,
            "precheck": assignment.role == Assignment.Role.PRECHECK, "state": assignment.state}


def _reader_translations(*prefixes: str) -> list[Prefetch]:
    """The translations of the versions at ``prefixes``, in the reader's language only (all ``localized_title``
    reads); none for a reader of the source language, whose titles are the versions' own."""
    from microcred.catalog.models import VersionTranslation

    language = _reader_language()
    if language == content_translation.SOURCE_LANGUAGE:
        return []
    return [Prefetch(f"{prefix}__translations", queryset=VersionTranslation.objects.filter(language=language)
                     .only("version_id", "language", "content")) for prefix in prefixes]


QUEUE_PAGE_SIZE = 25


def _open_items(user):
    # Calibration items are listed with their pool instead.
    return my_queue(user).exclude(role=Assignment.Role.CALIBRATION)


def queue_page(user, number) -> Page:
    """One page (QUEUE_PAGE_SIZE) of the assessor's open items as queue_rows, oldest first. An assessor scores
    the next item from the top, and a busy one may hold a hundred: the page draws a page of them, never all.
    ``number`` is whatever the request said: not a number gives the first page, beyond the last the last one."""
    page = Paginator(_open_items(user).values_list("pk", flat=True), QUEUE_PAGE_SIZE).get_page(number)
    page.object_list = queue_rows(user, ids=list(page.object_list))
    return page


def queue_rows(user, ids: list[int] | None = None) -> list[dict]:
    """The assessor's open items (or those of ``ids`` among them), oldest first. A fixed number of queries however
    many items: only the columns a row shows are read (no evidence, no earner)."""
    now = timezone.now()
    items = _open_items(user) if ids is None else _open_items(user).filter(pk__in=ids)
    items = list(items.select_related(
        "review__version__micro_credential", "anchor_item__version__micro_credential", "anchor_item__micro_credential")
        .only("id", "role", "state", "assigned_at", "review_id", "anchor_item_id", "assessor_id",
              "review__due_at", "review__version__title", "review__version__micro_credential__slug",
              "anchor_item__micro_credential__owner_id", "anchor_item__version__title",
              "anchor_item__version__micro_credential__slug")
        .prefetch_related(*_reader_translations("review__version", "anchor_item__version")))
    checks = [a for a in items if not a.review_id]
    turnarounds = _turnarounds(a.anchor_item.micro_credential.owner_id for a in checks) if checks else {}
    return [item_summary(a, now, turnarounds=turnarounds) for a in items]


def pools_for(user) -> list[dict]:
    """Each MC pool the assessor is in: qualification, whether they may score, open calibration items. Three queries
    however many pools."""
    rows = []
    # The MC's scoring policy comes in the same query (the certification bar shown beside the last agreement).
    quals = list(Qualification.objects.filter(assessor=user).select_related(
        "micro_credential__current_version", "micro_credential__scoring_policy").order_by("micro_credential__slug")
        .only("assessor_id", "micro_credential_id", "status", "senior", "expires_at", "last_agreement",
              "micro_credential__slug", "micro_credential__current_version__title",
              "micro_credential__scoring_policy__certification_bar")
        .prefetch_related(*_reader_translations("micro_credential__current_version")))
    default_bar = ScoringPolicy._meta.get_field("certification_bar").default
    calibration: dict[int, list[Assignment]] = {}
    if quals:
        for a in (Assignment.objects.filter(assessor=user, role=Assignment.Role.CALIBRATION, state=Assignment.State.ASSIGNED,
                                            anchor_item__micro_credential_id__in=[q.micro_credential_id for q in quals])
                  .annotate(mc_id=F("anchor_item__micro_credential_id")).order_by("id")):
            calibration.setdefault(a.mc_id, []).append(a)
    for q in quals:
        scoring = getattr(q.micro_credential, "scoring_policy", None)  # none yet: the model default applies
        title, title_lang = (localized_title(q.micro_credential.current_version) if q.micro_credential.current_version_id
                             else (q.micro_credential.slug, ""))
        rows.append({"qualification": q, "micro_credential": q.micro_credential, "certified": is_certified(q),
                     "calibration_items": calibration.get(q.micro_credential_id, []),
                     "bar": scoring.certification_bar if scoring else default_bar,
                     "title": title, "title_lang": title_lang})
    return rows


# --- Calibration ----------------------------------------------------------------------------------

def _calibration_batch(assignment: Assignment) -> tuple[Qualification | None, list[Assignment]]:
    """The calibration round this item belongs to (the items given at the last start), in the order given."""
    mc_id = assignment.anchor_item.micro_credential_id
    q = Qualification.objects.filter(assessor_id=assignment.assessor_id, micro_credential_id=mc_id).first()
    batch = Assignment.objects.filter(assessor_id=assignment.assessor_id, role=Assignment.Role.CALIBRATION,
                                      anchor_item__micro_credential_id=mc_id).exclude(state=Assignment.State.RELEASED)
    if q is not None and q.calibration_started_at:
        batch = batch.filter(assigned_at__gte=q.calibration_started_at)
    return q, list(batch.order_by("id"))


def _localize_rows(rows: list[dict], version_id: int) -> None:
    """The calibration comparison's part, criterion and level names in the reader's language (one query)."""
    language = _reader_language()
    content = {}
    if language != content_translation.SOURCE_LANGUAGE:
        from microcred.catalog.models import VersionTranslation

        found = VersionTranslation.objects.filter(version_id=version_id, language=language).first()
        content = (found.content if found else None) or {}
    value_at = content_translation.value_at
    for r in rows:
        p, c = str(r["part"].position), str(r["criterion"].position)
        shown = [(r["part"], "title", ("parts", p, "title")), (r["criterion"], "title", ("rubrics", p, "criteria", c, "title"))]
        shown += [(lvl, "name", ("rubrics", p, "levels", str(lvl.position))) for lvl in (r["agreed"], r["mine"]) if lvl is not None]
        for obj, attribute, path in shown:
            text = value_at(content, path)
            if text:
                setattr(obj, attribute, text)
                obj._localized_language = language  # display only: catalog.translation refuses to save it
            obj.content_language = language if text else content_translation.SOURCE_LANGUAGE


def calibration_feedback(assignment: Assignment) -> dict | None:
    """What a calibrating assessor learns: "item N of M" while scoring; once an item is scored, the agreed (anchor)
    level of each criterion beside theirs and where they differ; once the round is done, their agreement, the bar
    to pass, the outcome and what to do next. None for items that are not calibration. A fixed number of queries."""
    if assignment.role != Assignment.Role.CALIBRATION:
        return None
    q, batch = _calibration_batch(assignment)
    ids = [a.pk for a in batch]
    position = ids.index(assignment.pk) + 1 if assignment.pk in ids else None
    policy = ScoringPolicy.objects.filter(micro_credential_id=assignment.anchor_item.micro_credential_id).first()
    bar = policy.certification_bar if policy else ScoringPolicy._meta.get_field("certification_bar").default
    out = {"position": position, "total": len(batch), "bar": bar, "rows": [], "matched": 0, "criteria": 0,
           "next": next((a for a in batch if a.state == Assignment.State.ASSIGNED and a.pk != assignment.pk), None),
           "done": bool(batch) and all(a.state == Assignment.State.SCORED for a in batch), "qualification": q,
           "round_items": batch}
    out["next_position"] = ids.index(out["next"].pk) + 1 if out["next"] else None
    if assignment.state != Assignment.State.SCORED:
        return out
    agreed = {s.criterion_id: s for s in AnchorScore.objects.filter(item_id=assignment.anchor_item_id)
              .select_related("criterion__rubric__part", "level").order_by("criterion__rubric__part__position", "criterion__position")}
    mine = {s.criterion_id: s for s in Score.objects.filter(assignment=assignment).select_related("level")}
    for criterion_id, anchor in agreed.items():
        own = mine.get(criterion_id)
        out["rows"].append({"part": anchor.criterion.rubric.part, "criterion": anchor.criterion, "agreed": anchor.level,
                            "mine": own.level if own else None,
                            "agrees": own is not None and own.level.position == anchor.level.position})
    _localize_rows(out["rows"], assignment.anchor_item.version_id)
    out["matched"], out["criteria"] = sum(1 for r in out["rows"] if r["agrees"]), len(out["rows"])
    if out["done"]:
        # The whole round, as services._after_anchor_scored counted it.
        matched = total = 0
        anchor_levels = {}
        for s in AnchorScore.objects.filter(item_id__in=[a.anchor_item_id for a in batch]).select_related("level"):
            anchor_levels[(s.item_id, s.criterion_id)] = s.level.position
        own_levels = {(s.assignment_id, s.criterion_id): s.level.position
                      for s in Score.objects.filter(assignment_id__in=ids).select_related("level")}
        for a in batch:
            for (item_id, criterion_id), level in anchor_levels.items():
                if item_id == a.anchor_item_id:
                    total += 1
                    matched += own_levels.get((a.pk, criterion_id)) == level
        out["round"] = {"matched": matched, "total": total, "agreement": (matched / total) if total else 0,
                        "passed": bool(total) and matched / total >= float(bar)}
    return out


# --- Issuer dashboard -------------------------------------------------------------------------------

def issuer_micro_credentials(user):
    """MCs whose assessment the user manages: their organizations' as issuer admin, every MC for platform admins;
    busiest (most reviews) first. Only what the dashboard's overview shows of each is read."""
    from microcred.catalog.models import MicroCredential

    qs = MicroCredential.objects.filter(current_version__isnull=False).select_related("current_version", "owner")
    managed = authz.managed_issuer_ids(user)
    if managed is not None:
        qs = qs.filter(owner_id__in=managed)
    # Busiest first: the MCs with submissions in assessment are what an issuer looks at. The reviews per MC are
    # stored (ReviewTally, kept by tallies.py): counting them here read every review of the issuer's MCs.
    return (qs.only("slug", "owner_id", "current_version_id", "current_version__number", "current_version__title",
                    "current_version__micro_credential_id", "owner__name")
            .annotate(n_reviews=Coalesce(F("review_tally__reviews"), Value(0))).order_by("-n_reviews", "slug"))


OPEN_STAGES = ["precheck", "first", "second", "adjudication"]


def dashboard_glance(micro_credential_ids, now=None) -> dict[int, dict]:
    """Per MC id, the one line the issuer dashboard's overview shows: waiting, overdue and unassigned reviews, the pool
    size, the assignments overdue to reassign and whether a calibration set exists. Three queries, however many MCs
    (the MC's own page shows the rest); the open reviews and their open assignments are read from partial indexes."""
    now = now or timezone.now()
    ids = list(micro_credential_ids)
    out = {pk: {"waiting": 0, "overdue": 0, "unassigned": 0, "pool": 0, "to_reassign": 0, "anchors": False} for pk in ids}
    assigned = Assignment.objects.filter(review=OuterRef("pk"), state=Assignment.State.ASSIGNED)
    n_assigned = assigned.order_by().values("review").annotate(n=Count("pk")).values("n")
    overdue = Q(due_at__lt=now)
    for row in (Review.objects.filter(micro_credential_id__in=ids, stage__in=OPEN_STAGES).order_by()
                .values("micro_credential_id")
                .annotate(waiting=Count("pk"), overdue=Count("pk", filter=overdue),
                          unassigned=Count("pk", filter=~Exists(assigned)),
                          # open assignments of overdue reviews (a review may have a first and a second reader at once)
                          to_reassign=Coalesce(Sum(Subquery(n_assigned), filter=overdue), Value(0)))):
        out[row.pop("micro_credential_id")].update(row)
    for mc_id, n in (Qualification.objects.filter(micro_credential_id__in=ids).order_by().values("micro_credential_id")
                     .annotate(n=Count("pk")).values_list("micro_credential_id", "n")):
        out[mc_id]["pool"] = n
    for mc_id in AnchorItem.objects.filter(micro_credential_id__in=ids).order_by().values_list("micro_credential_id", flat=True).distinct():
        out[mc_id]["anchors"] = True
    return out


def overdue_assignments(micro_credential, now=None) -> list[Assignment]:
    """Open assignments of reviews past their due date."""
    now = now or timezone.now()
    return list(Assignment.objects.filter(review__micro_credential=micro_credential, state=Assignment.State.ASSIGNED,
                                          review__due_at__lt=now, review__stage__in=["precheck", "first", "second", "adjudication"])
                .select_related("review", "assessor").order_by("review__due_at"))


def pool_of(micro_credential):
    return (Qualification.objects.filter(micro_credential=micro_credential).select_related("assessor")
            .prefetch_related("drift_flags").order_by("assessor__last_name", "assessor__username"))


def open_drift_flags(micro_credential) -> dict[int, DriftFlag]:
    """assessor id → their open drift flag for this MC."""
    flags = DriftFlag.objects.filter(qualification__micro_credential=micro_credential, resolved_at__isnull=True) \
        .select_related("qualification").order_by("flagged_at")
    return {f.qualification.assessor_id: f for f in flags}


def poolable_assessors(micro_credential):
    """Assessors of the MC's organization not yet in its pool."""
    from microcred.accounts.models import User

    members = authz.assessor_ids_of(micro_credential.owner)
    pooled = Qualification.objects.filter(micro_credential=micro_credential).values_list("assessor_id", flat=True)
    return User.objects.filter(pk__in=members, is_active=True).exclude(pk__in=pooled).order_by("last_name", "username")


def recent_decided_reviews(micro_credential, limit: int = 10):
    return Review.objects.filter(micro_credential=micro_credential, stage=Review.Stage.DECIDED).select_related("version") \
        .order_by("-decided_at")[:limit]


def deciding_levels(review: Review) -> dict[int, int]:
    """The levels that decided a review (the adjudicator's, else the first reader's): a starting point for an anchor."""
    for role in (Assignment.Role.ADJUDICATOR, Assignment.Role.FIRST):
        a = review.assignments.filter(role=role, state=Assignment.State.SCORED).first()
        if a is not None:
            return {s.criterion_id: s.level.position for s in a.scores.select_related("level")}
    return {}


def rubric_grid(version, selected: dict[int, int] | None = None) -> list[dict]:
    """Parts of a version with their rubric levels and criteria (for the anchor form)."""
    selected = selected or {}
    out = []
    for part in version.parts.prefetch_related("rubric__levels", "rubric__criteria__descriptors"):
        levels = list(part.rubric.levels.all())
        criteria = []
        for c in part.rubric.criteria.all():
            texts = {d.level_id: d.text for d in c.descriptors.all()}
            criteria.append({"criterion": c, "selected": selected.get(c.pk),
                             "cells": [{"level": lvl, "text": texts.get(lvl.pk, "")} for lvl in levels]})
        out.append({"part": part, "levels": levels, "criteria": criteria})
    return out


def recent_events(micro_credential, limit: int = 15):
    """Audit events about this MC's reviews, pool and anchors, newest first."""
    from microcred.core.models import AuditEvent

    review_ids = [str(pk) for pk in Review.objects.filter(micro_credential=micro_credential).order_by("-created_at").values_list("pk", flat=True)[:500]]
    qual_ids = [str(pk) for pk in Qualification.objects.filter(micro_credential=micro_credential).values_list("pk", flat=True)]
    anchor_ids = [str(pk) for pk in AnchorItem.objects.filter(micro_credential=micro_credential).values_list("pk", flat=True)]
    q = Q(target_type="assessment.review", target_id__in=review_ids) | Q(target_type="assessment.qualification", target_id__in=qual_ids) \
        | Q(target_type="assessment.anchoritem", target_id__in=anchor_ids)
    return AuditEvent.objects.filter(q).select_related("actor").order_by("-pk")[:limit]


# The issuers' turnaround promises, kept per issuer: every attempt page shows one.
ISSUER_POLICIES = Generation("issuer-policies")
ISSUER_POLICY_SECONDS = 300


def promised_turnaround(version) -> int | None:
    """The working days the owner of ``version``'s MC promises for a decision (its IssuerPolicy, which also sets the
    assessors' due dates), or None."""
    owner_id = version.micro_credential.owner_id
    # Retired whenever any issuer's policy is saved or deleted (apps.py).
    return remembered(ISSUER_POLICIES, f"turnaround {int(owner_id)}", lambda: IssuerPolicy.objects.filter(
        organization_id=owner_id).values_list("turnaround_business_days", flat=True).first(), timeout=ISSUER_POLICY_SECONDS)


# Assessor pools: qualifications and calibration anchors. Coverage and the menu's "Assess" entry are kept under it
# (decision 0050); a certification that expires by the clock is seen within COVERAGE_SECONDS.
POOLS = Generation("assessor-pools")
COVERAGE_SECONDS = 60


def assessor_coverage(version_ids: list[int]) -> dict[int, tuple[int, int]]:
    """For catalog's coverage registry (catalog.coverage): per version id, the certified, unexpired, active assessors
    of its micro-credential's pool and the version's calibration anchors. Three queries, however many versions, and
    none while the answer for the same versions is kept (pools and people unchanged, at most COVERAGE_SECONDS)."""
    ids = sorted(int(pk) for pk in version_ids)
    return remembered(POOLS, f"coverage:{PEOPLE.current()}:{ids}", lambda: _assessor_coverage(ids), timeout=COVERAGE_SECONDS)


def _assessor_coverage(version_ids: list[int]) -> dict[int, tuple[int, int]]:
    now = timezone.now()
    mc_of = dict(MicroCredentialVersion.objects.filter(pk__in=version_ids).values_list("pk", "micro_credential_id"))
    certified = dict(Qualification.objects.filter(micro_credential_id__in=set(mc_of.values()),
                                                  status=Qualification.Status.CERTIFIED, assessor__is_active=True)
                     .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
                     .values("micro_credential_id").annotate(n=Count("pk")).values_list("micro_credential_id", "n"))
    anchors = dict(AnchorItem.objects.filter(version_id__in=version_ids, in_calibration_set=True)
                   .values("version_id").annotate(n=Count("pk")).values_list("version_id", "n"))
    return {pk: (certified.get(mc, 0), anchors.get(pk, 0)) for pk, mc in mc_of.items()}
