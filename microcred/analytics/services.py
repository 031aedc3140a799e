"""Every write of analytics: the school attributes import, an educator's demographics (told, changed, withdrawn)
and their findability. Each checks the policy and is audited."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts.models import Organization
from microcred.core import audit
from microcred.rosters.reading import read_rows

from . import schools
from .models import EducatorDemographics, Findability, SchoolProfile


@dataclass
class ImportReport:
    rows: int = 0
    updated: int = 0
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message)


def _subtree(organization: Organization) -> dict[str, Organization]:
    ids, frontier = {organization.pk}, {organization.pk}
    while frontier:
        frontier = set(Organization.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return {o.pk: o for o in Organization.objects.filter(pk__in=ids)}


def import_school_attributes(*, organization: Organization, data: bytes, by, dry_run: bool = False) -> ImportReport:
    """Set the attributes of ``organization``'s schools (or itself) from a CCD-style CSV. A row finds its school by
    ``org_slug``, else by NCES id already recorded, else by its exact name, among ``organization`` and the
    organizations under it only; a row that finds none, or has a bad value, is reported and skipped, the others
    are imported. Files over ``schools.MAX_BYTES`` or ``schools.MAX_ROWS`` rows are refused whole."""
    if not policy.can_import_school_attributes(by, organization):
        raise PermissionDenied(_("Only the organization admins of %(org)s import its schools' attributes.")
                               % {"org": organization.name})
    if len(data) > schools.MAX_BYTES:
        raise ValidationError(_("The file is larger than %(mb)s MB; nothing was imported.")
                              % {"mb": schools.MAX_BYTES // (1024 * 1024)})
    report = ImportReport()
    orgs = _subtree(organization)
    by_slug = {o.slug: o for o in orgs.values()}
    by_name: dict[str, list[Organization]] = {}
    for o in orgs.values():
        by_name.setdefault(o.name.strip().lower(), []).append(o)
    profiles = {p.organization_id: p for p in SchoolProfile.objects.filter(organization_id__in=orgs)}
    by_nces = {p.nces_id: orgs[p.organization_id] for p in profiles.values() if p.nces_id}

    def problem(_file, row, column, message):
        report.problems.append((row or 0, column or "", message))

    changes: dict[int, dict] = {}
    for row in read_rows(io.BytesIO(data), "schools.csv", problem, header_aliases=schools.HEADER_ALIASES):
        report.rows += 1
        if report.rows > schools.MAX_ROWS:
            raise ValidationError(_("The file has more than %(n)s rows; nothing was imported.")
                                  % {"n": f"{schools.MAX_ROWS:,}"})
        try:
            parsed = schools.parse_row(row.values)
        except ValueError as error:
            problem("", row.number, "", str(error))
            continue
        target = None
        if parsed.org_slug:
            target = by_slug.get(parsed.org_slug)
        elif parsed.nces_id and parsed.nces_id in by_nces:
            target = by_nces[parsed.nces_id]
        elif parsed.name:
            found = by_name.get(parsed.name.strip().lower(), [])
            target = found[0] if len(found) == 1 else None
        if target is None:
            problem("", row.number, "", _("No school of %(org)s matches this row (give org_slug, a known NCESSCH or "
                                          "the exact name).") % {"org": organization.name})
            continue
        changes.setdefault(target.pk, {}).update(parsed.values)
    if dry_run:
        report.updated = len(changes)
        return report
    with transaction.atomic():
        for org_id, values in changes.items():
            profile = profiles.get(org_id) or SchoolProfile(organization=orgs[org_id])
            for name, value in values.items():
                setattr(profile, name, value)
            profile.save()
        report.updated = len(changes)
        audit.record(actor=by, action="analytics.school_attributes_imported", target=organization,
                     data={"rows": report.rows, "updated": report.updated, "problems": len(report.problems)})
    return report


def save_demographics(*, user, by, race_ethnicity: str, gender: str, consent: bool) -> EducatorDemographics:
    """Record what ``user`` chose to tell, with their consent (refused without it)."""
    if not policy.can_share_demographics(by, user):
        raise PermissionDenied(_("Only you can tell or change your demographics."))
    if not consent:
        raise ValidationError({"consent": [_("Tick the box to consent, or leave the form: telling is optional.")]})
    if race_ethnicity not in EducatorDemographics.RaceEthnicity.values or gender not in EducatorDemographics.Gender.values:
        raise ValidationError(_("Choose one of the answers offered."))
    with transaction.atomic():
        row, _created = EducatorDemographics.objects.update_or_create(
            user=user, defaults={"race_ethnicity": race_ethnicity, "gender": gender, "consented_at": timezone.now()})
        audit.record(actor=by, action="analytics.demographics_saved", target=user)
    return row


def withdraw_demographics(*, user, by) -> bool:
    """Delete what ``user`` told (consent withdrawn); True when there was something to delete. Safe to call twice."""
    if not policy.can_share_demographics(by, user):
        raise PermissionDenied(_("Only you can withdraw your demographics."))
    with transaction.atomic():
        deleted, _rows = EducatorDemographics.objects.filter(user=user).delete()
        if deleted:
            audit.record(actor=by, action="analytics.demographics_withdrawn", target=user)
    return bool(deleted)


def save_findability(*, user, by, findable: bool, offers_mentoring: bool) -> Findability:
    if not policy.can_share_demographics(by, user):
        raise PermissionDenied(_("Only you can choose whether you can be found."))
    with transaction.atomic():
        row, _created = Findability.objects.update_or_create(
            user=user, defaults={"findable": bool(findable), "offers_mentoring": bool(offers_mentoring)})
        audit.record(actor=by, action="analytics.findability_saved", target=user,
                     data={"findable": row.findable, "offers_mentoring": row.offers_mentoring})
    return row


def request_research_export(*, by) -> "ResearchExport":
    """Queue a research export (the caller enqueues tasks.build_research_export after commit)."""
    from .models import ResearchExport

    if not policy.can_export_research(by):
        raise PermissionDenied(_("Only platform admins export research data."))
    with transaction.atomic():
        export = ResearchExport.objects.create(requested_by=by)
        audit.record(actor=by, action="analytics.research_export_requested", target=export)
    return export


def build_research_export(export_id) -> "ResearchExport | None":
    """Write the export into a temporary folder, zip it into private storage and record the summary. Idempotent:
    a finished export is left alone."""
    import tempfile
    import zipfile
    from pathlib import Path

    from django.core.files.base import File
    from django.core.files.storage import default_storage

    from . import research
    from .models import ResearchExport

    export = ResearchExport.objects.filter(pk=export_id).first()
    if export is None or export.state != ResearchExport.State.PENDING:
        return export
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "export"
            summary = research.export(folder, by=export.requested_by)
            archive = Path(tmp) / "research.zip"
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
                for name in summary["files"]:
                    z.write(folder / name, arcname=name)
            with open(archive, "rb") as handle:
                name = default_storage.save(f"research-exports/{export.pk}.zip", File(handle))
    except Exception as error:  # recorded for the admin; never a stack trace on a page
        export.state, export.finished_at = ResearchExport.State.FAILED, timezone.now()
        export.summary = {"error": type(error).__name__}
        export.save(update_fields=["state", "finished_at", "summary"])
        return export
    export.state, export.finished_at, export.summary, export.storage_name = (
        ResearchExport.State.READY, timezone.now(), summary, name)
    export.save(update_fields=["state", "finished_at", "summary", "storage_name"])
    audit.record(actor=export.requested_by, action="analytics.research_export_built", target=export,
                 data={k: summary[k] for k in ("rows", "suppressed_rows", "k")})
    return export


# --- impact data (issue 17 item 5) -------------------------------------------------------------------------------------

def set_impact_opt_in(*, organization: Organization, by, opted_in: bool) -> bool:
    """Opt ``organization`` in to impact data, or out: opting out deletes every rating it imported. Returns whether
    it is opted in afterwards. Safe to call twice."""
    from .models import ImpactOptIn, ImpactRating

    if not policy.can_manage_impact_data(by, organization):
        raise PermissionDenied(_("Only the organization admins of %(org)s decide about its impact data.")
                               % {"org": organization.name})
    with transaction.atomic():
        if opted_in:
            _row, created = ImpactOptIn.objects.get_or_create(
                organization=organization, defaults={"opted_in_by": by, "opted_in_at": timezone.now()})
            if created:
                audit.record(actor=by, action="analytics.impact_opted_in", target=organization)
            return True
        deleted, _rows = ImpactRating.objects.filter(organization=organization).delete()
        removed, _rows = ImpactOptIn.objects.filter(organization=organization).delete()
        if removed:
            audit.record(actor=by, action="analytics.impact_opted_out", target=organization,
                         data={"ratings_deleted": deleted})
    return False


def import_impact_ratings(*, organization: Organization, data: bytes, by, dry_run: bool = False) -> ImportReport:
    """Record evaluation or observation ratings (``educator``, ``year``, ``rating``) of ``organization``'s educators
    (people of it or of an organization under it, found by username or e-mail). Refused whole when the organization
    has not opted in, or the file is over ``impact.MAX_BYTES`` / ``impact.MAX_ROWS``; a row with a problem is
    reported and skipped, the others are imported (a rating already there for that educator and year is replaced)."""
    from microcred.accounts.models import Membership

    from . import impact
    from .models import ImpactOptIn, ImpactRating

    if not policy.can_manage_impact_data(by, organization):
        raise PermissionDenied(_("Only the organization admins of %(org)s import its impact data.")
                               % {"org": organization.name})
    if not ImpactOptIn.objects.filter(organization=organization).exists():
        raise ValidationError(_("%(org)s has not opted in to impact data; nothing was imported.")
                              % {"org": organization.name})
    if len(data) > impact.MAX_BYTES:
        raise ValidationError(_("The file is larger than %(mb)s MB; nothing was imported.")
                              % {"mb": impact.MAX_BYTES // (1024 * 1024)})
    report = ImportReport()
    member_ids = set(Membership.objects.filter(organization_id__in=_subtree(organization)).values_list("user_id", flat=True))
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.filter(pk__in=member_ids)
    by_username = {u.lower(): pk for pk, u in people.values_list("pk", "username")}
    by_email: dict[str, list[int]] = {}
    for pk, email in people.exclude(email="").values_list("pk", "email"):
        by_email.setdefault(email.lower(), []).append(pk)

    def problem(_file, row, column, message):
        report.problems.append((row or 0, column or "", message))

    found: dict[tuple[int, int], object] = {}
    for row in read_rows(io.BytesIO(data), "ratings.csv", problem, required=("educator", "year", "rating"),
                         header_aliases=impact.HEADER_ALIASES):
        report.rows += 1
        if report.rows > impact.MAX_ROWS:
            raise ValidationError(_("The file has more than %(n)s rows; nothing was imported.")
                                  % {"n": f"{impact.MAX_ROWS:,}"})
        try:
            who, year, rating = impact.parse_row(row.values)
        except ValueError as error:
            problem("", row.number, "", str(error))
            continue
        key = who.lower()
        educator = by_username.get(key)
        if educator is None and len(by_email.get(key, [])) == 1:
            educator = by_email[key][0]
        if educator is None:
            problem("", row.number, "educator", _("No educator of %(org)s has this username or e-mail address.")
                    % {"org": organization.name})
            continue
        found[(educator, year)] = rating
    if dry_run:
        report.updated = len(found)
        return report
    with transaction.atomic():
        existing = {(r.educator_id, r.year): r for r in ImpactRating.objects.filter(
            organization=organization, educator_id__in={e for e, _y in found})}
        new = []
        for (educator, year), rating in found.items():
            if (educator, year) in existing:
                row = existing[(educator, year)]
                row.rating = rating
                row.save(update_fields=["rating", "imported_at"])
            else:
                new.append(ImpactRating(organization=organization, educator_id=educator, year=year, rating=rating))
        ImpactRating.objects.bulk_create(new)
        report.updated = len(found)
        audit.record(actor=by, action="analytics.impact_ratings_imported", target=organization,
                     data={"rows": report.rows, "updated": report.updated, "problems": len(report.problems)})
    return report


# --- pre-aggregated dashboards (docs/decisions/0032) -------------------------------------------------------------------

def snapshot_key(board, language: str) -> str:
    return f"{board.key}|{language}"


def request_snapshot(*, board, filters, language: str, by) -> "DashboardSnapshot":
    """Ask for the dashboard's figures under ``filters`` to be (re)computed in the background; the caller enqueues
    tasks.build_snapshot after commit. A snapshot already waiting or running is returned as it is (a second click
    starts nothing). ``board`` comes from selectors.dashboard_for, which asked the policy."""
    from .models import DashboardSnapshot

    with transaction.atomic():
        snapshot, _created = DashboardSnapshot.objects.select_for_update().get_or_create(
            key=snapshot_key(board, language), filters=filters.signature())
        if snapshot.state in (DashboardSnapshot.State.PENDING, DashboardSnapshot.State.RUNNING) and not _created:
            return snapshot
        snapshot.state, snapshot.done, snapshot.total = DashboardSnapshot.State.PENDING, 0, 1
        snapshot.save(update_fields=["state", "done", "total"])
        audit.record(actor=by, action="analytics.snapshot_requested", target=snapshot,
                     data={"dashboard": board.key, "filters": snapshot.filters})
    return snapshot


def build_snapshot(snapshot_id: int) -> "DashboardSnapshot | None":
    """Compute every table of the snapshot's dashboard and filters (the slow sections included), saving the
    progress as sections finish; the previous tables stay readable until the new ones are saved."""
    from django.http import QueryDict
    from django.utils import translation

    from . import selectors, tables
    from .forms import filters_from_query
    from .models import DashboardSnapshot

    snapshot = DashboardSnapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None or snapshot.state not in (DashboardSnapshot.State.PENDING, DashboardSnapshot.State.RUNNING):
        return snapshot
    board_key, _sep, language = snapshot.key.partition("|")
    kind, _sep, slug = board_key.partition(":")
    org = Organization.objects.filter(slug=slug).first() if slug else None
    board = selectors.Dashboard(kind, org)
    if kind != "platform" and org is None:  # the organization is gone
        snapshot.state = DashboardSnapshot.State.FAILED
        snapshot.save(update_fields=["state"])
        return snapshot

    started = timezone.now()

    def progress(done, total):
        DashboardSnapshot.objects.filter(pk=snapshot.pk).update(state=DashboardSnapshot.State.RUNNING, done=done,
                                                                total=total)

    try:
        with translation.override(language or None):
            _form, filters = filters_from_query(QueryDict(snapshot.filters), board)
            computed = tables.compute(board, filters, slow=True, progress=progress)
    except Exception as error:  # recorded; the page says the figures could not be computed, never a stack trace
        import logging

        logging.getLogger(__name__).exception("analytics snapshot %s failed", snapshot.pk)
        DashboardSnapshot.objects.filter(pk=snapshot.pk).update(state=DashboardSnapshot.State.FAILED)
        snapshot.refresh_from_db()
        return snapshot
    snapshot.refresh_from_db()
    snapshot.previous_built_at = snapshot.built_at
    snapshot.tables = computed
    snapshot.built_at = timezone.now()
    snapshot.done = snapshot.total
    if snapshot.stale_since is not None and snapshot.stale_since >= started:
        # the data changed while it was being computed: built again (the caller enqueues it once more)
        snapshot.state = DashboardSnapshot.State.PENDING
    else:
        snapshot.state, snapshot.stale_since = DashboardSnapshot.State.READY, None
    snapshot.save()
    return snapshot


def _places_of(earner_ids) -> set[int]:
    """The organizations whose dashboards count these educators: their profile's district and school, their
    memberships, every organization above those, and the state agencies of their profile's state."""
    from microcred.accounts.models import EducatorProfile, Membership

    ids: set[int] = set()
    states: set[str] = set()
    for district, school, state in EducatorProfile.objects.filter(user_id__in=earner_ids).values_list(
            "district_id", "school_id", "state"):
        ids |= {i for i in (district, school) if i}
        if state:
            states.add(state)
    ids |= set(Membership.objects.filter(user_id__in=earner_ids).values_list("organization_id", flat=True))
    if states:
        ids |= set(Organization.objects.filter(kind=Organization.Kind.STATE_AGENCY, state__in=states)
                   .values_list("pk", flat=True))
    frontier = set(ids)
    for _level in range(10):  # state > district > school: one query per level
        frontier = set(Organization.objects.filter(pk__in=frontier, parent_id__isnull=False)
                       .values_list("parent_id", flat=True)) - ids
        if not frontier:
            break
        ids |= frontier
    return ids


def mark_snapshots_stale(*, earner_ids=(), micro_credential_ids=()) -> list[int]:
    """The data under some dashboards changed (docs/decisions/0037): every snapshot of a dashboard that counts these
    educators or micro-credentials (the platform's; their districts', schools' and states'; the MCs' issuers') is
    marked stale, and each one that is not already waiting is set waiting. Returns the ids set waiting now: the
    caller enqueues one build for each — a burst of events enqueues one refresh per snapshot, not one per event."""
    from functools import reduce
    from operator import or_

    from django.db.models import Q

    from microcred.catalog.models import MicroCredential

    from .models import DashboardSnapshot

    if not DashboardSnapshot.objects.exists():  # nobody pre-aggregated anything: nothing to refresh (one query)
        return []
    place_ids = _places_of(list(earner_ids)) if earner_ids else set()
    slugs = {("district", s) for s in Organization.objects.filter(pk__in=place_ids).values_list("slug", flat=True)}
    slugs |= {("state", s) for _k, s in slugs}
    slugs |= {("issuer", s) for s in MicroCredential.objects.filter(pk__in=list(micro_credential_ids))
              .values_list("owner__slug", flat=True)}
    prefixes = ["platform|"] + [f"{kind}:{slug}|" for kind, slug in sorted(slugs)]
    affected = DashboardSnapshot.objects.filter(reduce(or_, (Q(key__startswith=p) for p in prefixes)))
    affected.filter(stale_since__isnull=True).update(stale_since=timezone.now())
    queued = []
    for pk in affected.filter(state__in=(DashboardSnapshot.State.READY, DashboardSnapshot.State.FAILED)).values_list(
            "pk", flat=True):
        # a conditional update: of two events racing for the same snapshot, only one sets it waiting
        if DashboardSnapshot.objects.filter(pk=pk, state__in=(DashboardSnapshot.State.READY,
                                                              DashboardSnapshot.State.FAILED)).update(
                state=DashboardSnapshot.State.PENDING, done=0, total=1):
            queued.append(pk)
    return queued
