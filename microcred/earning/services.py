"""Every write of earning: start, save evidence, submit, withdraw, decide, revise, coach support."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from microcred.accounts import policy
from microcred.accounts.selectors import member_organization_ids
from microcred.catalog import pilots as catalog_pilots
from microcred.catalog import selectors as catalog_selectors
from microcred.catalog.models import EvidenceType, MicroCredential, MicroCredentialVersion, Part, Prompt
from microcred.catalog.rubrics import passes as rubric_passes
from microcred.core import audit
from microcred.core.i18n import Later

from . import selectors
from .models import (Attempt, CoachAssignment, CoachComment, CoachConversation, Cohort, CriterionResult, Decision, Evidence, EvidenceFile,
                     PartFeedback, PartResponse, Submission)
from .notifications import notify
from .signals import attempt_decided, attempt_earned, attempt_submitted, submission_withdrawn
from .transitions import ensure_attempt_transition

S = Attempt.State
MAX_TEXT = 20_000
FILE_KINDS = {EvidenceType.VIDEO, EvidenceType.FILE}


def _attempt_url(attempt: Attempt) -> str:
    return reverse("earning:attempt", args=[attempt.pk])


def _check_owner(attempt: Attempt, by) -> None:
    if attempt.earner_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Only the earner can change this attempt."))


def _check_editable(attempt: Attempt) -> None:
    if attempt.state not in (S.DRAFT, S.NOT_YET):
        raise ValidationError(_("This attempt is submitted and locked; withdraw the submission to change it."))


# --- Starting --------------------------------------------------------------------------------

def _window_problem(attempt_or_mc_cohort: Cohort | None, now=None) -> str | None:
    cohort = attempt_or_mc_cohort
    if cohort is None:
        return None
    now = now or timezone.now()
    if cohort.opens_at and now < cohort.opens_at:
        return _("Submissions for %(cohort)s open on %(date)s.") % {"cohort": cohort.name, "date": date_format(cohort.opens_at, "DATE_FORMAT")}
    if cohort.deadline and now > cohort.deadline:
        return _("The deadline for %(cohort)s was %(date)s.") % {"cohort": cohort.name, "date": date_format(cohort.deadline, "DATE_FORMAT")}
    return None


def start_attempt(*, earner, micro_credential: MicroCredential) -> Attempt:
    """Start (or return the open) attempt on the MC's current published version. Safe to call twice."""
    if not getattr(earner, "is_authenticated", False):
        raise PermissionDenied(_("Log in to start a micro-credential."))
    version = micro_credential.current_version
    if version is None or version.state != MicroCredentialVersion.State.PUBLISHED or not catalog_selectors.can_view(earner, micro_credential):
        raise ValidationError(_("This micro-credential is not open for earning."))
    existing = selectors.open_attempt(earner, micro_credential)
    if existing:
        return existing
    if Attempt.objects.filter(earner=earner, micro_credential=micro_credential, state=S.EARNED).exists():
        raise ValidationError(_("You have already earned this micro-credential."))
    cohort = Cohort.objects.filter(members=earner, micro_credentials=micro_credential).order_by("-deadline").first()
    try:
        with transaction.atomic():
            catalog_pilots.admit(version=version, earner=earner)  # a full pilot takes no new earner (catalog/pilots.py)
            attempt = Attempt.objects.create(earner=earner, version=version, micro_credential=micro_credential, cohort=cohort)
            PartResponse.objects.bulk_create([PartResponse(attempt=attempt, part=part) for part in version.parts.all()])
            _assign_fee(attempt)
            audit.record(actor=earner, action="attempt.started", target=attempt, data={"version": version.number})
    except IntegrityError:
        # Two tabs raced; the other one created it.
        existing = selectors.open_attempt(earner, micro_credential)
        if existing is None:
            raise
        return existing
    return attempt


def _assign_fee(attempt: Attempt) -> None:
    """Record who owes the assessment fee: free, free to members, an automatic sponsor voucher, or the earner."""
    from .sponsorship import apply_automatic_voucher

    version = attempt.version
    if version.cost == MicroCredentialVersion.Cost.FREE or not version.fee_amount:
        return
    if version.cost == MicroCredentialVersion.Cost.FREE_TO_MEMBERS and attempt.micro_credential.owner_id in member_organization_ids(attempt.earner):
        return
    attempt.fee_amount = version.fee_amount
    attempt.save(update_fields=["fee_amount"])
    apply_automatic_voucher(attempt)


# --- Evidence --------------------------------------------------------------------------------

def _response_for(attempt: Attempt, part: Part) -> PartResponse:
    response = attempt.responses.filter(part=part).first()
    if response is None:
        raise ValidationError(_("That part does not belong to this micro-credential."))
    if response.locked:
        raise ValidationError(_("“%(part)s” passed in an earlier submission and is kept as it was.") % {"part": part.title})
    return response


def save_answer(*, attempt: Attempt, by, prompt: Prompt, text: str | None = None, url: str | None = None,
                choice: int | None = None) -> Evidence | None:
    """Autosave the answer to one prompt (written, reflection, link or quiz). Empty input clears it."""
    _check_owner(attempt, by)
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        _check_editable(attempt)
        if prompt.part.version_id != attempt.version_id:
            raise ValidationError(_("That question does not belong to this micro-credential."))
        response = _response_for(attempt, prompt.part)
        kind = prompt.response_type
        fields: dict = {}
        if kind == EvidenceType.QUIZ:
            if choice is None:
                response.evidence.filter(prompt=prompt, kind=Evidence.Kind.QUIZ).delete()
                return None
            if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < len(prompt.choices):
                raise ValidationError({"choice": [_("Choose one of the options.")]})
            fields = {"kind": Evidence.Kind.QUIZ, "choice": choice}
        elif url is not None and kind in (EvidenceType.LINK, EvidenceType.VIDEO, EvidenceType.FILE):
            url = url.strip()
            if not url:
                response.evidence.filter(prompt=prompt, kind=Evidence.Kind.LINK).delete()
                return None
            parsed = urlparse(url)
            if parsed.scheme not in ("http", "https") or not parsed.netloc or len(url) > 1000:
                raise ValidationError({"url": [_("Enter a full http(s) link, e.g. a video hosted elsewhere.")]})
            fields = {"kind": Evidence.Kind.LINK, "url": url}
        else:
            text = (text or "").replace("\x00", "").strip()
            if len(text) > MAX_TEXT:
                raise ValidationError({"text": [_("Keep the answer under %(limit)s characters (it has %(n)s).") % {"limit": f"{MAX_TEXT:,}", "n": f"{len(text):,}"}]})
            ekind = Evidence.Kind.REFLECTION if kind == EvidenceType.REFLECTION else Evidence.Kind.WRITTEN
            if not text:
                response.evidence.filter(prompt=prompt, kind=ekind).delete()
                return None
            fields = {"kind": ekind, "text": text}
        # The attempt's row is locked above, so no other save of this attempt runs between this read and the write:
        # update_or_create's savepoint and row lock would only add round trips to every autosave.
        evidence = Evidence.objects.filter(response=response, prompt=prompt, kind=fields["kind"]).order_by("pk").first()
        if evidence is None:
            evidence = Evidence.objects.create(response=response, prompt=prompt, **fields)
        else:
            changed = [k for k in fields if k != "kind"]
            for name in changed:
                setattr(evidence, name, fields[name])
            evidence.save(update_fields=[*changed, "updated_at"])
        PartResponse.objects.filter(pk=response.pk).update(updated_at=timezone.now())
    return evidence


def add_file(*, attempt: Attempt, by, prompt: Prompt, uploaded_file) -> Evidence:
    """Store an uploaded file (streamed, sniffed, size-checked) as evidence for a prompt."""
    from .uploads import store_upload

    _check_owner(attempt, by)
    _check_editable(attempt)
    if prompt.part.version_id != attempt.version_id:
        raise ValidationError(_("That question does not belong to this micro-credential."))
    response = _response_for(attempt, prompt.part)
    accepted = set(prompt.part.evidence_type_values)
    expected = set()
    if EvidenceType.VIDEO in accepted:
        expected |= {"video"}
    if EvidenceType.FILE in accepted:
        expected |= {"document", "image", "audio", "video"}
    if not expected:
        raise ValidationError({"file": [_("This part does not accept uploaded files.")]})
    stored = store_upload(uploaded_file=uploaded_file, owner=attempt.earner, expected_kinds=expected)
    with transaction.atomic():
        evidence = Evidence.objects.create(response=response, prompt=prompt, file=stored,
                                           kind=Evidence.Kind.VIDEO if stored.kind == "video" else Evidence.Kind.FILE)
        audit.record(actor=by, action="evidence.file_added", target=attempt, data={"file": str(stored.pk), "size": stored.size})
    return evidence


def remove_evidence(*, evidence: Evidence, by) -> None:
    attempt = evidence.response.attempt
    _check_owner(attempt, by)
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        _check_editable(attempt)
        if evidence.response.locked:
            raise ValidationError(_("This part passed earlier and is kept as it was."))
        evidence.delete()


def set_evidence_public(*, evidence: Evidence, by, public: bool) -> Evidence:
    """The earner chooses which evidence may appear with the credential (narratives and links)."""
    _check_owner(evidence.response.attempt, by)
    evidence.public = bool(public)
    evidence.save(update_fields=["public", "updated_at"])
    return evidence


def confirm_privacy(*, attempt: Attempt, by) -> Attempt:
    """The earner confirms student names/faces are removed or consent is held (NEA's rule)."""
    _check_owner(attempt, by)
    Attempt.objects.filter(pk=attempt.pk).update(privacy_confirmed_at=timezone.now())
    attempt.refresh_from_db()
    audit.record(actor=by, action="attempt.privacy_confirmed", target=attempt)
    return attempt


def set_shared_with_coach(*, attempt: Attempt, by, shared: bool) -> Attempt:
    _check_owner(attempt, by)
    Attempt.objects.filter(pk=attempt.pk).update(shared_with_coach=bool(shared))
    attempt.refresh_from_db()
    audit.record(actor=by, action="attempt.shared" if shared else "attempt.unshared", target=attempt)
    return attempt


# --- Submitting ------------------------------------------------------------------------------

def _snapshot(attempt: Attempt) -> dict:
    """Freeze what is being handed in, so later edits never change what was assessed."""
    parts = []
    for response in attempt.responses.select_related("part").prefetch_related("evidence__file", "evidence__prompt"):
        items = []
        for e in response.evidence.all():
            item = {"evidence_id": e.pk, "prompt_id": e.prompt_id, "kind": e.kind}
            if e.kind == Evidence.Kind.QUIZ and e.prompt:
                item.update(choice=e.choice, correct=e.choice == e.prompt.correct_choice)
            elif e.file_id:
                item.update(file_id=str(e.file_id), name=e.file.original_name, size=e.file.size, sha256=e.file.sha256,
                            content_type=e.file.content_type)
            elif e.url:
                item["url"] = e.url
            else:
                item["text"] = e.text
            items.append(item)
        quiz = [i for i in items if i["kind"] == Evidence.Kind.QUIZ]
        parts.append({"part_id": response.part_id, "position": response.part.position, "locked": response.locked, "evidence": items,
                      "quiz": {"correct": sum(i["correct"] for i in quiz), "total": len(quiz)} if quiz else None})
    return {"version_id": attempt.version_id, "parts": parts}


def submit_attempt(*, attempt: Attempt, by, note_to_assessor: str = "") -> Attempt:
    """Lock the attempt and put it in the assessment queue. Safe to call twice (double click, two tabs)."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        _check_owner(attempt, by)
        if attempt.state == S.SUBMITTED:
            return attempt
        ensure_attempt_transition(attempt, to=S.SUBMITTED)
        errors: dict[str, list[str]] = {}
        if attempt.privacy_confirmed_at is None:
            errors["privacy"] = ["Confirm that student names and faces are removed, or that you hold consent."]
        problem = _window_problem(attempt.cohort)
        if problem:
            errors["window"] = [problem]
        needed = attempt.micro_credential.coach_conversation_after
        if needed and attempt.state == S.NOT_YET and attempt.unsuccessful_submissions >= needed:
            last_decision = Decision.objects.filter(submission__attempt=attempt).order_by("-decided_at").first()
            if not attempt.coach_conversations.filter(recorded_at__gte=last_decision.decided_at).exists():
                errors["coach"] = [_("After %(n)s “not yet” decisions, talk with your coach before resubmitting; "
                                     "your coach records the conversation.") % {"n": needed}]
        if attempt.fee_amount and not attempt.paid_by_organization_id and not attempt.voucher_id:
            pass  # the earner owes the fee; recorded, not processed
        missing = [f"{st['part'].title}: {m}" for st in selectors.part_states(attempt) for m in st["missing"]]
        if missing:
            errors["parts"] = missing
        if errors:
            raise ValidationError(errors)
        note = note_to_assessor.strip()[:5000]
        number = attempt.submissions.count() + 1
        submission = Submission.objects.create(attempt=attempt, number=number, note_to_assessor=note, snapshot=_snapshot(attempt))
        attempt.state, attempt.submitted_at = S.SUBMITTED, timezone.now()
        attempt.save(update_fields=["state", "submitted_at", "updated_at"])
        audit.record(actor=by, action="attempt.submitted", target=attempt, data={"submission": number})
        notify(user=attempt.earner, kind="submitted", url=_attempt_url(attempt),
               message=Later(gettext_noop("Submitted “%(title)s” (submission %(number)s). You will hear back after assessment."),
                             title=attempt.version.title, number=number))
        transaction.on_commit(lambda: attempt_submitted.send(sender=Attempt, attempt_id=attempt.pk, submission_id=submission.pk))
    return attempt


def withdraw_submission(*, attempt: Attempt, by) -> Attempt:
    """Take a pending submission back (before a decision); the attempt becomes editable again."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        _check_owner(attempt, by)
        submission = attempt.submissions.filter(state=Submission.State.PENDING).first()
        if attempt.state != S.SUBMITTED or submission is None:
            raise ValidationError(_("Only a submission that is still waiting for assessment can be withdrawn."))
        ensure_attempt_transition(attempt, to=S.DRAFT)
        submission.state = Submission.State.WITHDRAWN
        submission.save(update_fields=["state"])
        # Back to revising if an earlier decision said "not yet", else to draft.
        attempt.state = S.NOT_YET if attempt.submissions.filter(decision__result=Decision.Result.NOT_YET).exists() else S.DRAFT
        attempt.save(update_fields=["state", "updated_at"])
        audit.record(actor=by, action="attempt.withdrawn", target=attempt, data={"submission": submission.number})
        transaction.on_commit(lambda: submission_withdrawn.send(sender=Attempt, attempt_id=attempt.pk, submission_id=submission.pk))
    return attempt


def abandon_attempt(*, attempt: Attempt, by) -> None:
    """Delete an unsubmitted draft with its evidence, or close a "not yet" attempt (history is kept)."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        _check_owner(attempt, by)
        if selectors.abandon_deletes(attempt):
            files = list(EvidenceFile.objects.filter(uses__response__attempt=attempt).distinct())
            audit.record(actor=by, action="attempt.draft_deleted", target=attempt)
            attempt.delete()
            for f in files:
                if not f.uses.exists():
                    from .uploads import purge_bytes

                    transaction.on_commit(lambda f=f: (purge_bytes(f), f.delete()))
            return
        ensure_attempt_transition(attempt, to=S.WITHDRAWN)
        attempt.state = S.WITHDRAWN
        attempt.save(update_fields=["state", "updated_at"])
        audit.record(actor=by, action="attempt.closed", target=attempt)


def return_incomplete(*, submission: Submission, by, reason: str) -> Submission:
    """Pre-check: send an incomplete submission back to the earner without a competency review."""
    if not reason.strip():
        raise ValidationError({"reason": [_("Say what is missing.")]})
    with transaction.atomic():
        submission = Submission.objects.select_for_update(of=("self",)).select_related("attempt").get(pk=submission.pk)
        if submission.state != Submission.State.PENDING:
            raise ValidationError(_("Only a submission waiting for assessment can be returned."))
        attempt = Attempt.objects.select_for_update().get(pk=submission.attempt_id)
        submission.state = Submission.State.RETURNED
        submission.save(update_fields=["state"])
        attempt.state = S.NOT_YET if attempt.submissions.filter(decision__result=Decision.Result.NOT_YET).exists() else S.DRAFT
        attempt.save(update_fields=["state", "updated_at"])
        audit.record(actor=by, action="submission.returned_incomplete", target=attempt, data={"reason": reason.strip()[:2000]})
        notify(user=attempt.earner, kind="feedback", url=_attempt_url(attempt),
               message=Later(gettext_noop("Your submission of “%(title)s” was returned as incomplete: %(reason)s"),
                             title=attempt.version.title, reason=reason.strip()[:300]))
    return submission


# --- Decisions (called by assessment) ------------------------------------------------------------

def record_decision(*, submission: Submission, by, levels: dict[int, int], part_feedback: dict[int, str] | None = None,
                    comments: dict[int, str] | None = None, overall_feedback: str = "") -> Decision:
    """Record the assessed result of a submission, exactly once.

    `levels` maps criterion id → level position (0 = lowest) for every criterion of every part still under
    review. The rubrics' passing rules decide; locked (already passed) parts count as passed. A second call
    for the same submission returns the first decision unchanged."""
    part_feedback, comments = part_feedback or {}, comments or {}
    with transaction.atomic():
        submission = Submission.objects.select_for_update(of=("self",)).select_related("attempt__version").get(pk=submission.pk)
        existing = Decision.objects.filter(submission=submission).first()
        if existing:
            return existing
        if submission.state != Submission.State.PENDING:
            raise ValidationError(_("This submission is not waiting for a decision."))
        attempt = Attempt.objects.select_for_update().get(pk=submission.attempt_id)
        responses = {r.part_id: r for r in attempt.responses.all()}
        results, part_passed = [], {}
        for part in attempt.version.parts.prefetch_related("rubric__criteria", "rubric__levels"):
            if responses[part.pk].locked:
                part_passed[part.pk] = True
                continue
            rubric = part.rubric
            level_by_position = {lvl.position: lvl for lvl in rubric.levels.all()}
            scored = {}
            for criterion in rubric.criteria.all():
                if criterion.pk not in levels:
                    raise ValidationError({"levels": [_("Score every criterion: “%(criterion)s” in “%(part)s” has no level.") % {"criterion": criterion.title, "part": part.title}]})
                position = levels[criterion.pk]
                if isinstance(position, bool) or not isinstance(position, int) or position not in level_by_position:
                    raise ValidationError({"levels": [_("“%(criterion)s”: choose one of the rubric's levels.") % {"criterion": criterion.title}]})
                scored[criterion.pk] = position
                results.append((criterion, level_by_position[position]))
            part_passed[part.pk] = rubric_passes(rubric, scored)
        earned = all(part_passed.values())
        decision = Decision.objects.create(submission=submission, result=Decision.Result.EARNED if earned else Decision.Result.NOT_YET,
                                           decided_by=by, overall_feedback=overall_feedback.strip()[:MAX_TEXT])
        CriterionResult.objects.bulk_create([CriterionResult(decision=decision, criterion=c, level=lvl, comment=(comments.get(c.pk) or "")[:MAX_TEXT])
                                             for c, lvl in results])
        PartFeedback.objects.bulk_create([PartFeedback(decision=decision, part_id=pid, passed=ok, feedback=(part_feedback.get(pid) or "")[:MAX_TEXT])
                                          for pid, ok in part_passed.items() if not responses[pid].locked])
        submission.state = Submission.State.DECIDED
        submission.save(update_fields=["state"])
        ensure_attempt_transition(attempt, to=S.EARNED if earned else S.NOT_YET)
        attempt.state, attempt.decided_at = (S.EARNED if earned else S.NOT_YET), timezone.now()
        attempt.save(update_fields=["state", "decided_at", "updated_at"])
        # Only what needs revising is revised: parts that passed are kept as they were.
        PartResponse.objects.filter(attempt=attempt, part_id__in=[pid for pid, ok in part_passed.items() if ok]).update(locked=True)
        audit.record(actor=by, action=f"attempt.{decision.result}", target=attempt, data={"submission": submission.number})
        if earned:
            message = Later(gettext_noop("You earned “%(title)s”. Congratulations!"), title=attempt.version.title)
        else:
            message = Later(gettext_noop("“%(title)s”: not yet. Read the feedback, revise the parts that need it and resubmit."),
                            title=attempt.version.title)
        notify(user=attempt.earner, kind="decision", message=message, url=_attempt_url(attempt))
        result = decision.result
        transaction.on_commit(lambda: attempt_decided.send(sender=Attempt, attempt_id=attempt.pk, submission_id=submission.pk, result=result))
        if earned:
            transaction.on_commit(lambda: attempt_earned.send(sender=Attempt, attempt_id=attempt.pk))
    return decision


# --- Coaching --------------------------------------------------------------------------------

def add_coach_comment(*, attempt: Attempt, by, text: str, part: Part | None = None) -> CoachComment:
    """A coach comments on a draft the earner shared with them; the earner may reply the same way."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("Write a comment.")]})
    if len(text) > 5000:
        raise ValidationError({"text": [_("Keep comments under 5,000 characters.")]})
    is_earner = attempt.earner_id == by.pk
    if not policy.can_comment_on_attempt(by, attempt):
        raise PermissionDenied(_("Only the earner and the coach they share with can comment."))
    comment = CoachComment.objects.create(attempt=attempt, author=by, text=text, part=part)
    if not is_earner:
        notify(user=attempt.earner, kind="coach_comment", url=_attempt_url(attempt),
               message=Later(gettext_noop("%(name)s commented on “%(title)s”."), name=by.get_full_name() or by.username,
                             title=attempt.version.title))
    return comment


def record_coach_conversation(*, attempt: Attempt, by, held_on: dt.date, note: str = "") -> CoachConversation:
    if not policy.can_record_coach_conversation(by, attempt):
        raise PermissionDenied(_("Only the earner's coach records a coaching conversation."))
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("The conversation cannot be in the future.")]})
    conversation = CoachConversation.objects.create(attempt=attempt, coach=by, held_on=held_on, note=note.strip()[:5000])
    audit.record(actor=by, action="attempt.coach_conversation", target=attempt)
    return conversation


def assign_coach(*, earner, coach, by) -> None:
    from .models import CoachAssignment

    if not policy.can_assign_coach(by, earner):
        raise PermissionDenied(_("Earners choose their coach (or a platform admin assigns one)."))
    CoachAssignment.objects.update_or_create(earner=earner, coach=coach, defaults={"active": True})
    audit.record(actor=by, action="coach.assigned", target=earner, data={"coach": coach.username})




# --- people admins: coaches and cohorts of the people they manage (issue 14) ------------------------------------

def appoint_coach(*, earner, coach, by) -> CoachAssignment:
    """A people admin appoints ``coach`` (who holds the coach role in one of the earner's organizations the admin
    manages: ``policy.can_assign_coach_to``) as ``earner``'s coach. Appointing again, or an assignment ended before,
    makes it active once. Audited."""
    if not policy.can_assign_coach_to(by, earner, coach):
        if coach is not None and coach.pk == earner.pk:
            raise PermissionDenied(_("Nobody coaches themselves."))
        raise PermissionDenied(_("That person does not hold the coach role in one of this educator's organizations that you manage."))
    with transaction.atomic():
        assignment, created = CoachAssignment.objects.select_for_update().get_or_create(earner=earner, coach=coach)
        if created or not assignment.active:
            assignment.active = True
            assignment.save(update_fields=["active"])
            audit.record(actor=by, action="coach.assigned", target=earner, data={"coach": coach.username})
    return assignment


def end_coach_assignment(*, earner, coach, by) -> bool:
    """A people admin ends ``coach``'s active assignment to ``earner`` (the same rule as appointing). The record stays,
    inactive: the coach no longer sees the earner's shared drafts. Returns False when there was nothing to end."""
    if not policy.can_assign_coach_to(by, earner, coach):
        raise PermissionDenied(_("You may only end coach assignments of coaches in this educator's organizations that you manage."))
    with transaction.atomic():
        ended = CoachAssignment.objects.filter(earner=earner, coach=coach, active=True).update(active=False)
        if ended:
            audit.record(actor=by, action="coach.unassigned", target=earner, data={"coach": coach.username})
    return bool(ended)


def add_cohort_member(*, cohort: Cohort, person, by) -> bool:
    """Add ``person`` to ``cohort`` (``policy.can_manage_cohort_member``). Returns False when already a member."""
    if not policy.can_manage_cohort_member(by, cohort, person):
        raise PermissionDenied(_("You may only change the cohorts of organizations whose people you manage."))
    with transaction.atomic():
        if cohort.members.filter(pk=person.pk).exists():
            return False
        cohort.members.add(person)
        audit.record(actor=by, action="cohort.member_added", target=cohort, data={"person": person.username})
    return True


def remove_cohort_member(*, cohort: Cohort, person, by) -> bool:
    """Take ``person`` out of ``cohort`` (the same rule). Their attempts stay. Returns False when not a member."""
    if not policy.can_manage_cohort_member(by, cohort, person):
        raise PermissionDenied(_("You may only change the cohorts of organizations whose people you manage."))
    with transaction.atomic():
        if not cohort.members.filter(pk=person.pk).exists():
            return False
        cohort.members.remove(person)
        audit.record(actor=by, action="cohort.member_removed", target=cohort, data={"person": person.username})
    return True


# --- What the earner's pages know of the credential of an earned attempt (docs/decisions/0020) ---------------------

def record_credential_standing(*, attempt_id: int, credential_id, url: str, state: str, at, reason: str = ""):
    """Record (or update) the standing of the credential issued for an attempt, so "My MCs", the attempt page and
    stack progress show it as it is. Called by the credentials services inside their own transaction; earning
    never reads the credentials app. Revocation is final: a revoked standing is never set back."""
    from .models import CredentialStanding

    if state not in CredentialStanding.State.values:
        raise ValidationError(f"Unknown credential state {state!r}.")  # a programming error, not shown to people
    standing = CredentialStanding.objects.select_for_update().filter(attempt_id=attempt_id).first()
    if standing is None:
        return CredentialStanding.objects.create(attempt_id=attempt_id, credential_id=credential_id, url=url[:300],
                                                 state=state, changed_at=at, reason=(reason or "")[:500])
    if standing.state == CredentialStanding.State.REVOKED:
        return standing
    standing.url, standing.state, standing.changed_at, standing.reason = url[:300], state, at, (reason or "")[:500]
    standing.save(update_fields=["url", "state", "changed_at", "reason"])
    return standing


def create_cohort(*, organization, name: str, micro_credentials, by) -> Cohort:
    """A new cohort of ``organization`` working on ``micro_credentials`` (``by`` manages its people, or None for a
    background task acting for someone who does). Audited."""
    if by is not None and not policy.can_manage_people(by, organization):
        raise PermissionDenied(_("You may only change the cohorts of organizations whose people you manage."))
    with transaction.atomic():
        cohort = Cohort.objects.create(organization=organization, name=name[:200])
        cohort.micro_credentials.set(micro_credentials)
        audit.record(actor=by, action="cohort.created", target=cohort,
                     data={"name": cohort.name, "micro_credentials": [mc.pk for mc in micro_credentials][:50]})
    return cohort
