"""The earning part of the demo world: a coach, a growth plan, priorities, a voucher, a cohort, and attempts
in every state (draft shared with the coach, submitted, "not yet" with feedback, earned). Idempotent.

Decisions come from assessment: each submission opens a review and its assigned readers score it (see
assessment_world, which runs first and certifies the pools)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from microcred.accounts.models import Organization, User
from microcred.assessment import services as assessment_services
from microcred.catalog.models import EvidenceType, MicroCredential, Stack
from microcred.earning import services
from microcred.earning.models import Attempt, CoachAssignment, Cohort, GrowthPlan, PlanItem, PriorityMicroCredential, Voucher

from .assessment_world import score_review

ANSWER = ("In my second-grade classroom of 22 students, six are English learners. I planned three stops in the lesson, "
          "collected every student's answer on whiteboards, and regrouped four students for a mini-lesson.")


def _answer_all(attempt: Attempt, earner, *, only_parts=None) -> None:
    for part in attempt.version.parts.all():
        if only_parts and part.position not in only_parts:
            continue
        if attempt.responses.get(part=part).locked:
            continue
        for prompt in part.prompts.all():
            if prompt.response_type == EvidenceType.QUIZ:
                services.save_answer(attempt=attempt, by=earner, prompt=prompt, choice=prompt.correct_choice or 0)
            elif prompt.response_type in (EvidenceType.VIDEO, EvidenceType.FILE, EvidenceType.LINK):
                services.save_answer(attempt=attempt, by=earner, prompt=prompt, url="https://video.example.org/demo/lesson-recording")
            else:
                services.save_answer(attempt=attempt, by=earner, prompt=prompt, text=ANSWER)


def _levels(attempt: Attempt, failing_part: int | None = None) -> dict[int, int]:
    levels = {}
    for part in attempt.version.parts.all():
        for criterion in part.rubric.criteria.all():
            levels[criterion.pk] = 0 if part.position == failing_part else part.rubric.passing_level
    return levels


def _submit(attempt: Attempt, earner, note: str = ""):
    """Submit, and open its review as the queued task would (in the demo, tasks wait for a worker)."""
    _answer_all(attempt, earner)
    services.confirm_privacy(attempt=attempt, by=earner)
    services.submit_attempt(attempt=attempt, by=earner, note_to_assessor=note)
    return assessment_services.open_review(submission=attempt.submissions.order_by("-number").first())


def _assess(review, levels: dict[int, int], *, part_feedback: dict[int, str] | None = None, comments: dict[int, str] | None = None) -> None:
    """Every reader the review asks for (first, and second in the calibration period) gives the same levels, so the
    showcase attempts are decided without adjudication; the first reader's feedback is what the earner reads."""
    score_review(review, levels_for=lambda assignment: levels, part_feedback=part_feedback, comments=comments)


def load_earning_demo() -> None:
    teacher = User.objects.filter(username="teacher").first()
    if teacher is None or Attempt.objects.filter(earner=teacher).exists():
        return
    teacher2, coach = (User.objects.get(username=u) for u in ("teacher2", "coach"))
    recognizer = User.objects.get(username="recognizer")
    # Scale data (generate_scale_data, slugs "scale-…") may share the database: its agencies and districts are not the demo's.
    demo_orgs = Organization.objects.exclude(slug__startswith="scale-")
    state = demo_orgs.get(kind=Organization.Kind.STATE_AGENCY)
    rural = demo_orgs.filter(kind=Organization.Kind.DISTRICT, locale="rural").order_by("pk").first()
    mc = {m.slug: m for m in MicroCredential.objects.all()}

    CoachAssignment.objects.get_or_create(earner=teacher, coach=coach)
    plan, _ = GrowthPlan.objects.get_or_create(earner=teacher, defaults={
        "goals": "Check for understanding during lessons and act on it; tighten classroom routines so more time goes to learning."})
    PlanItem.objects.get_or_create(plan=plan, micro_credential=mc["modifying-instruction-through-formative-assessments-during-a-lesson"],
                                   defaults={"state": PlanItem.State.APPROVED, "proposed_by": coach, "decided_by": coach,
                                             "note": "Matches your evaluation growth area 'assessment in instruction'."})
    PlanItem.objects.get_or_create(plan=plan, stack=Stack.objects.get(slug="classroom-management"),
                                   defaults={"state": PlanItem.State.PROPOSED, "proposed_by": teacher})
    for slug, reason in (("maximizing-learning-through-classroom-routines", "One of the three most common growth areas in state evaluations"),
                         ("developing-a-climate-of-respect-and-rapport", "One of the three most common growth areas in state evaluations"),
                         ("using-formative-assessment-to-modify-future-instruction", "One of the three most common growth areas in state evaluations")):
        PriorityMicroCredential.objects.get_or_create(organization=state, micro_credential=mc[slug], defaults={"reason": reason, "created_by": recognizer})
    voucher, _ = Voucher.objects.get_or_create(code="CVS-2026", defaults={"sponsor": rural, "max_uses": 50})
    cohort, _ = Cohort.objects.get_or_create(organization=rural, name="Cumberland Valley spring cohort",
                                             defaults={"opens_at": timezone.now() - dt.timedelta(days=30), "deadline": timezone.now() + dt.timedelta(days=45)})
    cohort.members.add(teacher)
    cohort.micro_credentials.add(mc["maximizing-learning-through-classroom-routines"], mc["interactive-read-aloud"])

    # Earned: Teaching Phonics. Scored through assessment like every submission: no decision bypasses a review.
    earned = services.start_attempt(earner=teacher, micro_credential=mc["teaching-phonics"])
    review = _submit(earned, teacher)
    part2 = earned.version.parts.get(position=2)
    _assess(review, _levels(earned), comments={part2.rubric.criteria.first().pk:
            "Clear, systematic instruction with strong evidence of student decoding growth."})
    # Not yet: Interactive Read Aloud, Part 2 needs another recording.
    not_yet = services.start_attempt(earner=teacher, micro_credential=mc["interactive-read-aloud"])
    review = _submit(not_yet, teacher)
    part2 = not_yet.version.parts.get(position=2)
    _assess(review, _levels(not_yet, failing_part=2),
            part_feedback={part2.pk: "The video shows the read-aloud but not the planned stopping points. "
                                     "Record a lesson where students discuss at each stop, and point to the times in your note."})
    # Draft in progress, shared with the coach, with a comment.
    draft = services.start_attempt(earner=teacher, micro_credential=mc["maximizing-learning-through-classroom-routines"])
    _answer_all(draft, teacher, only_parts={1})
    services.set_shared_with_coach(attempt=draft, by=teacher, shared=True)
    draft.refresh_from_db()
    services.add_coach_comment(attempt=draft, by=coach, text="Good start. For Part 2, film the transition from reading groups to centers.")
    # A paid MC covered by the district's voucher, submitted and waiting in the queue.
    paid = services.start_attempt(earner=teacher, micro_credential=mc["modifying-instruction-through-formative-assessments-during-a-lesson"])
    from microcred.earning.sponsorship import redeem_voucher

    if paid.fee_amount and not paid.voucher_id:
        redeem_voucher(attempt=paid, code=voucher.code, by=teacher)
    _submit(paid, teacher, note="Hinge questions are at 4:10 and 12:30 in the video.")
    # Second district: one submitted and waiting, one earned.
    waiting = services.start_attempt(earner=teacher2, micro_credential=mc["assessing-how-time-is-currently-used"])
    _submit(waiting, teacher2)
    done = services.start_attempt(earner=teacher2, micro_credential=mc["promoting-shared-values-and-expectations"])
    review = _submit(done, teacher2)
    _assess(review, _levels(done))
