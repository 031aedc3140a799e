"""Analytics pages: the dashboards (charts beside their tables, CSV downloads), the school attributes import and
one's own demographics and findability. Thin: check the policy, call a selector or service, render."""
from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.accounts import policy
from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredential, Stack
from microcred.core import suppression
from microcred.core.spreadsheets import formula_safe

from . import charts, selectors, services, tables
from .forms import DemographicsForm, FilterForm, filters_from_query, FindabilityForm, SchoolImportForm
from .models import EducatorDemographics, Findability

SUPPRESSED = "suppressed"


def _filters(request, board) -> tuple[FilterForm, selectors.Filters]:
    return filters_from_query(request.GET, board)


@require_GET
@login_required
def index(request):
    """Opens on the first dashboard the person may see; a teacher (no dashboard) is told so."""
    if not policy.can_open_analytics(request.user):
        raise PermissionDenied(_("Dashboards are for district, state, issuer and platform admins."))
    boards = selectors.dashboards_for(request.user)
    if not boards:
        raise PermissionDenied(_("Dashboards are for district, state, issuer and platform admins."))
    first = boards[0]
    if first.organization is None:
        return redirect("analytics:platform")
    return redirect("analytics:dashboard", kind=first.kind, slug=first.organization.slug)


def _dashboard(request, kind, slug):
    board = selectors.dashboard_for(request.user, kind, slug)
    if board is None:
        raise Http404(_("No such dashboard."))
    return board


@require_GET
@login_required
def dashboard(request, kind=None, slug=None, section=None):
    """A dashboard: every section, or (``section`` "demand") one section on its own page."""
    board = _dashboard(request, kind or "platform", slug)
    form, filters = _filters(request, board)
    data, snapshot = tables.dashboard_tables(board, filters, get_language(), section=section)
    chart_list = [(name, table, charts.bars(name, table["title"], table["rows"] or [], tables.CHART_VALUE[name]))
                  for name, table in data.items() if name in tables.CHART_VALUE]
    return render(request, "analytics/dashboard.html", {
        "board": board, "boards": selectors.dashboards_for(request.user), "form": form, "tables": data,
        "charts": chart_list, "times": data.get("times"), "query": request.GET.urlencode(), "snapshot": snapshot,
        "section": section, "deferred": not (snapshot and snapshot.built_at) and not tables.computed_now(),
        "threshold": suppression.threshold()})


@require_POST
@login_required
def refresh(request, kind=None, slug=None):
    """Compute the dashboard's figures for these filters in the background (the page shows a progress bar)."""
    from django.db import transaction

    from . import tasks

    board = _dashboard(request, kind or "platform", slug)
    _form, filters = filters_from_query(request.POST, board)
    snapshot = services.request_snapshot(board=board, filters=filters, language=get_language(), by=request.user)
    if snapshot.state == snapshot.State.PENDING:
        transaction.on_commit(lambda: tasks.build_snapshot.enqueue(snapshot_id=snapshot.pk))
    messages.success(request, _("The figures are being computed. The bar below shows how far along it is."))
    url = reverse("analytics:platform") if board.organization is None else reverse(
        "analytics:dashboard", kwargs={"kind": board.kind, "slug": board.organization.slug})
    query = filters.signature()
    return redirect(f"{url}?{query}" if query else url)


@require_GET
@login_required
def snapshot_progress(request, snapshot_id):
    """The progress bar of a snapshot being computed (polled by the page; only for someone who may open it)."""
    from .models import DashboardSnapshot

    snapshot = DashboardSnapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None:
        raise Http404(_("No such dashboard."))
    board_key = snapshot.key.partition("|")[0]
    kind, _sep, slug = board_key.partition(":")
    _dashboard(request, kind, slug or None)
    return render(request, "analytics/_snapshot.html", {"snapshot": snapshot})


@require_GET
@login_required
def dashboard_csv(request, table, kind=None, slug=None):
    board = _dashboard(request, kind or "platform", slug)
    if table not in tables.shown_on(board):
        raise Http404(_("No such table."))
    _form, filters = _filters(request, board)
    found = tables.dashboard_tables(board, filters, get_language())[0][table]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{board.kind}-{table}.csv"'
    writer = csv.writer(response)
    writer.writerow([key for key, _heading in found["columns"]])
    for row in found["rows"] or []:
        writer.writerow([SUPPRESSED if row.get(key) is None and key != "label" else formula_safe(str(row.get(key, "")))
                         for key, _heading in found["columns"]])
    return response


@require_http_methods(["GET", "POST"])
@login_required
def schools(request):
    orgs = selectors.importable_organizations(request.user)
    if not orgs:
        raise PermissionDenied(_("Only organization admins of a district, school or state agency import school attributes."))
    form = SchoolImportForm(request.POST or None, request.FILES or None,
                            organizations=Organization.objects.filter(pk__in=[o.pk for o in orgs]))
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.schools.MAX_BYTES:
                raise ValidationError(_("The file is larger than %(mb)s MB; nothing was imported.")
                                      % {"mb": services.schools.MAX_BYTES // (1024 * 1024)})
            report = services.import_school_attributes(organization=form.cleaned_data["organization"],
                                                       data=upload.read(), by=request.user,
                                                       dry_run=form.cleaned_data["dry_run"])
        except ValidationError as error:
            form.add_error("file", error.messages[0])
    status = 400 if request.method == "POST" and (form.errors or (report and report.problems)) else 200
    return render(request, "analytics/schools.html", {"form": form, "report": report, "organizations": orgs},
                  status=status)


@require_http_methods(["GET", "POST"])
@login_required
def me(request):
    """One's own optional, consented demographics (withdrawable) and findability."""
    user = request.user
    action = request.POST.get("action") if request.method == "POST" else None
    current = EducatorDemographics.objects.filter(user=user).first()
    find = Findability.objects.filter(user=user).first()
    demo_form = DemographicsForm(request.POST if action == "demographics" else None, prefix="d", initial={
        "race_ethnicity": current.race_ethnicity if current else "", "gender": current.gender if current else "",
        "consent": bool(current)})
    find_form = FindabilityForm(request.POST if action == "findability" else None, prefix="f", initial={
        "findable": bool(find and find.findable), "offers_mentoring": bool(find and find.offers_mentoring)})
    try:
        if action == "demographics" and demo_form.is_valid():
            services.save_demographics(user=user, by=user, **demo_form.cleaned_data)
            messages.success(request, _("Thank you: your answers are saved. You can withdraw them at any time."))
            return redirect("analytics:me")
        if action == "withdraw":
            if services.withdraw_demographics(user=user, by=user):
                messages.success(request, _("Your answers are deleted."))
            return redirect("analytics:me")
        if action == "findability" and find_form.is_valid():
            services.save_findability(user=user, by=user, **find_form.cleaned_data)
            messages.success(request, _("Your choice is saved."))
            return redirect("analytics:me")
    except ValidationError as error:
        for field, texts in getattr(error, "message_dict", {None: error.messages}).items():
            for text in texts:
                demo_form.add_error(field if field in demo_form.fields else None, text)
    status = 400 if action and (demo_form.errors or find_form.errors) else 200
    from .expertise import mentors_for

    return render(request, "analytics/me.html", {"demo_form": demo_form, "find_form": find_form, "current": current,
                                                 "mentors": mentors_for(user)}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def research(request):
    """The research export for platform admins: request one (built in the background), see and download the last."""
    from django.db import transaction

    from . import tasks
    from .models import ResearchExport

    if not policy.can_export_research(request.user):
        raise PermissionDenied(_("Only platform admins export research data."))
    if request.method == "POST":
        export = services.request_research_export(by=request.user)
        transaction.on_commit(lambda: tasks.build_research_export.enqueue(export_id=str(export.pk)))
        messages.success(request, _("The export is being prepared. Reload this page to see when it is ready."))
        return redirect("analytics:research")
    return render(request, "analytics/research.html", {"exports": ResearchExport.objects.all()[:10]})


@require_GET
@login_required
def research_download(request, export_id):
    from microcred.core.object_storage import download_response

    from .models import ResearchExport

    export = ResearchExport.objects.filter(pk=export_id, state=ResearchExport.State.READY).first()
    if export is None or not policy.can_export_research(request.user):
        raise Http404(_("No such export."))
    try:
        return download_response(export.storage_name, filename=f"research-{export.requested_at:%Y-%m-%d}.zip",
                                 content_type="application/zip")
    except OSError:
        raise Http404(_("No such export.")) from None


@require_GET
@login_required
def expertise(request):
    """District and school leaders find the opted-in holders of micro-credentials or stacks in their organizations."""
    from . import expertise as finder
    from .forms import ExpertiseForm

    if not policy.can_search_expertise(request.user):
        raise PermissionDenied(_("The expertise finder is for district and school leaders."))
    form = ExpertiseForm(request.GET or None)
    rows = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        rows = finder.find_holders(request.user, micro_credentials=[data["micro_credential"]] if data["micro_credential"] else [],
                                   stack=data["stack"])
    return render(request, "analytics/expertise.html", {"form": form, "rows": rows})


@require_http_methods(["GET", "POST"])
@login_required
def impact(request):
    """Impact data: an organization admin opts their organization in (or out, deleting its ratings) and imports its
    educators' evaluation or observation ratings by year (CSV)."""
    from .forms import ImpactImportForm
    from .models import ImpactOptIn

    orgs = [o for o in selectors.importable_organizations(request.user) if policy.can_manage_impact_data(request.user, o)]
    if not orgs:
        raise PermissionDenied(_("Only organization admins of a district, school or state agency manage impact data."))
    allowed = Organization.objects.filter(pk__in=[o.pk for o in orgs])
    opted = set(ImpactOptIn.objects.filter(organization__in=allowed).values_list("organization_id", flat=True))
    action = request.POST.get("action") if request.method == "POST" else None
    form = ImpactImportForm(request.POST if action == "import" else None, request.FILES if action == "import" else None,
                            organizations=allowed.filter(pk__in=opted))
    report = None
    if action in ("opt_in", "opt_out"):
        organization = allowed.filter(slug=request.POST.get("organization", "")[:80]).first()
        if organization is None:
            messages.error(request, _("Choose one of your organizations."))
        else:
            services.set_impact_opt_in(organization=organization, by=request.user, opted_in=action == "opt_in")
            messages.success(request, _("%(org)s takes part in impact data.") % {"org": organization.name}
                             if action == "opt_in" else
                             _("%(org)s no longer takes part; its ratings are deleted.") % {"org": organization.name})
        return redirect("analytics:impact")
    if action == "import" and form.is_valid():
        upload = form.cleaned_data["file"]
        from . import impact as reading

        try:
            if upload.size > reading.MAX_BYTES:
                raise ValidationError(_("The file is larger than %(mb)s MB; nothing was imported.")
                                      % {"mb": reading.MAX_BYTES // (1024 * 1024)})
            report = services.import_impact_ratings(organization=form.cleaned_data["organization"], data=upload.read(),
                                                    by=request.user, dry_run=form.cleaned_data["dry_run"])
        except ValidationError as error:
            form.add_error("file", error.messages[0])
    status = 400 if action == "import" and (form.errors or (report and report.problems)) else 200
    return render(request, "analytics/impact.html", {
        "form": form, "report": report, "organizations": [(o, o.pk in opted) for o in orgs], "any_opted": bool(opted)},
        status=status)
