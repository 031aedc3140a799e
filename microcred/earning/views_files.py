"""Serving evidence files: only through a permission check, always as a download, never rendered by the browser."""
from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from microcred.core.object_storage import download_response

from .models import EvidenceFile
from .selectors import can_view_evidence_file, file_name_for

logger = logging.getLogger(__name__)


@login_required
@require_safe
def download_evidence(request, file_id):
    """The file's bytes as an attachment to whoever may see it; 404 to everyone else, 410 once retention removed them."""
    try:
        evidence_file = EvidenceFile.objects.filter(pk=file_id).first()
    except (ValidationError, ValueError):
        evidence_file = None
    if evidence_file is None or not can_view_evidence_file(request.user, evidence_file):
        raise Http404("No such file.")
    shown_name = file_name_for(request.user, evidence_file)  # neutral for assessors: scoring is blind
    if evidence_file.purged_at:
        return render(request, "core/error.html", {
            "title": _("File removed"),
            "message": _("“%(name)s” was removed on %(date)s under the retention policy. Its record stays; the file "
                         "itself is no longer kept.") % {"name": shown_name, "date": date_format(evidence_file.purged_at, "DATE_FORMAT")}},
            status=410)
    content_type = evidence_file.content_type
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    try:
        # Streamed from local storage; on S3 a redirect to a presigned URL that expires within a minute.
        response = download_response(evidence_file.storage_name, filename=shown_name, content_type=content_type)
    except FileNotFoundError:
        logger.error("Evidence file %s has a record but no bytes in storage (%s)", evidence_file.pk, evidence_file.storage_name)
        raise Http404("No such file.") from None
    # The bytes are the uploader's: the browser must not guess a type, render, or run anything from them.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private, no-store"
    return response
