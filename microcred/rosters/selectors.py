"""Reads of rosters: which organizations a person may import for, the import history, a run's problems."""
from __future__ import annotations

from microcred.accounts import policy
from microcred.accounts.models import Organization

from .models import ImportProblem, ImportRun, RosterSync

IMPORTING_KINDS = (Organization.Kind.STATE_AGENCY, Organization.Kind.DISTRICT, Organization.Kind.SCHOOL)


def importable_organizations(user) -> list[Organization]:
    """Organizations ``user`` may import rosters and educator facts for (policy.can_import_roster)."""
    if not policy.is_signed_in(user):
        return []
    ids = policy.people_admin_organization_ids(user)
    orgs = Organization.objects.filter(kind__in=IMPORTING_KINDS)
    if ids is not None:
        orgs = orgs.filter(pk__in=ids)
    return [org for org in orgs.order_by("name") if policy.can_import_roster(user, org)]


def can_import_anywhere(user) -> bool:
    """For the menu: no query for people who administer nobody's people."""
    if not policy.is_signed_in(user):
        return False
    ids = policy.people_admin_organization_ids(user)
    return ids is None or any(policy.can_import_roster(user, pk) for pk in ids)


def runs_for(organizations):
    return (ImportRun.objects.filter(organization__in=organizations)
            .select_related("organization", "by").order_by("-created_at", "-pk"))


def run_for(user, pk: int) -> ImportRun | None:
    """The run, if ``user`` may import for its organization; None otherwise (shown as 404: nothing leaks)."""
    run = ImportRun.objects.select_related("organization", "by").filter(pk=pk).first()
    if run is None or not policy.can_import_roster(user, run.organization):
        return None
    return run


def problems_of(run: ImportRun):
    return ImportProblem.objects.filter(run=run).order_by("pk")


def syncs_for(organizations) -> dict[int, RosterSync]:
    return {s.organization_id: s for s in RosterSync.objects.filter(organization__in=organizations)
            .select_related("last_run")}
