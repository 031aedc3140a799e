"""LTI Advantage Names and Role Provisioning Services 2.0 (docs/lti.md): a launch that carries the membership claim
keeps its course link; someone who manages the people of the platform's organization asks for a roster sync, and a
background task reads the course's membership (every page, bounded), finds or creates each learner's account the
way a launch does, and enrolls them in the link's cohort. Every sync is recorded and audited."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts.models import User
from microcred.core import audit
from microcred.earning import services as earning

from ..models import LtiCourseLink, LtiIdentity, LtiPlatform, LtiRosterSync
from . import messages as m
from .services import LtiError, Person, _create, _match, access_token
from .transport import TransportError, check_url, transport

MAX_PAGES = 20
MAX_MEMBERS = 5000
MAX_PROBLEMS = 50


class RosterError(Exception):
    """A sync that cannot start or go on; the message is for a person."""


def remember_course(*, platform: LtiPlatform, claims: dict, micro_credential=None, stack=None) -> LtiCourseLink | None:
    """Keep (or refresh) the launch's course link when it carries the NRPS claim with a usable membership address."""
    service = claims.get(m.NRPS_CLAIM) if isinstance(claims.get(m.NRPS_CLAIM), dict) else {}
    url = service.get("context_memberships_url")
    context = claims.get(m.CONTEXT) if isinstance(claims.get(m.CONTEXT), dict) else {}
    resource = claims.get(m.RESOURCE_LINK) if isinstance(claims.get(m.RESOURCE_LINK), dict) else {}
    if not isinstance(url, str) or len(url) > 500 or not context.get("id") or not resource.get("id"):
        return None
    if micro_credential is None and stack is None:
        return None
    try:
        check_url(url)
    except TransportError:
        return None
    link, _created = LtiCourseLink.objects.update_or_create(
        platform=platform, context_id=str(context["id"])[:255], resource_link_id=str(resource["id"])[:255],
        defaults={"deployment_id": str(claims.get(m.DEPLOYMENT_ID, ""))[:255], "memberships_url": url,
                  "context_title": str(context.get("title") or "")[:255], "micro_credential": micro_credential,
                  "stack": stack, "last_launch_at": timezone.now()})
    return link


def request_sync(*, link: LtiCourseLink, by: User) -> LtiRosterSync:
    """Record a sync for the background task to run (the caller enqueues it). Refuses who may not, a link whose
    platform is off or cannot give tokens, and a second sync while one waits."""
    if not policy.can_sync_lti_roster(by, link):
        raise PermissionDenied(_("Only the administrators of the LMS's organization enroll its courses' teachers."))
    if not link.platform.enabled:
        raise ValidationError(_("This LMS is turned off in microcred."))
    if not link.platform.access_token_url:
        raise ValidationError(_("This LMS has no access token URL registered, so its course members cannot be read."))
    with transaction.atomic():
        if LtiRosterSync.objects.select_for_update().filter(link=link, state=LtiRosterSync.State.PENDING).exists():
            raise ValidationError(_("A sync of this course is already waiting; its result will show here."))
        sync = LtiRosterSync.objects.create(link=link, requested_by=by)
        audit.record(actor=by, action="lti.roster_sync_requested", target=link, data={"sync": sync.pk})
    return sync


def _members(platform: LtiPlatform, url: str) -> tuple[list[dict], int]:
    """Every member of the course: the pages the platform links with rel="next" (at most MAX_PAGES and MAX_MEMBERS)."""
    try:
        token = access_token(platform, (m.SCOPE_NRPS,))
    except (TransportError, LtiError) as error:
        raise RosterError(_("The LMS gave no access token (%(why)s).") % {"why": str(error)[:200]}) from error
    members, pages, seen = [], 0, set()
    while url:
        if pages >= MAX_PAGES:
            raise RosterError(_("The course's membership has more than %(n)s pages; nothing was enrolled.") % {"n": MAX_PAGES})
        if url in seen:
            raise RosterError(_("The LMS's membership pages link back to themselves; nothing was enrolled."))
        seen.add(url)
        try:
            data, url = transport.get_page(url, accept=m.NRPS_MEDIA_TYPE, headers={"Authorization": f"Bearer {token}"})
        except TransportError as error:
            raise RosterError(_("The course's membership could not be read (%(why)s).") % {"why": str(error)[:200]}) from error
        pages += 1
        page = data.get("members")
        if not isinstance(page, list) or not all(isinstance(member, dict) for member in page):
            raise RosterError(_("The LMS's answer is not a membership container (no list of members)."))
        members.extend(page)
        if len(members) > MAX_MEMBERS:
            raise RosterError(_("The course has more than %(n)s members; nothing was enrolled.") % {"n": MAX_MEMBERS})
    return members, pages


def _person(member: dict) -> Person:
    return Person(subject=str(member.get("user_id") or "")[:255], email=str(member.get("email") or "").strip().lower()[:254],
                  sourced_id=str(member.get("lis_person_sourcedid") or "")[:255],
                  first_name=str(member.get("given_name") or "")[:150], last_name=str(member.get("family_name") or "")[:150])


def _account(platform: LtiPlatform, person: Person) -> User:
    """The member's account, found or made exactly as their launch would (their subject, then the roster's
    sourcedId, then their e-mail address, else a new earner of the platform's organization)."""
    with transaction.atomic():
        identity = LtiIdentity.objects.select_related("user").filter(platform=platform, subject=person.subject).first()
        if identity is not None:
            return identity.user
        user, how = _match(platform, person)
        if user is None:
            user, how = _create(platform, person), "created"
        identity = LtiIdentity.objects.create(platform=platform, subject=person.subject, user=user)
        audit.record(actor=None, action="lti.identity_linked", target=identity, data={"how": how, "by": "roster"})
    return user


def _cohort(link: LtiCourseLink, by: User):
    if link.cohort_id:
        return link.cohort
    mcs = [link.micro_credential] if link.micro_credential_id else (
        [item.micro_credential for item in link.stack.items.select_related("micro_credential") if item.micro_credential_id] if link.stack_id else [])
    cohort = earning.create_cohort(organization=link.platform.organization, micro_credentials=mcs, by=by,
                                   name=_("%(course)s (from %(lms)s)") % {"course": link.context_title or link.context_id,
                                                                         "lms": link.platform.name})
    link.cohort = cohort
    link.save(update_fields=["cohort"])
    return cohort


def run_sync(sync_id: int) -> LtiRosterSync | None:
    """Read the course's membership and enroll its active learners; record the counts and problems. A refusal of
    the whole sync (no token, bad answer, too many pages) enrolls nobody and is recorded as failed."""
    sync = (LtiRosterSync.objects.select_related("link__platform__organization", "link__cohort", "link__stack",
                                                 "requested_by").filter(pk=sync_id).first())
    if sync is None or sync.state != LtiRosterSync.State.PENDING:
        return sync
    link, by = sync.link, sync.requested_by
    problems: list[str] = []
    try:
        if by is None or not policy.can_sync_lti_roster(by, link):
            raise RosterError(_("The person who asked for this sync may no longer enroll this course's teachers."))
        members, sync.pages = _members(link.platform, link.memberships_url)
        cohort = _cohort(link, by)
        for member in members:
            person = _person(member)
            if not person.subject:
                sync.skipped += 1
                problems.append(_("A member without a user id was skipped."))
                continue
            if str(member.get("status") or "Active") != "Active" or not policy.lti_member_enrolled(member.get("roles")):
                sync.skipped += 1
                continue
            try:
                user = _account(link.platform, person)
                added = earning.add_cohort_member(cohort=cohort, person=user, by=by)
            except LtiError as error:
                sync.skipped += 1
                problems.append(f"{person.subject[:60]}: {error}"[:300])
                continue
            except PermissionDenied:
                sync.skipped += 1
                problems.append(_("%(who)s: the account is not one of your organizations' people.") % {"who": person.subject[:60]})
                continue
            if added:
                sync.added += 1
            else:
                sync.already += 1
        sync.state = LtiRosterSync.State.DONE
    except (RosterError, PermissionDenied, ValidationError) as error:
        sync.state, sync.error = LtiRosterSync.State.FAILED, str(getattr(error, "message", error))[:500]
    sync.problems, sync.finished_at = problems[:MAX_PROBLEMS], timezone.now()
    sync.save()
    audit.record(actor=by, action="lti.roster_synced" if sync.state == LtiRosterSync.State.DONE else "lti.roster_sync_failed",
                 target=link, data={"sync": sync.pk, "added": sync.added, "already": sync.already,
                                    "skipped": sync.skipped, "pages": sync.pages, "error": sync.error[:200]})
    return sync
