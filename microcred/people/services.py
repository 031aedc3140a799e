"""Every write of the people pages and API. Each one asks the policy, calls the owning app's service (accounts for
roles and accounts, earning for coaches and cohorts), which audits, and refuses with a clear message."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from microcred.accounts import policy
from microcred.accounts import services as accounts
from microcred.accounts.models import Membership, Organization, Role, User
from microcred.earning import services as earning
from microcred.earning.models import Cohort

from . import selectors


OWN_CHANGE_REFUSED = {
    "roles": gettext_lazy("You cannot change your own roles; ask another administrator."),
    "coaches": gettext_lazy("You cannot change your own coaches; ask another administrator."),
    "cohorts": gettext_lazy("You cannot change your own cohorts; ask another administrator."),
}


def _check_person(by: User, person: User, what: str) -> None:
    if person.pk == by.pk:
        raise PermissionDenied(str(OWN_CHANGE_REFUSED[what]))
    if not policy.can_manage_person(by, person):
        raise PermissionDenied(_("You do not manage this person's organizations."))


def change_role(*, by: User, person: User, organization: Organization, role: str, grant: bool) -> Membership | None:
    """Give (``grant``) or take away ``role`` at ``organization``: only a role ``by`` may grant there
    (``policy.can_grant_role``: never to oneself, never platform admin). Idempotent; audited by accounts."""
    if role not in Role.values:
        raise ValidationError({"role": [_("Choose one of the roles in the list.")]})
    _check_person(by, person, "roles")
    if not policy.can_grant_role(by, person, organization, role):
        label = Role(role).label
        refusal = (_("You may not give the role “%(role)s” at %(organization)s.") if grant
                   else _("You may not take away the role “%(role)s” at %(organization)s."))
        raise PermissionDenied(refusal % {"role": label, "organization": organization.name})
    if grant:
        return accounts.grant_role(user=person, organization=organization, role=role, by=by)
    accounts.revoke_role(user=person, organization=organization, role=role, by=by)
    return None


def appoint_coach(*, by: User, earner: User, coach: User) -> None:
    _check_person(by, earner, "coaches")
    earning.appoint_coach(earner=earner, coach=coach, by=by)


def end_coach_assignment(*, by: User, earner: User, coach: User) -> bool:
    _check_person(by, earner, "coaches")
    return earning.end_coach_assignment(earner=earner, coach=coach, by=by)


def change_cohort(*, by: User, person: User, cohort: Cohort, add: bool) -> bool:
    _check_person(by, person, "cohorts")
    if add:
        return earning.add_cohort_member(cohort=cohort, person=person, by=by)
    return earning.remove_cohort_member(cohort=cohort, person=person, by=by)


@dataclass
class Deactivation:
    """What deactivating did: ``deactivated`` the account, or ended only ``memberships`` (the person also belongs to
    organizations the admin does not manage), or nothing (``already``: the account was inactive)."""

    kind: str  # "deactivated" | "memberships_ended"
    person: User
    memberships: list[Membership] = field(default_factory=list)
    already: bool = False


def deactivate(*, by: User, person: User) -> Deactivation:
    """Deactivate ``person`` when ``by`` manages every organization they belong to; otherwise end only their
    memberships in ``by``'s organizations (the account stays, for the other organizations). Refuses oneself and
    platform admins. Issued credentials stay valid either way. Audited."""
    plan = selectors.deactivation_plan(by, person)
    if plan["kind"] == "refused":
        raise PermissionDenied(plan["reason"])
    if plan["kind"] == "deactivate":
        already = not person.is_active
        person = accounts.deactivate_person(person=person, by=by)
        return Deactivation("deactivated", person, already=already)
    return Deactivation("memberships_ended", person, accounts.end_memberships(person=person, by=by))


def reactivate(*, by: User, person: User) -> User:
    """Let a deactivated account sign in again (the rule of ``deactivate``). Audited."""
    if person.pk == by.pk:
        raise PermissionDenied(_("You cannot reactivate your own account."))
    return accounts.reactivate_person(person=person, by=by)
