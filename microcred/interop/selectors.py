"""Reads of the Open Badges 3.0 API and of the connected-apps page. Constant queries whatever the data size."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model

from microcred.accounts import policy
from microcred.credentials.models import ExternalCredential, IssuedCredential


def profile_id(user) -> str:
    """A stable identifier for the earner's Profile that does not reveal the account's number or name."""
    site = settings.SITE_URL.rstrip("/")
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{site}/people/{user.pk}')}"


def _issued(earner, since):
    queryset = IssuedCredential.objects.filter(earner=earner, revoked_at__isnull=True)
    return queryset.filter(issued_at__gt=since) if since else queryset


def _external(earner, since):
    queryset = ExternalCredential.objects.filter(earner=earner)
    return queryset.filter(valid_from__gt=since) if since else queryset


@dataclass
class CredentialsPage:
    total: int
    credential: list = field(default_factory=list)          # credentials with an embedded proof (JSON)
    compact_jws: list = field(default_factory=list)         # credentials signed as VC-JWT (compact JWS)


def credentials_page(earner, *, limit: int, offset: int, since: datetime | None = None) -> CredentialsPage:
    """The earner's credentials for getCredentials: issued here (not revoked; newest first), then those they
    imported or a client upserted (newest first). Four queries at most, whatever the counts."""
    issued_count = _issued(earner, since).count()
    external_count = _external(earner, since).count()
    page = CredentialsPage(total=issued_count + external_count)
    if offset < issued_count:
        page.credential.extend(_issued(earner, since).order_by("-issued_at", "pk")
                               .values_list("credential", flat=True)[offset:offset + limit])
    remaining = limit - len(page.credential)
    if remaining > 0:
        start = max(0, offset - issued_count)
        for fmt, raw, credential in (_external(earner, since).order_by("-imported_at", "pk")
                                     .values_list("format", "raw", "credential")[start:start + remaining]):
            if fmt == "jwt":
                page.compact_jws.append(raw)
            else:
                page.credential.append(credential)
    return page


@dataclass
class ConnectedApp:
    application: object
    registration: object
    scopes: list[str]
    connected_at: datetime
    last_used: datetime


def connected_apps(user) -> list[ConnectedApp]:
    """The clients this person approved that still hold a live access or refresh token, with the scopes granted.
    Two queries whatever the number of apps and tokens."""
    now = timezone.now()
    apps: dict[int, ConnectedApp] = {}

    def add(application, scope: str, created, updated):
        entry = apps.get(application.pk)
        if entry is None:
            entry = apps[application.pk] = ConnectedApp(application, getattr(application, "ob_registration", None),
                                                        [], created, updated)
        for s in scope.split():
            if s not in entry.scopes:
                entry.scopes.append(s)
        entry.connected_at = min(entry.connected_at, created)
        entry.last_used = max(entry.last_used, updated)

    for token in (get_access_token_model().objects.filter(user=user, expires__gt=now)
                  .select_related("application__ob_registration")):
        add(token.application, token.scope, token.created, token.updated)
    for refresh in (get_refresh_token_model().objects.filter(user=user, revoked__isnull=True)
                    .filter(Q(access_token__isnull=True) | Q(access_token__expires__lte=now))
                    .select_related("application__ob_registration", "access_token")):
        scope = refresh.access_token.scope if refresh.access_token else ""
        add(refresh.application, scope, refresh.created, refresh.updated)
    return sorted(apps.values(), key=lambda entry: entry.application.name.lower())


def lti_courses_for(user):
    """The LMS course links (NRPS) whose teachers ``user`` may enroll: those of platforms registered for
    organizations whose people they manage. One query."""
    from .models import LtiCourseLink

    ids = policy.people_admin_organization_ids(user)
    rows = LtiCourseLink.objects.select_related("platform__organization", "micro_credential", "stack", "cohort")
    return list((rows if ids is None else rows.filter(platform__organization_id__in=ids))[:500])


def case_import_runs(user, limit: int = 20):
    """The latest CASE imports started from the web page (everyone who may import sees them all: frameworks are
    shared by the whole site)."""
    from .models import CaseImportRun

    if not policy.can_use_case_import_page(user):
        return []
    return list(CaseImportRun.objects.select_related("requested_by").defer("package")[:limit])
