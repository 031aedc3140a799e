"""Every write of assessment: queue and assignment, blind scoring, double scoring, adjudication, calibration, drift."""
from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import policy as authz  # who may do what (local "policy" names are IssuerPolicy rows)
from microcred.accounts.models import Membership, Organization
from microcred.catalog import pilots as catalog_pilots
from microcred.catalog.models import MicroCredential
from microcred.catalog.rubrics import passes as rubric_passes
from microcred.core import audit
from microcred.earning import services as earning_services
from microcred.earning.models import CoachAssignment, Submission

from .models import (AnchorItem, Assignment, DriftFlag, IssuerPolicy, PartNote, Qualification, Review, Score, ScoringPolicy)
from .selectors import add_business_days, is_certified  # noqa: F401  (reads; kept importable from services)
from .signals import assessor_paused, review_decided

A = Assignment
R = Review.Stage
_random = random.SystemRandom()


# --- Policies ----------------------------------------------------------------------------------

def scoring_policy(micro_credential: MicroCredential) -> ScoringPolicy:
    policy, _created = ScoringPolicy.objects.get_or_create(micro_credential=micro_credential)
    return policy


def issuer_policy(micro_credential: MicroCredential) -> IssuerPolicy:
    policy, _created = IssuerPolicy.objects.get_or_create(organization=micro_credential.owner)
    return policy


# --- Pool and eligibility -----------------------------------------------------------------------

def add_to_pool(*, assessor, micro_credential: MicroCredential, organization: Organization, by, senior: bool = False) -> Qualification:
    """Put an assessor in an MC's pool (in training until calibrated). Issuer admins of the MC's owner only."""
    _check_issuer_admin(by, micro_credential)
    if not authz.is_assessor_of(assessor, organization):
        raise ValidationError({"assessor": [_("%(assessor)s is not an assessor of %(organization)s.") % {"assessor": assessor, "organization": organization}]})
    q, created = Qualification.objects.get_or_create(assessor=assessor, micro_credential=micro_credential,
                                                     defaults={"organization": organization, "senior": senior})
    if not created and q.senior != senior:
        q.senior = senior
        q.save(update_fields=["senior"])
    audit.record(actor=by, action="assessor.pooled", target=q, data={"senior": senior})
    return q


def _check_issuer_admin(by, micro_credential: MicroCredential) -> None:
    if not authz.can_manage_assessment(by, micro_credential):
        raise PermissionDenied("Only issuer admins of the MC's organization manage its assessors.")


def expire_certifications(now=None) -> int:
    """Certifications past their date go back to training: the assessor recalibrates before scoring again."""
    now = now or timezone.now()
    expired = Qualification.objects.filter(status=Qualification.Status.CERTIFIED, expires_at__lte=now)
    count = 0
    for q in expired:
        q.status = Qualification.Status.TRAINING
        q.save(update_fields=["status"])
        audit.record(actor=None, action="assessor.certification_expired", target=q)
        count += 1
    return count


def conflicts(assessor, submission: Submission) -> list[str]:
    """Why this assessor must not score this submission (empty when they may)."""
    earner = submission.attempt.earner
    reasons = []
    if assessor.pk == earner.pk:
        reasons.append("own work")
    earner_orgs = set(Membership.objects.filter(user=earner).values_list("organization_id", flat=True))
    profile = getattr(earner, "educator_profile", None)
    if profile is not None:
        earner_orgs |= {pk for pk in (profile.district_id, profile.school_id) if pk}
    local = set(Organization.objects.filter(pk__in=earner_orgs, kind__in=[Organization.Kind.DISTRICT, Organization.Kind.SCHOOL])
                .values_list("pk", flat=True))
    assessor_orgs = set(Membership.objects.filter(user=assessor).values_list("organization_id", flat=True))
    assessor_profile = getattr(assessor, "educator_profile", None)
    if assessor_profile is not None:
        assessor_orgs |= {pk for pk in (assessor_profile.district_id, assessor_profile.school_id) if pk}
    if local & assessor_orgs:
        reasons.append("same school or district as the earner")
    if CoachAssignment.objects.filter(earner=earner, coach=assessor).exists():
        reasons.append("the earner's coach")
    return reasons


def _scored_this_earner_before(submission: Submission) -> set[int]:
    """The assessors who scored another submission of this submission's earner (one query for every candidate)."""
    return set(Assignment.objects.filter(review__submission__attempt__earner_id=submission.attempt.earner_id, state=A.State.SCORED)
               .exclude(review__submission=submission).values_list("assessor_id", flat=True))


def eligible_assessors(review: Review, *, role: str, now=None) -> list:
    """Certified assessors without conflicts, least loaded first, those who scored this earner before last."""
    now = now or timezone.now()
    submission = review.submission
    already = set(review.assignments.exclude(state=A.State.RELEASED).values_list("assessor_id", flat=True))
    released = set(review.assignments.filter(state=A.State.RELEASED).values_list("assessor_id", flat=True))
    qs = Qualification.objects.filter(micro_credential=review.micro_credential, status=Qualification.Status.CERTIFIED) \
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)).select_related("assessor", "assessor__educator_profile")
    if role == A.Role.ADJUDICATOR:
        qs = qs.filter(senior=True)
    load = dict(Assignment.objects.filter(state=A.State.ASSIGNED, review__isnull=False).values_list("assessor").annotate(n=Count("id")))
    scored_before = _scored_this_earner_before(submission)
    candidates = []
    for q in qs:
        user = q.assessor
        if user.pk in already or not user.is_active or conflicts(user, submission):
            continue
        candidates.append((user.pk in released, user.pk in scored_before, load.get(user.pk, 0), user.pk, user))
    candidates.sort(key=lambda c: c[:4])
    return [c[-1] for c in candidates]


# --- Queue ------------------------------------------------------------------------------------

def open_review(*, submission: Submission) -> Review:
    """Put a pending submission into assessment and assign its first reader. Idempotent."""
    attempt = submission.attempt
    mc = attempt.micro_credential
    with transaction.atomic():
        existing = Review.objects.filter(submission=submission).first()
        if existing:
            return existing
        policy = scoring_policy(mc)
        earlier = Review.objects.filter(version=attempt.version).count()
        if catalog_pilots.is_pilot(attempt.version_id):
            double = "pilot"  # a pilot double-scores every submission (catalog/pilots.py, filled by quality)
        elif earlier < policy.calibration_period:
            double = "calibration_period"
        elif _random.random() < float(policy.random_double_rate):
            double = "random"
        else:
            double = ""
        stage = R.PRECHECK if issuer_policy(mc).precheck_enabled else R.FIRST
        try:
            with transaction.atomic():
                review = Review.objects.create(submission=submission, micro_credential=mc, version=attempt.version, stage=stage,
                                               double_reason=double,
                                               due_at=add_business_days(submission.submitted_at, issuer_policy(mc).turnaround_business_days))
        except IntegrityError:
            return Review.objects.get(submission=submission)
        audit.record(actor=None, action="review.opened", target=review, data={"double": double or "no", "stage": stage})
        auto_assign(review=review, role=A.Role.PRECHECK if stage == R.PRECHECK else A.Role.FIRST)
    return review


def auto_assign(*, review: Review, role: str, by=None) -> Assignment | None:
    """Assign the best eligible assessor; None leaves the item in the open queue for someone to claim."""
    for assessor in eligible_assessors(review, role=role):
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(review=review, assessor=assessor, role=role)
        except IntegrityError:
            return review.assignments.filter(role=role).exclude(state=A.State.RELEASED).first()
        audit.record(actor=by, action="assignment.created", target=review, data={"role": role, "assignment": assignment.pk})
        return assignment
    return None


def _needed_role(review: Review) -> str | None:
    live = set(review.assignments.exclude(state=A.State.RELEASED).values_list("role", flat=True))
    wanted = {R.PRECHECK: A.Role.PRECHECK, R.FIRST: A.Role.FIRST, R.SECOND: A.Role.SECOND, R.ADJUDICATION: A.Role.ADJUDICATOR}.get(review.stage)
    return wanted if wanted and wanted not in live else None


def claim(*, review: Review, by) -> Assignment:
    """An assessor takes an unassigned queue item they are eligible for."""
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        role = _needed_role(review)
        if role is None:
            raise ValidationError(_("Someone already has this item."))
        if by not in eligible_assessors(review, role=role):
            raise PermissionDenied(_("You are not eligible for this item (certification, seniority or a conflict of interest)."))
        assignment = Assignment.objects.create(review=review, assessor=by, role=role)
        audit.record(actor=by, action="assignment.claimed", target=review, data={"role": role})
    return assignment


def release(*, assignment: Assignment, by, reason: str = "") -> Assignment:
    """Give an item back (the assessor, or an issuer admin); it goes to the next eligible assessor."""
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.assessor_id != by.pk:
            _check_issuer_admin(by, assignment.review.micro_credential if assignment.review else assignment.anchor_item.micro_credential)
        if assignment.state != A.State.ASSIGNED:
            raise ValidationError(_("Only an item not yet scored can be released."))
        assignment.state, assignment.released_reason = A.State.RELEASED, reason.strip()[:300]
        assignment.save(update_fields=["state", "released_reason"])
        audit.record(actor=by, action="assignment.released", target=assignment.review or assignment.anchor_item,
                     data={"assignment": assignment.pk, "reason": assignment.released_reason})
        if assignment.review_id:
            auto_assign(review=assignment.review, role=assignment.role, by=by)
    return assignment


def reassign(*, assignment: Assignment, to, by, reason: str) -> Assignment:
    """An issuer admin moves an item to a named eligible assessor (e.g. overdue)."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the item is reassigned.")]})
    review = assignment.review
    _check_issuer_admin(by, review.micro_credential)
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.state != A.State.ASSIGNED:
            raise ValidationError(_("Only an item not yet scored can be reassigned."))
        assignment.state, assignment.released_reason = A.State.RELEASED, f"reassigned: {reason.strip()[:280]}"
        assignment.save(update_fields=["state", "released_reason"])
        if to not in eligible_assessors(review, role=assignment.role):
            raise ValidationError({"to": [_("%(assessor)s is not eligible (certification, seniority or a conflict of interest).") % {"assessor": to}]})
        new = Assignment.objects.create(review=review, assessor=to, role=assignment.role)
        audit.record(actor=by, action="assignment.reassigned", target=review, data={"from": assignment.assessor_id, "to": to.pk, "reason": reason.strip()[:300]})
    return new


def next_item(*, assessor) -> Assignment | None:
    """The assessor's next thing to score: their oldest open item, else a claim from the open queue.

    Now and then (the MC's check rate) a seeded check item with known scores is served instead, looking
    exactly like a real submission."""
    open_items = Assignment.objects.filter(assessor=assessor, state=A.State.ASSIGNED).exclude(role=A.Role.CALIBRATION)
    current = open_items.order_by("assigned_at", "id").first()
    if current:
        return current
    quals = [q for q in Qualification.objects.filter(assessor=assessor).select_related("micro_credential") if is_certified(q)]
    for q in quals:
        policy = scoring_policy(q.micro_credential)
        checks = AnchorItem.objects.filter(micro_credential=q.micro_credential, usable_as_check=True)
        if checks.exists() and _random.random() < float(policy.check_rate):
            item = checks.order_by("?").first()
            return Assignment.objects.create(anchor_item=item, assessor=assessor, role=A.Role.CHECK)
    for review in Review.objects.filter(micro_credential__in=[q.micro_credential for q in quals],
                                        stage__in=[R.PRECHECK, R.FIRST, R.SECOND, R.ADJUDICATION]).order_by("created_at"):
        role = _needed_role(review)
        if role and assessor in eligible_assessors(review, role=role):
            try:
                return claim(review=review, by=assessor)
            except (ValidationError, PermissionDenied):
                continue
    return None


# --- Scoring ------------------------------------------------------------------------------------

def _criteria_to_score(assignment: Assignment):
    """Criteria of the parts under review (locked parts of a resubmission passed before and are not re-scored)."""
    if assignment.anchor_item_id:
        version = assignment.anchor_item.version
        locked = set()
    else:
        submission = assignment.review.submission
        version = assignment.review.version
        locked = {p["part_id"] for p in submission.snapshot.get("parts", []) if p.get("locked")}
    out = []
    for part in version.parts.prefetch_related("rubric__criteria", "rubric__levels"):
        if part.pk in locked:
            continue
        for criterion in part.rubric.criteria.all():
            out.append((part, criterion))
    return out


def submit_scores(*, assignment: Assignment, by, levels: dict[int, int], comments: dict[int, str] | None = None,
                  part_feedback: dict[int, str] | None = None) -> Assignment:
    """Record one assessor's blind scores for an item, then move the review on. Scores are never edited."""
    comments, part_feedback = comments or {}, part_feedback or {}
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.assessor_id != by.pk:
            raise PermissionDenied("This item is assigned to someone else.")
        if assignment.state == A.State.SCORED:
            return assignment  # double click
        if assignment.state != A.State.ASSIGNED:
            raise ValidationError(_("This item was released or reassigned; it is no longer yours to score."))
        if assignment.role == A.Role.PRECHECK:
            raise ValidationError(_("A pre-check is completed with complete / incomplete, not scores."))
        rows = []
        for part, criterion in _criteria_to_score(assignment):
            position = levels.get(criterion.pk)
            level = next((lvl for lvl in part.rubric.levels.all() if lvl.position == position), None) \
                if isinstance(position, int) and not isinstance(position, bool) else None
            if level is None:
                raise ValidationError({"levels": [_("“%(criterion)s” (%(part)s): choose one of the rubric's levels.") % {"criterion": criterion.title, "part": part.title}]})
            rows.append(Score(assignment=assignment, criterion=criterion, level=level, comment=(comments.get(criterion.pk) or "")[:5000]))
        Score.objects.bulk_create(rows)
        PartNote.objects.bulk_create([PartNote(assignment=assignment, part_id=pid, feedback=text[:20000])
                                      for pid, text in part_feedback.items() if text and text.strip()])
        assignment.state, assignment.scored_at = A.State.SCORED, timezone.now()
        assignment.save(update_fields=["state", "scored_at"])
        audit.record(actor=by, action=f"score.{assignment.role}", target=assignment.review or assignment.anchor_item,
                     data={"assignment": assignment.pk, "criteria": len(rows)})
        if assignment.role in (A.Role.CHECK, A.Role.CALIBRATION):
            _after_anchor_scored(assignment)
        else:
            _advance(assignment.review, scored=assignment)
    return assignment


def levels_of(assignment: Assignment) -> dict[int, int]:
    return {s.criterion_id: s.level.position for s in assignment.scores.select_related("level")}


def _passes(version, levels: dict[int, int], locked: set[int]) -> bool:
    for part in version.parts.prefetch_related("rubric__criteria"):
        if part.pk in locked:
            continue
        if not rubric_passes(part.rubric, {cid: lvl for cid, lvl in levels.items() if cid in {c.pk for c in part.rubric.criteria.all()}}):
            return False
    return True


def _near_cut(version, levels: dict[int, int], locked: set[int]) -> bool:
    """Borderline: a "not yet" by exactly one criterion one level under the bar, or (on scales of 3+ levels)
    a pass with every criterion exactly at the bar. These are the results one point could flip."""
    below, all_at_bar, multi_level = 0, True, False
    for part in version.parts.prefetch_related("rubric__criteria", "rubric__levels"):
        if part.pk in locked:
            continue
        bar = part.rubric.passing_level
        multi_level |= part.rubric.levels.count() >= 3
        for c in part.rubric.criteria.all():
            lvl = levels.get(c.pk, 0)
            if lvl < bar - 1:
                return False
            if lvl == bar - 1:
                below += 1
            if lvl != bar:
                all_at_bar = False
    return below == 1 or (below == 0 and all_at_bar and multi_level)


def _disagree(version, a: dict[int, int], b: dict[int, int], locked: set[int]) -> bool:
    return _passes(version, a, locked) != _passes(version, b, locked) or any(abs(a[c] - b.get(c, -99)) > 1 for c in a)


def _advance(review: Review, *, scored: Assignment) -> None:
    review = Review.objects.select_for_update().get(pk=review.pk)
    version = review.version
    locked = {p["part_id"] for p in review.submission.snapshot.get("parts", []) if p.get("locked")}
    live = {a.role: a for a in review.assignments.exclude(state=A.State.RELEASED)}
    if review.stage == R.FIRST and scored.role == A.Role.FIRST:
        first = levels_of(scored)
        policy = scoring_policy(review.micro_credential)
        if not review.double_reason and policy.conditional_double and _near_cut(version, first, locked):
            review.double_reason = "conditional"
        if review.double_reason:
            review.stage = R.SECOND
            review.save(update_fields=["stage", "double_reason"])
            auto_assign(review=review, role=A.Role.SECOND)
            return
        _finalize(review, scored)
    elif review.stage == R.SECOND and scored.role == A.Role.SECOND:
        first, second = levels_of(live[A.Role.FIRST]), levels_of(scored)
        if _disagree(version, first, second, locked):
            review.stage = R.ADJUDICATION
            review.save(update_fields=["stage"])
            audit.record(actor=None, action="review.needs_adjudication", target=review)
            auto_assign(review=review, role=A.Role.ADJUDICATOR)
            return
        # Agreement: the first reader's scores and feedback stand; both sets are kept for reliability.
        _finalize(review, live[A.Role.FIRST])
    elif review.stage == R.ADJUDICATION and scored.role == A.Role.ADJUDICATOR:
        _finalize(review, scored)
        for role in (A.Role.FIRST, A.Role.SECOND):
            _check_drift(live[role])


def _finalize(review: Review, deciding: Assignment) -> None:
    """Write the decision to earning exactly once; the rubric's passing rule decides, never an override."""
    submission = review.submission
    notes = {n.part_id: n.feedback for n in deciding.part_notes.all()}
    comments = {s.criterion_id: s.comment for s in deciding.scores.all()}
    decision = earning_services.record_decision(submission=submission, by=deciding.assessor, levels=levels_of(deciding),
                                                part_feedback=notes, comments=comments)
    review.stage, review.decided_at, review.final_result = R.DECIDED, timezone.now(), decision.result
    review.save(update_fields=["stage", "decided_at", "final_result"])
    audit.record(actor=deciding.assessor, action="review.decided", target=review, data={"result": decision.result, "by_role": deciding.role})
    result = decision.result
    transaction.on_commit(lambda: review_decided.send(sender=Review, review_id=review.pk, submission_id=submission.pk, result=result))


def precheck(*, assignment: Assignment, by, complete: bool, reason: str = "") -> Review:
    """Completeness pre-check: incomplete submissions go back to the earner without a competency review."""
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if assignment.assessor_id != by.pk or assignment.role != A.Role.PRECHECK:
            raise PermissionDenied("This pre-check is assigned to someone else.")
        if assignment.state != A.State.ASSIGNED:
            raise ValidationError(_("This pre-check is already done."))
        review = Review.objects.select_for_update().get(pk=assignment.review_id)
        assignment.state, assignment.scored_at = A.State.SCORED, timezone.now()
        assignment.save(update_fields=["state", "scored_at"])
        if complete:
            review.stage = R.FIRST
            review.save(update_fields=["stage"])
            audit.record(actor=by, action="review.precheck_passed", target=review)
            auto_assign(review=review, role=A.Role.FIRST)
        else:
            earning_services.return_incomplete(submission=review.submission, by=by, reason=reason)
            review.stage = R.RETURNED
            review.save(update_fields=["stage"])
            audit.record(actor=by, action="review.returned_incomplete", target=review, data={"reason": reason.strip()[:2000]})
    return review


def close_withdrawn(*, submission_id: int) -> None:
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(submission_id=submission_id).first()
        if review is None or review.stage in (R.DECIDED, R.RETURNED, R.WITHDRAWN):
            return
        review.stage = R.WITHDRAWN
        review.save(update_fields=["stage"])
        review.assignments.filter(state=A.State.ASSIGNED).update(state=A.State.RELEASED, released_reason="withdrawn by the earner")
        audit.record(actor=None, action="review.withdrawn", target=review)


# --- Calibration, certification, checks, drift -----------------------------------------------------

def start_calibration(*, assessor, micro_credential: MicroCredential) -> list[Assignment]:
    """Give the assessor the MC's calibration set to score (anchors are hidden until they finish)."""
    q = Qualification.objects.filter(assessor=assessor, micro_credential=micro_credential).first()
    if q is None:
        raise PermissionDenied("You are not in the assessor pool of this micro-credential.")
    items = list(AnchorItem.objects.filter(micro_credential=micro_credential, in_calibration_set=True))
    if not items:
        raise ValidationError(_("This micro-credential has no calibration set yet; ask its issuer."))
    with transaction.atomic():
        Assignment.objects.filter(assessor=assessor, role=A.Role.CALIBRATION, state=A.State.ASSIGNED,
                                  anchor_item__micro_credential=micro_credential).update(state=A.State.RELEASED, released_reason="restarted")
        q.calibration_started_at = timezone.now()
        q.save(update_fields=["calibration_started_at"])
        made = [Assignment.objects.create(anchor_item=item, assessor=assessor, role=A.Role.CALIBRATION) for item in items]
        audit.record(actor=assessor, action="calibration.started", target=q, data={"items": len(made)})
    return made


def _anchor_agreement(assignment: Assignment) -> tuple[int, int]:
    anchors = {a.criterion_id: a.level.position for a in assignment.anchor_item.anchor_scores.select_related("level")}
    mine = levels_of(assignment)
    matched = sum(1 for c, lvl in anchors.items() if mine.get(c) == lvl)
    return matched, len(anchors)


def _after_anchor_scored(assignment: Assignment) -> None:
    mc = assignment.anchor_item.micro_credential
    q = Qualification.objects.select_for_update().get(assessor=assignment.assessor, micro_credential=mc)
    if assignment.role == A.Role.CHECK:
        _check_drift(assignment)
        return
    batch = Assignment.objects.filter(assessor=assignment.assessor, role=A.Role.CALIBRATION, anchor_item__micro_credential=mc,
                                      assigned_at__gte=q.calibration_started_at).exclude(state=A.State.RELEASED)
    if batch.filter(state=A.State.ASSIGNED).exists():
        return
    matched = total = 0
    for a in batch:
        m, t = _anchor_agreement(a)
        matched, total = matched + m, total + t
    agreement = Decimal(matched) / Decimal(total) if total else Decimal(0)
    policy = scoring_policy(mc)
    q.last_agreement = agreement.quantize(Decimal("0.001"))
    if agreement >= policy.certification_bar:
        q.status, q.certified_at = Qualification.Status.CERTIFIED, timezone.now()
        q.expires_at = q.certified_at + dt.timedelta(days=policy.certification_valid_days)
        DriftFlag.objects.filter(qualification=q, resolved_at__isnull=True).update(resolved_at=timezone.now())
    else:
        q.status = Qualification.Status.TRAINING if q.status != Qualification.Status.PAUSED else q.status
    q.save(update_fields=["status", "certified_at", "expires_at", "last_agreement"])
    audit.record(actor=assignment.assessor, action="calibration.completed", target=q,
                 data={"agreement": str(q.last_agreement), "certified": q.status == Qualification.Status.CERTIFIED})


def comparisons_for(q: Qualification) -> list[Decimal]:
    """Agreement (0–1) of each recent comparison: seeded checks against anchors, first/second reads against adjudication."""
    rows: list[tuple[dt.datetime, Decimal]] = []
    for a in Assignment.objects.filter(assessor=q.assessor, role=A.Role.CHECK, state=A.State.SCORED, anchor_item__micro_credential=q.micro_credential):
        m, t = _anchor_agreement(a)
        if t:
            rows.append((a.scored_at, Decimal(m) / Decimal(t)))
    for a in Assignment.objects.filter(assessor=q.assessor, role__in=[A.Role.FIRST, A.Role.SECOND], state=A.State.SCORED,
                                       review__micro_credential=q.micro_credential, review__stage=R.DECIDED):
        adjudication = a.review.assignments.filter(role=A.Role.ADJUDICATOR, state=A.State.SCORED).first()
        if adjudication is None:
            continue
        final, mine = levels_of(adjudication), levels_of(a)
        if final:
            rows.append((a.scored_at, Decimal(sum(1 for c, lvl in final.items() if mine.get(c) == lvl)) / Decimal(len(final))))
    rows.sort(key=lambda r: r[0], reverse=True)
    return [r[1] for r in rows[: scoring_policy(q.micro_credential).drift_window]]


def _check_drift(assignment: Assignment) -> None:
    mc = assignment.anchor_item.micro_credential if assignment.anchor_item_id else assignment.review.micro_credential
    q = Qualification.objects.filter(assessor=assignment.assessor, micro_credential=mc).first()
    if q is None or q.status != Qualification.Status.CERTIFIED:
        return
    policy = scoring_policy(mc)
    window = comparisons_for(q)
    if len(window) < policy.drift_min_comparisons:
        return
    agreement = sum(window) / len(window)
    if agreement < policy.certification_bar:
        q.status = Qualification.Status.PAUSED
        q.save(update_fields=["status"])
        flag = DriftFlag.objects.create(qualification=q, agreement=agreement.quantize(Decimal("0.001")), comparisons=len(window))
        audit.record(actor=None, action="assessor.paused_for_drift", target=q, data={"agreement": str(flag.agreement), "comparisons": len(window)})
        # Their open items go back to the queue for someone else.
        for open_item in Assignment.objects.filter(assessor=q.assessor, state=A.State.ASSIGNED, review__micro_credential=mc):
            open_item.state, open_item.released_reason = A.State.RELEASED, "assessor paused for recalibration"
            open_item.save(update_fields=["state", "released_reason"])
            auto_assign(review=open_item.review, role=open_item.role)
        transaction.on_commit(lambda: assessor_paused.send(sender=Qualification, qualification_id=q.pk))


# --- Calibration-set manager ---------------------------------------------------------------------

def create_anchor_from_submission(*, submission: Submission, by, title: str, levels: dict[int, int]) -> AnchorItem:
    """Issuer admins turn a (de-identified) decided submission into an anchor with agreed scores."""
    mc = submission.attempt.micro_credential
    _check_issuer_admin(by, mc)
    if not title.strip():
        raise ValidationError({"title": [_("Give the anchor a title.")]})
    from .models import AnchorScore

    with transaction.atomic():
        item = AnchorItem.objects.create(micro_credential=mc, version=submission.attempt.version, title=title.strip()[:200],
                                         snapshot=submission.snapshot, created_by=by)
        for part in item.version.parts.prefetch_related("rubric__criteria", "rubric__levels"):
            for c in part.rubric.criteria.all():
                level = next((lvl for lvl in part.rubric.levels.all() if lvl.position == levels.get(c.pk)), None)
                if level is None:
                    raise ValidationError({"levels": [_("“%(criterion)s”: give the agreed level.") % {"criterion": c.title}]})
                AnchorScore.objects.create(item=item, criterion=c, level=level)
        audit.record(actor=by, action="anchor.created", target=item)
    return item


