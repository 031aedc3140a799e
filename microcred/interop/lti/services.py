"""Every write of the LTI 1.3 tool: registering platforms, starting an OIDC login, verifying a launch and signing
the person in, the Deep Linking answer, and scores sent to the platform's gradebook. Each asks the policy and is
audited; every refusal is an ``LtiError`` whose message is for the person in front of the LMS."""
from __future__ import annotations

import time
from dataclasses import dataclass

from cachetools import TTLCache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts import services as accounts
from microcred.accounts.models import Membership, Organization, PersonSourcedId, User
from microcred.core import audit

from .. import keys
from ..models import IntegrationKey, LtiGradeLink, LtiIdentity, LtiLoginState, LtiPlatform
from . import messages as m
from .transport import TransportError, check_url, transport

STATE_SECONDS = 600  # an OIDC login must come back within ten minutes
_jwks_cache: TTLCache = TTLCache(maxsize=64, ttl=300)
_token_cache: TTLCache = TTLCache(maxsize=64, ttl=3000)


class LtiError(Exception):
    """A launch or call that cannot go on; ``reason`` is audited, the message is shown."""

    def __init__(self, message: str, *, reason: str = "", platform: LtiPlatform | None = None):
        super().__init__(message)
        self.reason, self.platform = reason, platform


def _reason_message(reason: str) -> str:
    return {
        "expired": _("The launch from your course has expired. Open microcred again from your course."),
        "audience": _("The launch was meant for another tool; it was refused."),
        "issuer": _("The launch came from another platform than the one registered; it was refused."),
        "signature": _("The launch's signature does not verify; it was refused."),
        "unknown_key": _("The platform's published keys have none that signed this launch; it was refused."),
        "deployment": _("This course's deployment of microcred is not registered here. Ask your LMS administrator "
                        "to add its deployment id."),
        "replay": _("This launch was already used; it was refused. Open microcred again from your course."),
        "no_state": _("This launch was not started from this browser, or took too long. Open microcred again from "
                      "your course (if it keeps happening, allow cookies for this site)."),
        "nonce": _("The launch does not answer the login this tool started; it was refused."),
        "platform_unreachable": _("Your LMS did not answer; try again in a minute."),
    }.get(reason, _("The launch from your LMS was refused (%(reason)s). Ask your LMS administrator.") % {"reason": reason})


def refused(error: LtiError) -> None:
    """Audit a refused launch (outside any transaction that was rolled back)."""
    if error.platform is not None:
        audit.record(actor=None, action="lti.launch_refused", target=error.platform,
                     data={"reason": error.reason or "protocol", "message": str(error)[:300]})


# --- platforms -------------------------------------------------------------------------------------------------

PLATFORM_FIELDS = ("name", "issuer", "client_id", "deployment_ids", "jwks_url", "auth_login_url", "access_token_url",
                   "organization", "enabled")


def save_platform(*, by: User, platform: LtiPlatform) -> LtiPlatform:
    """Register or change an LMS platform (platform admins only); its addresses must be https. Audited."""
    if not policy.can_manage_lti_platforms(by):
        raise PermissionDenied(_("Only platform admins register LMS platforms."))
    errors = {}
    for field in ("issuer", "jwks_url", "auth_login_url", "access_token_url"):
        value = getattr(platform, field)
        if value:
            try:
                check_url(value)
            except TransportError:
                errors[field] = _("Use an https:// address.")
    if not platform.deployments:
        errors["deployment_ids"] = _("Give at least one deployment id.")
    if errors:
        raise ValidationError(errors)
    platform.issuer = platform.issuer.strip()
    platform.client_id = platform.client_id.strip()
    platform.full_clean()
    created = platform.pk is None
    with transaction.atomic():
        if created:
            platform.created_by = by
        platform.save()
        audit.record(actor=by, action="lti_platform.registered" if created else "lti_platform.changed", target=platform,
                     data={"issuer": platform.issuer, "client_id": platform.client_id,
                           "deployments": platform.deployments[:20], "enabled": platform.enabled})
    return platform


# --- login initiation (LTI 1.3 Core §5.1.1; Security Framework §5.1.1) -------------------------------------------

def platform_for_login(*, issuer: str, client_id: str = "") -> LtiPlatform:
    """The enabled platform a third-party login names (by issuer, and client id when it has several)."""
    found = list(LtiPlatform.objects.filter(issuer=(issuer or "").strip(), enabled=True)[:5])
    if client_id:
        found = [p for p in found if p.client_id == client_id]
    if len(found) != 1:
        raise LtiError(_("This LMS is not registered with microcred (or is turned off). Ask your LMS administrator "
                         "to register it."), reason="unknown_platform")
    return found[0]


def start_login(*, platform: LtiPlatform, launch_url: str, login_hint: str, lti_message_hint: str | None) -> tuple[str, LtiLoginState]:
    """A new single-use state and nonce, and the platform's authorization address to send the browser to."""
    if not login_hint:
        raise LtiError(_("The LMS did not say who is signing in (no login_hint)."), reason="no_login_hint", platform=platform)
    LtiLoginState.objects.filter(created_at__lt=timezone.now() - timezone.timedelta(days=1)).delete()
    login = LtiLoginState.objects.create(platform=platform, state=m.new_secret(), nonce=m.new_secret())
    params = m.auth_request_params(client_id=platform.client_id, redirect_uri=launch_url, login_hint=login_hint[:1000],
                                   lti_message_hint=(lti_message_hint or "")[:4000] or None, state=login.state,
                                   nonce=login.nonce)
    from urllib.parse import urlencode

    separator = "&" if "?" in platform.auth_login_url else "?"
    return f"{platform.auth_login_url}{separator}{urlencode(params)}", login


# --- launch (LTI 1.3 Core §5.1.2–5.3; Security Framework §5.1.3) ---------------------------------------------------

def platform_jwks(platform: LtiPlatform, *, fresh: bool = False) -> dict:
    url = platform.jwks_url
    if fresh or url not in _jwks_cache:
        try:
            _jwks_cache[url] = transport.get_json(url)
        except TransportError as error:
            raise LtiError(_reason_message("platform_unreachable"), reason="platform_unreachable", platform=platform) from error
    return _jwks_cache[url]


def _public_key(platform: LtiPlatform, kid: str | None):
    try:
        return m.key_for(platform_jwks(platform), kid)
    except m.LtiMessageError:
        # A platform that rotated its key: read its key set again once before refusing.
        try:
            return m.key_for(platform_jwks(platform, fresh=True), kid)
        except m.LtiMessageError as error:
            raise LtiError(_reason_message(error.reason), reason=error.reason, platform=platform) from error


def verify_launch(*, state: str, cookie_state: str, id_token: str, now: float | None = None) -> tuple[LtiPlatform, dict]:
    """The platform and verified claims of a launch: ``state`` must be the one this browser's login started (the
    cookie) and unused; the id_token signed by the platform's key, for this tool, an allowed deployment, unexpired,
    with the nonce of that login. The login state is used up, so the same launch never works twice."""
    if not state or not cookie_state or state != cookie_state or len(state) > 64:
        raise LtiError(_reason_message("no_state"), reason="no_state")
    login = LtiLoginState.objects.select_related("platform").filter(state=state).first()
    if login is None:
        raise LtiError(_reason_message("no_state"), reason="no_state")
    platform = login.platform
    if login.used_at is not None:
        raise LtiError(_reason_message("replay"), reason="replay", platform=platform)
    if not platform.enabled:
        raise LtiError(_("This LMS is turned off in microcred."), reason="disabled", platform=platform)
    if (timezone.now() - login.created_at).total_seconds() > STATE_SECONDS:
        raise LtiError(_reason_message("no_state"), reason="no_state", platform=platform)
    try:
        header = m.unverified_header(id_token)
        public_key = _public_key(platform, header.get("kid"))
        claims = m.verify_id_token(id_token, public_key=public_key, issuer=platform.issuer, client_id=platform.client_id,
                                   deployment_ids=platform.deployments, now=now)
    except m.LtiMessageError as error:
        raise LtiError(_reason_message(error.reason), reason=error.reason, platform=platform) from error
    if claims.get("nonce") != login.nonce:
        raise LtiError(_reason_message("nonce"), reason="nonce", platform=platform)
    # Use the state (and so its nonce) up, once: a second request with it, at the same moment or later, is a replay.
    if LtiLoginState.objects.filter(pk=login.pk, used_at__isnull=True).update(used_at=timezone.now()) != 1:
        raise LtiError(_reason_message("replay"), reason="replay", platform=platform)
    return platform, claims


# --- signing the launched person in ------------------------------------------------------------------------------

@dataclass
class Person:
    subject: str
    email: str = ""
    sourced_id: str = ""
    first_name: str = ""
    last_name: str = ""

    @classmethod
    def from_claims(cls, claims: dict) -> "Person":
        lis = claims.get(m.LIS) if isinstance(claims.get(m.LIS), dict) else {}
        return cls(subject=str(claims.get("sub") or "")[:255], email=str(claims.get("email") or "").strip().lower()[:254],
                   sourced_id=str(lis.get("person_sourcedid") or "")[:255],
                   first_name=str(claims.get("given_name") or "")[:150], last_name=str(claims.get("family_name") or "")[:150])


def _organization_tree(organization_id: int) -> set[int]:
    ids = frontier = {organization_id}
    while frontier:
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids = ids | frontier
    return ids


def _match(platform: LtiPlatform, person: Person) -> tuple[User | None, str]:
    candidate, how = None, ""
    if person.sourced_id:
        link = (PersonSourcedId.objects.select_related("user")
                .filter(organization=platform.organization, sourced_id=person.sourced_id).first())
        if link is not None:
            candidate, how = link.user, "sourced_id"
    if candidate is None and person.email:
        matches = list(User.objects.filter(email__iexact=person.email)[:2])
        if len(matches) > 1:
            raise LtiError(_("More than one account has your e-mail address; ask your administrator to sort them out."),
                           reason="ambiguous", platform=platform)
        if matches:
            candidate, how = matches[0], "email"
    if candidate is None:
        return None, ""
    orgs = set(Membership.objects.filter(user=candidate).values_list("organization_id", flat=True))
    if orgs and not orgs & _organization_tree(platform.organization_id):
        # An account of another organization is not taken over by an LMS that happens to know its e-mail address.
        raise LtiError(_("The account with your e-mail address belongs to another organization, so your LMS cannot "
                         "sign you in to it. Ask your administrator."), reason="other_organization", platform=platform)
    if not policy.lti_may_link(candidate):
        raise LtiError(_("This account has administrator or assessor rights, so an LMS launch is not linked to it. "
                         "Sign in with your password (and code)."), reason="staff", platform=platform)
    return candidate, how


def _create(platform: LtiPlatform, person: Person) -> User:
    base = (person.email.split("@")[0] if person.email else f"lti-{person.subject}")[:100]
    base = "".join(c for c in base if c.isalnum() or c in "._-+") or "educator"
    username, n = base, 2
    while User.objects.filter(username__iexact=username).exists():
        username, n = f"{base}{n}", n + 1
    user = User(username=username[:150], email=person.email, first_name=person.first_name, last_name=person.last_name)
    user.set_unusable_password()
    user.save()
    audit.record(actor=None, action="lti.account_created", target=user, data={"platform": platform.pk})
    accounts.grant_role(user=user, organization=platform.organization, role=policy.lti_jit_role())
    return user


def sign_in(*, platform: LtiPlatform, claims: dict) -> LtiIdentity:
    """The identity (and account) a verified launch signs in: the one linked to its subject; else the account a
    roster gave its sourcedId in the platform's organization; else the one with its e-mail address; else a new
    earner account of the platform's organization. Refuses staff accounts, other organizations' accounts and
    deactivated accounts."""
    person = Person.from_claims(claims)
    if not person.subject:
        raise LtiError(_("The LMS did not say who you are (an anonymous launch); microcred needs to know."),
                       reason="anonymous", platform=platform)
    with transaction.atomic():
        identity = LtiIdentity.objects.select_related("user").filter(platform=platform, subject=person.subject).first()
        if identity is None:
            user, how = _match(platform, person)
            if user is None:
                user, how = _create(platform, person), "created"
            try:
                with transaction.atomic():
                    identity = LtiIdentity.objects.create(platform=platform, subject=person.subject, user=user)
            except IntegrityError:  # two launches of the same person at once: the other one linked them
                identity = LtiIdentity.objects.select_related("user").get(platform=platform, subject=person.subject)
            audit.record(actor=identity.user, action="lti.identity_linked", target=identity, data={"how": how})
        user = identity.user
        if not policy.lti_may_sign_in(user):
            raise LtiError(_("This account has platform administrator rights; sign in with your password (and code)."),
                           reason="staff", platform=platform)
        if not user.is_active:
            raise LtiError(_("This account is deactivated. Ask your organization's administrator."),
                           reason="deactivated", platform=platform)
        identity.last_launch_at = timezone.now()
        identity.save(update_fields=["last_launch_at"])
        audit.record(actor=user, action="lti.launched", target=identity,
                     data={"message_type": claims.get(m.MESSAGE_TYPE), "deployment": claims.get(m.DEPLOYMENT_ID)})
    return identity


def remember_grade_link(*, identity: LtiIdentity, micro_credential, claims: dict) -> LtiGradeLink | None:
    """Keep the launch's line item for this person and MC when the platform lets the tool post scores (AGS)."""
    endpoint = claims.get(m.AGS_ENDPOINT) if isinstance(claims.get(m.AGS_ENDPOINT), dict) else {}
    lineitem, scopes = endpoint.get("lineitem"), endpoint.get("scope") or []
    if not isinstance(lineitem, str) or m.SCOPE_SCORE not in scopes or not identity.platform.access_token_url:
        return None
    try:
        check_url(lineitem)
    except TransportError:
        return None
    link, _created = LtiGradeLink.objects.update_or_create(
        identity=identity, lineitem=lineitem[:500],
        defaults={"platform": identity.platform, "micro_credential": micro_credential,
                  "resource_link_id": str((claims.get(m.RESOURCE_LINK) or {}).get("id", ""))[:255]})
    return link


# --- Deep Linking 2.0 --------------------------------------------------------------------------------------------

def _tool_key() -> IntegrationKey:
    key = keys.active_key(IntegrationKey.Purpose.LTI)
    if key is None:
        raise LtiError(_("microcred has no LTI signing key yet; a platform admin must create one "
                         "(microcred integration_keys --rotate lti)."), reason="no_key")
    return key


def deep_linking_response(*, platform: LtiPlatform, deployment_id: str, data: str | None, item: dict, by: User) -> str:
    """The signed LtiDeepLinkingResponse JWT that places ``item`` in the course. Audited."""
    if deployment_id not in platform.deployments:
        raise LtiError(_reason_message("deployment"), reason="deployment", platform=platform)
    key = _tool_key()
    claims = m.deep_linking_response(client_id=platform.client_id, issuer=platform.issuer, deployment_id=deployment_id,
                                     content_items=[item], data=data)
    token = m.sign(claims, private_key=keys.private_key(key), kid=key.kid)
    audit.record(actor=by, action="lti.content_linked", target=platform,
                 data={"title": item.get("title", "")[:200], "custom": item.get("custom", {})})
    return token


# --- Assignment and Grade Services 2.0 ---------------------------------------------------------------------------

def access_token(platform: LtiPlatform, scopes: tuple[str, ...]) -> str:
    """A bearer token for the platform's services, got with a signed client assertion (client_credentials grant,
    Security Framework §4.1); kept until shortly before it expires."""
    cache_key = (platform.pk, platform.access_token_url, scopes)
    cached = _token_cache.get(cache_key)
    if cached and cached[1] > time.time() + 30:
        return cached[0]
    key = _tool_key()
    assertion = m.sign(m.client_assertion(client_id=platform.client_id, token_url=platform.access_token_url),
                       private_key=keys.private_key(key), kid=key.kid)
    answer = transport.post_form(platform.access_token_url, {
        "grant_type": "client_credentials", "client_assertion_type": m.CLIENT_ASSERTION_TYPE,
        "client_assertion": assertion, "scope": " ".join(scopes)})
    token = answer.get("access_token")
    if not isinstance(token, str) or not token:
        raise TransportError("the token endpoint gave no access_token")
    try:
        lifetime = max(60, min(int(answer.get("expires_in") or 3600), 3600))
    except (TypeError, ValueError):
        lifetime = 3600
    _token_cache[cache_key] = (token, time.time() + lifetime)
    return token


def post_scores(*, attempt_id: int, earned: bool) -> list[str]:
    """Send the earner's progress on an attempt's MC to every line item their launches linked it to: submitted
    (pending grading) or earned (full marks). Each result is kept on the link and audited; a platform that does
    not answer is recorded and left for the next event (the task does not retry endlessly)."""
    from microcred.earning.models import Attempt

    attempt = Attempt.objects.filter(pk=attempt_id).only("pk", "earner_id", "micro_credential_id").first()
    if attempt is None:
        return []
    results = []
    links = (LtiGradeLink.objects.select_related("platform", "identity")
             .filter(identity__user_id=attempt.earner_id, micro_credential_id=attempt.micro_credential_id,
                     platform__enabled=True))
    for link in links:
        body = m.score(user_id=link.identity.subject, earned=earned, timestamp=timezone.now().isoformat())
        try:
            token = access_token(link.platform, (m.SCOPE_SCORE,))
            status = transport.post_json(m.scores_url(link.lineitem), body, content_type=m.SCORE_MEDIA_TYPE,
                                         headers={"Authorization": f"Bearer {token}"})
            result = f"sent ({status})"
        except (TransportError, LtiError, ValidationError) as error:
            result = f"failed: {error}"[:200]
        link.last_posted_at, link.last_result = timezone.now(), result
        link.save(update_fields=["last_posted_at", "last_result"])
        audit.record(actor=None, action="lti.score_posted", target=link,
                     data={"attempt": attempt.pk, "earned": earned, "result": result})
        results.append(result)
    return results
