"""Growth plans (earner and guide), district/state priorities, sponsorship and fees. Thin: parse, call, render."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from microcred.catalog import selectors as catalog_selectors
from microcred.catalog import translation
from microcred.catalog.models import MicroCredential

from . import fees, plans
from .forms_plans import GoalsForm, PriorityForm, ProposeItemForm, SupervisorForm, VoucherForm
from .models import PlanItem


def _attach(form, exc: ValidationError) -> None:
    """Put a service's errors on the form: on the field it names, otherwise on top."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for field, msgs in errors.items():
        for msg in msgs:
            form.add_error(field if field in form.fields else None, msg)


def _propose_form(request, plan, data=None) -> ProposeItemForm:
    # What can be proposed is what the earner can see in the catalog; a guide is offered only what both can see.
    choices = catalog_selectors.visible_micro_credentials(plan.earner)
    if request.user.pk != plan.earner_id:
        choices = choices.filter(pk__in=catalog_selectors.visible_micro_credentials(request.user).values("pk"))
    return ProposeItemForm(data, prefix="propose", micro_credentials=choices, stacks=catalog_selectors.visible_stacks(user=plan.earner))


def _propose(request, plan, form) -> bool:
    if not form.is_valid():
        return False
    try:
        item = plans.propose_item(plan=plan, by=request.user, micro_credential=form.cleaned_data["micro_credential"],
                                  stack=form.cleaned_data["stack"], note=form.cleaned_data["note"])
    except ValidationError as exc:
        _attach(form, exc)
        return False
    messages.success(request, _("Added “%(item)s” to the growth plan.") % {"item": item})
    return True


@login_required
def my_plan(request):
    plan = plans.plan_for(request.user)
    action = request.POST.get("action") if request.method == "POST" else None
    goals_form = GoalsForm(request.POST if action == "goals" else None, initial={"goals": plan.goals})
    propose_form = _propose_form(request, plan, request.POST if action == "propose" else None)
    supervisor_form = SupervisorForm(request.POST if action == "supervisor" else None,
                                     candidates=plans.supervisor_candidates(plan.earner),
                                     initial={"supervisor": plan.supervisor.username if plan.supervisor_id else ""})
    if action == "goals" and goals_form.is_valid():
        try:
            plans.update_goals(plan=plan, by=request.user, goals=goals_form.cleaned_data["goals"])
        except ValidationError as exc:
            _attach(goals_form, exc)
        else:
            messages.success(request, _("Goals saved."))
            return redirect("earning:plan")
    elif action == "propose" and _propose(request, plan, propose_form):
        return redirect("earning:plan")
    elif action == "supervisor" and supervisor_form.is_valid():
        supervisor = supervisor_form.cleaned_data["supervisor"]
        try:
            plans.set_supervisor(plan=plan, by=request.user, supervisor=supervisor)
        except ValidationError as exc:
            _attach(supervisor_form, exc)
        else:
            messages.success(request, _("%(name)s is now your supervisor.") % {"name": supervisor.get_full_name() or supervisor.username}
                             if supervisor else _("Supervisor removed."))
            return redirect("earning:plan")
    elif action is not None and action not in ("goals", "propose", "supervisor"):
        messages.error(request, _("Unknown action."))
    if request.method == "POST" and action in ("goals", "propose", "supervisor"):
        messages.error(request, _("Nothing was saved; see the marked field below."))
    recommendations = plans.recommendations(earner=request.user, limit=6)
    translation.localize_summaries([r["version"] for r in recommendations], get_language())
    return render(request, "earning/plan.html", {
        "plan": plan, "items": _localized_items(plan), "goals_form": goals_form, "propose_form": propose_form,
        "supervisor_form": supervisor_form, "recommendations": recommendations,
    })


def _localized_items(plan) -> list[dict]:
    """The plan's items, an MC's title in the reader's language where translated (one query for them all)."""
    items = plans.plan_items(plan)
    versions = [row["item"].micro_credential.current_version for row in items if row["item"].micro_credential_id]
    translation.localize_summaries([v for v in versions if v is not None], get_language())
    for row in items:
        mc = row["item"].micro_credential
        if mc is not None and mc.current_version is not None:
            row["label"], row["content_language"] = mc.current_version.title, mc.current_version.content_language
        else:
            row["content_language"] = "en"
    return items


@login_required
def plan_for_earner(request, earner_id):
    plan = plans.plan_for_guide(user=request.user, earner_id=earner_id)
    action = request.POST.get("action") if request.method == "POST" else None
    propose_form = _propose_form(request, plan, request.POST if action == "propose" else None)
    if action == "propose":
        if _propose(request, plan, propose_form):
            return redirect("earning:plan_for_earner", earner_id=plan.earner_id)
        messages.error(request, _("Nothing was added; see the marked field below."))
    elif action in ("approve", "decline"):
        item_id = request.POST.get("item", "")
        item = PlanItem.objects.filter(pk=int(item_id), plan=plan).first() if item_id.isdigit() else None
        if item is None:
            raise Http404("No such item on this plan.")
        plans.decide_item(item=item, by=request.user, approve=action == "approve")
        messages.success(request, (_("Approved “%(item)s”.") if action == "approve" else _("Declined “%(item)s”.")) % {"item": item})
        return redirect("earning:plan_for_earner", earner_id=plan.earner_id)
    elif action is not None:
        messages.error(request, _("Unknown action."))
    return render(request, "earning/plan_for_earner.html", {
        "plan": plan, "earner": plan.earner, "items": _localized_items(plan), "propose_form": propose_form,
        "is_supervisor": plan.supervisor_id == request.user.pk,
    })


@login_required
def priorities(request):
    organizations = plans.priority_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("Priorities are set by recognizer admins of districts and state agencies."))
    action = request.POST.get("action") if request.method == "POST" else None
    form = PriorityForm(request.POST if action == "mark" else None, organizations=organizations,
                        micro_credentials=catalog_selectors.visible_micro_credentials(request.user))
    if action == "mark":
        if form.is_valid():
            d = form.cleaned_data
            try:
                plans.mark_priority(organization=d["organization"], micro_credential=d["micro_credential"], by=request.user,
                                    reason=d["reason"])
            except ValidationError as exc:
                _attach(form, exc)
            else:
                messages.success(request, _("“%(mc)s” is a priority of %(org)s.") % {"mc": d["micro_credential"], "org": d["organization"].name})
                return redirect("earning:priorities")
        messages.error(request, _("Nothing was saved; see the marked field below."))
    elif action == "unmark":
        organization = organizations.filter(slug=request.POST.get("organization", "")).first()
        mc = MicroCredential.objects.filter(slug=request.POST.get("micro_credential", "")).first()
        if organization is None or mc is None:
            raise Http404("No such priority.")
        plans.unmark_priority(organization=organization, micro_credential=mc, by=request.user)
        messages.success(request, _("“%(mc)s” is no longer a priority of %(org)s.") % {"mc": mc, "org": organization.name})
        return redirect("earning:priorities")
    elif action is not None:
        messages.error(request, _("Unknown action."))
    return render(request, "earning/priorities.html", {
        "form": form, "priorities": plans.priorities_of(organizations), "organizations": organizations,
    })


def _sponsor_organizations(request):
    organizations = fees.sponsor_organizations(request.user)
    if not organizations.exists():
        raise PermissionDenied(_("Sponsorship is managed by recognizer, issuer and platform admins."))
    return organizations


@login_required
def sponsorship(request):
    organizations = _sponsor_organizations(request)
    form = VoucherForm(request.POST if request.method == "POST" else None, organizations=organizations,
                       micro_credentials=catalog_selectors.visible_micro_credentials(request.user))
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                voucher = fees.create_voucher(sponsor=d["sponsor"], by=request.user, code=d["code"] or None,
                                              automatic_for_members=d["automatic_for_members"], micro_credentials=d["micro_credentials"],
                                              max_uses=d["max_uses"], expires_at=form.expires_at())
            except ValidationError as exc:
                _attach(form, exc)
            else:
                if voucher.code:
                    done = _("Created the code %(code)s for %(org)s.") % {"code": voucher.code, "org": voucher.sponsor.name}
                else:
                    done = _("Created the automatic voucher for %(org)s.") % {"org": voucher.sponsor.name}
                messages.success(request, done)
                return redirect("earning:sponsorship")
        messages.error(request, _("The voucher was not created; see the marked field below."))
    return render(request, "earning/sponsorship.html", {
        "form": form, "vouchers": fees.vouchers_of(organizations),
        "obligations": fees.fee_obligations(organizations=organizations)[:500],
    })


@login_required
def fees_csv(request):
    organizations = _sponsor_organizations(request)
    slug = request.GET.get("organization", "")[:80]
    if slug:
        organizations = organizations.filter(slug=slug)
        if not organizations.exists():
            raise Http404("No such organization.")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fees-{dt.date.today():%Y-%m-%d}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    fees.write_fee_csv(fees.fee_obligations(organizations=organizations), response)
    return response
