"""Services for one's own personal data: "download my data" exports and account deletion requests.

Every write is here (views, API, tasks and commands call these); who may do what is in policy.py; what each app
holds is in its personal_data.py, walked through data_registry. See docs/privacy.md.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import tempfile
import zipfile

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from microcred.core import audit
from microcred.core.i18n import Later, When
from microcred.core.transitions import ensure_transition

from . import data_registry, policy, selectors
from .models import DeletionRequest, PersonalDataExport, User
from .signals import account_notice

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1


def export_days() -> int:
    return int(getattr(settings, "MICROCRED_PERSONAL_DATA_EXPORT_DAYS", 7))


def export_interval_seconds() -> int:
    return int(getattr(settings, "MICROCRED_PERSONAL_DATA_EXPORT_INTERVAL_SECONDS", 3600))


def deletion_grace_days() -> int:
    return int(getattr(settings, "MICROCRED_DELETION_GRACE_DAYS", 7))


def _notice(user_id: int, message: Later, url: str = "") -> None:
    transaction.on_commit(lambda: account_notice.send(sender=User, user_id=user_id, message=message, url=url))


# --- download my data ------------------------------------------------------------------------------------------

def collect(user) -> tuple[dict, list[data_registry.ExportFile]]:
    """Every registered app's data about ``user`` (data.json's content) and the files that go beside it."""
    data = {"format": "microcred-personal-data", "version": FORMAT_VERSION, "generated_at": timezone.now().isoformat(),
            "person": user.get_username(), "apps": {}}
    files: list[data_registry.ExportFile] = []
    for contributor in data_registry.contributors():
        section = contributor.export(user)
        data["apps"][contributor.app] = section.data
        files.extend(data_registry.ExportFile(path=f"{contributor.app}/{f.path}", open=f.open) for f in section.files)
    return data, files


def write_zip(user, target) -> int:
    """Write the zip (data.json + files/<app>/...) to the open binary file ``target``; returns the number of files.
    A file missing from storage is listed in data.json under ``missing_files`` instead of failing the export."""
    data, files = collect(user)
    missing: list[str] = []
    written = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            try:
                with f.open() as source, archive.open(f"files/{f.path}", "w", force_zip64=True) as sink:
                    while chunk := source.read(1024 * 1024):
                        sink.write(chunk)
                written += 1
            except (OSError, FileNotFoundError):
                logger.warning("Personal data export: %s is missing from storage", f.path)
                missing.append(f.path)
        data["missing_files"] = missing
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
    return written


def request_export(*, user, by) -> PersonalDataExport:
    """Record a request (the caller queues tasks.build_personal_data_export after commit: this module does not import
    tasks, which import it). One per MICROCRED_PERSONAL_DATA_EXPORT_INTERVAL_SECONDS (an hour)."""
    if by is None or not user.is_active or by.pk != user.pk:
        raise PermissionDenied(_("Only you can download your data."))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # two clicks at once: one export
        since = timezone.now() - dt.timedelta(seconds=export_interval_seconds())
        if PersonalDataExport.objects.filter(user=user, requested_at__gte=since).exists():
            minutes = max(1, export_interval_seconds() // 60)
            raise ValidationError(_("You asked for your data less than %(minutes)s minutes ago. Its download will be "
                                    "listed here when it is ready; you can ask again later.") % {"minutes": minutes})
        export = PersonalDataExport.objects.create(user=user)
        audit.record(actor=by, action="personal_data.export_requested", target=export)
    return export


def build_export(export_id) -> PersonalDataExport | None:
    """Build a pending export into private storage (safe to run twice: a finished export is left alone)."""
    with transaction.atomic():
        export = PersonalDataExport.objects.select_for_update().select_related("user").filter(
            pk=export_id, state=PersonalDataExport.State.PENDING).first()
        if export is None:
            return None
        name = f"personal-data/{secrets.token_hex(16)}.zip"
        handle, path = tempfile.mkstemp(suffix=".zip")
        try:
            with os.fdopen(handle, "w+b") as tmp:
                files = write_zip(export.user, tmp)
                tmp.flush()
                tmp.seek(0)
                stored = default_storage.save(name, File(tmp, name=os.path.basename(name)))
                size = default_storage.size(stored)
        except Exception:
            logger.exception("Personal data export %s failed", export.pk)
            with translation.override(selectors.language_of(export.user)):
                export.message = _("The export could not be built; ask again.")
            export.state = PersonalDataExport.State.FAILED
            export.save(update_fields=["state", "message"])
            audit.record(actor=None, action="personal_data.export_failed", target=export)
            return export
        finally:
            if os.path.exists(path):
                os.unlink(path)
        now = timezone.now()
        export.state, export.storage_name, export.size = PersonalDataExport.State.READY, stored, size
        export.ready_at, export.expires_at = now, now + dt.timedelta(days=export_days())
        export.save(update_fields=["state", "storage_name", "size", "ready_at", "expires_at"])
        audit.record(actor=None, action="personal_data.export_ready", target=export, data={"files": files, "size": size})
        _notice(export.user_id, Later(gettext_noop("Your data is ready to download until %(date)s."),
                                      date=When(timezone.localtime(export.expires_at), "DATE_FORMAT")),
                reverse("accounts:personal_data"))
    expire_exports()
    return export


def expire_export(export: PersonalDataExport) -> None:
    """Delete an export's file and mark it expired (safe to call twice)."""
    with transaction.atomic():
        export = PersonalDataExport.objects.select_for_update().get(pk=export.pk)
        if export.state == PersonalDataExport.State.EXPIRED:
            return
        name = export.storage_name
        export.state, export.storage_name = PersonalDataExport.State.EXPIRED, ""
        export.save(update_fields=["state", "storage_name"])
        audit.record(actor=None, action="personal_data.export_deleted", target=export)
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))


def expire_exports(*, now=None) -> int:
    """Delete every ready export past its expiry. Returns how many."""
    now = now or timezone.now()
    due = list(PersonalDataExport.objects.filter(state=PersonalDataExport.State.READY, expires_at__lte=now))
    for export in due:
        expire_export(export)
    return len(due)


def export_for_download(*, user, export_id) -> PersonalDataExport:
    """The ready export ``user`` may download. Someone else's (or an unknown id): PermissionDenied (a 404 to the
    view). Expired or not ready: ValidationError with the reason."""
    export = PersonalDataExport.objects.filter(pk=export_id).first()
    if not policy.can_download_export(user, export):
        raise PermissionDenied
    if export.state == PersonalDataExport.State.READY and export.expires_at and export.expires_at <= timezone.now():
        expire_export(export)
        export.refresh_from_db()
    if export.state == PersonalDataExport.State.EXPIRED:
        raise ValidationError(_("This download expired (downloads are kept for %(days)s days) and was deleted. "
                                "Ask for your data again to get a new one.") % {"days": export_days()})
    if export.state != PersonalDataExport.State.READY:
        raise ValidationError(_("This download is not ready yet (or could not be built). Reload the page in a minute."))
    audit.record(actor=user, action="personal_data.export_downloaded", target=export)
    return export


# --- account deletion --------------------------------------------------------------------------------------------

TRANSITIONS = {
    DeletionRequest.State.REQUESTED: {DeletionRequest.State.COMPLETED, DeletionRequest.State.CANCELLED},
    DeletionRequest.State.COMPLETED: set(),
    DeletionRequest.State.CANCELLED: set(),
}


def _move(request: DeletionRequest, to: str) -> None:
    ensure_transition(request.state, to, TRANSITIONS, what=_("The deletion request"),
                      labels=dict(DeletionRequest.State.choices))


def open_deletion_request(user) -> DeletionRequest | None:
    return DeletionRequest.objects.filter(user=user, state=DeletionRequest.State.REQUESTED).first()


def request_deletion(*, user, by, password: str, reason: str = "") -> DeletionRequest:
    """Record a request to delete ``user``'s account, confirmed by their current password. Processed after
    MICROCRED_DELETION_GRACE_DAYS (cancellable until then), and only once policy.deletion_blockers names no reason
    (a submission under assessment, the last admin of an organization…): the reasons are recorded and shown."""
    if by is None or by.pk != user.pk or not policy.can_request_deletion(by):
        raise PermissionDenied(_("Only you can ask for your account to be deleted."))
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise ValidationError({"reason": [_("Keep the reason under 2,000 characters.")]})
    if not password or not check_password(password, user.password):
        raise ValidationError({"password": [_("That is not your current password.")]})
    blockers = policy.deletion_blockers(user)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        existing = open_deletion_request(user)
        if existing is not None:
            return existing
        request = DeletionRequest.objects.create(user=user, reason=reason, outcome={"waiting_for": blockers} if blockers else {})
        audit.record(actor=by, action="account.deletion_requested", target=request,
                     data={"reason_given": bool(reason), "blockers": len(blockers)})
        _notice(user.pk, Later(gettext_noop("We received your request to delete your account. It will be processed "
                                            "after %(days)s days; until then you can cancel it."), days=deletion_grace_days()),
                reverse("accounts:delete_account"))
    return request


def cancel_deletion(*, deletion_request: DeletionRequest, by) -> DeletionRequest:
    with transaction.atomic():
        deletion_request = DeletionRequest.objects.select_for_update().get(pk=deletion_request.pk)
        if deletion_request.user_id != getattr(by, "pk", None):
            raise PermissionDenied(_("Only you can cancel your deletion request."))
        _move(deletion_request, DeletionRequest.State.CANCELLED)
        deletion_request.state, deletion_request.cancelled_at = DeletionRequest.State.CANCELLED, timezone.now()
        deletion_request.save(update_fields=["state", "cancelled_at"])
        audit.record(actor=by, action="account.deletion_cancelled", target=deletion_request)
        _notice(deletion_request.user_id, Later(gettext_noop("Your account deletion request was cancelled; your account stays.")))
    return deletion_request


def pseudonym(user) -> str:
    return f"deleted-person-{user.pk}"


def process_deletion(deletion_request: DeletionRequest, *, now=None) -> DeletionRequest:
    """Delete one account: deactivate it, sign it out, let every app erase what the retention rules allow (each
    app's personal_data.erase, highest app first), and anonymize the account row (kept so decisions, issued
    credentials and the audit trail still point somewhere). Issued credentials are not revoked. A request whose
    person has a blocker now (e.g. a new submission) waits, with the reasons in ``outcome``. Safe to run twice."""
    now = now or timezone.now()
    with transaction.atomic():
        deletion_request = DeletionRequest.objects.select_for_update().select_related("user").get(pk=deletion_request.pk)
        if deletion_request.state != DeletionRequest.State.REQUESTED:
            return deletion_request
        user = deletion_request.user
        blockers = policy.deletion_blockers(user)
        if blockers:
            deletion_request.outcome = {"waiting_for": blockers}
            deletion_request.save(update_fields=["outcome"])
            return deletion_request
        _move(deletion_request, DeletionRequest.State.COMPLETED)
        user.is_active = False
        user.save(update_fields=["is_active"])
        outcome: dict = {}
        for contributor in reversed(data_registry.contributors()):
            if contributor.erase is not None:
                outcome[contributor.app] = contributor.erase(user, now=now)
        user.username, user.first_name, user.last_name, user.email = pseudonym(user), "", "", ""
        user.set_unusable_password()
        user.save(update_fields=["username", "first_name", "last_name", "email", "password"])
        deletion_request.state, deletion_request.completed_at = DeletionRequest.State.COMPLETED, now
        deletion_request.reason, deletion_request.outcome = "", outcome
        deletion_request.save(update_fields=["state", "completed_at", "reason", "outcome"])
        # The trail stays append-only: earlier events keep their labels; this one names only the pseudonym.
        audit.record(actor=None, action="account.deleted", target=user, data={"request": deletion_request.pk, "outcome": outcome})
    return deletion_request


def process_due_deletions(*, now=None) -> dict:
    """Process every request older than the grace period; also delete expired exports. Returns counts."""
    now = now or timezone.now()
    due = DeletionRequest.objects.filter(state=DeletionRequest.State.REQUESTED,
                                         requested_at__lte=now - dt.timedelta(days=deletion_grace_days()))
    completed = waiting = 0
    for request in due.order_by("requested_at"):
        result = process_deletion(request, now=now)
        if result.state == DeletionRequest.State.COMPLETED:
            completed += 1
        else:
            waiting += 1
    return {"completed": completed, "waiting": waiting, "exports_expired": expire_exports(now=now)}
