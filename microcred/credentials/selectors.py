"""Reads of the credentials app."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.catalog.models import MicroCredentialVersion
from microcred.core.cache import remembered, spread

from .standards import images
from .builder import issuing_organization
from .models import IssuedCredential


def visible_credential(credential_id, user) -> IssuedCredential | None:
    """The credential if ``user`` may see it: link and public ones to anyone; private ones to their earner and to
    the issuer's admins and platform admins (policy.can_see_issued_credential)."""
    credential = (IssuedCredential.objects.select_related("issuer", "earner", "version__micro_credential")
                  .filter(pk=credential_id).first())
    if credential is None:
        return None
    if credential.visibility == IssuedCredential.Visibility.PRIVATE and not policy.can_see_issued_credential(user, credential):
        return None
    return credential


def credentials_for_earner(earner):
    return IssuedCredential.objects.filter(earner=earner).select_related("version", "issuer")


def external_credentials_for_earner(earner):
    from .models import ExternalCredential

    return ExternalCredential.objects.filter(earner=earner)


def earner_emails(earner) -> list[str]:
    """The e-mail addresses an imported badge's recipient may match: the one on the earner's account."""
    return [earner.email] if getattr(earner, "email", "") else []


REPORT_SECONDS = 300


def report_seconds(credential: IssuedCredential, longest: int = REPORT_SECONDS) -> int:
    """How long what is said of the credential's validity may be kept: ``longest``, never past its validUntil."""
    timeout = longest
    until = credential.credential.get("validUntil") if isinstance(credential.credential, dict) else None
    if isinstance(until, str):
        try:
            left = (dt.datetime.fromisoformat(until.replace("Z", "+00:00")) - timezone.now()).total_seconds()
        except (ValueError, TypeError):
            left = 0
        timeout = max(0, min(timeout, int(left)))
    return timeout


def live_verification(credential: IssuedCredential):
    """The verifier's report on the credential as issued (proof, status, dates): computed at most every five minutes
    and at once after a revocation, suspension, reinstatement or key change (verify.VERIFICATION), never past the
    credential's validUntil."""
    from .verify import VERIFICATION, verify_credential

    timeout = report_seconds(credential)
    if not timeout:
        return verify_credential(credential.credential)
    return remembered(VERIFICATION, f"report {credential.pk}", lambda: verify_credential(credential.credential), timeout=timeout)


ANSWER_SECONDS = 300
# Bodies larger than this are verified afresh each time: a credential of ours is ~15 kB, and the cache holds answers,
# not whatever a client chooses to post.
ANSWER_LARGEST_BODY = 64 * 1024


def _seconds_until_change(report, now: dt.datetime, longest: int) -> int:
    """How long the report on a credential cannot change with the clock: until the next validFrom or validUntil (of the
    credential or of any credential nested in a CLR) still to come, at most ``longest``."""
    from .standards.verify import _parse_time

    seconds = longest
    for each in [report, *report.nested]:
        credential = each.credential if isinstance(each.credential, dict) else {}
        for name in ("validFrom", "validUntil"):
            moment = _parse_time(credential.get(name))
            if moment is not None and moment > now:
                seconds = min(seconds, int((moment - now).total_seconds()))
        if each is not report and each.nested:
            seconds = min(seconds, _seconds_until_change(each, now, longest))
    return max(0, seconds)


def unreadable_answer(message: str, status_code: int) -> tuple[bytes, int]:
    """The verify endpoint's answer to a body that is not a credential: the parse check failed, with the reason."""
    return (json.dumps({"verified": False, "format": "unknown",
                        "checks": [{"check": "parse", "status": "failed", "message": message}],
                        "warnings": [], "errors": [{"check": "parse", "message": message}]},
                       ensure_ascii=False).encode(), status_code)


def verification_answer(body: bytes) -> tuple[bytes, int]:
    """The verify endpoint's answer to a request body: the report as compact JSON, and its HTTP status (200; 400 when
    the body is not a credential; 413 when over the limit).

    Kept for the same body (by its SHA-256) under the "verification" generation, so a revocation, suspension or key
    change is seen by the next request (issue 18, decision 0046); never past a date at which the report would change
    (validFrom, validUntil), never when online fetching is on (a fetched document is not under the generation), never
    for bodies over 64 kB."""
    from .verify import MAX_BYTES, VERIFICATION, ParsedInput, online_enabled, parse_input, verify_credential

    keep = len(body) <= ANSWER_LARGEST_BODY and not online_enabled()
    if keep:
        key = f"microcred:verification:{VERIFICATION.current()}:answer:{hashlib.sha256(body).hexdigest()}"
        kept = cache.get(key)
        if kept is not None:
            return kept
    try:
        parsed = parse_input(body)
    except ValueError as error:
        answer = unreadable_answer(str(error), 413 if "limit" in str(error) else 400)
        if keep:
            cache.set(key, answer, spread(ANSWER_SECONDS))
        return answer
    if parsed.kind == "json" and "verifiableCredential" in parsed.value:
        inner = parsed.value["verifiableCredential"]
        # A dict inside the body was read and depth-checked with it: not read again.
        parsed = ParsedInput("json", inner) if isinstance(inner, dict) else (
            inner.strip() if isinstance(inner, str) else inner)
    now = timezone.now()
    report = verify_credential(parsed, now=now)
    answer = (json.dumps(report.as_dict(), ensure_ascii=False).encode(), 200 if report.get("parse").ok else 400)
    seconds = _seconds_until_change(report, now, ANSWER_SECONDS) if keep else 0
    if seconds:
        cache.set(key, answer, spread(seconds))
    return answer


def badge_version(slug: str, number: int):
    """The version whose badge image may be shown, or None (drafts never issued stay hidden)."""
    version = (MicroCredentialVersion.objects.select_related("micro_credential")
               .filter(micro_credential__slug=slug, number=number).first())
    if version is None:
        return None
    has_issued = version.state not in ("published", "retired") and IssuedCredential.objects.filter(version=version).exists()
    return version if policy.can_see_badge_image(version, has_issued=has_issued) else None


def _badge_inputs(version) -> dict:
    return {"title": version.title, "issuer": issuing_organization(version).name, "seed": version.micro_credential.slug}


def badge_svg(version) -> str:
    return images.badge_svg(**_badge_inputs(version))


def badge_png(version) -> bytes:
    return images.badge_png(**_badge_inputs(version))


def baked_png(credential: IssuedCredential) -> bytes:
    """The version's PNG badge with the credential (JSON, embedded proof) baked in, OB 3.0 §5.3."""
    return images.bake_png(badge_png(credential.version), payload=json.dumps(credential.credential, ensure_ascii=False))


def baked_svg(credential: IssuedCredential) -> bytes:
    """The version's SVG badge with the credential JSON baked in an <openbadges:credential> element, OB 3.0 §5.3."""
    return images.bake_svg(badge_svg(credential.version), as_jws=False,
                           payload=json.dumps(credential.credential, ensure_ascii=False)).encode("utf-8")


def external_credentials_from_known_issuers():
    """Imported credentials that count (for recognition): from an issuer known here, and vouched for by it."""
    from .models import ExternalCredential

    return ExternalCredential.objects.countable()


def known_issuers():
    from .models import KnownIssuer

    return KnownIssuer.objects.select_related("registered_by").order_by("name", "identifier")


# --- the issuer's list of issued credentials (/credentials/issued/, /api/v1/credentials/issued/) -----------------

MAX_QUERY = 100
MAX_TERMS = 6
STATES = ("", "active", "suspended", "revoked")


def require_issued_list(user) -> set[int] | None:
    """The issuers whose credentials ``user`` lists (None: all); PermissionDenied for everyone else."""
    if not policy.can_list_issued_credentials(user):
        raise PermissionDenied(_("The list of issued credentials is for the issuer admins of an issuing organization."))
    return policy.issued_credential_issuer_ids(user)


def issued_credentials(user, *, q: str = "", micro_credential: str = "", state: str = "", issued_from=None,
                       issued_to=None, issuer: str = ""):
    """Credentials issued by the organizations whose credentials ``user`` lists (policy.issued_credential_issuer_ids;
    PermissionDenied for others), newest first. ``q``: words each found in the earner's name, username or e-mail;
    ``micro_credential``: an MC slug; ``state``: active, suspended or revoked; ``issued_from``/``issued_to``: dates
    (inclusive); ``issuer``: an issuer's slug. Rows carry earner, issuer and version: a page costs the same
    queries however many rows. Bad filters raise ValidationError with the field's message."""
    ids = require_issued_list(user)
    errors: dict[str, list[str]] = {}
    q = (q or "").strip()
    if len(q) > MAX_QUERY or "\x00" in q:
        errors["q"] = [_("Keep the search under %(max)s characters of ordinary text.") % {"max": MAX_QUERY}]
    terms = q.split()
    if len(terms) > MAX_TERMS:
        errors["q"] = [_("Search with at most %(max)s words.") % {"max": MAX_TERMS}]
    if state not in STATES:
        errors["state"] = [_("Choose active, suspended, revoked or any.")]
    if issued_from and issued_to and issued_from > issued_to:
        errors["issued_to"] = [_("The end date is before the start date.")]
    if errors:
        raise ValidationError(errors)
    found = IssuedCredential.objects.all()
    if ids is not None:
        found = found.filter(issuer_id__in=ids or [])
    for term in terms:
        found = found.filter(Q(earner__first_name__icontains=term) | Q(earner__last_name__icontains=term)
                             | Q(earner__username__icontains=term) | Q(earner__email__icontains=term))
    if micro_credential:
        found = found.filter(version__micro_credential__slug=micro_credential)
    if issuer:
        found = found.filter(issuer__slug=issuer)
    if state == "revoked":
        found = found.filter(revoked_at__isnull=False)
    elif state == "suspended":
        found = found.filter(revoked_at__isnull=True, suspended_at__isnull=False)
    elif state == "active":
        found = found.filter(revoked_at__isnull=True, suspended_at__isnull=True)
    if issued_from:
        found = found.filter(issued_at__date__gte=issued_from)
    if issued_to:
        found = found.filter(issued_at__date__lte=issued_to)
    return (found.select_related("earner", "issuer", "version__micro_credential")
            .defer("credential", "jwt").order_by("-issued_at", "pk"))


def issued_micro_credentials(user):
    """The micro-credentials with credentials in ``user``'s list (for the filter's choices): (slug, title) pairs."""
    ids = require_issued_list(user)
    found = IssuedCredential.objects.all() if ids is None else IssuedCredential.objects.filter(issuer_id__in=ids or [])
    rows = (found.values_list("version__micro_credential__slug", "version__micro_credential__current_version__title",
                              "version__title").distinct())
    titles: dict[str, str] = {}
    for slug, current, title in rows:
        titles.setdefault(slug, current or title)
    return sorted(titles.items(), key=lambda pair: pair[1].lower())
