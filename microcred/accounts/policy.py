"""Who may do what: the one place that answers every "may this user …" question of microcred, by name.

Services (which refuse with PermissionDenied), views, the API, templates (``{% load policy %}``) and the menus all
ask these functions; nothing else compares roles. Each rule has one meaning, written in its docstring and in the
"Who may do what" table of docs/security.md (the decision record: docs/decisions/0008-authorization-policy.md).

Two decisions hold throughout:

- **Platform admins are not issuer admins.** They oversee every issuer's catalog and assessment
  (``manages_issuer``), but acts done in an issuer's name with its signing keys — revoking, suspending, managing
  keys — belong to that issuer's own admins (``is_issuer_admin``). A platform operator must not be able to speak for
  an issuer: that is what a verifier trusts.
- **Nobody coaches themselves.** ``is_coach_of(user, earner)`` is false when ``user`` is ``earner``, whatever the
  coach assignments say.

The module sits in ``accounts`` so every app may import it; it imports nothing above ``accounts``. The facts it
needs from higher apps (coach assignments, assessor qualifications) it reads through the objects it is handed and
their reverse relations, never by importing those apps. Every function accepts an anonymous user and says no.
"""
from __future__ import annotations

from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Membership, Organization, Role

__all__ = [
    "is_signed_in", "account_flags", "is_platform_admin", "is_issuer_admin", "manages_issuer", "issuer_admin_organization_ids",
    "managed_issuer_ids", "can_author", "authoring_organization_ids", "can_edit", "can_publish",
    "is_coach", "is_coach_of", "can_view_attempt", "can_comment_on_attempt",
    "can_record_coach_conversation", "can_assign_coach", "can_guide", "can_choose_supervisor", "can_supervise", "can_edit_profile",
    "is_assessor", "is_assessor_of", "assessor_ids_of", "can_assess", "can_manage_assessment",
    "can_open_assessment_dashboard", "can_revoke", "can_list_issued_credentials", "issued_credential_issuer_ids",
    "can_see_issued_credential", "can_see_credential_earner", "can_manage_keys", "can_import_credential",
    "can_see_badge_image", "can_download_baked_image", "can_see_external_credential",
    "can_register_known_issuer", "can_view_known_issuers", "can_remove_known_issuer",
    "token_allows", "can_use_api_for", "can_revoke_client_access", "can_see_connected_apps",
    "can_register_client_for_operator", "can_manage_integration_keys", "is_recognizer_admin", "can_manage_recognizer",
    "recognizer_admin_organization_ids", "can_manage_recognition", "priority_admin_organization_ids",
    "sponsor_organization_ids", "is_sponsor", "can_view_audit_trail", "can_open_admin_site", "holds_staff_role",
    "remember", "people_admin_organization_ids", "can_manage_people", "can_manage_person", "grantable_roles",
    "can_grant_role", "can_import_roster",
    "roster_role", "roster_grantable_roles", "roster_may_touch",
    "can_open_people_pages", "can_deactivate_person", "coach_candidate_ids", "can_assign_coach_to", "can_manage_cohort_member",
    "can_see_educator_facts", "grantable_roles_at", "help_contact_organization_ids",
    "can_configure_sso", "sso_configurable_organization_ids", "can_open_sso_pages", "sso_may_link", "sso_may_sign_in", "sso_jit_role",
    "can_invite", "invitable_roles", "can_operator_invite", "can_manage_invitation", "invitation_admin_organization_ids",
    "can_open_invitations", "can_configure_self_registration", "can_approve_registration",
    "can_open_registrations", "self_registration_admin_organization_ids",
    "can_download_export", "can_request_deletion", "can_cancel_deletion", "deletion_blockers",
    "can_adopt_quality_framework", "can_certify_quality_reviewers", "can_submit_for_quality_review",
    "is_quality_reviewer", "quality_reviewer_organization_ids", "can_rate_quality_review", "can_see_quality_review",
    "can_reconcile_quality_review", "can_open_quality_reviews",
    "can_view_district_dashboard", "can_view_state_dashboard", "can_view_issuer_dashboard",
    "can_view_platform_dashboard", "can_open_analytics", "analytics_organization_ids",
    "can_import_school_attributes", "can_export_research", "can_search_expertise", "expertise_organization_ids",
    "can_share_demographics",
]

# Roles whose misuse reaches many people's records or credentials (two-factor may be required of them).
STAFF_ROLES = (Role.PLATFORM_ADMIN, Role.ISSUER_ADMIN, Role.RECOGNIZER_ADMIN, Role.ASSESSOR)
# Who edits an organization's catalog.
EDITOR_ROLES = (Role.AUTHOR, Role.ISSUER_ADMIN)
# Who sponsors assessment fees (vouchers, fee reports) for an organization.
SPONSOR_ROLES = (Role.RECOGNIZER_ADMIN, Role.ISSUER_ADMIN, Role.PLATFORM_ADMIN)
# Who sets a district's or state agency's priority micro-credentials.
PRIORITY_ROLES = (Role.RECOGNIZER_ADMIN, Role.PLATFORM_ADMIN)


# --- memberships, read once per request when remembered ----------------------------------------------------------

_CACHE = "_policy_memberships"


def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _memberships(user) -> frozenset[tuple[int, str]]:
    """(organization id, role) of every membership of ``user``; one query, or none when remembered."""
    if not is_signed_in(user):
        return frozenset()
    cached = getattr(user, _CACHE, None)
    if cached is not None:
        return cached
    scope = _REQUEST_SCOPE.get()  # within a request (RememberRolesMiddleware): read once, forgotten on any change
    if scope is not None and user.pk in scope:
        return scope[user.pk]
    found = frozenset(Membership.objects.filter(user=user).values_list("organization_id", "role"))
    if scope is not None:
        scope[user.pk] = found
    return found


def account_flags(user) -> tuple[bool, bool, bool]:
    """The person's own flags the rules read (active, staff, superuser): part of the name of anything kept from the
    rules' answers for them (the menu, decision 0050). They come with the person on every request."""
    return (bool(getattr(user, "is_active", False)), bool(getattr(user, "is_staff", False)),
            bool(getattr(user, "is_superuser", False)))


def remember(user) -> None:
    """Read ``user``'s memberships once and answer from them until the object is dropped (one request: the menu
    asks a dozen questions). Only for a user whose roles do not change while the object lives."""
    if is_signed_in(user) and getattr(user, _CACHE, None) is None:
        setattr(user, _CACHE, _memberships(user))


def _org_ids(user, *roles: str) -> set[int]:
    return {org for org, role in _memberships(user) if not roles or role in roles}


def _holds(user, role: str, organization=None) -> bool:
    org_id = getattr(organization, "pk", organization)
    return any(r == role and (org_id is None or org == org_id) for org, r in _memberships(user))


# --- platform and issuers ---------------------------------------------------------------------------------------

def is_platform_admin(user) -> bool:
    """A superuser, or a platform-admin member of any organization."""
    return is_signed_in(user) and (bool(getattr(user, "is_superuser", False)) or _holds(user, Role.PLATFORM_ADMIN))


def is_issuer_admin(user, organization=None) -> bool:
    """An issuer admin of ``organization`` (of any organization when None). Platform admins do NOT count."""
    return _holds(user, Role.ISSUER_ADMIN, organization)


def issuer_admin_organization_ids(user) -> set[int]:
    return _org_ids(user, Role.ISSUER_ADMIN)


def manages_issuer(user, organization=None) -> bool:
    """Oversees an issuer's catalog publishing and assessment: its issuer admins, and platform admins."""
    return is_issuer_admin(user, organization) or is_platform_admin(user)


def managed_issuer_ids(user) -> set[int] | None:
    """Organizations whose issuing this person oversees; None means every organization (platform admins)."""
    return None if is_platform_admin(user) else issuer_admin_organization_ids(user)


# --- catalog ----------------------------------------------------------------------------------------------------

def authoring_organization_ids(user) -> set[int]:
    """Organizations whose catalog this person edits as author or issuer admin (platform admins: see can_edit)."""
    return _org_ids(user, *EDITOR_ROLES)


def can_author(user) -> bool:
    """Opens the authoring pages: an author or issuer admin of some organization, or a platform admin."""
    return is_platform_admin(user) or bool(authoring_organization_ids(user))


def can_edit(user, obj) -> bool:
    """Edits a micro-credential or stack (anything with an ``owner_id``): authors and issuer admins of the owning
    organization, and platform admins."""
    return is_platform_admin(user) or (is_signed_in(user) and obj.owner_id in authoring_organization_ids(user))


def can_publish(user, obj) -> bool:
    """Quality review and publishing of a micro-credential or stack: the owner's issuer admins, platform admins."""
    return is_signed_in(user) and manages_issuer(user, obj.owner_id)


# --- earning ----------------------------------------------------------------------------------------------------

def is_coach(user) -> bool:
    """Holds the coach role in some organization (the menu offers the coaching page)."""
    return _holds(user, Role.COACH)


def is_coach_of(user, earner) -> bool:
    """An active coach assignment of ``user`` to ``earner``. Never oneself: self-coaching does not count."""
    if not is_signed_in(user) or earner is None or getattr(earner, "pk", earner) == user.pk:
        return False
    return user.coachees.filter(earner=earner, active=True).exists()


def can_view_attempt(user, attempt) -> bool:
    """The earner; their coach only while the earner shares it; platform admins. (Assessors see submissions through
    the assessment app, blind, never the attempt itself.)"""
    if not is_signed_in(user):
        return False
    if attempt.earner_id == user.pk or is_platform_admin(user):
        return True
    return bool(attempt.shared_with_coach) and is_coach_of(user, attempt.earner)


def can_comment_on_attempt(user, attempt) -> bool:
    """The earner, and the coach the earner shares the attempt with."""
    if not is_signed_in(user):
        return False
    return attempt.earner_id == user.pk or (bool(attempt.shared_with_coach) and is_coach_of(user, attempt.earner))


def can_record_coach_conversation(user, attempt) -> bool:
    """The earner's coach (shared or not: the conversation is the coach's own record)."""
    return is_coach_of(user, attempt.earner)


def can_assign_coach(user, earner) -> bool:
    """Earners choose their coach; platform admins may assign one."""
    return is_signed_in(user) and (user.pk == earner.pk or is_platform_admin(user))


def can_guide(user, plan) -> bool:
    """Proposes items in a growth plan: its supervisor or an active coach of the earner (never the earner)."""
    if not is_signed_in(user) or user.pk == plan.earner_id:
        return False
    return plan.supervisor_id == user.pk or is_coach_of(user, plan.earner)


def can_choose_supervisor(user, plan) -> bool:
    """The earner, or a platform admin."""
    return is_signed_in(user) and (user.pk == plan.earner_id or is_platform_admin(user))


def can_supervise(person, earner) -> bool:
    """May be named supervisor of ``earner``'s growth plan: an active account, not the earner, that belongs (in any
    role) to an organization the earner belongs to. Nobody else's name is looked up or notified through a plan."""
    if not is_signed_in(person) or not person.is_active or person.pk == getattr(earner, "pk", None):
        return False
    return bool(_org_ids(person) & _org_ids(earner))


def can_edit_profile(user, person) -> bool:
    """One's own profile; platform admins edit anyone's."""
    return is_signed_in(user) and (user.pk == person.pk or is_platform_admin(user))


def priority_admin_organization_ids(user) -> set[int] | None:
    """Organizations whose priorities this person may set (before the district/state-agency filter); None means
    every organization (platform admins)."""
    if not is_signed_in(user):
        return set()
    return None if is_platform_admin(user) else _org_ids(user, *PRIORITY_ROLES)


def sponsor_organization_ids(user) -> set[int] | None:
    """Organizations this person sponsors fees for (vouchers, fee reports): where they are recognizer, issuer or
    platform admin; None means every organization (platform admins)."""
    if not is_signed_in(user):
        return set()
    return None if is_platform_admin(user) else _org_ids(user, *SPONSOR_ROLES)


def is_sponsor(user) -> bool:
    ids = sponsor_organization_ids(user)
    return ids is None or bool(ids)


# --- assessment -------------------------------------------------------------------------------------------------

def is_assessor(user) -> bool:
    """Holds the assessor role somewhere, or is in some MC's pool. Platform admins are not assessors."""
    return _holds(user, Role.ASSESSOR) or (is_signed_in(user) and user.qualifications.exists())


def is_assessor_of(user, organization) -> bool:
    """Holds the assessor role in ``organization`` (may be put in the pool of its MCs)."""
    return _holds(user, Role.ASSESSOR, organization)


def assessor_ids_of(organization):
    """Ids of the assessors of ``organization`` (a subquery)."""
    return Membership.objects.filter(organization=organization, role=Role.ASSESSOR).values_list("user_id", flat=True)


def can_assess(user, micro_credential) -> bool:
    """In the assessor pool of ``micro_credential`` (certified or in training: the queue says which)."""
    return is_signed_in(user) and user.qualifications.filter(micro_credential=micro_credential).exists()


def can_manage_assessment(user, micro_credential) -> bool:
    """Pools, reassignment, anchors and reliability of an MC: its owner's issuer admins, and platform admins."""
    return is_signed_in(user) and manages_issuer(user, micro_credential.owner_id)


def can_open_assessment_dashboard(user) -> bool:
    """The issuer's assessment dashboard: an issuer admin of some organization, or a platform admin."""
    return manages_issuer(user)


# --- credentials ------------------------------------------------------------------------------------------------

def can_revoke(user, credential) -> bool:
    """Revokes, suspends or reinstates a credential: issuer admins of the issuing organization, nobody else
    (not platform admins: the act speaks for the issuer)."""
    return is_issuer_admin(user, credential.issuer_id)


def can_list_issued_credentials(user) -> bool:
    """Opens the list of issued credentials (/credentials/issued/): issuer admins (their own issuers' credentials)
    and platform admins (every issuer's, read-only: revoking stays with the issuer's admins, see ``can_revoke``)."""
    return manages_issuer(user)


def issued_credential_issuer_ids(user) -> set[int] | None:
    """Issuers whose issued credentials ``user`` lists and opens; None means every issuer (platform admins)."""
    if not is_signed_in(user):
        return set()
    return managed_issuer_ids(user)


def can_see_issued_credential(user, credential) -> bool:
    """Opens an issued credential's page and documents whatever its visibility: its earner, the issuing
    organization's issuer admins, platform admins. (A link or public credential is also open to anyone: see
    credentials.selectors.visible_credential.)"""
    if not is_signed_in(user):
        return False
    return credential.earner_id == user.pk or manages_issuer(user, credential.issuer_id)


def can_see_credential_earner(user, credential) -> bool:
    """Sees the earner's name on a credential's page and certificate: anyone when the earner made it public;
    otherwise the earner, the issuing organization's issuer admins and platform admins (who find it in their list
    of issued credentials by that name anyway)."""
    return str(credential.visibility) == "public" or can_see_issued_credential(user, credential)


def can_manage_keys(user, organization) -> bool:
    """Rotates or revokes an organization's signing keys: its issuer admins only (not platform admins)."""
    return is_issuer_admin(user, organization)


def can_import_credential(user) -> bool:
    """Brings one's own credentials from elsewhere: any signed-in person (they are kept as theirs only)."""
    return is_signed_in(user)


# A published badge is shown wherever its credentials are; a retired one still is in credentials issued under it.
_PUBLIC_BADGE_STATES = frozenset({"published", "retired"})


def can_see_badge_image(version, *, has_issued: bool) -> bool:
    """A micro-credential version's badge image: anyone, for a published or retired version or one with issued
    credentials (its image is in them); nobody for a draft or a version in review that was never issued."""
    return str(version.state) in _PUBLIC_BADGE_STATES or has_issued


def can_download_baked_image(user, credential) -> bool:
    """A baked image carries the whole credential: whoever may see the credential itself (a private one: its
    earner only)."""
    if str(credential.visibility) == "private":
        return credential.earner_id == getattr(user, "pk", None)
    return True


def can_see_external_credential(user, external) -> bool:
    """A credential imported from elsewhere: only the earner who imported it (recognizers see it through
    recognition's own pages)."""
    return external.earner_id == getattr(user, "pk", None)


def can_register_known_issuer(user) -> bool:
    """Registers an external issuer as known (its credentials then verify with the registered keys and count for
    recognition): platform admins and recognizer admins, the people who decide what counts."""
    return is_platform_admin(user) or is_recognizer_admin(user)


def can_view_known_issuers(user) -> bool:
    """The list of known external issuers: the same people who decide them."""
    return can_register_known_issuer(user)


def can_remove_known_issuer(user, known_issuer=None) -> bool:
    """Removing a known issuer is the same decision as registering it."""
    return can_register_known_issuer(user)


# --- interop: wallets and other clients of the Open Badges 3.0 API -------------------------------------------------

def token_allows(token, scope: str) -> bool:
    """An access token may be used for an operation only while valid and only if the earner granted its scope."""
    return token is not None and not token.is_expired() and token.allow_scopes([scope])


def can_use_api_for(token, user) -> bool:
    """A token acts for the earner who approved it, never for anyone else, and not once the account is inactive."""
    return token is not None and user is not None and token.user_id == user.pk and user.is_active


def can_revoke_client_access(user, application_id) -> bool:
    """Any signed-in person may revoke the access they gave a client (a revocation touches only their own grants)."""
    return is_signed_in(user)


def can_see_connected_apps(user) -> bool:
    """Every signed-in person sees the apps they connected, and only theirs."""
    return is_signed_in(user)


def can_register_client_for_operator(user) -> bool:
    """Registering a client by hand (command line, ``user`` None) is for platform operators; the API registers
    anyone who follows RFC 7591."""
    return user is None or bool(getattr(user, "is_superuser", False))


def can_manage_integration_keys(user) -> bool:
    """Creates, rotates, retires and revokes the platform's integration keys (LTI tool keys, webhook signing keys):
    platform admins, or an operator at the command line (``user`` None). Issuer admins do not: these keys sign as
    the platform, not as an issuer."""
    return user is None or is_platform_admin(user)


# --- recognition ------------------------------------------------------------------------------------------------

def is_recognizer_admin(user, organization=None) -> bool:
    """A recognizer admin of ``organization`` (of any organization when None). Platform admins do NOT count."""
    return _holds(user, Role.RECOGNIZER_ADMIN, organization)


def recognizer_admin_organization_ids(user) -> set[int]:
    return _org_ids(user, Role.RECOGNIZER_ADMIN)


def can_manage_recognizer(user, recognizer) -> bool:
    """Edits, publishes and runs the recognition policies of ``recognizer``: its recognizer admins and platform
    admins."""
    return is_recognizer_admin(user, recognizer) or is_platform_admin(user)


def can_manage_recognition(user) -> bool:
    """Opens the recognition policy pages: a recognizer admin somewhere, or a platform admin."""
    return is_recognizer_admin(user) or is_platform_admin(user)


# --- quality assurance (microcred/quality, docs/quality-assurance.md) ---------------------------------------------

def can_adopt_quality_framework(user) -> bool:
    """Adopts a revised quality framework: platform admins, and recognizer admins of a state education agency."""
    if is_platform_admin(user):
        return True
    ids = recognizer_admin_organization_ids(user)
    return bool(ids) and Organization.objects.filter(pk__in=ids, kind=Organization.Kind.STATE_AGENCY).exists()


def can_certify_quality_reviewers(user) -> bool:
    """Certifies (and withdraws) quality reviewers: the same people who adopt the framework."""
    return can_adopt_quality_framework(user)


def can_submit_for_quality_review(user, micro_credential) -> bool:
    """Submits a version of ``micro_credential`` for independent quality review, or withdraws it: the owner's issuer
    admins, and platform admins (the same people who publish it)."""
    return can_publish(user, micro_credential)


def quality_reviewer_organization_ids(user) -> set[int]:
    """Organizations (or state panels) ``user`` is an active certified quality reviewer for."""
    if not is_signed_in(user):
        return set()
    return set(user.quality_reviewer_certifications.filter(active=True).values_list("organization_id", flat=True))


def is_quality_reviewer(user) -> bool:
    """Holds an active quality-reviewer certification (opens the quality review queue)."""
    return bool(quality_reviewer_organization_ids(user))


def can_rate_quality_review(user, review) -> bool:
    """Rates a quality review: a certified quality reviewer who belongs in no role to the MC's owning organization
    and did not submit it. Independence is the point: the author's organization never reviews its own MC."""
    if not is_quality_reviewer(user):
        return False
    owner_id = review.version.micro_credential.owner_id
    if owner_id in _org_ids(user) or owner_id in quality_reviewer_organization_ids(user):
        return False
    return review.submitted_by_id != user.pk and review.version.created_by_id != user.pk


def can_reconcile_quality_review(user, review) -> bool:
    """Reconciles the ratings and records the outcome: a reviewer who rated the review and still may rate it."""
    return can_rate_quality_review(user, review) and review.ratings.filter(reviewer=user).exists()


def can_see_quality_review(user, review) -> bool:
    """Opens a quality review with its ratings and comments: the owner's authors and issuer admins, platform admins,
    and the reviewers who may rate it."""
    micro_credential = review.version.micro_credential
    return can_edit(user, micro_credential) or can_rate_quality_review(user, review)


def can_open_quality_reviews(user) -> bool:
    """Opens the quality reviews page: quality reviewers, and those who submit MCs for review (authors see their
    organizations' reviews through the MC)."""
    return is_quality_reviewer(user) or can_author(user)


# --- platform -----------------------------------------------------------------------------------------------------

def can_view_audit_trail(user) -> bool:
    """The audit trail names every person and what they did: platform admins only (not issuer or org admins)."""
    return is_platform_admin(user)


def can_open_admin_site(user) -> bool:
    """Django's admin site: active staff accounts (is_staff), whatever their memberships."""
    return is_signed_in(user) and bool(user.is_active and user.is_staff)


def holds_staff_role(user) -> bool:
    """Staff, superuser, or a platform, issuer or recognizer admin or an assessor anywhere (two-factor may be
    required of them)."""
    if not is_signed_in(user):
        return False
    return bool(user.is_staff or user.is_superuser or _org_ids(user, *STAFF_ROLES))


# --- people: rosters, invitations, roles (issue 14) -----------------------------------------------------------------

# Which roles an admin of an organization may give to people of that organization. Nobody grants platform admin
# through these pages (only platform admins, in Django's admin), and nobody grants anything to themselves.
GRANTABLE_ROLES = {
    Role.ORG_ADMIN: (Role.EARNER, Role.COACH, Role.ORG_ADMIN),
    Role.ISSUER_ADMIN: (Role.AUTHOR, Role.ASSESSOR, Role.ISSUER_ADMIN),
    Role.RECOGNIZER_ADMIN: (Role.RECOGNIZER_ADMIN,),
}
PEOPLE_ADMIN_ROLES = tuple(GRANTABLE_ROLES)
_PEOPLE_CACHE = "_policy_people_orgs"


def people_admin_organization_ids(user) -> set[int] | None:
    """Organizations whose people ``user`` manages (``None``: all, for platform admins). An organization admin of a
    state agency or district also manages the organizations below it (its districts, its schools); issuer and
    recognizer admins manage their own organization only."""
    if is_platform_admin(user):
        return None
    if not is_signed_in(user):
        return set()
    cached = getattr(user, _PEOPLE_CACHE, None)
    if cached is not None:
        return set(cached)
    ids = _org_ids(user, *PEOPLE_ADMIN_ROLES)
    frontier = _org_ids(user, Role.ORG_ADMIN)
    while frontier:  # the tree is shallow (state > district > school): one query per level
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    if getattr(user, _CACHE, None) is not None:
        setattr(user, _PEOPLE_CACHE, frozenset(ids))
    return ids


def can_manage_people(user, organization) -> bool:
    """Search, invite, deactivate and change the roles of the people of ``organization`` (see
    ``people_admin_organization_ids``)."""
    ids = people_admin_organization_ids(user)
    return ids is None or getattr(organization, "pk", organization) in ids


def can_manage_person(user, person) -> bool:
    """``person`` belongs (in any role) to an organization whose people ``user`` manages, and is not ``user``."""
    if not is_signed_in(user) or person.pk == user.pk:
        return False
    ids = people_admin_organization_ids(user)
    if ids is None:
        return True
    return Membership.objects.filter(user=person, organization_id__in=ids).exists()


def grantable_roles(user, organization) -> tuple[str, ...]:
    """The roles ``user`` may give to people of ``organization``: those its admin roles there (or above it, for
    organization admins) allow; platform admins every role but platform admin."""
    if not can_manage_people(user, organization):
        return ()
    if is_platform_admin(user):
        return tuple(r for r in Role.values if r != Role.PLATFORM_ADMIN)
    org_id = getattr(organization, "pk", organization)
    roles: set[str] = set()
    for admin_role, grants in GRANTABLE_ROLES.items():
        if admin_role != Role.ORG_ADMIN and _holds(user, admin_role, org_id):
            roles.update(grants)
    if _manages_as_org_admin(user, org_id):  # an organization admin there or above it
        roles.update(GRANTABLE_ROLES[Role.ORG_ADMIN])
    return tuple(r for r in Role.values if r in roles)


def can_grant_role(user, person, organization, role: str) -> bool:
    """Give (or take away) ``role`` at ``organization`` to ``person``: a role ``user`` may grant there, and never
    to oneself — no account grants itself a role, whatever its own roles."""
    if not is_signed_in(user) or getattr(person, "pk", None) == user.pk:
        return False
    return role in grantable_roles(user, organization)


def can_import_roster(user, organization) -> bool:
    """Import a roster (OneRoster or the simple CSV) or educator facts for ``organization``: its organization admins
    (or those of an organization above it), and platform admins."""
    if is_platform_admin(user):
        return True
    return _manages_as_org_admin(user, getattr(organization, "pk", organization))


# OneRoster roles (lower case) a roster may turn into a microcred role: every staff role makes an earner (an educator
# who may earn micro-credentials). Coaches and administrators are named by a person on the people pages, never by a file.
ROSTER_ROLES = {
    "teacher": Role.EARNER, "aide": Role.EARNER, "proctor": Role.EARNER,
    "administrator": Role.EARNER, "principal": Role.EARNER, "siteadministrator": Role.EARNER,
    "districtadministrator": Role.EARNER, "systemadministrator": Role.EARNER,
}


def roster_role(oneroster_role: str) -> str | None:
    """The role a roster row with this OneRoster role gives (conservative: earner), or None (not one a roster gives)."""
    return ROSTER_ROLES.get(oneroster_role.lower()) if isinstance(oneroster_role, str) else None


def roster_grantable_roles(user, organization) -> tuple[str, ...]:
    """The roles a roster import into ``organization`` may give: those ``user`` may grant there; an operator's import
    (``user`` None: the command line) gives earner only."""
    if user is None:
        return (Role.EARNER,)
    return grantable_roles(user, organization) if can_import_roster(user, organization) else ()


def roster_may_touch() -> Q:
    """A filter of users leaving out the accounts a roster never matches by e-mail nor deactivates: Django staff
    and superusers (their access is not a district's to give or end)."""
    return Q(is_staff=False, is_superuser=False)


_ORG_ADMIN_TREE = "_policy_org_admin_tree"


def _manages_as_org_admin(user, org_id: int) -> bool:
    """``user`` is an organization admin of ``org_id`` or of an organization above it. The tree below the admin's
    organizations is walked once (one query per level) and, for a remembered user, kept for the request: a page
    asking about many organizations costs the same queries whatever it shows. A "no" is walked again, so an
    organization created meanwhile is never refused for a stale tree."""
    tree = getattr(user, _ORG_ADMIN_TREE, None)
    if tree is not None and org_id in tree:
        return True
    ids = _org_ids(user, Role.ORG_ADMIN)
    frontier = set(ids)
    while frontier:
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    if getattr(user, _CACHE, None) is not None:
        setattr(user, _ORG_ADMIN_TREE, frozenset(ids))
    return org_id in ids


def can_open_people_pages(user) -> bool:
    """The people pages (search, a person's roles, coaches, cohorts, deactivation): anyone who manages the people
    of at least one organization (see ``people_admin_organization_ids``)."""
    ids = people_admin_organization_ids(user)
    return ids is None or bool(ids)


def can_deactivate_person(user, person) -> bool:
    """Deactivate (or reactivate) ``person``'s account: never oneself, never a platform admin or Django staff, and
    only when every membership ``person`` holds is in an organization ``user`` manages with a role ``user`` may
    grant there. (Someone who also belongs elsewhere keeps their account: the admin ends only the memberships in
    their own organizations.)"""
    if not can_manage_person(user, person) or is_platform_admin(person) or person.is_staff:
        return False
    held = set(Membership.objects.filter(user=person).values_list("organization_id", "role"))
    return bool(held) and all(role in grantable_roles(user, org) for org, role in held)


def coach_candidate_ids(user, earner) -> set[int]:
    """Who ``user`` may appoint as ``earner``'s coach: active people holding the coach role in one of ``earner``'s
    organizations that ``user`` manages; never ``earner``."""
    if not can_manage_person(user, earner):
        return set()
    orgs = Membership.objects.filter(user=earner).values_list("organization_id", flat=True)
    ids = people_admin_organization_ids(user)
    if ids is not None:
        orgs = orgs.filter(organization_id__in=ids)
    return set(Membership.objects.filter(organization_id__in=orgs, role=Role.COACH, user__is_active=True).exclude(user=earner)
               .values_list("user_id", flat=True))


def can_assign_coach_to(user, earner, coach) -> bool:
    """Appoint ``coach`` as ``earner``'s coach, or end that coach assignment, as a people admin (see
    ``coach_candidate_ids``). Nobody coaches themselves."""
    if coach is None or earner is None or getattr(coach, "pk", coach) == earner.pk:
        return False
    return getattr(coach, "pk", coach) in coach_candidate_ids(user, earner)


def can_manage_cohort_member(user, cohort, person) -> bool:
    """Add ``person`` to (or remove them from) ``cohort``: ``user`` manages the people of the cohort's organization
    and manages ``person``."""
    return can_manage_people(user, cohort.organization_id) and can_manage_person(user, person)


def can_see_educator_facts(user, profile) -> bool:
    """The facts a district or state keeps about an educator (license type, years of experience, evaluation rating
    and growth areas) on the people pages: the admins of the educator's district or school (or above them), and
    platform admins. Other people admins see the person's position and career stage only."""
    ids = people_admin_organization_ids(user)
    if ids is None:
        return True
    return profile is not None and bool({profile.district_id, profile.school_id} & ids)


def grantable_roles_at(user, organization_ids) -> dict[int, tuple[str, ...]]:
    """``grantable_roles`` for many organizations at once (a few queries however many: the people page offers every
    organization an admin manages, and a state agency's admin manages hundreds). Organizations whose people
    ``user`` does not manage are left out."""
    organization_ids = set(organization_ids)
    if is_platform_admin(user):
        every = tuple(r for r in Role.values if r != Role.PLATFORM_ADMIN)
        return {org: every for org in organization_ids}
    managed = people_admin_organization_ids(user) or set()
    tree = ids = _org_ids(user, Role.ORG_ADMIN)
    frontier = set(ids)
    while frontier:  # the organizations an organization admin manages: theirs and those below
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - tree
        tree = tree | frontier
    held = _memberships(user)
    result = {}
    for org in organization_ids & managed:
        roles = {g for o, r in held if o == org and r != Role.ORG_ADMIN for g in GRANTABLE_ROLES.get(r, ())}
        if org in tree:
            roles.update(GRANTABLE_ROLES[Role.ORG_ADMIN])
        if roles:
            result[org] = tuple(r for r in Role.values if r in roles)
    return result


# --- invitations and self-registration (issue 14 item 3; docs/decisions/0017) -------------------------------------

# The one role self-registration ever gives: a plain educator. Anything more is given by an admin.
SELF_REGISTRATION_ROLE = Role.EARNER


def default_invitation_role() -> str:
    """The role of an invitation that names none (a CSV row without a role, the command without --role): earner."""
    return Role.EARNER


def can_operator_invite(role: str) -> bool:
    """An operator at the command line (no acting admin) invites to any role but platform admin: platform admins
    are named in Django's admin site only."""
    return role in Role.values and role != Role.PLATFORM_ADMIN


def invitable_roles(user, organization) -> tuple[str, ...]:
    """The roles ``user`` may invite people to at ``organization``: exactly the roles they may grant there
    (``grantable_roles``; never platform admin, not even for platform admins)."""
    return grantable_roles(user, organization)


def can_invite(user, organization, role: str) -> bool:
    """Invite an e-mail address to ``role`` at ``organization``: a people admin of that organization, to a role they
    may grant there (platform admins: any role but platform admin)."""
    return is_signed_in(user) and role in invitable_roles(user, organization)


def invitation_admin_organization_ids(user) -> set[int] | None:
    """Organizations whose invitations ``user`` sees and revokes (``None``: all, platform admins)."""
    return people_admin_organization_ids(user)


def can_open_invitations(user) -> bool:
    """The invitations page: anyone who manages the people of some organization."""
    return can_open_people_pages(user)


def can_manage_invitation(user, invitation) -> bool:
    """See, resend or revoke ``invitation``: whoever may invite to its role at its organization now."""
    return can_invite(user, invitation.organization_id, invitation.role)


def can_configure_self_registration(user, organization) -> bool:
    """Turn self-registration on or off for ``organization``, set its e-mail domains and approval: its organization
    admins (or those of an organization above it), and platform admins."""
    return can_import_roster(user, organization)


def can_approve_registration(user, request) -> bool:
    """Approve or decline a self-registration: whoever configures the organization's self-registration, never for
    their own request."""
    if not is_signed_in(user) or request.user_id == user.pk:
        return False
    return can_configure_self_registration(user, request.organization_id)


def self_registration_admin_organization_ids(user) -> set[int] | None:
    """Organizations whose self-registration ``user`` configures and whose registrations they decide (``None``: all,
    platform admins): those where they are organization admin, and those below them."""
    if is_platform_admin(user):
        return None
    ids = _org_ids(user, Role.ORG_ADMIN)
    frontier = set(ids)
    while frontier:
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def can_open_registrations(user) -> bool:
    """The registration approval queue and the self-registration settings: platform admins and organization admins."""
    return is_platform_admin(user) or bool(_org_ids(user, Role.ORG_ADMIN))


# --- Django's permission API (for apps below accounts) ------------------------------------------------------------

# ``core`` sits below ``accounts`` and cannot import this module: its views ask ``user.has_perm(name)``, which
# Django routes to PolicyBackend (AUTHENTICATION_BACKENDS, where it comes before ModelBackend). Only names listed
# here are answered, and the answer is final.
PERMISSIONS = {
    "core.view_audit_trail": can_view_audit_trail,
}


class PolicyBackend:
    """An authentication backend that authenticates nobody and answers ``has_perm`` from the policy.

    For a name in PERMISSIONS a refusal is final (PermissionDenied stops Django's chain of backends): a permission
    row granted in Django's admin does not widen what the policy says, and ModelBackend is not asked, so the menu's
    question costs no permission-table queries on every page."""

    # No get_user: sessions are never this backend's (Django's test client, and login() without a backend, take
    # the first backend that has one).
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        rule = PERMISSIONS.get(perm)
        if rule is None:
            return False  # not the policy's name: the next backend answers
        if user_obj.is_active and rule(user_obj):
            return True
        raise PermissionDenied(perm)


# --- Help ----------------------------------------------------------------------------------------------------------

# Whom a member may be pointed to for help: the people administrators of their own organizations and of the
# organizations directly above them (a school's teacher: the school's and the district's), by name and work e-mail.
HELP_CONTACT_ROLES = (Role.ORG_ADMIN,)


def help_contact_organization_ids(user) -> set[int]:
    """Organizations whose people admins ``user`` is shown as contacts on the help page: their own (any role) and
    each one's parent. Nobody else's administrators are listed."""
    if not is_signed_in(user):
        return set()
    own = {org for org, _role in _memberships(user)}
    parents = set(Organization.objects.filter(pk__in=own, parent__isnull=False).values_list("parent_id", flat=True))
    return own | parents
# --- single sign-on (issue 14 item 4, docs/sso.md) ------------------------------------------------------------------

def sso_configurable_organization_ids(user) -> set[int] | None:
    """Organizations whose identity providers ``user`` configures (``None``: all, for platform admins): those whose
    people ``user`` manages as an organization admin there or above (``can_import_roster``: a district's sign-in
    service is its people administrators' to set up, like its roster)."""
    if is_platform_admin(user):
        return None
    if not is_signed_in(user):
        return set()
    ids = _org_ids(user, Role.ORG_ADMIN)
    frontier = set(ids)
    while frontier:
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def can_configure_sso(user, organization) -> bool:
    """List, add, change, test and turn off the identity providers of ``organization``: its organization admins (or
    those of an organization above it) and platform admins."""
    ids = sso_configurable_organization_ids(user)
    return ids is None or getattr(organization, "pk", organization) in ids


def can_open_sso_pages(user) -> bool:
    """The single sign-on settings pages: anyone who configures the identity providers of some organization."""
    ids = sso_configurable_organization_ids(user)
    return ids is None or bool(ids)


def sso_may_link(person) -> bool:
    """May a sign-in through an organization's identity provider be linked to ``person``'s existing account (by a
    roster sourcedId or an e-mail address)? Never for Django staff, superusers or anyone holding a staff role (a
    district's identity provider does not speak for the platform's or an issuer's administrators)."""
    if not is_signed_in(person):
        return False
    return not (person.is_staff or person.is_superuser or _org_ids(person, *STAFF_ROLES, Role.ORG_ADMIN))


def sso_may_sign_in(person) -> bool:
    """May ``person`` sign in through an organization's identity provider at all (even through an identity linked
    earlier)? Not Django staff, superusers or platform admins: the platform's own administrators use their password
    (and code), whatever a district's identity provider says."""
    if not is_signed_in(person):
        return False
    return not (person.is_staff or person.is_superuser or is_platform_admin(person))


def sso_jit_role() -> str:
    """The role a just-in-time account gets in the provider's organization: earner, whatever was configured
    (single sign-on never grants a staff role)."""
    return Role.EARNER


# --- one's own personal data: export and account deletion (issue 14 item 6; docs/privacy.md) -----------------------

def can_download_export(user, export) -> bool:
    """A personal data export is downloaded only by the person it is about: not by staff, not by platform admins
    (they run `microcred export_personal_data` on the server when the law requires it)."""
    return is_signed_in(user) and export is not None and export.user_id == user.pk


def can_request_deletion(user) -> bool:
    """Any signed-in person may ask for their own account to be deleted (blockers may hold the processing)."""
    return is_signed_in(user)


def can_cancel_deletion(user, deletion_request) -> bool:
    """Only the person who asked, while the request is still waiting."""
    return (is_signed_in(user) and deletion_request.user_id == user.pk
            and deletion_request.state == deletion_request.State.REQUESTED)


# Roles an organization cannot be left without: the last holder must hand over before their account goes.
HANDOVER_ROLES = (Role.ORG_ADMIN, Role.ISSUER_ADMIN, Role.RECOGNIZER_ADMIN)


def deletion_blockers(user) -> list[str]:
    """Why ``user``'s account cannot be deleted yet (empty: it can). Each reason says what to do:

    - Django staff and platform admins are closed by another platform administrator, not by self-service;
    - work under assessment (a submitted attempt) must be decided or withdrawn first;
    - an assessor's open assignments must be finished or released first;
    - the only holder of an organization's administrator role (people, issuer, recognizer) hands it over first.
    Read through the user's reverse relations, so this module imports nothing above accounts."""
    if not is_signed_in(user):
        return []
    reasons: list[str] = []
    if user.is_staff or user.is_superuser or is_platform_admin(user):
        reasons.append("Platform administrator and staff accounts are closed by another platform administrator; "
                       "ask them.")
    attempts = getattr(user, "attempts", None)
    if attempts is not None:
        for title in attempts.filter(state="submitted").values_list("version__title", flat=True)[:5]:
            reasons.append(_("Your submission of “%(title)s” is being assessed. Wait for the decision or withdraw it first.")
                           % {"title": title})
    assignments = getattr(user, "assessment_assignments", None)
    if assignments is not None:
        open_count = assignments.filter(state="assigned", review__isnull=False).count()
        if open_count:
            reasons.append(ngettext("You have %(count)s assessment assigned to you. Score it or ask the issuer to "
                                    "release it first.",
                                    "You have %(count)s assessments assigned to you. Score them or ask the issuer to "
                                    "release them first.", open_count) % {"count": open_count})
    held = Membership.objects.filter(user=user, role__in=HANDOVER_ROLES).select_related("organization")
    for m in held:
        others = Membership.objects.filter(organization_id=m.organization_id, role=m.role, user__is_active=True).exclude(user=user)
        if not others.exists():
            reasons.append(_("You are the only %(role)s of %(organization)s. Ask someone to take the role over first.")
                           % {"role": m.get_role_display().lower(), "organization": m.organization.name})
    return reasons


# --- analytics: dashboards, equity, expertise finder, research export (issue 17) ----------------------------------

def _org_admin_subtree_ids(user, role: str) -> set[int]:
    """Organizations where ``user`` holds ``role``, and every organization below them (state > district > school)."""
    ids = _org_ids(user, role)
    frontier = set(ids)
    while frontier:
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def can_view_district_dashboard(user, organization) -> bool:
    """The figures of a district (or school, or state agency) and everything under it: its organization admins (or
    those of an organization above it), its recognizer admins, and platform admins. Teachers see no dashboard."""
    if is_platform_admin(user):
        return True
    org_id = getattr(organization, "pk", organization)
    return _manages_as_org_admin(user, org_id) or org_id in _org_admin_subtree_ids(user, Role.RECOGNIZER_ADMIN)


def can_view_state_dashboard(user, organization) -> bool:
    """A recognizer's (state agency's) figures over its whole jurisdiction: its recognizer admins and platform admins."""
    return is_recognizer_admin(user, organization) or is_platform_admin(user)


def can_view_issuer_dashboard(user, organization) -> bool:
    """An issuer's figures (its micro-credentials' funnel, demand, assessment): those who manage the issuer."""
    return manages_issuer(user, organization)


def can_view_platform_dashboard(user) -> bool:
    """Every organization's figures at once: platform admins only."""
    return is_platform_admin(user)


def analytics_organization_ids(user) -> dict[str, set[int] | None]:
    """Which dashboards ``user`` may open: {"district": ids, "state": ids, "issuer": ids, "platform": None or empty}.
    ``None`` means every organization (platform admins)."""
    if is_platform_admin(user):
        return {"district": None, "state": None, "issuer": None, "platform": None}
    if not is_signed_in(user):
        return {"district": set(), "state": set(), "issuer": set(), "platform": set()}
    return {"district": _org_admin_subtree_ids(user, Role.ORG_ADMIN) | _org_admin_subtree_ids(user, Role.RECOGNIZER_ADMIN),
            "state": recognizer_admin_organization_ids(user),
            "issuer": issuer_admin_organization_ids(user), "platform": set()}


def can_open_analytics(user) -> bool:
    """The analytics pages: anyone who may open at least one dashboard (not teachers, coaches or assessors)."""
    return is_signed_in(user) and (is_platform_admin(user) or bool(
        _org_ids(user, Role.ORG_ADMIN, Role.RECOGNIZER_ADMIN, Role.ISSUER_ADMIN)))


def can_import_school_attributes(user, organization) -> bool:
    """Import Title I, locale, high-need and enrollment for ``organization``'s schools: those who import its rosters
    (its organization admins or those above it) and platform admins; an operator at the command line (None)."""
    return user is None or can_import_roster(user, organization)


def can_export_research(user) -> bool:
    """The de-identified research export: platform admins, or an operator at the command line (``user`` None)."""
    return user is None or is_platform_admin(user)


def expertise_organization_ids(user) -> set[int] | None:
    """Organizations whose findable educators ``user`` may search (district and school leaders: organization admins,
    with everything under them); None for platform admins."""
    if is_platform_admin(user):
        return None
    if not is_signed_in(user):
        return set()
    return _org_admin_subtree_ids(user, Role.ORG_ADMIN)


def can_search_expertise(user) -> bool:
    """The expertise finder: district and school leaders (organization admins) and platform admins."""
    ids = expertise_organization_ids(user)
    return ids is None or bool(ids)


def can_share_demographics(user, person) -> bool:
    """Tell (or withdraw) one's own demographics, and choose to be findable: only the person themselves."""
    return is_signed_in(user) and getattr(person, "pk", None) == user.pk


# --- performance: memberships once per request (issue 18) ---------------------------------------------------------

# user id -> memberships, for the current request only (a ContextVar: one per thread or task, None outside requests).
_REQUEST_SCOPE: ContextVar[dict | None] = ContextVar("policy_request_scope", default=None)


def begin_request_scope():
    """Start remembering memberships for this request (every policy question and accounts.selectors' membership reads
    then cost one query per person per request). Returns the token end_request_scope needs."""
    return _REQUEST_SCOPE.set({})


def end_request_scope(token) -> None:
    _REQUEST_SCOPE.reset(token)


def forget_memberships(**kwargs) -> None:
    """A membership was added, changed or removed: this request reads memberships afresh from now on."""
    scope = _REQUEST_SCOPE.get()
    if scope:
        scope.clear()


def memberships(user) -> frozenset[tuple[int, str]]:
    """(organization id, role) of each of ``user``'s memberships, read once per request (for accounts.selectors)."""
    return _memberships(user)
# --- pilots of micro-credential versions (issue 16 item 4; docs/decisions/0031-pilots.md) --------------------------

def can_run_pilot(user, micro_credential) -> bool:
    """Opens or closes a pilot of a version of ``micro_credential``: the owner's issuer admins and platform admins
    (the same people who publish it and submit it for quality review)."""
    return can_publish(user, micro_credential)


def can_see_pilot_report(user, version) -> bool:
    """Reads a version's pilot report (agreement, pass rate, time to earn, earners' comments): the owner's authors and
    issuer admins, platform admins, and the quality reviewers who may rate a review of that version. Nobody else:
    earners and other issuers never see it."""
    if not is_signed_in(user):
        return False
    if can_edit(user, version.micro_credential):
        return True
    if not is_quality_reviewer(user):
        return False
    return any(can_rate_quality_review(user, review) for review in version.quality_reviews.all()[:20])
# --- analytics: impact data (issue 17 item 5) -------------------------------------------------------------------------

def can_manage_impact_data(user, organization) -> bool:
    """Opt ``organization`` in to impact data, import its educators' evaluation ratings or withdraw them: those who
    import its rosters (its organization admins or those above it) and platform admins; an operator at the command
    line (None)."""
    return user is None or (organization is not None and can_import_roster(user, organization))
# --- competency frameworks (CASE 1.0 import and alignment, docs/competency-frameworks.md) --------------------------

def can_import_competency_frameworks(user) -> bool:
    """Import or re-import a CASE competency framework (shared by every MC on the site): platform admins, or an
    operator at the command line (``user`` None). Aligning an MC to its items is editing the MC (``can_edit``)."""
    return user is None or is_platform_admin(user)
# --- outbound webhooks (issue 19 item 3; docs/webhooks.md, docs/decisions/0028) -----------------------------------

# Which events an organization's admins may subscribe to, by the role that sees those facts on the site: an issuer's
# admins see the attempts at and the credentials of its MCs; a recognizer's admins its awards and policies.
WEBHOOK_ISSUER_EVENTS = ("attempt.submitted", "attempt.decided", "credential.issued", "credential.revoked",
                         "credential.suspended", "credential.reinstated")
WEBHOOK_RECOGNIZER_EVENTS = ("award.granted", "award.withdrawn", "policy.published")


def webhook_organization_ids(user) -> set[int]:
    """Organizations whose webhook subscriptions ``user`` manages: where they are an issuer admin or a recognizer
    admin. Platform admins do not: a subscription sends the organization's own events to its own systems."""
    return _org_ids(user, Role.ISSUER_ADMIN, Role.RECOGNIZER_ADMIN) if is_signed_in(user) else set()


def can_open_webhook_pages(user) -> bool:
    """The webhook pages and API: anyone who manages the subscriptions of some organization."""
    return bool(webhook_organization_ids(user))


def can_manage_webhooks(user, organization) -> bool:
    """List, add, change, disable and enable the subscriptions of ``organization``, see their deliveries and replay
    them: its issuer admins and recognizer admins only."""
    return getattr(organization, "pk", organization) in webhook_organization_ids(user)


def subscribable_webhook_events(user, organization) -> tuple[str, ...]:
    """The event types ``user`` may subscribe ``organization`` to: issuer events for its issuer admins, recognition
    events for its recognizer admins (both for someone who is both)."""
    events: tuple[str, ...] = ()
    if is_issuer_admin(user, organization):
        events += WEBHOOK_ISSUER_EVENTS
    if is_recognizer_admin(user, organization):
        events += WEBHOOK_RECOGNIZER_EVENTS
    return events


def webhook_may_carry(organization, event_type: str, *, owner_id: int | None) -> bool:
    """May an event reach ``organization``'s endpoints? Only events about what it owns: an attempt at or a credential
    of one of its MCs (``owner_id`` = the MC's owner, the credential's issuer), one of its awards or policies
    (``owner_id`` = the recognizer). Payloads carry identifiers and states only, never an earner's name or address."""
    org_id = getattr(organization, "pk", organization)
    known = event_type in WEBHOOK_ISSUER_EVENTS or event_type in WEBHOOK_RECOGNIZER_EVENTS
    return known and owner_id is not None and org_id == owner_id


def webhook_notice_recipient_ids(organization) -> set[int]:
    """Who is told when a subscription of ``organization`` is disabled after repeated failures: its issuer and
    recognizer admins (whoever may turn it back on)."""
    return set(Membership.objects.filter(organization=organization, role__in=(Role.ISSUER_ADMIN, Role.RECOGNIZER_ADMIN))
               .values_list("user_id", flat=True))


__all__ += ["webhook_organization_ids", "can_open_webhook_pages", "can_manage_webhooks", "subscribable_webhook_events",
            "webhook_may_carry"]
# --- LTI 1.3 tool (issue 19 item 1, docs/lti.md) -----------------------------------------------------------------

# LTI 1.3 Core §A.2.2 context roles (full URIs and the short forms platforms also send) that may place content.
_LTI_CONTENT_ROLES = ("Instructor", "ContentDeveloper", "Administrator", "TeachingAssistant", "Mentor")


def can_manage_lti_platforms(user) -> bool:
    """Register, change and turn off the LMS platforms that launch microcred as an LTI tool: platform admins (or an
    operator at the command line, ``user`` None). An LMS speaks for the whole installation's sign-in, so no
    organization admin does."""
    return user is None or is_platform_admin(user)


def lti_may_link(person) -> bool:
    """May an LMS launch be linked to ``person``'s existing account by e-mail or roster sourcedId? As single
    sign-on: never for Django staff, superusers, staff roles or organization admins."""
    return sso_may_link(person)


def lti_may_sign_in(person) -> bool:
    """May an LMS launch sign ``person`` in at all (even through a link made earlier)? Not the platform's own
    administrators, who use their password (and code)."""
    return sso_may_sign_in(person)


def lti_jit_role() -> str:
    """The role an account made by an LMS launch gets in the platform's organization: earner, always."""
    return Role.EARNER


def lti_may_pick_content(lti_roles) -> bool:
    """May the launched person choose which MC or stack a course links to (a Deep Linking request)? Those the LMS
    says teach or build the course (Instructor, ContentDeveloper, Administrator, TeachingAssistant, Mentor of the
    context, or an institution/system Administrator); never a Learner alone."""
    if not isinstance(lti_roles, (list, tuple)):
        return False
    for role in lti_roles:
        if not isinstance(role, str):
            continue
        name = role.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if name in _LTI_CONTENT_ROLES:
            return True
    return False


__all__ += ["can_manage_lti_platforms", "lti_may_link", "lti_may_sign_in", "lti_jit_role", "lti_may_pick_content"]


# --- licensure feeds ---------------------------------------------------------------------------------------------

def can_open_licensure_feeds(user) -> bool:
    """The licensure feed pages: a recognizer admin somewhere, or a platform admin."""
    return can_manage_recognition(user)


def can_manage_licensure_feeds(user, recognizer) -> bool:
    """See, add, change, pause and send now the licensure feeds of ``recognizer`` (its awards, with educators'
    license numbers and e-mail addresses): its recognizer admins and platform admins. Never an issuer admin, an
    earner, or another recognizer's admins."""
    return recognizer is not None and can_manage_recognizer(user, recognizer)


__all__ += ["can_open_licensure_feeds", "can_manage_licensure_feeds"]
# --- LTI roster sync (NRPS) and the CASE import page (issue 19; docs/lti.md, docs/competency-frameworks.md) -------

# LIS context roles (LTI 1.3 Core §A.2.2) whose members a roster sync enrolls: the course's learners, i.e. the
# teachers taking the professional-learning course.
_LTI_ENROLLED_ROLES = ("Learner", "Student")


def can_open_lti_courses(user) -> bool:
    """The page of LMS courses that launched microcred with a membership service: whoever manages the people (and so
    the cohorts) of some organization."""
    return is_signed_in(user) and can_open_people_pages(user)


def can_sync_lti_roster(user, link) -> bool:
    """See a course link and enroll its teachers as a cohort: who manages the people of the organization the LMS
    platform was registered for (its organization admins, platform admins). An earner, or another organization's
    admin, may not."""
    return is_signed_in(user) and can_manage_people(user, link.platform.organization_id)


def lti_member_enrolled(lti_roles) -> bool:
    """Is a course member (by their NRPS roles) one a roster sync enrolls: a learner of the course."""
    if not isinstance(lti_roles, (list, tuple)):
        return False
    for role in lti_roles:
        if not isinstance(role, str):
            continue
        name = role.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if name in _LTI_ENROLLED_ROLES and "institution" not in role:
            return True
    return False


def can_use_case_import_page(user) -> bool:
    """The web page that imports a CASE package (file or address): a signed-in person who may import frameworks."""
    return is_signed_in(user) and can_import_competency_frameworks(user)


__all__ += ["can_open_lti_courses", "can_sync_lti_roster", "lti_member_enrolled", "can_use_case_import_page"]
