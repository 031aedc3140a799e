"""Assessor pages (queue, blind scoring, pre-check, calibration) and the issuer's assessment dashboard. Thin."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from microcred.accounts import policy as authz  # who may do what (local "policy" names are IssuerPolicy rows)
from microcred.catalog.models import MicroCredential

from microcred.core.validation import messages_of
from . import attention, selectors, services
from .forms import AnchorForm, PoolForm, PrecheckForm, ReassignForm, ReleaseForm, keep_entered, parse_scores
from .models import Assignment, Qualification, Review

A = Assignment


def _form_errors(form) -> list[str]:
    return [m for msgs in form.errors.values() for m in msgs]


# --- Assessor -------------------------------------------------------------------------------------

def _require_assessor(user) -> None:
    if not authz.is_assessor(user):
        raise PermissionDenied("The scoring queue is for assessors.")


@login_required
def queue(request):
    _require_assessor(request.user)
    page = selectors.queue_page(request.user, request.GET.get("page"))
    return render(request, "assessment/queue.html", {"items": page.object_list, "page": page, "pools": selectors.pools_for(request.user),
                                                     "manages": authz.can_open_assessment_dashboard(request.user)})


@login_required
@require_POST
def next_item(request):
    _require_assessor(request.user)
    assignment = services.next_item(assessor=request.user)
    if assignment is None:
        messages.info(request, _("Nothing to score right now. Check back later."))
        return redirect("assessment:queue")
    return redirect("assessment:item", pk=assignment.pk)


@login_required
@require_POST
def start_calibration(request, slug):
    mc = get_object_or_404(MicroCredential, slug=slug)
    try:
        made = services.start_calibration(assessor=request.user, micro_credential=mc)
    except PermissionDenied:
        raise Http404("No such pool.") from None
    except ValidationError as exc:
        for m in messages_of(exc):
            messages.error(request, m)
        return redirect("assessment:queue")
    messages.success(request, ngettext(
        "Calibration started: %(n)s item to score. You are certified when your scores agree with the agreed scores often enough.",
        "Calibration started: %(n)s items to score. You are certified when your scores agree with the agreed scores often enough.",
        len(made)) % {"n": len(made)})
    return redirect("assessment:item", pk=made[0].pk)


def _live_assignment(request, pk) -> Assignment:
    # The page shows the version as kept for display (selectors.blind_view): its rows are not read with the item.
    assignment = selectors.assignment_for(user=request.user, assignment_id=pk, with_versions=False)
    if assignment.state == A.State.RELEASED:
        raise Http404("No such item.")  # released or reassigned: no longer this assessor's to see
    return assignment


def _render_item(request, assignment, *, errors=(), entered=None, precheck_form=None, release_form=None, status=200):
    view = selectors.blind_view(assignment)
    keep_entered(view["parts"], *(entered or ({}, {}, {})))
    summary = selectors.item_summary(assignment, version=view["display_version"])
    return render(request, "assessment/item.html", {
        "assignment": assignment, "view": view, "item": summary, "errors": list(errors),
        "is_precheck": assignment.role == A.Role.PRECHECK, "open": assignment.state == A.State.ASSIGNED,
        "precheck_form": precheck_form or PrecheckForm(), "release_form": release_form or ReleaseForm(),
        "can_release": assignment.role not in (A.Role.CALIBRATION,),
        "calibration": selectors.calibration_feedback(assignment),
    }, status=status)


@login_required
def item(request, pk):
    """The blind view of one item; POST records the assessor's scores."""
    assignment = _live_assignment(request, pk)
    if request.method != "POST":
        return _render_item(request, assignment)
    if assignment.role == A.Role.PRECHECK:
        return _render_item(request, assignment, errors=[_("A pre-check is completed with complete / incomplete, not scores.")])
    parts = selectors.blind_view(assignment)["parts"]
    levels, comments, feedback, errors = parse_scores(request.POST, parts)
    if not errors:
        try:
            services.submit_scores(assignment=assignment, by=request.user, levels=levels, comments=comments, part_feedback=feedback)
        except ValidationError as exc:
            errors = messages_of(exc)
        else:
            if assignment.role == A.Role.CALIBRATION:  # calibration teaches: show the agreed scores beside these
                messages.success(request, _("Scores saved. Compare them with the agreed scores below."))
                return redirect("assessment:item", pk=assignment.pk)
            messages.success(request, _("Scores saved. Thank you."))
            return redirect("assessment:queue")
    return _render_item(request, assignment, errors=errors, entered=(levels, comments, feedback))


@login_required
@require_POST
def release(request, pk):
    assignment = _live_assignment(request, pk)
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        return _render_item(request, assignment, errors=_form_errors(form), release_form=form)
    try:
        services.release(assignment=assignment, by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return _render_item(request, assignment, errors=messages_of(exc), release_form=form)
    messages.success(request, _("Item released; it goes to another assessor."))
    return redirect("assessment:queue")


@login_required
@require_POST
def precheck(request, pk):
    assignment = _live_assignment(request, pk)
    if assignment.role != A.Role.PRECHECK:
        raise Http404("No such pre-check.")
    form = PrecheckForm(request.POST)
    if not form.is_valid():
        return _render_item(request, assignment, errors=_form_errors(form), precheck_form=form)
    complete = form.cleaned_data["complete"]
    try:
        services.precheck(assignment=assignment, by=request.user, complete=complete, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        return _render_item(request, assignment, errors=messages_of(exc), precheck_form=form)
    messages.success(request, _("Sent to scoring.") if complete else _("Returned to the earner with your reason."))
    return redirect("assessment:queue")


# --- Issuer ----------------------------------------------------------------------------------------

FIGURES = [("exact_agreement", gettext_lazy("Exact agreement")), ("adjacent_agreement", gettext_lazy("Adjacent agreement (within one level)")),
           ("cohen_kappa", gettext_lazy("Cohen's kappa")), ("quadratic_weighted_kappa", gettext_lazy("Quadratic weighted kappa")),
           ("krippendorff_alpha", gettext_lazy("Krippendorff's alpha (ordinal)")), ("gwet_ac1", gettext_lazy("Gwet's AC1")),
           ("pass_rate", gettext_lazy("Pass rate"))]


def _require_issuer(user) -> None:
    if not authz.can_open_assessment_dashboard(user):
        raise PermissionDenied("The assessment dashboard is for issuer admins.")


def _managed(user, slug) -> MicroCredential:
    mc = get_object_or_404(MicroCredential.objects.select_related("current_version", "owner"), slug=slug)
    if not authz.can_manage_assessment(user, mc):
        raise PermissionDenied("Only issuer admins of this micro-credential's organization see its assessment.")
    return mc


def _section(mc) -> dict:
    """Everything the dashboard shows about one MC."""
    from . import reliability

    health = selectors.queue_health(micro_credential_ids=[mc.pk])
    pool = list(selectors.pool_of(mc))
    names = {q.assessor_id: q.assessor.get_full_name() or q.assessor.username for q in pool}
    flags = selectors.open_drift_flags(mc)
    raw = reliability.figures(micro_credential=mc)
    # n: criterion pairs for agreement statistics, double-scored reviews for AC1 (pass/fail), decided reviews for the pass rate.
    n_of = {"gwet_ac1": raw.get("n_reviews"), "pass_rate": health["decided"]}
    figures = [{"label": label, "value": raw.get(key), "n": n_of.get(key, raw.get("n_pairs"))} for key, label in FIGURES]
    statuses = dict(Qualification.Status.choices)
    per_assessor = [{**row, "name": names.get(row["assessor_id"], ""), "flag": flags.get(row["assessor_id"]),
                     "status": statuses.get(row["status"], _("not in the pool"))}
                    for row in reliability.per_assessor(micro_credential=mc)]
    overdue = [{"assignment": a, "form": ReassignForm(eligible=services.eligible_assessors(a.review, role=a.role), prefix=f"r{a.pk}")}
               for a in selectors.overdue_assignments(mc)]
    pass_rate = health["earned"] / health["decided"] if health["decided"] else None
    return {"mc": mc, "health": health, "pass_rate": pass_rate, "figures": figures, "per_assessor": per_assessor,
            "n_reviews": raw.get("n_reviews"), "overdue": overdue,
            "pool": [{"q": q, "flag": flags.get(q.assessor_id)} for q in pool],
            "pool_form": PoolForm(candidates=selectors.poolable_assessors(mc), prefix=f"p{mc.pk}"),
            "anchors": mc.anchor_items.select_related("version").order_by("-created_at"),
            "decided": selectors.recent_decided_reviews(mc), "events": selectors.recent_events(mc)}


# MCs per page of the dashboard's overview: a platform admin of a state catalog manages thousands.
DASHBOARD_PAGE_SIZE = 25


@login_required
def issuer(request):
    _require_issuer(request.user)
    # The overview is one line per MC from a constant number of queries; each MC's own page shows the details.
    # Busiest first, a page at a time (not a number or beyond the last: the first or the last page).
    page = Paginator(selectors.issuer_micro_credentials(request.user), DASHBOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    mcs = list(page.object_list)
    glance = selectors.dashboard_glance([mc.pk for mc in mcs])
    needs = attention.for_micro_credentials([mc.pk for mc in mcs])
    return render(request, "assessment/issuer.html", {
        "sections": [{"mc": mc, "glance": glance[mc.pk], "attention": needs.get(mc.pk, []),
                      "quality_url": attention.page_url(mc.slug), "may_revise": authz.can_edit(request.user, mc)} for mc in mcs],
        "single": False, "page": page})


@login_required
def issuer_mc(request, slug):
    _require_issuer(request.user)
    mc = _managed(request.user, slug)
    return render(request, "assessment/issuer.html", {"sections": [_section(mc)], "single": True, "mc": mc})


@login_required
@require_POST
def reassign(request, pk):
    assignment = get_object_or_404(Assignment.objects.select_related("review__micro_credential"), pk=pk, review__isnull=False)
    mc = _managed(request.user, assignment.review.micro_credential.slug)
    form = ReassignForm(request.POST, eligible=services.eligible_assessors(assignment.review, role=assignment.role), prefix=f"r{pk}")
    if not form.is_valid():
        for m in _form_errors(form):
            messages.error(request, m)
        return redirect("assessment:issuer_mc", slug=mc.slug)
    try:
        services.reassign(assignment=assignment, to=form.cleaned_data["to"], by=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        for m in messages_of(exc):
            messages.error(request, m)
        return redirect("assessment:issuer_mc", slug=mc.slug)
    messages.success(request, _("Item reassigned."))
    return redirect("assessment:issuer_mc", slug=mc.slug)


@login_required
@require_POST
def add_to_pool(request, slug):
    mc = _managed(request.user, slug)
    form = PoolForm(request.POST, candidates=selectors.poolable_assessors(mc), prefix=f"p{mc.pk}")
    if not form.is_valid():
        for m in _form_errors(form):
            messages.error(request, m)
        return redirect("assessment:issuer_mc", slug=mc.slug)
    try:
        q = services.add_to_pool(assessor=form.cleaned_data["assessor"], micro_credential=mc, organization=mc.owner, by=request.user,
                                 senior=form.cleaned_data["senior"])
    except ValidationError as exc:
        for m in messages_of(exc):
            messages.error(request, m)
        return redirect("assessment:issuer_mc", slug=mc.slug)
    messages.success(request, _("%(name)s is in the pool; they score once calibrated.") % {
        "name": q.assessor.get_full_name() or q.assessor.username})
    return redirect("assessment:issuer_mc", slug=mc.slug)


@login_required
def anchor_new(request, pk):
    """Turn a decided submission into an anchor with agreed levels (calibration set and seeded checks)."""
    review = get_object_or_404(Review.objects.select_related("micro_credential", "version", "submission"), pk=pk)
    mc = _managed(request.user, review.micro_credential.slug)
    if review.stage != Review.Stage.DECIDED:
        raise Http404("Only decided reviews become anchors.")
    errors: list[str] = []
    if request.method == "POST":
        form = AnchorForm(request.POST)
        grid = selectors.rubric_grid(review.version)
        levels = {}
        for p in grid:
            for row in p["criteria"]:
                raw = (request.POST.get(f"level-{row['criterion'].pk}") or "").strip()
                if raw.isdigit():
                    levels[row["criterion"].pk] = int(raw)
                elif raw:
                    errors.append(_("“%(criterion)s”: give the agreed level.") % {"criterion": row["criterion"].title})
        if form.is_valid() and not errors:
            try:
                services.create_anchor_from_submission(submission=review.submission, by=request.user, title=form.cleaned_data["title"],
                                                       levels=levels)
            except ValidationError as exc:
                errors = messages_of(exc)
            else:
                messages.success(request, _("Anchor “%(title)s” added to the calibration set.") % {"title": form.cleaned_data["title"]})
                return redirect("assessment:issuer_mc", slug=mc.slug)
        errors = _form_errors(form) + errors
        grid = selectors.rubric_grid(review.version, levels)
    else:
        form = AnchorForm()
        grid = selectors.rubric_grid(review.version, selectors.deciding_levels(review))
    return render(request, "assessment/anchor_form.html", {"review": review, "mc": mc, "form": form, "grid": grid, "errors": errors})
