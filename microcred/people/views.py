"""The people pages: search, a person's page, and its actions (roles, coach, cohort, deactivate, reactivate).
Thin: parse the form, call a service or selector, render. A refusal of the policy is the site's 403 page with the
service's message; bad input is a form error on the person's page; destructive actions ask for confirmation."""
from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from microcred.accounts.models import Role

from . import selectors, services
from .forms import CoachForm, CohortForm, RoleForm, SearchForm

PAGE_SIZE = 25


@login_required
@require_GET
def search(request):
    """Search the people of the organizations one manages."""
    selectors.require_people_admin(request.user)
    form = SearchForm(request.GET or None, user=request.user)
    page, query = None, ""
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        people = selectors.search_people(request.user, q=data.get("q", ""), organization=data.get("organization"),
                                         role=data.get("role", ""), status=data.get("status", ""))
        page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
        query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return render(request, "people/search.html", {"form": form, "page": page, "query": query}, status=200 if page is not None else 400)


@login_required
@require_GET
def person(request, pk):
    """One person, as the admin sees them."""
    return _render_person(request, selectors.visible_person(request.user, pk))


def _render_person(request, person, *, status=200, **forms):
    page = selectors.person_page(request.user, person)
    forms.setdefault("role_form", RoleForm(user=request.user))
    forms.setdefault("coach_form", CoachForm(page=page))
    forms.setdefault("cohort_form", CohortForm(page=page))
    return render(request, "people/person.html", {**page, **forms}, status=status)


def _confirm(request, person, *, title: str, message: str, button: str):
    """The confirmation step of a destructive action: the same POST again, with ``confirmed``."""
    fields = [(k, v) for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "confirmed")]
    return render(request, "people/confirm.html", {"person": person, "title": title, "message": message, "button": button,
                                                   "fields": fields, "action": request.path})


def _confirmed(request) -> bool:
    return request.POST.get("confirmed") == "yes"


def _back(person):
    return redirect("people:person", pk=person.pk)


@login_required
@require_POST
def roles(request, pk):
    person = selectors.visible_person(request.user, pk)
    form = RoleForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_person(request, person, status=400, role_form=form)
    organization, role, grant = form.cleaned_data["organization"], form.cleaned_data["role"], form.cleaned_data["action"] != "revoke"
    label = Role(role).label
    if not grant and not _confirmed(request):
        return _confirm(request, person, title=_("Take away a role"), button=_("Take away the role"),
                        message=_("Take away the role “%(role)s” at %(org)s from %(person)s?")
                        % {"role": label, "org": organization.name, "person": person})
    services.change_role(by=request.user, person=person, organization=organization, role=role, grant=grant)
    if grant:
        messages.success(request, _("%(person)s now holds the role “%(role)s” at %(org)s.")
                         % {"person": person, "role": label, "org": organization.name})
    else:
        messages.success(request, _("%(person)s no longer holds the role “%(role)s” at %(org)s.")
                         % {"person": person, "role": label, "org": organization.name})
    return _back_or_list(request, person)


def _back_or_list(request, person):
    """Back to the person, or to the list when they no longer belong to any organization the admin manages."""
    try:
        selectors.visible_person(request.user, person.pk)
    except Http404:  # the last membership in the admin's organizations ended
        return redirect("people:search")
    return _back(person)


@login_required
@require_POST
def coaches(request, pk):
    person = selectors.visible_person(request.user, pk)
    page = selectors.person_page(request.user, person)
    form = CoachForm(request.POST, page=page)
    if not form.is_valid():
        return _render_person(request, person, status=400, coach_form=form)
    coach = form.cleaned_data["coach"]
    if form.cleaned_data["action"] == "unassign":
        if not _confirmed(request):
            return _confirm(request, person, title=_("End a coach assignment"), button=_("End the assignment"),
                            message=_("%(coach)s will no longer coach %(person)s (and no longer see drafts they share).")
                            % {"coach": coach, "person": person})
        services.end_coach_assignment(by=request.user, earner=person, coach=coach)
        messages.success(request, _("%(coach)s no longer coaches %(person)s.") % {"coach": coach, "person": person})
    else:
        services.appoint_coach(by=request.user, earner=person, coach=coach)
        messages.success(request, _("%(coach)s now coaches %(person)s.") % {"coach": coach, "person": person})
    return _back(person)


@login_required
@require_POST
def cohorts(request, pk):
    person = selectors.visible_person(request.user, pk)
    page = selectors.person_page(request.user, person)
    form = CohortForm(request.POST, page=page)
    if not form.is_valid():
        return _render_person(request, person, status=400, cohort_form=form)
    cohort = form.cleaned_data["cohort"]
    if form.cleaned_data["action"] == "remove":
        if not _confirmed(request):
            return _confirm(request, person, title=_("Remove from a cohort"), button=_("Remove from the cohort"),
                            message=_("Remove %(person)s from the cohort “%(cohort)s”? Their attempts stay.")
                            % {"person": person, "cohort": cohort})
        services.change_cohort(by=request.user, person=person, cohort=cohort, add=False)
        messages.success(request, _("%(person)s left the cohort “%(cohort)s”.") % {"person": person, "cohort": cohort})
    else:
        services.change_cohort(by=request.user, person=person, cohort=cohort, add=True)
        messages.success(request, _("%(person)s joined the cohort “%(cohort)s”.") % {"person": person, "cohort": cohort})
    return _back(person)


@login_required
@require_http_methods(["GET", "POST"])
def deactivate(request, pk):
    """GET (or POST without confirmation): what deactivating would do; POST confirmed: do it."""
    person = selectors.visible_person(request.user, pk)
    plan = selectors.deactivation_plan(request.user, person)
    if request.method == "GET" or not _confirmed(request) or plan["kind"] == "refused":
        if plan["kind"] == "refused" and request.method == "POST":
            services.deactivate(by=request.user, person=person)  # raises PermissionDenied with the reason
        return render(request, "people/deactivate.html", {"person": person, "plan": plan})
    done = services.deactivate(by=request.user, person=person)
    if done.kind == "deactivated":
        messages.success(request, _("%(person)s's account is deactivated: they can no longer sign in, and their "
                                    "credentials stay valid.") % {"person": person})
        return _back(person)
    ended = ", ".join(f"{Role(m.role).label} — {m.organization.name}" for m in done.memberships)
    messages.warning(request, _("%(person)s also belongs to organizations you do not manage, so their account stays "
                                "active. Only their memberships in your organizations ended: %(ended)s.")
                     % {"person": person, "ended": ended})
    return _back_or_list(request, person)


@login_required
@require_POST
def reactivate(request, pk):
    person = selectors.visible_person(request.user, pk)
    services.reactivate(by=request.user, person=person)
    messages.success(request, _("%(person)s can sign in again.") % {"person": person})
    return _back(person)
