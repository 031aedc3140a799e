"""Every read of the people pages and API: search, one person's page. Only people of the organizations the admin
manages (``policy.people_admin_organization_ids``) are ever listed, counted or found; a person of another
organization is "not found", whatever their id."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts.models import EducatorProfile, Membership, Organization, Role, User
from microcred.earning import selectors as earning_selectors

MAX_QUERY = 100  # characters of a search; more is refused (a form error), never silently cut
MAX_TERMS = 6
STATUSES = ("", "active", "inactive")


def require_people_admin(user) -> set[int] | None:
    """The organizations whose people ``user`` manages (None: all); PermissionDenied for everyone else."""
    if not policy.can_open_people_pages(user):
        raise PermissionDenied(_("The people pages are for the people administrators of a district, school, state "
                                 "agency, issuer or recognizer."))
    return policy.people_admin_organization_ids(user)


def managed_organizations(user) -> QuerySet[Organization]:
    ids = policy.people_admin_organization_ids(user)
    organizations = Organization.objects.order_by("name", "pk")
    return organizations if ids is None else organizations.filter(pk__in=ids or [])


def _managed_memberships(ids: set[int] | None) -> QuerySet[Membership]:
    memberships = Membership.objects.select_related("organization").order_by("organization__name", "role")
    return memberships if ids is None else memberships.filter(organization_id__in=ids or [])


def search_terms(q: str) -> list[str]:
    """The words of a search, each matched on its own; refuses an oversized or NUL-bearing search."""
    q = (q or "").strip()
    if len(q) > MAX_QUERY:
        raise ValidationError({"q": [_("Keep the search under %(max)s characters.") % {"max": MAX_QUERY}]})
    if "\x00" in q:
        raise ValidationError({"q": [_("The search contains a character that cannot be searched for.")]})
    terms = q.split()
    if len(terms) > MAX_TERMS:
        raise ValidationError({"q": [_("Search with at most %(max)s words.") % {"max": MAX_TERMS}]})
    return terms


def search_people(user, *, q: str = "", organization: Organization | None = None, role: str = "",
                  status: str = "") -> QuerySet[User]:
    """People of the organizations ``user`` manages (PermissionDenied for others) whose username, name or e-mail
    contains every word of ``q``; optionally only those of ``organization`` (one the admin manages) or holding
    ``role`` there. Each row carries ``managed_memberships`` (in the admin's organizations only) and its educator
    profile: a page of any size costs the same three queries (count, rows, memberships)."""
    ids = require_people_admin(user)
    if organization is not None and ids is not None and organization.pk not in ids:
        raise ValidationError({"organization": [_("Choose one of the organizations whose people you manage.")]})
    if role and role not in Role.values:
        raise ValidationError({"role": [_("Choose one of the roles in the list.")]})
    if status not in STATUSES:
        raise ValidationError({"status": [_("Choose active, inactive or any.")]})
    people = User.objects.all()
    if ids is not None or organization is not None or role:
        memberships = Membership.objects.all() if ids is None else Membership.objects.filter(organization_id__in=ids or [])
        if organization is not None:
            memberships = memberships.filter(organization=organization)
        if role:
            memberships = memberships.filter(role=role)
        people = people.filter(pk__in=memberships.values("user_id"))  # a subquery: no duplicate rows, no DISTINCT
    for term in search_terms(q):
        people = people.filter(Q(username__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term)
                               | Q(email__icontains=term))
    if status:
        people = people.filter(is_active=status == "active")
    return (people.select_related("educator_profile")
            .prefetch_related(Prefetch("memberships", queryset=_managed_memberships(ids), to_attr="managed_memberships"))
            .order_by("last_name", "first_name", "pk"))


def visible_person(user, person_id) -> User:
    """The person ``person_id`` if they belong to an organization ``user`` manages; 404 otherwise (also for an id
    that is not a number): nobody learns that someone exists elsewhere."""
    ids = require_people_admin(user)
    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        raise Http404("No such person.") from None
    people = User.objects.filter(pk=person_id)
    if ids is not None:
        people = people.filter(pk__in=Membership.objects.filter(organization_id__in=ids or []).values("user_id"))
    person = people.prefetch_related(
        Prefetch("memberships", queryset=_managed_memberships(ids), to_attr="managed_memberships")).first()
    if person is None:
        raise Http404("No such person among the people you manage.")
    return person


def person_page(user, person: User) -> dict:
    """What a people admin sees of ``person`` (from ``visible_person``): memberships in the admin's organizations
    only, educator facts when the admin's organizations keep them, coaching and cohorts within those organizations,
    and what the admin may change."""
    policy.remember(user)  # the admin's own roles do not change during the request: read them once
    ids = policy.people_admin_organization_ids(user)
    profile = EducatorProfile.objects.filter(user=person).select_related("district", "school").first()
    coaching = earning_selectors.coaching_within(person, ids)
    cohorts = list(earning_selectors.cohorts_of(person, ids))
    in_cohorts = {c.pk for c in cohorts}
    is_self = person.pk == user.pk
    manages = policy.can_manage_person(user, person)
    candidate_ids = policy.coach_candidate_ids(user, person) if manages else set()
    current = {a.coach_id for a in coaching["coaches"]}
    role_orgs = list(managed_organizations(user)) if ids is not None else \
        [m.organization for m in person.managed_memberships]
    grantable = policy.grantable_roles_at(user, {o.pk for o in role_orgs} | {m.organization_id for m in person.managed_memberships}) \
        if manages else {}
    grants = [{"organization": o, "roles": [(r, Role(r).label) for r in grantable[o.pk]]} for o in role_orgs if o.pk in grantable]
    memberships = [{"membership": m, "removable": m.role in grantable.get(m.organization_id, ())} for m in person.managed_memberships]
    return {
        "person": person, "is_self": is_self, "manages": manages,
        "memberships": memberships,
        "profile": profile, "show_facts": policy.can_see_educator_facts(user, profile),
        "coaches": [{"assignment": a, "removable": a.coach_id in candidate_ids} for a in coaching["coaches"]],
        "coachees": coaching["coachees"],
        "coach_candidates": list(User.objects.filter(pk__in=candidate_ids - current).order_by("last_name", "first_name", "pk")),
        "cohorts": [{"cohort": c, "removable": manages} for c in cohorts],  # cohorts_of: of organizations the admin manages
        "other_cohorts": [c for c in earning_selectors.cohorts_within(ids) if c.pk not in in_cohorts] if manages else [],
        "grants": grants,
        "grant_roles": [(r, label) for r, label in Role.choices if any(r == g for grant in grants for g, _ in grant["roles"])],
        "deactivation": deactivation_plan(user, person),
    }


def deactivation_plan(user, person: User) -> dict:
    """What "Deactivate" would do for ``person``: ``deactivate`` the account, ``end_memberships`` (they also belong
    to organizations ``user`` does not manage: only the memberships listed end), or ``refused`` with the reason."""
    if person.pk == user.pk:
        return {"kind": "refused", "reason": _("You cannot deactivate your own account.")}
    if not policy.can_manage_person(user, person):
        return {"kind": "refused", "reason": _("You do not manage this person's organizations.")}
    if policy.is_platform_admin(person) or policy.can_open_admin_site(person):
        return {"kind": "refused",
                "reason": _("Platform administrators and staff accounts are managed in the administration site, not here.")}
    if policy.can_deactivate_person(user, person):
        return {"kind": "deactivate", "memberships": []}
    removable = [m for m in Membership.objects.filter(user=person).select_related("organization")
                 if policy.can_grant_role(user, person, m.organization, m.role)]
    if not removable:
        return {"kind": "refused", "reason": _("None of this person's roles in your organizations is one you may take away.")}
    return {"kind": "end_memberships", "memberships": removable}
