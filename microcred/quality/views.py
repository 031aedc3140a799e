"""Quality pages: the public framework and quality record, the issuer's quality page of an MC (checks, submit for
review), the review page (rate, reconcile, withdraw) and adopting a revised framework. Thin: parse, ask
accounts/policy.py, call a service or selector, render."""
from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.accounts import policy
from microcred.catalog.models import MicroCredential

from . import selectors, services
from .models import Pilot, QualityReview

MAX_FRAMEWORK_BYTES = 200_000


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{m}" for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


@require_GET
def framework(request, number=None):
    """The quality framework (current, or an earlier adopted version): public."""
    found = selectors.framework(number) if number is not None else selectors.current_framework()
    return render(request, "quality/framework.html", {"framework": found, "data": found.data,
                                                      "versions": selectors.frameworks(),
                                                      "may_adopt": policy.can_adopt_quality_framework(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def adopt(request):
    """Adopt a revised framework (paste or upload its JSON document)."""
    if not policy.can_adopt_quality_framework(request.user):
        raise Http404
    current = selectors.current_framework()
    errors, text = [], ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        raw = upload.read(MAX_FRAMEWORK_BYTES + 1) if upload else request.POST.get("document", "").encode("utf-8", "replace")
        try:
            if len(raw) > MAX_FRAMEWORK_BYTES:
                raise ValidationError(_("The framework document is larger than 200 KB."))
            try:
                text = raw.decode("utf-8")
                data = json.loads(text)
            except UnicodeDecodeError:
                raise ValidationError(_("The file is not UTF-8 text.")) from None
            except ValueError:
                raise ValidationError(_("The document is not valid JSON.")) from None
            adopted = services.adopt_framework(by=request.user, data=data, note=request.POST.get("note", ""))
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Version %(n)s of the quality framework is adopted. Reviews already submitted keep theirs.")
                             % {"n": adopted.number})
            return redirect("quality:framework")
    else:
        text = json.dumps(current.data, indent=2, ensure_ascii=False)
    return render(request, "quality/adopt.html", {"current": current, "errors": errors, "document": text[:MAX_FRAMEWORK_BYTES]},
                  status=400 if errors else 200)


@login_required
@require_GET
def reviews(request):
    """Reviews waiting for one's rating, and the reviews of one's own organizations' MCs."""
    if not policy.can_open_quality_reviews(request.user):
        raise Http404
    return render(request, "quality/reviews.html", {"to_rate": selectors.reviews_to_rate(request.user),
                                                    "own": selectors.reviews_for_issuer(request.user) if policy.can_author(request.user) else []})


def _editable_mc(user, slug) -> MicroCredential:
    mc = MicroCredential.objects.select_related("owner", "current_version").filter(slug=slug).first()
    if mc is None or not policy.can_edit(user, mc):
        raise Http404
    return mc


def _render_mc(request, mc, *, errors=None, status=200):
    versions = list(mc.versions.exclude(state="retired").order_by("-number")[:5])
    pilots = {p.version_id: p for p in Pilot.objects.filter(version__in=versions)}
    taken = selectors.pilot_statuses([v.pk for v in versions])
    rows = [{"version": v, "findings": services.check_version(v), "pilot": pilots.get(v.pk), "pilot_status": taken.get(v.pk),
             "may_open_pilot": v.pk not in pilots and v.state == "published" and v.pk == mc.current_version_id} for v in versions]
    return render(request, "quality/micro_credential.html", {
        "mc": mc, "rows": rows, "reviews": list(QualityReview.objects.filter(version__micro_credential=mc)
                                                .select_related("version", "framework").order_by("-submitted_at")[:20]),
        "may_submit": policy.can_submit_for_quality_review(request.user, mc), "errors": errors or [],
        "surveys": selectors.survey_results(mc), "comments": selectors.survey_comments(mc),
        "subgroups": selectors.survey_results_by_subgroup(mc), "attention": selectors.needs_attention(mc), "may_run_pilot": policy.can_run_pilot(request.user, mc),
        "posted": request.POST if request.method == "POST" else {},
        "status": selectors.status_of(mc)}, status=status)


@login_required
@require_GET
def micro_credential(request, slug):
    """The issuer's quality page of an MC: the automatic checks of each version, submitting for review, past reviews."""
    return _render_mc(request, _editable_mc(request.user, slug))


@login_required
@require_POST
def submit(request, slug, number):
    mc = _editable_mc(request.user, slug)
    version = get_object_or_404(mc.versions, number=number)
    try:
        review = services.submit_for_review(by=request.user, version=version)
    except ValidationError as exc:
        return _render_mc(request, mc, errors=_errors(exc), status=400)
    messages.success(request, _("Submitted for independent quality review."))
    return redirect("quality:review", pk=review.pk)


@login_required
@require_POST
def open_pilot(request, slug, number):
    """Open the version as a pilot for at most the posted number of earners."""
    mc = _editable_mc(request.user, slug)
    version = get_object_or_404(mc.versions, number=number)
    try:
        services.open_pilot(by=request.user, version=version, cap=_int(request.POST.get("cap")))
    except ValidationError as exc:
        return _render_mc(request, mc, errors=_errors(exc), status=400)
    messages.success(request, _("The pilot is open: every submission to this version is double-scored until you close it."))
    return redirect("quality:pilot", slug=mc.slug, number=version.number)


@login_required
@require_POST
def close_pilot(request, slug, number):
    mc = _editable_mc(request.user, slug)
    version = get_object_or_404(mc.versions, number=number)
    pilot = get_object_or_404(Pilot, version=version)
    try:
        services.close_pilot(by=request.user, pilot=pilot)
    except ValidationError as exc:
        return _render_mc(request, mc, errors=_errors(exc), status=400)
    messages.success(request, _("The pilot is closed. Its report stays available."))
    return redirect("quality:pilot", slug=mc.slug, number=version.number)


@login_required
@require_GET
def pilot(request, slug, number):
    """The pilot report of a version: the issuer's people and the quality reviewers of that version; 404 for others."""
    mc = MicroCredential.objects.select_related("owner").filter(slug=slug).first()
    version = mc.versions.filter(number=number).first() if mc else None
    if version is None:
        raise Http404
    found = selectors.pilot_for(request.user, version)
    return render(request, "quality/pilot.html", {"mc": mc, "version": version, "pilot": found,
                                                  "report": selectors.pilot_report(found),
                                                  "may_run_pilot": policy.can_run_pilot(request.user, mc)})


@login_required
@require_GET
def review(request, pk):
    found = selectors.review_for(request.user, pk)
    return render(request, "quality/review.html", selectors.review_page(found, request.user))


def _int(value):
    try:
        return int(str(value).strip()[:3])
    except (TypeError, ValueError):
        return None


def _render_review(request, found, errors, status=400):
    page = selectors.review_page(found, request.user)
    return render(request, "quality/review.html", {**page, "errors": errors, "posted": request.POST}, status=status)


@login_required
@require_POST
def rate(request, pk):
    found = selectors.review_for(request.user, pk)
    keys = [c["key"] for c in found.framework.data["criteria"]]
    ratings = {k: (_int(request.POST.get(f"level-{k}")), request.POST.get(f"comment-{k}", "")) for k in keys}
    try:
        services.rate(by=request.user, review=found, ratings=ratings)
    except ValidationError as exc:
        return _render_review(request, found, _errors(exc))
    messages.success(request, _("Your ratings are saved."))
    return redirect("quality:review", pk=found.pk)


@login_required
@require_POST
def decide(request, pk):
    found = selectors.review_for(request.user, pk)
    keys = [c["key"] for c in found.framework.data["criteria"]]
    scores = {k: _int(request.POST.get(f"score-{k}")) for k in keys}
    try:
        services.decide(by=request.user, review=found, scores=scores, outcome=request.POST.get("outcome", ""),
                        changes_requested=request.POST.get("changes_requested", ""))
    except ValidationError as exc:
        return _render_review(request, found, _errors(exc))
    messages.success(request, _("The outcome is recorded and shown to the issuer."))
    return redirect("quality:review", pk=found.pk)


@login_required
@require_POST
def withdraw(request, pk):
    found = selectors.review_for(request.user, pk)
    try:
        services.withdraw(by=request.user, review=found)
    except ValidationError as exc:
        return _render_review(request, found, _errors(exc))
    messages.success(request, _("The quality review is withdrawn."))
    return redirect("quality:micro_credential", slug=found.version.micro_credential.slug)


@require_GET
def record(request, slug):
    """The public quality record of a published MC."""
    mc = selectors.public_micro_credential(slug, request.user)
    return render(request, "quality/record.html", {"record": selectors.quality_record(mc), "mc": mc})


@login_required
@require_http_methods(["GET", "POST"])
def survey(request, pk):
    """The earner's experience survey (their own only)."""
    found = selectors.survey_for(request.user, pk)
    errors = []
    if request.method == "POST":
        try:
            services.answer_survey(by=request.user, survey=found, rating=_int(request.POST.get("rating")),
                                   comment=request.POST.get("comment", ""))
        except ValidationError as exc:
            errors = _errors(exc)
        else:
            messages.success(request, _("Thank you: your answer is saved."))
            return redirect("quality:survey", pk=found.pk)
    return render(request, "quality/survey.html", {"survey": found, "errors": errors, "posted": request.POST},
                  status=400 if errors else 200)
