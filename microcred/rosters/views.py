"""Pages of rosters: upload an import (run in the background), its progress and report, the history, the sync."""
from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from microcred.accounts.models import Organization
from microcred.core.spreadsheets import formula_safe

from . import selectors, services, tasks
from .forms import ImportForm, SyncForm

PAGE_SIZE = 25
PROBLEMS_PAGE_SIZE = 50


def _organizations(request) -> list[Organization]:
    orgs = selectors.importable_organizations(request.user)
    if not orgs:
        raise PermissionDenied(_("Only organization admins of a district, school or state agency import rosters."))
    return orgs


@login_required
def index(request):
    orgs = _organizations(request)
    queryset = Organization.objects.filter(pk__in=[o.pk for o in orgs])
    form = ImportForm(request.POST or None, request.FILES or None, organizations=queryset)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.start_upload(organization=form.cleaned_data["organization"], kind=form.cleaned_data["kind"],
                                        upload=form.cleaned_data["file"], dry_run=form.cleaned_data["dry_run"],
                                        by=request.user)
        except ValidationError as error:
            form.add_error("file", error.messages[0])
        else:
            transaction.on_commit(lambda: tasks.run_import_task.enqueue(run.pk))
            return redirect("rosters:run", pk=run.pk)
    page = Paginator(selectors.runs_for(orgs), PAGE_SIZE).get_page(request.GET.get("page"))
    syncs = selectors.syncs_for(orgs)
    return render(request, "rosters/index.html", {
        "form": form, "page": page, "sync_form": SyncForm(organizations=queryset),
        "syncs": [(org, syncs.get(org.pk)) for org in orgs]})


@login_required
def sync(request):
    orgs = _organizations(request)
    form = SyncForm(request.POST or None, organizations=Organization.objects.filter(pk__in=[o.pk for o in orgs]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.configure_sync(organization=data["organization"], folder=data["folder"], url=data["url"],
                                    every_hours=data["every_hours"], enabled=data["enabled"], by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, _("The scheduled sync of %(org)s is saved.") % {"org": data["organization"]})
            return redirect("rosters:index")
    return render(request, "rosters/sync.html", {"form": form})


def _run(request, pk):
    run = selectors.run_for(request.user, pk)
    if run is None:
        raise Http404(_("No such import."))
    return run


@login_required
@require_GET
def run_detail(request, pk):
    run = _run(request, pk)
    problems = Paginator(selectors.problems_of(run), PROBLEMS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rosters/run.html", {"run": run, "problems": problems})


@login_required
@require_GET
def run_progress(request, pk):
    """The progress bar, polled by htmx while the run is queued or running; once it ends the page reloads."""
    run = _run(request, pk)
    response = render(request, "rosters/_progress.html", {"run": run})
    if run.done and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def problems_csv(request, pk):
    run = _run(request, pk)

    class Echo:
        def write(self, value):
            return value

    writer = csv.writer(Echo())

    def lines():
        yield writer.writerow(["file", "row", "column", "message"])
        for p in selectors.problems_of(run).iterator():
            yield writer.writerow([formula_safe(p.file), p.row or "", formula_safe(p.column), formula_safe(p.message)])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-problems.csv"'
    return response
