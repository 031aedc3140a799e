"""Reads of the quality app: the framework, the reviews a person may see or rate, and the public quality record."""
from __future__ import annotations

import datetime as dt
import statistics

from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts.models import Organization
from microcred.assessment import reliability
from microcred.assessment.models import IssuerPolicy, Review
from microcred.catalog import selectors as catalog_selectors
from microcred.catalog.models import MicroCredential, MicroCredentialVersion
from microcred.core.cache import Generation, remembered
from microcred.core.suppression import suppress
from microcred.credentials.models import IssuedCredential
from microcred.earning.models import Attempt

from . import framework as fw
from .models import ExperienceSurvey, Pilot, QualityFramework, QualityRating, QualityReview, QualityReviewer

MIN_EARNERS = 10
PENDING = (QualityReview.State.OPEN, QualityReview.State.RECONCILING)


def current_framework() -> QualityFramework:
    """The framework adopted last. The shipped version 1 is loaded by the app's first migration; should the table be
    empty (a flushed test database), the shipped file is answered unsaved (services save it when a review needs it)."""
    found = QualityFramework.objects.order_by("-number").first()
    if found is None:
        data = fw.shipped(1)
        return QualityFramework(number=1, title=data["title"], data=data)
    return found


def framework(number: int) -> QualityFramework:
    found = QualityFramework.objects.filter(number=number).first()
    if found is None and number == 1 and not QualityFramework.objects.exists():
        return current_framework()  # the shipped version, unsaved
    if found is None:
        raise Http404
    return found


def frameworks():
    return QualityFramework.objects.order_by("-number").select_related("adopted_by")


def _reviews():
    return QualityReview.objects.select_related("version__micro_credential__owner", "framework", "submitted_by", "decided_by")


def review_for(user, pk) -> QualityReview:
    """The review ``pk`` if ``user`` may see it; 404 otherwise (nothing about it leaks)."""
    review = _reviews().filter(pk=pk).first()
    if review is None or not policy.can_see_quality_review(user, review):
        raise Http404
    return review


def reviews_to_rate(user) -> list[QualityReview]:
    """Pending reviews ``user`` may rate (never their own organizations' MCs)."""
    if not policy.is_quality_reviewer(user):
        return []
    own = set(policy.quality_reviewer_organization_ids(user)) | {org for org in _member_org_ids(user)}
    found = (_reviews().filter(state__in=PENDING).exclude(version__micro_credential__owner_id__in=own)
             .exclude(submitted_by=user).exclude(version__created_by=user))
    return list(found[:200])


def _member_org_ids(user) -> set[int]:
    return set(user.memberships.values_list("organization_id", flat=True)) if policy.is_signed_in(user) else set()


def reviews_for_issuer(user) -> list[QualityReview]:
    """Reviews of the MCs ``user`` edits (authors, issuer admins; platform admins: all)."""
    found = _reviews()
    if not policy.is_platform_admin(user):
        found = found.filter(version__micro_credential__owner_id__in=policy.authoring_organization_ids(user))
    return list(found[:200])


def review_page(review: QualityReview, user) -> dict:
    """Everything the review page shows: per criterion, each reviewer's rating and comment, and whether they agree."""
    data = review.framework.data
    names = fw.level_names(data)
    ratings = list(review.ratings.select_related("reviewer", "organization").order_by("reviewer_id", "id"))
    raters: dict[int, dict] = {}
    for r in ratings:
        raters.setdefault(r.reviewer_id, {"reviewer": r.reviewer, "organization": r.organization, "ratings": {}})
        raters[r.reviewer_id]["ratings"][r.criterion] = r
    rows = []
    for criterion in data["criteria"]:
        given = [(info, info["ratings"].get(criterion["key"])) for info in raters.values()]
        levels = {r.level for _, r in given if r is not None}
        reconciled = review.scores.get(criterion["key"]) if review.scores else None
        rows.append({"criterion": criterion, "ratings": [{"reviewer": i["reviewer"], "organization": i["organization"], "rating": r,
                                                           "level_name": names.get(r.level) if r else ""} for i, r in given],
                     "agree": len(levels) == 1, "suggested": min(levels) if len(levels) == 1 else None,
                     "reconciled": reconciled, "reconciled_name": names.get(reconciled, "") if reconciled is not None else "",
                     "mine": raters.get(getattr(user, "pk", None), {}).get("ratings", {}).get(criterion["key"])})
    complete = [i for i in raters.values() if set(i["ratings"]) >= set(fw.criteria_keys(data))]
    return {"review": review, "framework": review.framework, "levels": data["levels"], "rows": rows,
            "raters": list(raters.values()), "complete_raters": len(complete),
            "required_raters": QualityReview.REQUIRED_RATERS,
            "may_rate": review.state == QualityReview.State.OPEN and policy.can_rate_quality_review(user, review),
            "may_reconcile": review.state == QualityReview.State.RECONCILING and policy.can_reconcile_quality_review(user, review),
            "may_withdraw": review.state in PENDING and policy.can_submit_for_quality_review(user, review.version.micro_credential),
            "pilot_report": review.pilot_report or None, "pilot": pilot_of(review.version),
            "outcome_allowed": fw.allowed_outcome(data, {row["criterion"]["key"]: row["suggested"] if row["suggested"] is not None else 0 for row in rows})
            if complete else None}


def latest_decided(micro_credential) -> QualityReview | None:
    return (_reviews().filter(version__micro_credential=micro_credential, state=QualityReview.State.DECIDED)
            .order_by("-decided_at", "-pk").first())


def approved_micro_credential_ids(ids=None) -> set[int]:
    """MCs whose latest decided review of their current version approved it (with or without conditions)."""
    found = (QualityReview.objects.filter(state=QualityReview.State.DECIDED)
             .order_by("version__micro_credential_id", "-decided_at", "-pk"))
    if ids is not None:
        found = found.filter(version__micro_credential_id__in=list(ids))
    latest: dict[int, str] = {}
    for mc_id, outcome in found.values_list("version__micro_credential_id", "outcome"):
        latest.setdefault(mc_id, outcome)
    return {mc for mc, outcome in latest.items()
            if outcome in (QualityReview.Outcome.APPROVED, QualityReview.Outcome.APPROVED_WITH_CONDITIONS)}


def approved_micro_credential_slugs() -> frozenset[str]:
    """Slugs of the MCs approved by an independent quality review (a recognition policy may require it)."""
    ids = approved_micro_credential_ids()
    return frozenset(MicroCredential.objects.filter(pk__in=ids).values_list("slug", flat=True))


def statuses_for(micro_credential_ids: list[int]) -> dict[int, str]:
    """QA status per MC id for the catalog (catalog/quality.py): the latest decided outcome, else "pending" while a
    review is open. Two queries, however many MCs."""
    out: dict[int, str] = {}
    for mc_id in (QualityReview.objects.filter(version__micro_credential_id__in=micro_credential_ids, state__in=PENDING)
                  .values_list("version__micro_credential_id", flat=True)):
        out[mc_id] = "pending"
    decided = (QualityReview.objects.filter(version__micro_credential_id__in=micro_credential_ids, state=QualityReview.State.DECIDED)
               .order_by("version__micro_credential_id", "-decided_at", "-pk").values_list("version__micro_credential_id", "outcome"))
    seen = set()
    for mc_id, outcome in decided:
        if mc_id not in seen:
            seen.add(mc_id)
            out[mc_id] = outcome
    return out


def status_of(micro_credential) -> dict:
    """QA status of one MC: {status, label, review} (status: approved, approved_with_conditions, revise, pending, none)."""
    pending = _reviews().filter(version__micro_credential=micro_credential, state__in=PENDING).first()
    decided = latest_decided(micro_credential)
    if decided is not None:
        return {"status": decided.outcome, "label": outcome_label(decided.outcome), "review": decided, "pending": pending}
    if pending is not None:
        return {"status": "pending", "label": _("Under review"), "review": None, "pending": pending}
    return {"status": "none", "label": _("Not reviewed"), "review": None, "pending": None}


def outcome_label(outcome: str) -> str:
    return {QualityReview.Outcome.APPROVED: _("Approved"),
            QualityReview.Outcome.APPROVED_WITH_CONDITIONS: _("Approved with conditions"),
            QualityReview.Outcome.REVISE: _("Revise")}.get(outcome, outcome)


def reviewers():
    return QualityReviewer.objects.select_related("user", "organization", "certified_by").order_by("organization__name", "user__username")


def public_micro_credential(slug, user=None) -> MicroCredential:
    """A published MC by slug that ``user`` may see in the catalog (public ones for everyone; members-only ones for
    their organizations' people), so every catalog page's link to its record works; 404 otherwise."""
    from django.contrib.auth.models import AnonymousUser

    visible = catalog_selectors.visible_micro_credentials(user or AnonymousUser())
    mc = visible.select_related("owner", "current_version").filter(slug=slug).first()
    if mc is None:
        raise Http404
    return mc


def _business_days(start: dt.datetime, end: dt.datetime) -> int:
    days, day = 0, start.date()
    while day < end.date():
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days += 1
    return days


# Who counts an MC is known to recognition, a higher layer: it registers here (recognition/apps.py) a function
# mc -> [{"recognizer": name, "policy": title, "slug": slug}], read by the quality record.
_RECOGNITION_SOURCES: list = []


def register_recognition_source(source) -> None:
    if source not in _RECOGNITION_SOURCES:
        _RECOGNITION_SOURCES.append(source)


def recognized_by(mc: MicroCredential) -> list[dict]:
    out = []
    for source in _RECOGNITION_SOURCES:
        out.extend(source(mc))
    return sorted(out, key=lambda row: (row["recognizer"], row["policy"]))


def quality_record(mc: MicroCredential, now=None) -> dict:
    """The public quality record of ``mc``: QA status with criterion scores and reviewer organizations, and the
    outcomes of the last 12 months (reliability from assessment.reliability, pass rates, median business days to a
    decision, earners). Figures from fewer than MIN_EARNERS earners are None with ``too_few`` set."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=365)
    status = status_of(mc)
    review = status["review"]
    criteria = []
    organizations = []
    if review is not None:
        data = review.framework.data
        names = fw.level_names(data)
        criteria = [{"key": c["key"], "title": c["title"], "level": review.scores.get(c["key"]),
                     "level_name": names.get(review.scores.get(c["key"]), "")} for c in data["criteria"]]
        organizations = sorted({o for o in QualityRating.objects.filter(review=review)
                                .values_list("organization__name", flat=True)})
    earners = IssuedCredential.objects.filter(version__micro_credential=mc).values("earner_id").distinct().count()
    too_few = earners < MIN_EARNERS
    outcomes = {"too_few": too_few, "earners": earners, "min_earners": MIN_EARNERS}
    if not too_few:
        figures = reliability.figures(micro_credential=mc, since=since, until=now)
        decided = list(Review.objects.filter(micro_credential=mc, stage=Review.Stage.DECIDED, decided_at__gte=since)
                       .values("submission__attempt__earner_id", "final_result", "created_at", "decided_at")
                       .order_by("decided_at", "pk"))
        first_seen: dict[int, dict] = {}
        for row in decided:
            first_seen.setdefault(row["submission__attempt__earner_id"], row)
        first = list(first_seen.values())
        days = [_business_days(r["created_at"], r["decided_at"]) for r in decided if r["decided_at"]]
        outcomes.update({
            "pairs": figures["n_pairs"], "exact_agreement": figures["exact_agreement"],
            "quadratic_weighted_kappa": figures["quadratic_weighted_kappa"],
            "pass_rate": figures["pass_rate"],
            "first_attempt_pass_rate": round(sum(1 for r in first if r["final_result"] == "earned") / len(first), 4) if first else None,
            "median_business_days_to_decision": statistics.median(days) if days else None,
        })
    else:
        outcomes.update({"pairs": None, "exact_agreement": None, "quadratic_weighted_kappa": None, "pass_rate": None,
                         "first_attempt_pass_rate": None, "median_business_days_to_decision": None})
    return {"micro_credential": mc, "status": status["status"], "status_label": status["label"],
            "pending": status["pending"] is not None,
            "framework_version": review.framework.number if review else current_framework().number,
            "decided_at": review.decided_at if review else None, "criteria": criteria,
            "reviewer_organizations": organizations, "changes_requested": review.changes_requested if review else "",
            "outcomes": outcomes, "surveys": survey_results(mc, since=since), "recognized_by": recognized_by(mc),
            "since": since, "until": now}


def survey_for(user, pk) -> ExperienceSurvey:
    """The earner's own survey; 404 for anyone else."""
    survey = ExperienceSurvey.objects.select_related("micro_credential__current_version").filter(pk=pk).first()
    if survey is None or survey.earner_id != getattr(user, "pk", None):
        raise Http404
    return survey


def survey_results(mc, since=None) -> dict:
    """Answers per survey kind (count, mean rating); None below MIN_EARNERS answers (small groups suppressed)."""
    answered = ExperienceSurvey.objects.filter(micro_credential=mc, answered_at__isnull=False)
    if since is not None:
        answered = answered.filter(answered_at__gte=since)
    out = {}
    for kind in ExperienceSurvey.Kind.values:
        ratings = list(answered.filter(kind=kind).values_list("rating", flat=True))
        enough = len(ratings) >= MIN_EARNERS
        out[kind] = {"responses": len(ratings), "too_few": not enough,
                     "mean_rating": round(sum(ratings) / len(ratings), 2) if enough else None}
    return out


def survey_comments(mc, limit: int = 50) -> list[ExperienceSurvey]:
    """Earners' comments for the issuer (no names: what was said, when, after which outcome)."""
    return list(ExperienceSurvey.objects.filter(micro_credential=mc, answered_at__isnull=False).exclude(comment="")
                .order_by("-answered_at")[:limit])


def survey_results_by_subgroup(mc) -> list[dict]:
    """Survey answers per subgroup, for the issuer: by the locale of the earner's school (city, suburb, town, rural,
    unknown) and by first submission vs resubmission. Each group: responses and mean rating per kind. Counts are
    suppressed with core.suppression (small cells, and those that would reveal one by subtraction from the total
    shown in survey_results); a hidden count hides its mean too. Two queries."""
    rows = list(ExperienceSurvey.objects.filter(micro_credential=mc, answered_at__isnull=False)
                .annotate(n_submissions=Count("attempt__submissions"))
                .values_list("kind", "rating", "earner__educator_profile__school__locale", "n_submissions"))
    locales = [(value, str(label)) for value, label in Organization.Locale.choices if value] + [("", _("Unknown"))]
    dimensions = [("locale", _("School locale"), locales, lambda row: row[2] or ""),
                  ("submission", _("Submission"), [("first", _("First submission")), ("resubmission", _("Resubmission"))],
                   lambda row: "resubmission" if row[3] > 1 else "first")]
    out = []
    for kind, kind_label in ((ExperienceSurvey.Kind.DECISION, _("After the decision")), (ExperienceSurvey.Kind.FOLLOW_UP, _("Follow-up on practice"))):
        of_kind = [r for r in rows if r[0] == kind]
        for key, title, groups, group_of in dimensions:
            ratings: dict[str, list[int]] = {value: [] for value, _label in groups}
            for row in of_kind:
                ratings.setdefault(group_of(row), []).append(row[1])
            cells = {value: len(found) for value, found in ratings.items()}
            cells["__total__"] = len(of_kind)
            shown = suppress(cells, [([value for value, _label in groups], "__total__")])
            out.append({"kind": kind, "kind_label": kind_label, "dimension": key, "title": title, "groups": [
                {"value": value, "label": label, "responses": shown[value],
                 "mean_rating": round(sum(ratings[value]) / len(ratings[value]), 2) if shown[value] else None}
                for value, label in groups]})
    return out


# --- continuous improvement (issue 16 item 7) ------------------------------------------------------------------------

LOW_AGREEMENT, LOW_PASS_RATE, POOR_RATING = 0.7, 0.5, 3.0


def _attention(outcomes: dict, surveys: dict, status: str, changes_requested: str, target: int) -> list[dict]:
    """The attention items of one MC from its record's figures (shared by the quality page and the dashboard)."""
    out = []
    if outcomes.get("exact_agreement") is not None and outcomes["exact_agreement"] < LOW_AGREEMENT:
        out.append({"code": "low_agreement", "message": _("Assessors agree on only %(n)s %% of criterion scores: sharpen the rubric "
                                                          "descriptors and add anchor submissions.") % {"n": round(outcomes["exact_agreement"] * 100)}})
    if outcomes.get("pass_rate") is not None and outcomes["pass_rate"] < LOW_PASS_RATE:
        out.append({"code": "low_pass_rate", "message": _("Only %(n)s %% of decided submissions earn it: check that the guidance "
                                                          "and resources prepare earners for the rubric.") % {"n": round(outcomes["pass_rate"] * 100)}})
    days = outcomes.get("median_business_days_to_decision")
    if days is not None and days > target:
        out.append({"code": "slow_decisions", "message": _("Decisions take a median of %(n)s business days, above your target of "
                                                           "%(target)s: certify more assessors.") % {"n": days, "target": target}})
    for kind, label in ((ExperienceSurvey.Kind.DECISION, _("worth the time")), (ExperienceSurvey.Kind.FOLLOW_UP, _("changed practice"))):
        mean = surveys.get(kind, {}).get("mean_rating")
        if mean is not None and mean < POOR_RATING:
            out.append({"code": f"poor_rating_{kind}", "message": _("Earners rate it %(mean)s of 5 (%(what)s): read their comments.")
                        % {"mean": mean, "what": label}})
    if status in (QualityReview.Outcome.REVISE, QualityReview.Outcome.APPROVED_WITH_CONDITIONS) and changes_requested:
        out.append({"code": "review_changes", "message": _("Quality reviewers asked for changes: %(changes)s") % {"changes": changes_requested}})
    return out


def _default_turnaround() -> int:
    return IssuerPolicy._meta.get_field("turnaround_business_days").default


def needs_attention(mc, record: dict | None = None) -> list[dict]:
    """What the quality record says needs attention, for the issuer: low assessor agreement, a low pass rate,
    decisions slower than the issuer's turnaround target, poor survey ratings, and reviewers' requested changes.
    Each: {code, message}. Only figures the record reports (10 earners or answers and up) are judged."""
    record = record or quality_record(mc)
    target = IssuerPolicy.objects.filter(organization_id=mc.owner_id).values_list("turnaround_business_days", flat=True).first()
    return _attention(record["outcomes"], record["surveys"], record["status"], record["changes_requested"],
                      target or _default_turnaround())


# The issuer dashboard's attention list reads twelve months of decisions and double-scored reviews of every MC of the
# issuer (60,000 rows for one issuer of a state-sized platform: ≈ 2 s). These are twelve-month figures, so the list
# is kept for ATTENTION_SECONDS per set of MCs and language; a quality review's outcome or an issuer's turnaround
# target retires it at once (apps.py).
ATTENTION = Generation("quality-attention")
# Who is a quality reviewer (the menu's "Quality reviews" is kept per person under it; decision 0050).
REVIEWERS = Generation("quality-reviewers")
ATTENTION_SECONDS = 900


def remembered_attention_for(micro_credential_ids: list[int]) -> dict[int, list[dict]]:
    """``needs_attention_for`` computed at most every 15 minutes for the same MCs (the issuer dashboard's list)."""
    ids = sorted({int(i) for i in micro_credential_ids})
    return remembered(ATTENTION, f"attention {get_language()} {ids}", lambda: needs_attention_for(ids),
                      timeout=ATTENTION_SECONDS)


def needs_attention_for(micro_credential_ids: list[int], now=None) -> dict[int, list[dict]]:
    """``needs_attention`` for many MCs at once, for the issuer's assessment dashboard (assessment/attention.py): the
    same figures over the same 12 months as the quality record, in a constant number of queries however many MCs."""
    ids = sorted({int(i) for i in micro_credential_ids})
    if not ids:
        return {}
    now = now or timezone.now()
    since = now - dt.timedelta(days=365)
    owners = dict(MicroCredential.objects.filter(pk__in=ids).values_list("pk", "owner_id"))
    targets = dict(IssuerPolicy.objects.filter(organization_id__in=set(owners.values()))
                   .values_list("organization_id", "turnaround_business_days"))
    earners = dict(IssuedCredential.objects.filter(version__micro_credential_id__in=ids).values("version__micro_credential_id")
                   .annotate(n=Count("earner_id", distinct=True)).values_list("version__micro_credential_id", "n"))
    enough = [mc_id for mc_id in ids if earners.get(mc_id, 0) >= MIN_EARNERS]
    agreement = reliability.exact_agreement_by_micro_credential(enough, since=since, until=now) if enough else {}
    decided: dict[int, list] = {mc_id: [] for mc_id in enough}
    for mc_id, result, created, decided_at in (Review.objects.filter(micro_credential_id__in=enough, stage=Review.Stage.DECIDED,
                                                                       decided_at__gte=since, decided_at__lt=now)
                                               .values_list("micro_credential_id", "final_result", "created_at", "decided_at")):
        decided[mc_id].append((result, created, decided_at))
    surveys: dict[int, dict] = {}
    for mc_id, kind, n, total in (ExperienceSurvey.objects.filter(micro_credential_id__in=ids, answered_at__isnull=False,
                                                                  answered_at__gte=since)
                                  .values("micro_credential_id", "kind").annotate(n=Count("pk"), total=Sum("rating"))
                                  .values_list("micro_credential_id", "kind", "n", "total")):
        surveys.setdefault(mc_id, {})[kind] = {"mean_rating": round(total / n, 2) if n >= MIN_EARNERS else None}
    latest: dict[int, tuple[str, str]] = {}
    for mc_id, outcome, changes in (QualityReview.objects.filter(version__micro_credential_id__in=ids, state=QualityReview.State.DECIDED)
                                    .order_by("version__micro_credential_id", "-decided_at", "-pk")
                                    .values_list("version__micro_credential_id", "outcome", "changes_requested")):
        latest.setdefault(mc_id, (outcome, changes))
    out: dict[int, list[dict]] = {}
    for mc_id in ids:
        outcomes: dict = {}
        if mc_id in decided:
            rows = decided[mc_id]
            days = [_business_days(created, at) for _r, created, at in rows if at]
            outcomes = {"exact_agreement": agreement.get(mc_id),
                        "pass_rate": round(sum(1 for r in rows if r[0] == "earned") / len(rows), 4) if rows else None,
                        "median_business_days_to_decision": statistics.median(days) if days else None}
        status, changes = latest.get(mc_id, ("", ""))
        items = _attention(outcomes, surveys.get(mc_id, {}), status, changes,
                           targets.get(owners.get(mc_id)) or _default_turnaround())
        if items:
            out[mc_id] = items
    return out


# --- pilots (issue 16 item 4; docs/decisions/0031-pilots.md) --------------------------------------------------------

def _round4(value) -> float | None:
    return None if value is None else round(float(value), 4)


def pilot_earner_count(version) -> int:
    """Earners who started an attempt on ``version`` (the pilot's places taken)."""
    return Attempt.objects.filter(version_id=version.pk).values("earner_id").distinct().count()


def pilot_statuses(version_ids: list[int]) -> dict[int, dict]:
    """The open pilots among ``version_ids``: {version id: {cap, earners, full}} (catalog/pilots.py). Two queries."""
    pilots = dict(Pilot.objects.filter(version_id__in=version_ids, state=Pilot.State.OPEN).values_list("version_id", "cap"))
    if not pilots:
        return {}
    taken = dict(Attempt.objects.filter(version_id__in=list(pilots)).values("version_id")
                 .annotate(n=Count("earner_id", distinct=True)).values_list("version_id", "n"))
    return {vid: {"cap": cap, "earners": taken.get(vid, 0), "full": taken.get(vid, 0) >= cap} for vid, cap in pilots.items()}


def pilot_of(version) -> Pilot | None:
    return Pilot.objects.select_related("version__micro_credential", "opened_by", "closed_by").filter(version_id=version.pk).first()


def pilot_report(pilot: Pilot) -> dict:
    """The pilot report of a version: earners (of the cap), submissions and how many were double-scored, the
    criterion score pairs of the double-scored ones with exact agreement and quadratic weighted kappa
    (assessment.reliability, as the quality record), pass rate of the decided pilot submissions, median days from
    starting to earning, and the earners' survey comments (no names). With fewer than MIN_EARNERS earners the rates
    are None and ``too_few`` is set; the counts and comments stay (the report is private to the issuer and reviewers).
    Pilot submissions are those assessment opened with double_reason "pilot"."""
    version = pilot.version
    reviews = list(Review.objects.filter(version=version, double_reason="pilot")
                   .values("pk", "stage", "final_result", "submission__attempt_id"))
    review_ids = {r["pk"] for r in reviews}
    found = [p for p in reliability.pairs(micro_credential=version.micro_credential_id) if p.review_id in review_ids]
    a = [f for p in found for _c, f, _s in p.criteria]
    b = [s for p in found for _c, _f, s in p.criteria]
    decided = [r for r in reviews if r["stage"] == Review.Stage.DECIDED]
    earned = [r for r in decided if r["final_result"] == "earned"]
    attempt_ids = {r["submission__attempt_id"] for r in earned}
    days = [(decided_at - started).total_seconds() / 86400 for started, decided_at in
            Attempt.objects.filter(pk__in=attempt_ids, decided_at__isnull=False).values_list("started_at", "decided_at")]
    earners = pilot_earner_count(version)
    too_few = earners < MIN_EARNERS
    comments = [{"kind": kind, "rating": rating, "comment": comment, "answered_at": answered_at.isoformat()}
                for kind, rating, comment, answered_at in
                ExperienceSurvey.objects.filter(attempt__version=version, answered_at__isnull=False).exclude(comment="")
                .order_by("-answered_at", "-pk").values_list("kind", "rating", "comment", "answered_at")[:100]]
    figures = {"exact_agreement": _round4(reliability.exact_agreement(a, b)),
               "quadratic_weighted_kappa": _round4(reliability.quadratic_weighted_kappa(a, b)),
               "pass_rate": round(len(earned) / len(decided), 4) if decided else None,
               "median_days_to_earn": round(statistics.median(days), 1) if days else None}
    if too_few:
        figures = {key: None for key in figures}
    return {"state": pilot.state, "cap": pilot.cap, "opened_at": pilot.opened_at.isoformat(),
            "closed_at": pilot.closed_at.isoformat() if pilot.closed_at else None, "version": version.number,
            "earners": earners, "min_earners": MIN_EARNERS, "too_few": too_few,
            "submissions": len(reviews), "double_scored": len(found), "pairs": len(a), "decided": len(decided),
            **figures, "comments": comments}


def pilot_report_snapshot(version) -> dict:
    """The report as it stands, to keep with a quality review at submission ({} when the version had no pilot)."""
    pilot = pilot_of(version)
    return pilot_report(pilot) if pilot is not None else {}


def pilot_for(user, version) -> Pilot:
    """The pilot of ``version`` if ``user`` may read its report; 404 otherwise (nothing leaks)."""
    pilot = pilot_of(version)
    if pilot is None or not policy.can_see_pilot_report(user, version):
        raise Http404
    return pilot


def filter_by_quality(queryset, status: str):
    """Catalog helper: keep only MCs with the given QA status ("approved" counts conditions too)."""
    if status == "approved":
        return queryset.filter(pk__in=approved_micro_credential_ids())
    return queryset


__all__ = ["current_framework", "framework", "frameworks", "review_for", "reviews_to_rate", "reviews_for_issuer",
           "review_page", "latest_decided", "approved_micro_credential_ids", "approved_micro_credential_slugs", "statuses_for", "status_of", "outcome_label", "reviewers",
           "public_micro_credential", "quality_record", "filter_by_quality", "register_recognition_source",
           "recognized_by", "survey_results_by_subgroup", "pilot_earner_count", "pilot_statuses", "pilot_of", "pilot_report",
           "pilot_report_snapshot", "pilot_for"]
