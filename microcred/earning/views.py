"""Earner pages: home, attempt workspace (autosave, uploads, submit), coaching, notifications. Thin."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from microcred.accounts import policy
from microcred.catalog import selectors as catalog_selectors
from microcred.catalog import translation as catalog_translation
from microcred.catalog.coverage import coverage_of
from microcred.catalog.models import MicroCredential, Prompt

from microcred.core.validation import messages_of
from . import notifications as notices
from . import selectors, services
from .forms import CoachCommentForm, CoachConversationForm, SubmitForm, UploadForm, VoucherForm
from .models import Attempt, Evidence


@login_required
def home(request):
    language = get_language()
    # Open attempts come with their versions as kept for display, already in the reader's language.
    attempts = selectors.open_attempts_for_earner(request.user, language)
    groups = {state: [a for a in attempts if a.state == state] for state in selectors.OPEN_STATES}
    earned, earned_count = selectors.recent_earned(request.user)
    unread = selectors.unread_notifications(request.user)
    unread_count = unread.count()
    in_progress = [(a, selectors.part_states(a)) for a in groups["draft"]]
    feedback = selectors.latest_feedback(groups["not_yet"])
    not_yet = [(a, feedback[a.pk]) for a in groups["not_yet"]]
    recommended, stacks = selectors.home_guidance(request.user, open_attempts=attempts, recent=earned, earned_count=earned_count)
    # Titles of the other MCs in the reader's language where translated (one query, whatever the number).
    catalog_translation.localize_summaries([a.version for a in earned] + [r["version"] for r in recommended], language)
    return render(request, "earning/home.html", {
        "in_progress": in_progress, "not_yet": not_yet,
        "submitted": groups["submitted"], "earned": selectors.earned_rows(earned), "earned_count": earned_count,
        "recommended": recommended,
        "stacks": stacks,
        "notifications": unread[:5], "unread_count": unread_count,
        "unread_label": selectors.notification_count_label(unread_count),
    })


@login_required
def earned(request):
    """Every MC this person earned, a page at a time (their own only: there is no one else's list to ask for)."""
    page = selectors.earned_page(request.user, request.GET.get("page"))
    catalog_translation.localize_summaries([a.version for a in page], get_language())
    return render(request, "earning/earned.html", {"page": page, "earned": selectors.earned_rows(page)})


@login_required
@require_POST
def start(request, slug):
    mc = get_object_or_404(MicroCredential, slug=slug)
    if not catalog_selectors.can_view(request.user, mc):
        raise Http404("No such micro-credential.")  # a members-only MC does not exist for outsiders
    try:
        attempt = services.start_attempt(earner=request.user, micro_credential=mc)
    except ValidationError as exc:
        for m in messages_of(exc):
            messages.error(request, m)
        return redirect("catalog:detail", slug=slug) if mc.current_version_id else redirect("earning:home")
    return redirect("earning:attempt", pk=attempt.pk)


@login_required
def attempt(request, pk):
    # The MC's content (parts, prompts, rubric) in the reader's language where translated, loaded once for the page.
    attempt = selectors.attempt_for_display(user=request.user, attempt_id=pk, language=get_language())
    is_earner = attempt.earner_id == request.user.pk
    parts = selectors.attempt_workspace(attempt)
    asides = selectors.rubric_asides(attempt.version)  # the same for every earner: drawn once, kept
    for p in parts:
        p["rubric_aside"] = asides.get(p["part"].pk, "")
    history = selectors.submission_history(attempt)
    _show_feedback_in(history, attempt.version)
    # Feedback from the last upload or failed submit, shown next to what it is about (not at the top of the page).
    upload_result = request.session.pop(_upload_key(pk), None) if is_earner else None
    submit_problems = request.session.pop(_submit_key(pk), None) if is_earner else None
    return render(request, "earning/attempt.html", {
        "attempt": attempt, "is_earner": is_earner, "parts": parts,
        "upload_result": upload_result, "submit_problems": submit_problems,
        "standing": selectors.credential_standing_of(attempt),
        "turnaround_days": selectors.turnaround_days(attempt), "deadline": attempt.cohort.deadline if attempt.cohort_id else None,
        "history": history, "abandon_deletes": selectors.abandon_deletes(attempt, ever_submitted=bool(history)), "submit_form": SubmitForm(), "upload_form": UploadForm(),
        "comment_form": CoachCommentForm(), "conversation_form": CoachConversationForm(), "voucher_form": VoucherForm(),
        "editable": is_earner and attempt.state in (Attempt.State.DRAFT, Attempt.State.NOT_YET),
        "is_coach": not is_earner and policy.is_coach_of(request.user, attempt.earner),
        "comments": attempt.coach_comments.select_related("author", "part"),
        "coverage": coverage_of(attempt.version_id),
    })


def _show_feedback_in(history: list[dict], version) -> None:
    """Feedback names parts, criteria and levels: show the (localized) ones the page loaded rather than fresh copies."""
    parts = {p.pk: p for p in version.parts.all()}
    criteria, levels = {}, {}
    for part in parts.values():
        rubric = getattr(part, "rubric", None)
        if rubric is not None:
            criteria.update({c.pk: c for c in rubric.criteria.all()})
            levels.update({lvl.pk: lvl for lvl in rubric.levels.all()})
    for row in history:
        for f in row["feedback"]:
            f.part = parts.get(f.part_id, f.part)
        for c in row["criteria"]:
            c.criterion = criteria.get(c.criterion_id, c.criterion)
            c.level = levels.get(c.level_id, c.level)


@login_required
@require_POST
def save_answer(request, pk, prompt_id):
    """Autosave one answer (htmx posts on change); answers with a short status line."""
    attempt = selectors.own_attempt(user=request.user, attempt_id=pk, with_related=False)
    # The version's parts and prompts are kept (catalog.selectors.version_for_display): the prompt answered is found
    # there rather than read again on every autosave; a prompt of another version is not found.
    attempt.version = catalog_selectors.version_for_display(attempt.version_id, get_language())
    prompt = selectors.prompt_of(attempt.version, prompt_id)
    choice = request.POST.get("choice")
    try:
        services.save_answer(attempt=attempt, by=request.user, prompt=prompt,
                             text=request.POST.get("text"), url=request.POST.get("url"),
                             choice=int(choice) if choice not in (None, "") and choice.isdigit() else (None if choice in (None, "") else -1))
    except ValidationError as exc:
        message = " ".join(messages_of(exc))
        if request.headers.get("HX-Request"):
            return HttpResponse(f'<span class="error">{_escape(_("Not saved:"))} {_escape(message)}</span>', status=200)
        messages.error(request, _("Not saved: %(why)s") % {"why": message})
        return redirect("earning:attempt", pk=pk)
    if request.headers.get("HX-Request"):
        # The status line says "Saved" (announced: its container is a live region), and the part's badge and
        # "still needed" line are replaced out of band, so the part never says "Empty" after "Saved".
        part = selectors.part_state(attempt, prompt.part_id)
        return render(request, "earning/_saved.html", {"p": part, "oob": True, "editable": True})
    messages.success(request, _("Saved."))
    return redirect("earning:attempt", pk=pk)


def _escape(text: str) -> str:
    from django.utils.html import escape

    return escape(text)


@login_required
@require_POST
def upload(request, pk, prompt_id):
    attempt = selectors.own_attempt(user=request.user, attempt_id=pk)
    prompt = get_object_or_404(Prompt.objects.select_related("part"), pk=prompt_id, part__version_id=attempt.version_id)
    from .uploads import upload_refusal

    files = request.FILES  # parses the body (streamed to disk by the upload handlers)
    refusal = upload_refusal(request) or (None if "file" in files else _("Choose a file to upload."))
    if refusal:
        result = {"level": "error", "text": _("File not added: %(why)s") % {"why": refusal}}
    else:
        try:
            evidence = services.add_file(attempt=attempt, by=request.user, prompt=prompt, uploaded_file=request.FILES["file"])
        except ValidationError as exc:
            result = {"level": "error", "text": _("File not added: %(why)s") % {"why": " ".join(messages_of(exc))}}
        else:
            result = {"level": "success", "text": _("Added “%(name)s”.") % {"name": evidence.file.original_name}}
    # Shown next to the upload control it is about, and the page opens scrolled to that message.
    request.session[_upload_key(pk)] = {"prompt": prompt.pk, **result}
    return redirect(reverse("earning:attempt", args=[pk]) + f"#upload-result-{prompt.pk}")


def _upload_key(attempt_id: int) -> str:
    return f"earning.upload_result.{attempt_id}"


def _submit_key(attempt_id: int) -> str:
    return f"earning.submit_problems.{attempt_id}"


@login_required
@require_POST
def remove_evidence(request, pk, evidence_id):
    attempt = selectors.own_attempt(user=request.user, attempt_id=pk)
    evidence = get_object_or_404(Evidence, pk=evidence_id, response__attempt=attempt)
    try:
        services.remove_evidence(evidence=evidence, by=request.user)
        messages.success(request, _("Removed."))
    except ValidationError as exc:
        for m in messages_of(exc):
            messages.error(request, m)
    return redirect("earning:attempt", pk=pk)


@login_required
@require_POST
def evidence_public(request, pk, evidence_id):
    attempt = selectors.own_attempt(user=request.user, attempt_id=pk)
    evidence = get_object_or_404(Evidence, pk=evidence_id, response__attempt=attempt)
    services.set_evidence_public(evidence=evidence, by=request.user, public=request.POST.get("public") == "1")
    return redirect("earning:attempt", pk=pk)


@login_required
@require_POST
def attempt_action(request, pk, action):
    attempt = selectors.attempt_for(user=request.user, attempt_id=pk)
    try:
        if action == "submit":
            form = SubmitForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.get("note_to_assessor", [_("Invalid note.")]))
            if request.POST.get("privacy") == "1":
                services.confirm_privacy(attempt=attempt, by=request.user)
            try:
                services.submit_attempt(attempt=attempt, by=request.user, note_to_assessor=form.cleaned_data["note_to_assessor"])
            except ValidationError as exc:
                if not hasattr(exc, "error_dict"):
                    raise
                # One heading-led summary at the top of the page, each problem linking to its part or field.
                attempt.refresh_from_db()
                attempt.version = catalog_selectors.version_for_display(attempt.version_id, get_language())
                request.session[_submit_key(pk)] = selectors.submit_problems(attempt, exc.message_dict)
                return redirect(reverse("earning:attempt", args=[pk]) + "#error-summary")
            if coverage_of(attempt.version_id).has_assessors:
                messages.success(request, _("Submitted. Your evidence is locked and in the assessment queue."))
            else:  # queued honestly: nobody can score it until an assessor is certified (decision 0019)
                messages.warning(request, _("Submitted. Your evidence is locked and in the assessment queue, but no "
                                            "assessor is certified for this micro-credential yet: your submission "
                                            "waits until one is, so no turnaround can be promised yet."))
        elif action == "withdraw":
            services.withdraw_submission(attempt=attempt, by=request.user)
            messages.success(request, _("Submission withdrawn; you can edit again."))
        elif action == "share":
            services.set_shared_with_coach(attempt=attempt, by=request.user, shared=request.POST.get("shared") == "1")
            messages.success(request, _("Sharing updated."))
        elif action == "abandon":
            was_draft = selectors.abandon_deletes(attempt)
            services.abandon_attempt(attempt=attempt, by=request.user)
            messages.success(request, _("Draft deleted.") if was_draft else _("Attempt closed; its history is kept."))
            return redirect("earning:home")
        elif action == "voucher":
            from .sponsorship import redeem_voucher

            redeem_voucher(attempt=attempt, code=request.POST.get("code", ""), by=request.user)
            messages.success(request, _("Voucher applied: your sponsor covers the fee."))
        elif action == "comment":
            form = CoachCommentForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors.get("text", [_("Write a comment.")]))
            services.add_coach_comment(attempt=attempt, by=request.user, text=form.cleaned_data["text"])
            messages.success(request, _("Comment added."))
        elif action == "conversation":
            form = CoachConversationForm(request.POST)
            if not form.is_valid():
                raise ValidationError([m for errs in form.errors.values() for m in errs])
            services.record_coach_conversation(attempt=attempt, by=request.user, held_on=form.cleaned_data["held_on"],
                                               note=form.cleaned_data["note"])
            messages.success(request, _("Coaching conversation recorded; the earner may resubmit."))
        else:
            raise Http404(_("Unknown action."))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You cannot do that."))
    except ValidationError as exc:
        for m in messages_of(exc):
            messages.error(request, m)
    return redirect("earning:attempt", pk=pk)


@login_required
def coaching(request):
    attempts = list(selectors.shared_attempts_for_coach(request.user))
    catalog_translation.localize_summaries([a.version for a in attempts], get_language())
    return render(request, "earning/coaching.html", {"attempts": attempts,
                                                     "coachees": selectors.coachees_of(request.user)})


@login_required
def notifications(request):
    """The person's notices; "Mark all as read"; and which kinds are also e-mailed (action=email_preferences)."""
    from .models import Notification

    if request.method == "POST" and request.POST.get("action") == "email_preferences":
        try:
            notices.set_emailed_kinds(user=request.user, by=request.user, kinds=request.POST.getlist("email"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("earning:notifications")
        messages.success(request, _("Your e-mail choices were saved. Every notice still shows here."))
        return redirect("earning:notifications")
    if request.method == "POST":
        notices.mark_read(user=request.user)
        return redirect("earning:notifications")
    emailed = notices.emailed_kinds(request.user)
    unread_count = selectors.unread_notifications(request.user).count()
    return render(request, "earning/notifications.html", {
        "notifications": notices.shown(request.user)[:100], "unread_count": unread_count,
        "unread_label": selectors.notification_count_label(unread_count),
        "kinds": [(value, label, value in emailed) for value, label in Notification.Kind.choices]})


@login_required
def notification_preferences(request):
    """Per kind of notification: e-mail on/off and in the app on/off. Account notices cannot be turned off."""
    if request.method == "POST":
        try:
            notices.set_preferences(user=request.user, by=request.user, emailed=request.POST.getlist("email"),
                                    in_app=request.POST.getlist("in_app"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your notification choices were saved."))
        return redirect("earning:notification_preferences")
    return render(request, "earning/notification_preferences.html", {"rows": notices.preferences(request.user)})
