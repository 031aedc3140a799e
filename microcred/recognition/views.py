"""Recognition pages: the educator's "what my work is worth" and portability; the recognizer's policies (authoring,
dry run, publish), qualifiers, educator facts and the awards CSV. Thin: check, call a service or selector, render."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.accounts import policy as authz
from microcred.accounts.models import Organization

from . import selectors, services, tasks
from .exports import csv_lines
from .forms import FactForm, PolicyDocumentForm, document_text, read_document
from .models import Award, Policy

# --- Educator ------------------------------------------------------------------------------------------------------

@require_GET
@login_required
def worth(request):
    """What my work is worth: progress under every policy of my own state and district, and my awards."""
    labels = selectors.credential_names(request.user)
    awards = [(a, [labels.get(c, _("credential %(id)s") % {"id": c}) for c in a.provenance.get("credentials", [])])
              for a in selectors.all_awards_for(request.user)]
    return render(request, "recognition/worth.html", {
        "rows": _progress_rows(selectors.educator_progress(request.user), labels), "awards": awards})


def _progress_rows(progress, labels) -> list[dict]:
    return [{"p": p, "counted": [labels.get(c, c) for c in p.evaluation.counted]} for p in progress]


@require_GET
@login_required
def portability(request):
    """What the same credentials would count for under other recognizers' published policies (nothing saved)."""
    return render(request, "recognition/portability.html", {
        "rows": _progress_rows(selectors.portability(request.user), selectors.credential_names(request.user))})


# --- Recognizer ----------------------------------------------------------------------------------------------------

def _recognizers(user):
    recognizers = list(selectors.managed_recognizers(user))
    if not recognizers:
        raise PermissionDenied(_("Recognition policies are managed by the recognizer admins of a state, district or university."))
    return recognizers


def _managed_recognizer(user, slug: str) -> Organization:
    recognizer = get_object_or_404(Organization, slug=slug)
    if not authz.can_manage_recognizer(user, recognizer):
        raise PermissionDenied(_("Only the recognizer admins of %(recognizer)s manage its policies.") % {"recognizer": recognizer.name})
    return recognizer


def _errors(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(path, m) for path, msgs in exc.message_dict.items() for m in msgs]
    return [("", m) for m in exc.messages]


def _save_draft(request, recognizer: Organization, form: PolicyDocumentForm):
    """(draft, errors): a refused document saves nothing and the page re-renders exactly what was typed."""
    if not form.is_valid():
        return None, [("$", m) for m in form.errors.get("document", [])]
    try:
        document = read_document(form.cleaned_data["document"])
        return services.create_or_update_draft(recognizer=recognizer, document=document, by=request.user), []
    except ValidationError as exc:
        return None, _errors(exc)
    except RecursionError:
        return None, [("$", _("The document is nested too deeply."))]


@require_GET
@login_required
def manage(request):
    recognizers = _recognizers(request.user)
    policies: dict[int, dict[str, list[Policy]]] = {r.pk: {} for r in recognizers}
    for p in selectors.policies_of(recognizers):
        policies[p.recognizer_id].setdefault(p.slug, []).append(p)
    return render(request, "recognition/manage.html", {
        "recognizers": [(r, list(policies[r.pk].values())) for r in recognizers]})


def starter_document(recognizer: Organization) -> str:
    return document_text({
        "format": "microcred.policy/1", "slug": f"{recognizer.slug}-renewal", "title": f"{recognizer.name} renewal credit",
        "recognizer": recognizer.slug, "effective_from": timezone.localdate().isoformat(),
        "approved": {"issuers": [], "micro_credentials": [], "stacks": [], "tags": []},
        "rules": [{"kind": "convert", "per_mc": 6, "unit": "PDP"}, {"kind": "cycle_window", "years": 5},
                  {"kind": "threshold", "unit": "PDP", "min": 60}],
        "outcomes": [{"key": "renewal", "kind": "credits", "name": "License renewal credit", "unit": "PDP"}]})


@require_http_methods(["GET", "POST"])
@login_required
def policy_new(request, recognizer):
    recognizer = _managed_recognizer(request.user, recognizer)
    errors = []
    if request.method == "POST":
        form = PolicyDocumentForm(request.POST)
        draft, errors = _save_draft(request, recognizer, form)
        if draft:
            messages.success(request, _("Draft version %(n)s of “%(title)s” saved. Dry-run it before publishing.") % {
                "n": draft.version, "title": draft.title})
            return redirect("recognition:policy", slug=draft.slug)
    else:
        form = PolicyDocumentForm(initial={"document": starter_document(recognizer)})
    return render(request, "recognition/policy_edit.html", {"recognizer": recognizer, "form": form, "errors": errors,
                                                            "versions": []},
                  status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def policy(request, slug):
    """A policy's versions and its document, editable: saving makes (or updates) the draft."""
    versions = selectors.managed_policy_versions(user=request.user, slug=slug)
    recognizer = versions[0].recognizer
    errors = []
    if request.method == "POST":
        form = PolicyDocumentForm(request.POST)
        draft, errors = _save_draft(request, recognizer, form)
        if draft:
            messages.success(request, _("Draft version %(n)s of “%(title)s” saved. Dry-run it before publishing.") % {
                "n": draft.version, "title": draft.title})
            return redirect("recognition:policy", slug=draft.slug)
    else:
        form = PolicyDocumentForm(initial={"document": document_text(versions[0].document)})
    return render(request, "recognition/policy_edit.html", {
        "recognizer": recognizer, "form": form, "errors": errors, "versions": versions, "slug": slug,
        "draft": next((v for v in versions if v.state == Policy.State.DRAFT), None),
        "published": next((v for v in versions if v.state == Policy.State.PUBLISHED), None)},
        status=400 if errors else 200)


def _version(user, slug: str, version: int) -> Policy:
    found = next((v for v in selectors.managed_policy_versions(user=user, slug=slug) if v.version == version), None)
    if found is None:
        raise Http404("No such version.")
    return found


def _dry_run(policy, user):
    """The dry run's rows, problems and summary (educators, would qualify, and a count per change: award, …)."""
    try:
        rows = services.dry_run(policy, by=user)
    except ValidationError as exc:  # e.g. a reciprocity partner is no longer published
        rows, problems = [], _errors(exc)
    else:
        problems = []
    summary = {"educators": len(rows), "qualify": sum(1 for r in rows if r.evaluation.outcomes and r.evaluation.outcomes[0].achieved)}
    for r in rows:
        for c in r.changes:
            summary[c.action] = summary.get(c.action, 0) + 1
    return rows, problems, summary


@require_GET
@login_required
def dry_run(request, slug, version):
    """Who would qualify under this version and what would change against today's awards; writes nothing."""
    policy = _version(request.user, slug, version)
    rows, problems, summary = _dry_run(policy, request.user)
    return render(request, "recognition/dry_run.html", {"policy": policy, "rows": rows, "summary": summary, "problems": problems})


@require_POST
@login_required
def publish(request, slug, version):
    """Publish in two steps: the first shows what publishing will do (new awards, superseded, withdrawn: the dry
    run's counts) and asks to confirm; the second (``confirmed=yes``) publishes and re-evaluates everyone."""
    policy = _version(request.user, slug, version)
    if request.POST.get("confirmed") != "yes" and policy.state == Policy.State.DRAFT:
        _rows, problems, summary = _dry_run(policy, request.user)
        return render(request, "recognition/publish_confirm.html",
                      {"policy": policy, "summary": summary, "problems": problems})
    try:
        published = services.publish_and_reevaluate(policy=policy, by=request.user)
    except ValidationError as exc:
        for path, message in _errors(exc):
            messages.error(request, f"{path}: {message}" if path else message)
        return redirect("recognition:policy", slug=slug)
    messages.success(request, _("Version %(n)s of “%(title)s” is published; educators are being re-evaluated.") % {
        "n": published.version, "title": published.title})
    return redirect("recognition:qualifiers", slug=slug)


def _page_number(raw) -> int:
    try:
        return min(max(int(raw), 1), 100_000)
    except (TypeError, ValueError):
        return 1


@require_GET
@login_required
def qualifiers(request, slug):
    """Who qualifies or is close, read from the stored standings (docs/decisions/0040), a page of each list at a
    time; when the policy has none yet, their build is enqueued and the page says how far it is."""
    versions = selectors.managed_policy_versions(user=request.user, slug=slug)
    policy = next((v for v in versions if v.state == Policy.State.PUBLISHED), versions[0])
    size = selectors.QUALIFIERS_PAGE_SIZE
    pages = {name: _page_number(request.GET.get(name)) for name in ("qualified_page", "close_page", "school_page")}
    offsets = {"qualified_offset": (pages["qualified_page"] - 1) * size, "close_offset": (pages["close_page"] - 1) * size}
    data = selectors.stored_qualifiers(policy, **offsets)
    if data is None:
        tasks.ensure_qualifiers(policy)
        data = selectors.stored_qualifiers(policy, **offsets)  # an immediate task backend has built it already
    if data is None:
        return render(request, "recognition/qualifiers_pending.html",
                      {"policy": policy, "snapshot": selectors.qualifier_snapshot(policy)})
    # a state has thousands of schools: the page shows one page of them (the API and the CSV give them all)
    pages["school_page"] = min(pages["school_page"], max(1, -(-len(data["by_school"]) // size)))
    school = (pages["school_page"] - 1) * size
    data = {**data, "by_school": data["by_school"][school:school + size], "school_count": len(data["by_school"])}
    paging = {name: _pager(pages, name, data[f"{name}_count"], size) for name in ("qualified", "close", "school")}
    return render(request, "recognition/qualifiers.html", {"data": data, "policy": policy, "paging": paging})


ANCHORS = {"qualified": "qualified", "close": "close", "school": "by-school"}


def _pager(pages: dict, name: str, count: int, size: int) -> dict:
    """One list's page, its count of pages and the links to its neighbours (which keep the other lists' pages)."""
    param, page = f"{name}_page", pages[f"{name}_page"]
    last = max(1, -(-count // size))

    def link(n):
        return "?" + urlencode({**pages, param: n}) + "#" + ANCHORS[name] if 1 <= n <= last else None

    return {"page": page, "pages": last, "previous": link(page - 1), "next": link(page + 1)}


@require_http_methods(["GET", "POST"])
@login_required
def facts(request, recognizer):
    """Record a fact the recognizer holds about an educator in its jurisdiction (years licensed, rating…)."""
    recognizer = _managed_recognizer(request.user, recognizer)
    form = FactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        educator = get_user_model().objects.filter(username=form.cleaned_data["username"]).first()
        try:
            services.record_educator_fact(recognizer=recognizer, educator=educator, key=form.cleaned_data["key"],
                                          value=form.cleaned_data["value"], by=request.user)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                for m in msgs:
                    form.add_error(field if field in form.fields else ("username" if field == "educator" else None), m)
        else:
            messages.success(request, _("Saved %(fact)s for %(name)s.") % {"fact": form.cleaned_data["key"],
                                                                           "name": educator.get_full_name() or educator.username})
            return redirect("recognition:facts", recognizer=recognizer.slug)
    return render(request, "recognition/facts.html", {"recognizer": recognizer, "form": form},
                  status=400 if form.is_bound and form.errors else 200)


@require_GET
@login_required
def awards_csv(request, recognizer):
    """Awards for licensure and payroll systems: one row per award of an educator in the jurisdiction."""
    recognizer = _managed_recognizer(request.user, recognizer)
    state = request.GET.get("state", Award.State.ACTIVE)
    if state not in (*Award.State.values, "all"):
        state = Award.State.ACTIVE
    rows = selectors.awards_export(recognizer, policy_slug=request.GET.get("policy") or None, state=None if state == "all" else state)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="awards-{recognizer.slug}-{dt.date.today().isoformat()}.csv"'
    return response
