"""Growth plans, district and state priorities, and what to earn next: the services and selectors behind them.

Who may do what:
- the earner writes their goals, proposes items and names their supervisor;
- the supervisor named on the plan and the earner's active coaches propose ("guided choice") and approve or decline items;
- recognizer admins of a district or state agency (and platform admins) mark that organization's priority MCs.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_noop
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from microcred.accounts import policy
from microcred.accounts.models import EducatorProfile, Membership, Organization, User
from microcred.catalog import selectors as catalog_selectors
from microcred.catalog.coverage import UNKNOWN, coverage_for
from microcred.catalog.models import MicroCredential, MicroCredentialVersion, Stack
from microcred.core import audit
from microcred.core.i18n import Later

from .models import Attempt, CoachAssignment, GrowthPlan, PlanItem, PriorityMicroCredential
from .notifications import notify

MAX_GOALS = 5000
MAX_NOTE = 500
MAX_REASON = 300
PRIORITY_KINDS = (Organization.Kind.DISTRICT, Organization.Kind.STATE_AGENCY)
OPEN_ITEM_STATES = (PlanItem.State.PROPOSED, PlanItem.State.APPROVED)
OPEN_ATTEMPT_STATES = (Attempt.State.DRAFT, Attempt.State.SUBMITTED, Attempt.State.NOT_YET)

# EducatorProfile.Position → EducatorRole slug, and how a reason names the role.
POSITION_ROLES = {
    EducatorProfile.Position.TEACHER: ("teacher", gettext_lazy("Written for teachers")),
    EducatorProfile.Position.PRINCIPAL: ("principal", gettext_lazy("Written for principals and school leaders")),
    EducatorProfile.Position.COUNSELOR: ("counselor", gettext_lazy("Written for counselors")),
    EducatorProfile.Position.PARAPROFESSIONAL: ("paraprofessional", gettext_lazy("Written for paraprofessionals")),
    EducatorProfile.Position.ASPIRING_TEACHER: ("aspiring-teacher", gettext_lazy("Written for aspiring teachers")),
    EducatorProfile.Position.COACH: ("coach", gettext_lazy("Written for instructional coaches")),
}


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else _("someone")


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- Who is who ------------------------------------------------------------------------------

# The rules themselves are the policy's (accounts/policy.py); these names stay for this module's callers.
can_guide = policy.can_guide


def _can_propose(user, plan: GrowthPlan) -> bool:
    return _authenticated(user) and (user.pk == plan.earner_id or can_guide(user, plan))


# --- Plans -----------------------------------------------------------------------------------

def plan_for(earner) -> GrowthPlan:
    """The earner's growth plan, created empty the first time. Safe under concurrent first visits."""
    if not _authenticated(earner):
        raise PermissionDenied(_("Log in to see your growth plan."))
    plan, _created = GrowthPlan.objects.get_or_create(earner=earner)
    return plan


def plan_for_guide(*, user, earner_id: int) -> GrowthPlan:
    """The plan of an earner this person supervises or coaches, or 404 (nothing leaks about other earners)."""
    earner = User.objects.filter(pk=earner_id).first()
    if earner is None or not _authenticated(user) or user.pk == earner.pk:
        raise Http404("No such growth plan.")
    plan = GrowthPlan.objects.filter(earner=earner).select_related("earner", "supervisor").first()
    if plan is not None and can_guide(user, plan):
        return plan
    if plan is None and policy.is_coach_of(user, earner):
        return plan_for(earner)
    raise Http404("No such growth plan.")


def update_goals(*, plan: GrowthPlan, by, goals: str) -> GrowthPlan:
    """Replace the plan's goals. Only the earner writes their goals; at most 5,000 characters."""
    if not _authenticated(by) or by.pk != plan.earner_id:
        raise PermissionDenied(_("Only the earner writes the goals of their growth plan."))
    goals = (goals or "").replace("\x00", "").strip()
    if len(goals) > MAX_GOALS:
        raise ValidationError({"goals": [_("Keep your goals under %(limit)s characters (they have %(n)s).") % {"limit": f"{MAX_GOALS:,}", "n": f"{len(goals):,}"}]})
    plan.goals = goals
    with transaction.atomic():
        plan.save(update_fields=["goals", "updated_at"])
        audit.record(actor=by, action="plan.goals_updated", target=plan, data={"length": len(goals)})
    return plan


NOT_A_SUPERVISOR = gettext_lazy("No active person of your school or district has that username. Your supervisor must belong to "
                                "one of your organizations; check the spelling with them.")


def supervisor_candidates(earner):
    """Everyone who may be named supervisor of ``earner``'s plan (``policy.can_supervise``): active people of the
    earner's organizations, the earner excepted."""
    org_ids = Membership.objects.filter(user=earner).values("organization_id")
    return (User.objects.filter(is_active=True, memberships__organization_id__in=org_ids)
            .exclude(pk=earner.pk).distinct())


def set_supervisor(*, plan: GrowthPlan, by, supervisor) -> GrowthPlan:
    """Name (or with None, clear) the supervisor who may propose and approve items. The earner or a platform admin."""
    if not policy.can_choose_supervisor(by, plan):
        raise PermissionDenied(_("Only the earner (or a platform admin) chooses the supervisor of a growth plan."))
    if supervisor is not None and supervisor.pk == plan.earner_id:
        raise ValidationError({"supervisor": [_("You cannot supervise your own growth plan; name your principal or supervisor.")]})
    if supervisor is not None and not policy.can_supervise(supervisor, plan.earner):
        # One message whether the account is missing, inactive or elsewhere: a plan does not reveal who exists.
        raise ValidationError({"supervisor": [NOT_A_SUPERVISOR]})
    if plan.supervisor_id == (supervisor.pk if supervisor else None):
        return plan
    with transaction.atomic():
        plan.supervisor = supervisor
        plan.save(update_fields=["supervisor", "updated_at"])
        audit.record(actor=by, action="plan.supervisor_set", target=plan,
                     data={"supervisor": supervisor.username if supervisor else None})
        if supervisor is not None:
            notify(user=supervisor, kind="plan", url=reverse("earning:plan_for_earner", args=[plan.earner_id]),
                   message=Later(gettext_noop("%(name)s named you as supervisor of their growth plan."), name=_name(plan.earner)))
    return plan


def _item_label(item: PlanItem) -> str:
    if item.micro_credential_id:
        return str(item.micro_credential)
    return item.stack.title


def propose_item(*, plan: GrowthPlan, by, micro_credential: MicroCredential | None = None, stack: Stack | None = None,
                 note: str = "") -> PlanItem:
    """Put an MC or a stack on the plan as "proposed".

    The earner, their supervisor or an active coach may propose; a proposal by a supervisor or coach is a
    guided choice and the earner is told about it. An MC or stack already proposed or approved on this plan
    is refused, so a double click cannot add it twice."""
    if not _can_propose(by, plan):
        raise PermissionDenied(_("Only the earner, their supervisor or their coach may add to this growth plan."))
    if (micro_credential is None) == (stack is None):
        raise ValidationError({"__all__": [_("Choose one micro-credential or one stack.")]})
    note = (note or "").replace("\x00", "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": [_("Keep the note under %(limit)s characters (it has %(n)s).") % {"limit": MAX_NOTE, "n": f"{len(note):,}"}]})
    if micro_credential is not None:
        version = micro_credential.current_version
        if (version is None or version.state != MicroCredentialVersion.State.PUBLISHED
                or not catalog_selectors.can_view(plan.earner, micro_credential)):
            raise ValidationError({"micro_credential": [_("That micro-credential is not open to this earner.")]})
        existing = Q(micro_credential=micro_credential)
        label = version.title
    else:
        if stack.state != Stack.State.PUBLISHED:
            raise ValidationError({"stack": [_("That stack is not published.")]})
        existing = Q(stack=stack)
        label = stack.title
    with transaction.atomic():
        # Lock the plan: two tabs proposing the same MC cannot both get past the duplicate check.
        plan = GrowthPlan.objects.select_for_update(of=("self",)).select_related("earner").get(pk=plan.pk)
        if plan.items.filter(existing, state__in=OPEN_ITEM_STATES).exists():
            field = "micro_credential" if micro_credential is not None else "stack"
            raise ValidationError({field: [_("“%(item)s” is already on this growth plan.") % {"item": label}]})
        item = PlanItem.objects.create(plan=plan, micro_credential=micro_credential, stack=stack, note=note, proposed_by=by)
        guided = by.pk != plan.earner_id
        audit.record(actor=by, action="plan.item_proposed", target=plan, data={"item": item.pk, "what": label, "guided": guided})
        if guided:
            notify(user=plan.earner, kind="plan", url=reverse("earning:plan"),
                   message=Later(gettext_noop("%(name)s suggested “%(what)s” for your growth plan."), name=_name(by), what=label))
    return item


def decide_item(*, item: PlanItem, by, approve: bool) -> PlanItem:
    """Approve or decline an item. Only the plan's supervisor or an active coach; the earner is notified.

    Deciding the same way twice changes nothing and sends nothing."""
    with transaction.atomic():
        item = PlanItem.objects.select_for_update(of=("self",)).select_related("plan__earner", "micro_credential", "stack").get(pk=item.pk)
        plan = item.plan
        if not can_guide(by, plan):
            raise PermissionDenied(_("Only the earner's supervisor or coach approves growth-plan items."))
        state = PlanItem.State.APPROVED if approve else PlanItem.State.DECLINED
        if item.state == state:
            return item
        item.state, item.decided_by = state, by
        item.save(update_fields=["state", "decided_by"])
        label = _item_label(item)
        audit.record(actor=by, action=f"plan.item_{state}", target=plan, data={"item": item.pk, "what": label})
        said = (gettext_noop("%(name)s approved “%(what)s” on your growth plan.") if approve
                else gettext_noop("%(name)s declined “%(what)s” on your growth plan."))
        notify(user=plan.earner, kind="plan", url=reverse("earning:plan"), message=Later(said, name=_name(by), what=label))
    return item


def plan_items(plan: GrowthPlan) -> list[dict]:
    """The plan's items, oldest first, each with whether it was a guided choice (proposed by someone else)."""
    items = plan.items.select_related("micro_credential__current_version", "stack", "proposed_by", "decided_by")
    return [{"item": item, "label": _item_label(item), "guided": item.proposed_by_id is not None and item.proposed_by_id != plan.earner_id,
             "slug": item.micro_credential.slug if item.micro_credential_id else item.stack.slug}
            for item in items]


def earners_guided_by(user) -> list[GrowthPlan]:
    """Plans this person supervises or whose earner they coach (those that exist)."""
    if not _authenticated(user):
        return []
    coached = CoachAssignment.objects.filter(coach=user, active=True).values("earner")
    return list(GrowthPlan.objects.filter(Q(supervisor=user) | Q(earner__in=coached)).exclude(earner=user)
                .select_related("earner").order_by("earner__last_name", "earner__username"))


# --- Priorities ------------------------------------------------------------------------------

def priority_organizations(user) -> QuerySet[Organization]:
    """Districts and state agencies whose priorities this person may set."""
    qs = Organization.objects.filter(kind__in=PRIORITY_KINDS)
    if not _authenticated(user):
        return qs.none()
    ids = policy.priority_admin_organization_ids(user)
    return qs if ids is None else qs.filter(pk__in=ids)


def _check_priority_admin(organization: Organization, by) -> None:
    if organization.kind not in PRIORITY_KINDS:
        raise ValidationError({"organization": [_("Only districts and state agencies set priority micro-credentials.")]})
    if not priority_organizations(by).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("Only recognizer admins of this district or state agency set its priorities."))


def mark_priority(*, organization: Organization, micro_credential: MicroCredential, by, reason: str = "") -> PriorityMicroCredential:
    """Mark an MC as a priority of a district or state agency (marking again updates the reason)."""
    _check_priority_admin(organization, by)
    reason = (reason or "").replace("\x00", "").strip()
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": [_("Keep the reason under %(limit)s characters (it has %(n)s).") % {"limit": MAX_REASON, "n": f"{len(reason):,}"}]})
    version = micro_credential.current_version
    if version is None or version.state != MicroCredentialVersion.State.PUBLISHED:
        raise ValidationError({"micro_credential": [_("Only published micro-credentials can be priorities.")]})
    with transaction.atomic():
        priority, created = PriorityMicroCredential.objects.get_or_create(
            organization=organization, micro_credential=micro_credential, defaults={"reason": reason, "created_by": by})
        if not created and priority.reason != reason:
            priority.reason = reason
            priority.save(update_fields=["reason"])
        audit.record(actor=by, action="priority.marked", target=organization,
                     data={"micro_credential": micro_credential.slug, "reason": reason})
    return priority


def unmark_priority(*, organization: Organization, micro_credential: MicroCredential, by) -> None:
    """Remove an MC from the organization's priorities. Safe to call when it is not one."""
    _check_priority_admin(organization, by)
    with transaction.atomic():
        deleted, _details = PriorityMicroCredential.objects.filter(organization=organization, micro_credential=micro_credential).delete()
        if deleted:
            audit.record(actor=by, action="priority.unmarked", target=organization, data={"micro_credential": micro_credential.slug})


def priorities_of(organizations) -> QuerySet[PriorityMicroCredential]:
    return (PriorityMicroCredential.objects.filter(organization__in=organizations)
            .select_related("organization", "micro_credential__current_version", "created_by")
            .order_by("organization__name", "created_at"))


# --- Recommendations -------------------------------------------------------------------------

def earner_organizations(earner) -> list[Organization]:
    """The earner's district(s) first, then their state agency(ies): from the profile and from memberships."""
    profile = getattr(earner, "educator_profile", None)
    districts: dict[int, Organization] = {}
    states: dict[int, Organization] = {}
    if profile is not None and profile.district_id and profile.district.kind == Organization.Kind.DISTRICT:
        districts[profile.district_id] = profile.district
    for m in Membership.objects.filter(user=earner, organization__kind__in=PRIORITY_KINDS).select_related("organization"):
        (districts if m.organization.kind == Organization.Kind.DISTRICT else states).setdefault(m.organization_id, m.organization)
    state_codes = {profile.state} if profile is not None and profile.state else set()
    parent_ids = {d.parent_id for d in districts.values() if d.parent_id}
    state_codes |= {d.state for d in districts.values() if d.state}
    if state_codes or parent_ids:
        for org in Organization.objects.filter(Q(state__in=state_codes) | Q(pk__in=parent_ids), kind=Organization.Kind.STATE_AGENCY):
            states.setdefault(org.pk, org)
    return list(districts.values()) + list(states.values())


def _stack_micro_credential_ids(stack: Stack, depth: int = 0) -> list[int]:
    ids: list[int] = []
    for item in stack.items.order_by("position"):
        if item.micro_credential_id:
            ids.append(item.micro_credential_id)
        elif depth < 10:
            ids.extend(_stack_micro_credential_ids(item.child_stack, depth + 1))
    return ids


def recommendations(*, earner, limit: int = 6, with_coverage: bool = True) -> list[dict]:
    """What this earner might earn next, best first: [{"version", "micro_credential", "reasons": [str]}].

    Ranked by their strongest reason: approved growth-plan items, then proposed ones, then MCs aligned to a
    growth area of their evaluation (EducatorProfile.evaluation_growth_areas: an alignment's code or name), then
    priorities of their district and then their state, then MCs written for their position. Only MCs the earner may see,
    has not earned and has no open attempt on. An MC with several reasons appears once with all of them."""
    if not _authenticated(earner):
        return []
    limit = max(1, min(int(limit), 50))
    # Candidates are filtered in the database (subqueries): the catalog may hold thousands of MCs and the earner
    # hundreds of earned ones, and only the few MCs shown are read whole.
    done = Attempt.objects.filter(earner=earner).filter(Q(state=Attempt.State.EARNED) | Q(state__in=OPEN_ATTEMPT_STATES))
    # EXISTS per row (not IN over the whole catalog): the newest-first walk below stops after a few MCs.
    candidates = (MicroCredential.objects
                  .filter(Exists(catalog_selectors.visible_micro_credentials(earner).filter(pk=OuterRef("pk"))))
                  .exclude(Exists(done.filter(micro_credential_id=OuterRef("pk")))))
    pending: list[tuple[int, float, str]] = []  # (MC, rank, reason) of plan items and priorities, in order
    found: dict[int, dict] = {}

    def add(mc_id: int, rank: float, reason: str) -> None:
        entry = found.setdefault(mc_id, {"rank": rank, "order": len(found), "reasons": []})
        entry["rank"] = min(entry["rank"], rank)
        if reason not in entry["reasons"]:
            entry["reasons"].append(reason)

    plan = GrowthPlan.objects.filter(earner=earner).first()
    if plan is not None:
        items = plan.items.filter(state__in=OPEN_ITEM_STATES).select_related("stack", "proposed_by", "decided_by")
        for state, rank in ((PlanItem.State.APPROVED, 0), (PlanItem.State.PROPOSED, 1)):
            for item in items:
                if item.state != state:
                    continue
                if state == PlanItem.State.APPROVED:
                    reason = (_("On your growth plan (stack “%(stack)s”), approved by %(name)s") if item.stack_id
                              else _("On your growth plan, approved by %(name)s"))
                    reason %= {"stack": item.stack.title if item.stack_id else "", "name": _name(item.decided_by)}
                elif item.proposed_by_id and item.proposed_by_id != earner.pk:
                    reason = (_("Suggested for your growth plan (stack “%(stack)s”) by %(name)s") if item.stack_id
                              else _("Suggested for your growth plan by %(name)s"))
                    reason %= {"stack": item.stack.title if item.stack_id else "", "name": _name(item.proposed_by)}
                else:
                    reason = (_("On your growth plan (stack “%(stack)s”), waiting for approval") % {"stack": item.stack.title}
                              if item.stack_id else _("On your growth plan, waiting for approval"))
                mc_ids = [item.micro_credential_id] if item.micro_credential_id else _stack_micro_credential_ids(item.stack)
                pending.extend((mc_id, rank, reason) for mc_id in mc_ids)

    organizations = earner_organizations(earner)
    by_org: dict[int, list[PriorityMicroCredential]] = {}
    for p in PriorityMicroCredential.objects.filter(organization__in=organizations).select_related("organization").order_by("created_at"):
        by_org.setdefault(p.organization_id, []).append(p)
    for org in organizations:  # districts before states
        for p in by_org.get(org.pk, []):
            pending.append((p.micro_credential_id, 2, _("A priority of %(org)s: %(reason)s") % {"org": org.name, "reason": p.reason}
                            if p.reason else _("A priority of %(org)s") % {"org": org.name}))
    allowed = set(candidates.filter(pk__in={mc_id for mc_id, _rank, _reason in pending}).values_list("pk", flat=True)) if pending else set()
    for mc_id, rank, reason in pending:
        if mc_id in allowed:
            add(mc_id, rank, reason)

    profile = getattr(earner, "educator_profile", None)
    areas = [a for a in (profile.evaluation_growth_areas if profile is not None else []) if isinstance(a, str) and a][:20]
    if areas:  # the educator's evaluation growth areas (imported facts) matched to MCs aligned to that rubric item
        match = Q()
        for area in areas:
            match |= Q(current_version__alignments__code__iexact=area) | Q(current_version__alignments__name__iexact=area)
        for mc_id, code, name in (candidates.filter(match)
                                  .values_list("pk", "current_version__alignments__code", "current_version__alignments__name")):
            area = next((a for a in areas if a.lower() in (code.lower(), name.lower())), None)
            if area:
                add(mc_id, 1.5, _("Matches a growth area of your evaluation: %(area)s") % {"area": area})
    position = POSITION_ROLES.get(profile.position if profile is not None else None)
    ranked = sorted(found.items(), key=lambda kv: (kv[1]["rank"], kv[1]["order"]))[:limit]
    if position is not None:
        # "Written for your position" ranks last: it only adds its reason to the MCs already chosen and fills the
        # places left with the newest such MCs. One query reads just those (the chosen first), not every MC for
        # the position: the same outcome as ranking them all.
        slug, written_for = position
        shown = [mc_id for mc_id, _entry in ranked]
        role_mcs = candidates.filter(current_version__educator_roles__slug=slug)
        if len(ranked) == limit:
            role_mcs = role_mcs.filter(pk__in=shown)
        order = ["-current_version__published_at", "pk"]
        if shown:
            role_mcs = role_mcs.annotate(_chosen=Case(When(pk__in=shown, then=Value(0)), default=Value(1)))
            order.insert(0, "_chosen")
        places = limit - len(ranked)
        for mc_id in role_mcs.order_by(*order).values_list("pk", flat=True)[:limit]:
            if mc_id in found:
                add(mc_id, 3, str(written_for))
            elif places > 0:
                add(mc_id, 3, str(written_for))
                places -= 1
        ranked = sorted(found.items(), key=lambda kv: (kv[1]["rank"], kv[1]["order"]))[:limit]

    chosen = MicroCredential.objects.select_related("current_version").in_bulk([mc_id for mc_id, _entry in ranked])
    # Each row says whether anyone can assess it yet (decision 0019): the page marks "no assessors yet". Left out
    # (UNKNOWN) for a caller that keeps the rows and reads coverage fresh (selectors.home_guidance).
    coverage = coverage_for(chosen[mc_id].current_version_id for mc_id, _entry in ranked) if with_coverage else {}
    return [{"version": chosen[mc_id].current_version, "micro_credential": chosen[mc_id], "reasons": entry["reasons"],
             "coverage": coverage.get(chosen[mc_id].current_version_id, UNKNOWN)}
            for mc_id, entry in ranked]
