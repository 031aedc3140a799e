"""Every write of rosters: start an import (page, command, sync), run it, configure and run scheduled syncs.

The pages, the background task and the commands all call these, so the rules cannot drift between them."""
from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils import translation
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts import selectors as accounts_selectors
from microcred.accounts.models import Organization
from microcred.core import audit
from microcred.core.transitions import ensure_transition

from . import fetch
from .facts import import_facts
from .importer import MAX_STORED_PROBLEMS, Result, Roster
from .models import ImportProblem, ImportRun, RosterSync
from .reading import BundleError, is_oneroster

logger = logging.getLogger(__name__)
TRANSITIONS = {
    ImportRun.State.QUEUED: {ImportRun.State.RUNNING, ImportRun.State.FAILED},
    ImportRun.State.RUNNING: {ImportRun.State.FINISHED, ImportRun.State.FAILED},
}


def upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "roster-uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def execute(*, kind: str, path: Path, organization: Organization, dry_run: bool, grantable,
            run: ImportRun | None = None, protect_user_id: int | None = None) -> Result:
    """Import ``path`` (a OneRoster folder/zip, the simple CSV, or an educator-facts CSV) into ``organization``.
    With ``run``, its progress and problems are saved after every batch (and survive a failure half-way)."""
    stored = [0]

    def progress(result: Result) -> None:
        if run is None:
            return
        problems, result.problems = result.problems, []
        room = MAX_STORED_PROBLEMS - stored[0]
        if problems and room > 0:
            ImportProblem.objects.bulk_create([ImportProblem(run=run, file=f[:100], row=r, column=c[:100], message=m[:500])
                                               for f, r, c, m in problems[:room]])
            stored[0] += min(room, len(problems))
        for name in ("total", "processed", "created", "updated", "deactivated", "unchanged", "skipped", "errors"):
            setattr(run, name, getattr(result, name))
        run.save(update_fields=["total", "processed", "created", "updated", "deactivated", "unchanged", "skipped", "errors"])

    path = Path(path)
    if kind == ImportRun.Kind.FACTS:
        result = import_facts(path, owner=organization, dry_run=dry_run, progress=progress)
    else:
        roster = Roster(owner=organization, grantable=grantable, dry_run=dry_run, progress=progress,
                        protect_user_id=protect_user_id)
        result = roster.import_bundle(path) if is_oneroster(path) else roster.import_simple_csv(path)
        if result.organizations_created or result.organizations_updated:
            result.message = _("Organizations: %(created)s created, %(updated)s updated.") % {
                "created": result.organizations_created, "updated": result.organizations_updated}
    progress(result)
    return result


def start_upload(*, organization: Organization, kind: str, upload, dry_run: bool, by) -> ImportRun:
    """Keep the uploaded file server-side and record a queued run; the caller enqueues ``tasks.run_import_task``
    after commit (the run page shows its progress)."""
    if not policy.can_import_roster(by, organization):
        raise PermissionDenied(_("You may not import people into this organization."))
    if kind not in ImportRun.Kind.values:
        raise ValidationError(_("Unknown kind of import."))
    if upload.size > settings.MICROCRED_ROSTER_MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is too large (%(size)s bytes; at most %(max)s).")
                              % {"size": f"{upload.size:,}", "max": f"{settings.MICROCRED_ROSTER_MAX_UPLOAD_BYTES:,}"})
    name = os.path.basename(upload.name or "upload")[:200]
    suffix = ".zip" if name.lower().endswith(".zip") else ".csv"
    target = upload_dir() / f"{uuid.uuid4().hex}{suffix}"
    with open(target, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    with transaction.atomic():
        run = ImportRun.objects.create(organization=organization, kind=kind, source=ImportRun.Source.UPLOAD,
                                       dry_run=dry_run, by=by, file_name=name, upload_path=str(target))
        audit.record(actor=by, action="rosters.import_queued", target=run,
                     data={"kind": kind, "dry_run": dry_run, "organization": organization.slug})
    return run


def run_queued(run_id: int) -> ImportRun | None:
    """Run a queued upload (the background task). Safe to call twice: a run that already started is left alone."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.state != ImportRun.State.QUEUED:
            return run
        _move(run, ImportRun.State.RUNNING)
    by = run.by
    try:
        if by is None or not policy.can_import_roster(by, run.organization):
            raise PermissionDenied(_("The person who started this import may no longer import for this organization."))
        grantable = policy.roster_grantable_roles(by, run.organization)
        with translation.override(accounts_selectors.language_of(by)):  # problems are written for who started it
            return _finish(run, execute(kind=run.kind, path=Path(run.upload_path), organization=run.organization,
                                        dry_run=run.dry_run, grantable=grantable, run=run, protect_user_id=by.pk))
    except (BundleError, PermissionDenied, OSError) as error:
        return _fail(run, str(error))
    except Exception:
        logger.exception("roster import %s failed", run.pk)
        with translation.override(accounts_selectors.language_of(by)):
            _fail(run, _("The import stopped because of an internal error; what it had imported stays. Run it again, "
                         "or tell the operator."))
        raise
    finally:
        Path(run.upload_path).unlink(missing_ok=True)  # the file held personal data: not kept after the run
        ImportRun.objects.filter(pk=run.pk).update(upload_path="")


def import_path(*, path, organization: Organization, kind: str = ImportRun.Kind.ROSTER, dry_run: bool = False,
                source: str = ImportRun.Source.COMMAND, by=None) -> tuple[Result, ImportRun | None]:
    """Import a file or folder on the server (the commands, a scheduled sync). A dry run writes nothing at all,
    not even a history entry; otherwise the run is recorded like an upload (a bundle that cannot be read at all
    gives a failed run, whose message says why)."""
    path = Path(path)
    if not path.exists():
        raise ValidationError(_("%(path)s does not exist.") % {"path": path})
    grantable = policy.roster_grantable_roles(by, organization)
    if dry_run:
        try:
            return execute(kind=kind, path=path, organization=organization, dry_run=True, grantable=grantable), None
        except (BundleError, OSError) as error:
            raise ValidationError(str(error)) from None
    run = ImportRun.objects.create(organization=organization, kind=kind, source=source, by=by,
                                   file_name=path.name[:255], state=ImportRun.State.RUNNING, started_at=timezone.now())
    try:
        result = execute(kind=kind, path=path, organization=organization, dry_run=False, grantable=grantable, run=run,
                         protect_user_id=getattr(by, "pk", None))
    except (BundleError, OSError) as error:
        return Result(errors=1, message=str(error)), _fail(run, str(error))
    return result, _finish(run, result)


def _move(run: ImportRun, to: str) -> None:
    ensure_transition(run.state, to, TRANSITIONS, what="The import", labels=dict(ImportRun.State.choices))
    run.state = to
    if to == ImportRun.State.RUNNING:
        run.started_at = timezone.now()
    else:
        run.finished_at = timezone.now()
    run.save(update_fields=["state", "started_at", "finished_at"])


def _finish(run: ImportRun, result: Result) -> ImportRun:
    with transaction.atomic():
        run.message = result.message
        run.save(update_fields=["message"])
        _move(run, ImportRun.State.FINISHED)
        audit.record(actor=run.by, action="rosters.imported", target=run,
                     data={"kind": run.kind, "dry_run": run.dry_run, **result.counts(), "skipped": result.skipped})
    return run


def _fail(run: ImportRun, message: str) -> ImportRun:
    with transaction.atomic():
        run.message = message[:2000]
        run.save(update_fields=["message"])
        _move(run, ImportRun.State.FAILED)
        audit.record(actor=run.by, action="rosters.import_failed", target=run, data={"message": run.message})
    return run


# --- scheduled sync -------------------------------------------------------------------------------------------------

def allowed_folder(folder: str) -> Path:
    """``folder`` resolved, if it lies inside one of the operator's MICROCRED_ROSTER_SYNC_ROOTS (symlinks
    followed first, so a link cannot lead outside)."""
    roots = [Path(r).resolve() for r in settings.MICROCRED_ROSTER_SYNC_ROOTS]
    if not roots:
        raise ValidationError(_("Folder syncs are off on this server (the operator has allowed no folder)."))
    path = Path(folder).resolve()
    if not any(path == root or root in path.parents for root in roots):
        raise ValidationError(_("That folder is outside the folders the operator allows for roster syncs."))
    return path


def configure_sync(*, organization: Organization, folder: str = "", url: str = "", every_hours: int = 24,
                   enabled: bool = True, by) -> RosterSync:
    """Set the organization's scheduled sync: exactly one of a server folder (under an allowed root) or an HTTPS
    URL; ``microcred sync_rosters`` runs it every ``every_hours`` hours."""
    if not policy.can_import_roster(by, organization):
        raise PermissionDenied(_("You may not import people into this organization."))
    folder, url = folder.strip(), url.strip()
    if bool(folder) == bool(url):
        raise ValidationError(_("Give either a server folder or an https:// address (one of them)."))
    if folder:
        folder = str(allowed_folder(folder))
    else:
        try:
            fetch.check_url(url)
        except fetch.FetchError as error:
            raise ValidationError(str(error)) from None
    if not 1 <= every_hours <= 24 * 31:
        raise ValidationError(_("Every 1 to 744 hours."))
    with transaction.atomic():
        sync, _created = RosterSync.objects.update_or_create(organization=organization, defaults={
            "folder": folder, "url": url, "every_hours": every_hours, "enabled": enabled, "by": by,
            "next_run_at": timezone.now()})
        audit.record(actor=by, action="rosters.sync_configured", target=sync,
                     data={"folder": folder, "url": url, "every_hours": every_hours, "enabled": enabled})
    return sync


def run_due_syncs(*, now=None, log=lambda message: None) -> list[ImportRun]:
    """Run every enabled sync whose time has come (``microcred sync_rosters``, from cron or a systemd timer)."""
    now = now or timezone.now()
    runs = []
    for sync in RosterSync.objects.filter(enabled=True, next_run_at__lte=now).select_related("organization", "by"):
        RosterSync.objects.filter(pk=sync.pk).update(next_run_at=now + timedelta(hours=sync.every_hours))
        run = _sync_once(sync)
        RosterSync.objects.filter(pk=sync.pk).update(last_run=run)
        log(f"{sync.organization.slug}: {run.get_state_display()} {run.counts()} {run.message}")
        runs.append(run)
    return runs


def _sync_once(sync: RosterSync) -> ImportRun:
    by, org = sync.by, sync.organization
    if by is None or not policy.can_import_roster(by, org):
        run = ImportRun.objects.create(organization=org, kind=ImportRun.Kind.ROSTER, source=ImportRun.Source.SYNC,
                                       file_name=(sync.folder or sync.url)[:255])
        return _fail(run, _("The admin who set up this sync may no longer import for this organization; set it up again."))
    workdir = Path(tempfile.mkdtemp(prefix="roster-sync-", dir=upload_dir()))
    try:
        if sync.folder:
            path = allowed_folder(sync.folder)
        else:
            path = workdir / "bundle"
            with open(path, "wb") as target:
                fetch.download(sync.url, target, max_bytes=settings.MICROCRED_ROSTER_SYNC_MAX_BYTES,
                               timeout=settings.MICROCRED_ROSTER_SYNC_TIMEOUT)
        _result, run = import_path(path=path, organization=org, source=ImportRun.Source.SYNC, by=by)
        return run
    except (ValidationError, fetch.FetchError, OSError) as error:
        run = ImportRun.objects.create(organization=org, kind=ImportRun.Kind.ROSTER, source=ImportRun.Source.SYNC,
                                       by=by, file_name=(sync.folder or sync.url)[:255])
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        return _fail(run, message)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
