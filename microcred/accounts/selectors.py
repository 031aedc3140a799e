"""Reads about people and their memberships. Who may do what is answered by policy.py, not here."""
from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from microcred.core import i18n
from microcred.core.cache import Generation

from . import policy
from .models import Membership, Organization

# Who people are and where they work: memberships, educator profiles, organizations, names and flags. What is kept
# per person (an earner's home guidance, decision 0050) is kept under this generation, which any such write retires
# (accounts/apps.py; services.people_changed after bulk writes that send no signals).
PEOPLE = Generation("people")


def organization_ids_with_role(user, *roles: str) -> set[int]:
    """Organizations in which `user` holds any of `roles` (all roles if none given). Read once per request."""
    return {org for org, role in policy.memberships(user) if not roles or role in roles}


def has_role(user, role: str, organization: Organization | None = None) -> bool:
    org_id = getattr(organization, "pk", organization)
    return any(r == role and (org_id is None or org == org_id) for org, r in policy.memberships(user))


def member_organization_ids(user) -> set[int]:
    """Every organization the user belongs to, in any role (for members-only catalog visibility)."""
    return organization_ids_with_role(user)


def memberships_for(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organization")


def help_contacts(user) -> list[dict]:
    """The people administrators ``user`` may write to (policy.help_contact_organization_ids), grouped by
    organization, in two queries."""
    org_ids = policy.help_contact_organization_ids(user)
    if not org_ids:
        return []
    rows = (Membership.objects.filter(organization_id__in=org_ids, role__in=policy.HELP_CONTACT_ROLES,
                                      user__is_active=True)
            .exclude(user=user).select_related("organization", "user").order_by("organization__name", "user__last_name"))
    grouped: dict[int, dict] = {}
    for m in rows:
        entry = grouped.setdefault(m.organization_id, {"organization": m.organization, "people": []})
        entry["people"].append({"name": m.user.get_full_name() or m.user.get_username(), "email": m.user.email})
    return list(grouped.values())
# --- invitations and self-registration (issue 14 item 3) -----------------------------------------------------------

def _in(queryset, ids, field="organization_id"):
    return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})


def visible_invitations(user, *, state: str = ""):
    """Invitations of the organizations whose people ``user`` manages (newest first); a constant number of queries."""
    from . import policy
    from .models import Invitation

    found = _in(Invitation.objects.select_related("organization", "invited_by", "accepted_by"),
                policy.invitation_admin_organization_ids(user))
    if state in Invitation.State.values:
        found = found.filter(state=state)
    return found


def visible_invitation(user, pk):
    """One invitation ``user`` may manage, or 404 (nothing about others' invitations leaks)."""
    from django.http import Http404

    from . import policy

    invitation = visible_invitations(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if invitation is None or not policy.can_manage_invitation(user, invitation):
        raise Http404
    return invitation


def invitation_choices(user):
    """(organizations, roles) the invitation forms offer ``user``: organizations where they may give some role, and
    the union of those roles."""
    from . import policy
    from .models import Organization, Role

    ids = policy.people_admin_organization_ids(user)
    candidates = Organization.objects.all() if ids is None else Organization.objects.filter(pk__in=ids)
    at = policy.grantable_roles_at(user, candidates.values_list("pk", flat=True))
    roles = {r for rs in at.values() for r in rs}
    return Organization.objects.filter(pk__in=at).order_by("name"), [r for r in Role.values if r in roles]


def self_registration_organizations(user):
    from . import policy
    from .models import Organization

    return _in(Organization.objects.all(), policy.self_registration_admin_organization_ids(user), "pk").order_by("name")


def registration_queue(user):
    """Verified, pending registrations of the organizations whose registrations ``user`` decides (oldest first)."""
    from . import policy
    from .models import RegistrationRequest

    return (_in(RegistrationRequest.objects.select_related("organization", "user"),
                policy.self_registration_admin_organization_ids(user))
            .filter(state=RegistrationRequest.State.PENDING, user__email_verified_at__isnull=False)
            .exclude(user=user))


def visible_registration(user, pk):
    from django.http import Http404

    from . import policy

    request = registration_queue(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if request is None or not policy.can_approve_registration(user, request):
        raise Http404
    return request


def self_registration_is_open() -> bool:
    from .models import SelfRegistrationSettings

    return SelfRegistrationSettings.objects.filter(enabled=True).exists()


def language_of(user) -> str:
    """The interface language a person chose (what is written to them follows it), or the site's."""
    return i18n.language_of(user)
