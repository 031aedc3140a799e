"""Writes of the quality app: adopt a framework, certify reviewers, submit a version for review (after the automatic
checks), rate, reconcile and decide, withdraw. Each checks accounts/policy.py, refuses illegal moves with a clear
message and is audited (core/audit.py)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from microcred.accounts import policy
from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredentialVersion
from microcred.core import audit
from microcred.core.i18n import Later

from . import checks as quality_checks
from . import framework as fw
from . import selectors
from .models import ExperienceSurvey, Pilot, QualityFramework, QualityRating, QualityReview, QualityReviewer
from .transitions import ensure_pilot_transition, ensure_review_transition

MAX_COMMENT = 4000
S = QualityReview.State


def _clean_text(value, *, field: str, limit: int = MAX_COMMENT) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if len(text) > limit:
        raise ValidationError({field: [_("At most %(max)s characters.") % {"max": limit}]})
    return text


def adopt_framework(*, by, data: dict, note: str = "") -> QualityFramework:
    """Adopt a revised framework as the next version. Reviews already submitted keep the version they had."""
    if not policy.can_adopt_quality_framework(by):
        raise PermissionDenied(_("Only platform admins and state agency admins adopt a quality framework."))
    try:
        fw.validate(data)
    except ValueError as exc:
        raise ValidationError({"data": exc.args[0]}) from None
    note = _clean_text(note, field="note")
    with transaction.atomic():
        number = (QualityFramework.objects.select_for_update().aggregate(n=Max("number"))["n"] or 0) + 1
        data = {**data, "version": number}
        found = QualityFramework.objects.create(number=number, title=str(data["title"])[:200], data=data, adopted_by=by, note=note)
        audit.record(actor=by, action="quality.framework_adopted", target=found, data={"number": number})
    return found


def certify_reviewer(*, by, user, organization: Organization, state_panel: bool = False) -> QualityReviewer:
    """Certify ``user`` as a quality reviewer for ``organization`` (idempotent; reactivates a withdrawn one)."""
    if not policy.can_certify_quality_reviewers(by):
        raise PermissionDenied(_("Only platform admins and state agency admins certify quality reviewers."))
    if not user.is_active:
        raise ValidationError({"user": [_("This account is deactivated.")]})
    with transaction.atomic():
        found, created = QualityReviewer.objects.get_or_create(user=user, organization=organization,
                                                               defaults={"state_panel": state_panel, "certified_by": by})
        changed = not created and (not found.active or found.state_panel != state_panel)
        if changed:
            found.active, found.state_panel, found.certified_by = True, state_panel, by
            found.save(update_fields=["active", "state_panel", "certified_by"])
        if not (created or changed):
            return found  # already certified so: nothing to record
        audit.record(actor=by, action="quality.reviewer_certified", target=found,
                     data={"user": user.pk, "organization": organization.pk, "state_panel": state_panel})
    return found


def withdraw_reviewer(*, by, reviewer: QualityReviewer) -> QualityReviewer:
    if not policy.can_certify_quality_reviewers(by):
        raise PermissionDenied(_("Only platform admins and state agency admins certify quality reviewers."))
    with transaction.atomic():
        if reviewer.active:
            reviewer.active = False
            reviewer.save(update_fields=["active"])
            audit.record(actor=by, action="quality.reviewer_withdrawn", target=reviewer)
    return reviewer


def check_version(version) -> list[quality_checks.Finding]:
    """The automatic checks of ``version`` against the current framework (reads only)."""
    return quality_checks.run(version, selectors.current_framework().data)


def submit_for_review(*, by, version: MicroCredentialVersion) -> QualityReview:
    """Open an independent quality review of ``version`` after the automatic checks. Blocking findings refuse it
    with their reasons; warnings travel with the review. Submitting again while one is pending returns that one."""
    mc = version.micro_credential
    if not policy.can_submit_for_quality_review(by, mc):
        raise PermissionDenied(_("Only the issuer admins of the owning organization submit its micro-credentials for quality review."))
    if version.state not in (MicroCredentialVersion.State.IN_REVIEW, MicroCredentialVersion.State.PUBLISHED):
        raise ValidationError(_("Only a version in review or published can be reviewed for quality: its content no longer changes. "
                                "Submit the draft for review in the catalog first."))
    with transaction.atomic():
        pending = QualityReview.objects.select_for_update().filter(version=version, state__in=selectors.PENDING).first()
        if pending is not None:
            return pending
        framework = selectors.current_framework()
        if framework.pk is None:  # the shipped version, not yet stored (see selectors.current_framework)
            framework = QualityFramework.objects.get_or_create(number=1, defaults={"title": framework.title, "data": framework.data})[0]
        findings = quality_checks.run(version, framework.data)
        blocked = quality_checks.blocking(findings)
        if blocked:
            raise ValidationError([f.message for f in blocked], code="quality_checks")
        try:
            with transaction.atomic():
                review = QualityReview.objects.create(version=version, framework=framework, submitted_by=by,
                                                      checks=[f.as_dict() for f in findings],
                                                      pilot_report=selectors.pilot_report_snapshot(version))
        except IntegrityError:  # a second tab got there first
            return QualityReview.objects.get(version=version, state__in=selectors.PENDING)
        audit.record(actor=by, action="quality.review_submitted", target=review,
                     data={"version": version.pk, "framework": framework.number, "warnings": [f.code for f in findings]})
    return review


def _lock(review: QualityReview) -> QualityReview:
    return (QualityReview.objects.select_for_update(of=("self",))
            .select_related("version__micro_credential", "framework").get(pk=review.pk))


def rate(*, by, review: QualityReview, ratings: dict[str, tuple[int, str]], organization: Organization | None = None) -> QualityReview:
    """Record ``by``'s rating (level, comment) of every criterion. Rating again before reconciliation replaces it.
    When enough reviewers have rated every criterion the review moves to reconciliation."""
    with transaction.atomic():
        review = _lock(review)
        if not policy.can_rate_quality_review(by, review):
            raise PermissionDenied(_("You may not rate this review: reviewers never come from the micro-credential's own organization."))
        if review.state != S.OPEN:
            ensure_review_transition(review, to=S.RECONCILING)  # refuses with the state it is in
        data = review.framework.data
        keys = fw.criteria_keys(data)
        top = len(data["levels"]) - 1
        errors = {}
        cleaned = {}
        for key in keys:
            level, comment = ratings.get(key, (None, ""))
            if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= top:
                errors[key] = [_("Choose a rating for this criterion.")]
                continue
            try:
                cleaned[key] = (level, _clean_text(comment, field=key))
            except ValidationError as exc:
                errors.update(exc.message_dict)
        unknown = set(ratings) - set(keys)
        if unknown:
            errors["__all__"] = [_("The framework of this review has no criterion “%(key)s”.") % {"key": sorted(unknown)[0][:40]}]
        if errors:
            raise ValidationError(errors)
        org_ids = policy.quality_reviewer_organization_ids(by)
        if organization is None or organization.pk not in org_ids:
            organization = Organization.objects.filter(pk__in=org_ids).order_by("name").first()
        for key, (level, comment) in cleaned.items():
            QualityRating.objects.update_or_create(review=review, reviewer=by, criterion=key,
                                                   defaults={"level": level, "comment": comment, "organization": organization})
        audit.record(actor=by, action="quality.review_rated", target=review,
                     data={"levels": {k: v[0] for k, v in cleaned.items()}, "organization": organization.pk})
        complete = _complete_raters(review, keys)
        if complete >= QualityReview.REQUIRED_RATERS:
            ensure_review_transition(review, to=S.RECONCILING)
            review.state = S.RECONCILING
            review.save(update_fields=["state"])
            audit.record(actor=by, action="quality.review_reconciling", target=review, data={"raters": complete})
    return review


def _complete_raters(review: QualityReview, keys: list[str]) -> int:
    by_rater: dict[int, set[str]] = {}
    for reviewer, criterion in review.ratings.values_list("reviewer_id", "criterion"):
        by_rater.setdefault(reviewer, set()).add(criterion)
    return sum(1 for got in by_rater.values() if got >= set(keys))


def decide(*, by, review: QualityReview, scores: dict[str, int], outcome: str, changes_requested: str = "") -> QualityReview:
    """Reconcile: record one level per criterion (where the reviewers disagreed, the reconciled one) and the outcome.
    The outcome may not be better than the framework's rule allows; conditions and revisions must say what to change."""
    with transaction.atomic():
        review = _lock(review)
        if not policy.can_reconcile_quality_review(by, review):
            raise PermissionDenied(_("Only a reviewer who rated this review reconciles it."))
        ensure_review_transition(review, to=S.DECIDED)
        data = review.framework.data
        keys = fw.criteria_keys(data)
        top = len(data["levels"]) - 1
        errors = {}
        for key in keys:
            level = scores.get(key)
            if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= top:
                errors[key] = [_("Choose the reconciled rating for this criterion.")]
        if outcome not in QualityReview.Outcome.values:
            errors["outcome"] = [_("Choose an outcome.")]
        changes = _clean_text(changes_requested, field="changes_requested")
        if errors:
            raise ValidationError(errors)
        allowed = fw.allowed_outcome(data, {k: scores[k] for k in keys})
        order = [QualityReview.Outcome.REVISE, QualityReview.Outcome.APPROVED_WITH_CONDITIONS, QualityReview.Outcome.APPROVED]
        if order.index(outcome) > order.index(allowed):
            raise ValidationError({"outcome": [_("With these ratings the framework allows at most “%(allowed)s”. %(rule)s")
                                               % {"allowed": selectors.outcome_label(allowed), "rule": data["outcome_rule"].get("text", "")}]})
        if outcome != QualityReview.Outcome.APPROVED and not changes:
            raise ValidationError({"changes_requested": [_("Say what the issuer must change.")]})
        review.scores = {k: scores[k] for k in keys}
        review.outcome, review.changes_requested = outcome, changes
        review.state, review.decided_at, review.decided_by = S.DECIDED, timezone.now(), by
        review.save(update_fields=["scores", "outcome", "changes_requested", "state", "decided_at", "decided_by"])
        audit.record(actor=by, action="quality.review_decided", target=review, data={"outcome": outcome, "scores": review.scores})
    return review


def withdraw(*, by, review: QualityReview) -> QualityReview:
    """The issuer withdraws a pending review (e.g. to revise the MC first)."""
    with transaction.atomic():
        review = _lock(review)
        if not policy.can_submit_for_quality_review(by, review.version.micro_credential):
            raise PermissionDenied(_("Only the issuer admins of the owning organization withdraw its quality reviews."))
        ensure_review_transition(review, to=S.WITHDRAWN)
        review.state = S.WITHDRAWN
        review.save(update_fields=["state"])
        audit.record(actor=by, action="quality.review_withdrawn", target=review)
    return review


# --- earner experience surveys (issue 16 item 5) -------------------------------------------------------------------

def send_survey(*, attempt_id: int, kind: str, result: str = "") -> ExperienceSurvey | None:
    """Ask the earner of a decided attempt about their experience (kind "decision") or, days later, about the impact
    on their practice ("follow_up"). Once per attempt and kind; the earner is notified with a link."""
    from django.urls import reverse

    from microcred.earning.models import Attempt
    from microcred.earning.notifications import notify

    attempt = Attempt.objects.select_related("version__micro_credential", "earner").filter(pk=attempt_id).first()
    if attempt is None:
        return None
    with transaction.atomic():
        survey, created = ExperienceSurvey.objects.get_or_create(
            attempt=attempt, kind=kind, defaults={"earner": attempt.earner, "micro_credential": attempt.version.micro_credential,
                                                  "result": result[:10]})
        if created:
            said = (gettext_noop("“%(title)s”: tell us in two questions how it went.") if kind == ExperienceSurvey.Kind.DECISION
                    else gettext_noop("“%(title)s”: has it changed your practice? Two questions."))
            message = Later(said, title=attempt.version.title)  # in the earner's language
            notify(user=attempt.earner, kind="decision", message=message, url=reverse("quality:survey", args=[survey.pk]),
                   dedupe_key=f"quality-survey-{survey.pk}")
    return survey


def answer_survey(*, by, survey: ExperienceSurvey, rating, comment: str = "") -> ExperienceSurvey:
    """The earner's answer (a rating from 1 to 5 and an optional comment); answering again replaces it."""
    if survey.earner_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Only the earner answers this survey."))
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Choose a rating from 1 to 5.")]})
    survey.rating, survey.comment, survey.answered_at = rating, _clean_text(comment, field="comment"), timezone.now()
    survey.save(update_fields=["rating", "comment", "answered_at"])
    return survey


def send_follow_ups(*, days: int = 30, now=None) -> int:
    """Follow-up surveys for attempts decided at least ``days`` ago that have none yet. Returns how many were sent."""
    import datetime as dt

    now = now or timezone.now()
    due = (ExperienceSurvey.objects.filter(kind=ExperienceSurvey.Kind.DECISION, sent_at__lte=now - dt.timedelta(days=days))
           .exclude(attempt__experience_surveys__kind=ExperienceSurvey.Kind.FOLLOW_UP).values_list("attempt_id", flat=True))
    sent = 0
    for attempt_id in list(due[:5000]):
        if send_survey(attempt_id=attempt_id, kind=ExperienceSurvey.Kind.FOLLOW_UP):
            sent += 1
    return sent


# --- pilots (issue 16 item 4; docs/decisions/0031-pilots.md) --------------------------------------------------------

def open_pilot(*, by, version: MicroCredentialVersion, cap) -> Pilot:
    """Open ``version`` (published, current) as a pilot for at most ``cap`` earners; every submission to it is
    double-scored while it is open. A version has one pilot: opening it again with the same cap answers it."""
    mc = version.micro_credential
    if not policy.can_run_pilot(by, mc):
        raise PermissionDenied(_("Only the issuer admins of the owning organization open a pilot of its micro-credentials."))
    if not isinstance(cap, int) or isinstance(cap, bool) or not 1 <= cap <= Pilot.MAX_CAP:
        raise ValidationError({"cap": [_("Give the number of earners the pilot takes: a whole number from 1 to %(max)s.")
                                       % {"max": Pilot.MAX_CAP}]})
    if version.state != MicroCredentialVersion.State.PUBLISHED or mc.current_version_id != version.pk:
        raise ValidationError(_("Only the current published version can be piloted: earners start attempts on it. Publish the version first."))
    with transaction.atomic():
        existing = Pilot.objects.select_for_update().filter(version=version).first()
        if existing is not None:
            if existing.state == Pilot.State.OPEN and existing.cap == cap:
                return existing  # a repeat (double click, second tab)
            raise ValidationError(_("This version has already been piloted. Revise it into a new version to pilot again."))
        started = selectors.pilot_earner_count(version)
        if started > cap:
            raise ValidationError({"cap": [_("%(n)s earners have already started this version: the cap must be at least that.")
                                           % {"n": started}]})
        try:
            with transaction.atomic():
                pilot = Pilot.objects.create(version=version, cap=cap, opened_by=by)
        except IntegrityError:  # a second tab got there first
            return Pilot.objects.get(version=version)
        audit.record(actor=by, action="quality.pilot_opened", target=pilot, data={"version": version.pk, "cap": cap})
    return pilot


def close_pilot(*, by, pilot: Pilot) -> Pilot:
    """Close an open pilot: the cap and the 100 % double scoring end; the pilot report stays. Refused when closed."""
    with transaction.atomic():
        pilot = Pilot.objects.select_for_update(of=("self",)).select_related("version__micro_credential").get(pk=pilot.pk)
        if not policy.can_run_pilot(by, pilot.version.micro_credential):
            raise PermissionDenied(_("Only the issuer admins of the owning organization close its pilots."))
        ensure_pilot_transition(pilot, to=Pilot.State.CLOSED)
        pilot.state, pilot.closed_at, pilot.closed_by = Pilot.State.CLOSED, timezone.now(), by
        pilot.save(update_fields=["state", "closed_at", "closed_by"])
        audit.record(actor=by, action="quality.pilot_closed", target=pilot,
                     data={"earners": selectors.pilot_earner_count(pilot.version), "cap": pilot.cap})
    return pilot


def admit_to_pilot(version, earner) -> None:
    """earning asks this (catalog/pilots.py) inside the transaction that starts an attempt: an open pilot that has
    reached its cap refuses a new earner; earners already in the pilot go on. The pilot row is locked, so two
    earners racing for the last place cannot both get it."""
    pilot = Pilot.objects.select_for_update().filter(version_id=version.pk, state=Pilot.State.OPEN).first()
    if pilot is None:
        return
    if version.attempts.filter(earner=earner).exists():
        return
    if selectors.pilot_earner_count(version) >= pilot.cap:
        raise ValidationError(_("This micro-credential is in a pilot that is full: all %(cap)s places are taken. "
                                "It opens to everyone when the pilot ends.") % {"cap": pilot.cap})
