"""The CASE framework import started from the web page (docs/competency-frameworks.md): the upload or address is
recorded, a background task downloads (online mode only: HTTPS, public addresses) and imports it with
``catalog.services.import_case_package``, and the record keeps the outcome or a clear error for the page."""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from microcred.accounts import policy
from microcred.accounts.models import User
from microcred.catalog import services as catalog
from microcred.core import audit

from .models import CaseImportRun


def request_import(*, by: User, upload=None, url: str = "") -> CaseImportRun:
    """Record an import of an uploaded CFPackage file or of an https:// address (exactly one). Refuses who may not,
    both or neither, an oversized file and a file that is not UTF-8 JSON at all before anything is queued."""
    if not policy.can_use_case_import_page(by):
        raise PermissionDenied(_("Only platform admins may import competency frameworks."))
    url = (url or "").strip()
    if bool(upload) == bool(url):
        raise ValidationError(_("Choose a CFPackage JSON file or give its address (one of the two)."))
    raw = b""
    if upload:
        if upload.size > settings.MICROCRED_CASE_MAX_BYTES:
            raise ValidationError(_("The file is larger than %(mb)s MB; nothing was imported.")
                                  % {"mb": settings.MICROCRED_CASE_MAX_BYTES // (1024 * 1024)})
        raw = upload.read(settings.MICROCRED_CASE_MAX_BYTES + 1)
        if len(raw) > settings.MICROCRED_CASE_MAX_BYTES:
            raise ValidationError(_("The file is larger than %(mb)s MB; nothing was imported.")
                                  % {"mb": settings.MICROCRED_CASE_MAX_BYTES // (1024 * 1024)})
    else:
        if not url.lower().startswith("https://") or len(url) > 500:
            raise ValidationError(_("Give an https:// address of a CFPackage."))
        if not settings.MICROCRED_CASE_ONLINE:
            raise ValidationError(_("Downloading frameworks is turned off on this site (MICROCRED_CASE_ONLINE); "
                                    "download the CASE package yourself and import the file."))
    with transaction.atomic():
        run = CaseImportRun.objects.create(requested_by=by, source_url=url, package=raw,
                                           file_name=(getattr(upload, "name", "") or "")[:200])
        audit.record(actor=by, action="case.import_requested", target=run,
                     data={"url": url[:300], "file": run.file_name, "bytes": len(raw)})
    return run


def run_import(run_id: int) -> CaseImportRun | None:
    """Download (for an address) and import; keep the counts or the error. The stored upload is cleared after."""
    run = CaseImportRun.objects.select_related("requested_by").filter(pk=run_id).first()
    if run is None or run.state != CaseImportRun.State.PENDING:
        return run
    try:
        raw = catalog.download_case_package(run.source_url) if run.source_url else bytes(run.package)
        result = catalog.import_case_package(raw=raw, by=run.requested_by, source_url=run.source_url)
    except ValidationError as error:
        run.state, run.error = CaseImportRun.State.FAILED, "; ".join(error.messages)[:1000]
    except PermissionDenied as error:
        run.state, run.error = CaseImportRun.State.FAILED, str(error)[:1000]
    else:
        run.state = CaseImportRun.State.DONE
        run.framework_identifier, run.framework_title = result.framework.identifier[:255], result.framework.title[:500]
        run.items, run.created, run.updated = result.items, result.created, result.updated
    run.package, run.finished_at = b"", timezone.now()
    run.save()
    audit.record(actor=run.requested_by, action="case.imported" if run.state == CaseImportRun.State.DONE else "case.import_failed",
                 target=run, data={"framework": run.framework_identifier, "items": run.items, "created": run.created,
                                   "updated": run.updated, "error": run.error[:200]})
    return run
