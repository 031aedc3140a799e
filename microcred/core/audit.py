"""Record state changes in the append-only audit trail."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from django.db import models

from . import audit_context
from .spreadsheets import formula_safe
from .models import AuditEvent


def record(*, actor, action: str, target: models.Model, data: dict[str, Any] | None = None, ip_address: str | None = None) -> AuditEvent:
    """Append one audit event. Call inside the transaction that makes the change, so both commit or neither.

    From where (client address, user agent, request line, command or task) comes from the audit context that
    the middleware, the task signals or the command line set; callers need not pass it."""
    where = audit_context.current()
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        data=data or {},
        ip_address=ip_address or where.ip_address,
        via=where.via,
        source=where.detail,
        user_agent=where.user_agent,
    )


def history(target: models.Model):
    """Audit events about one object, newest first."""
    return AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).select_related("actor")


# --- reading and exporting the trail (platform admins, `microcred export_audit`) ----------------------------------

EXPORT_COLUMNS = ["id", "at", "actor", "actor_id", "action", "target_type", "target_id", "target_label",
                  "via", "source", "ip_address", "user_agent", "data"]


def events(*, actor: str = "", action: str = "", target_type: str = "", target_id: str = "", via: str = "",
           since=None, until=None):
    """Audit events matching every given filter, newest first.

    ``actor`` is a username (exact, case-insensitive) or ``system`` for events without a person; ``action`` is an
    action (``credential.revoked``) or a prefix ending in a dot (``credential.``); ``since``/``until`` are
    datetimes (``until`` exclusive)."""
    qs = AuditEvent.objects.select_related("actor")
    if actor:
        qs = qs.filter(actor__isnull=True) if actor.lower() == "system" else qs.filter(actor__username__iexact=actor)
    if action:
        qs = qs.filter(action__startswith=action) if action.endswith(".") else qs.filter(action=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if via:
        qs = qs.filter(via=via)
    if since is not None:
        qs = qs.filter(at__gte=since)
    if until is not None:
        qs = qs.filter(at__lt=until)
    return qs


def target_types() -> list[str]:
    return list(AuditEvent.objects.order_by("target_type").values_list("target_type", flat=True).distinct())


def as_row(event: AuditEvent) -> dict[str, Any]:
    """One event as plain values, the same for CSV and JSON export."""
    return {
        "id": event.pk,
        "at": event.at.isoformat(),
        "actor": event.actor.username if event.actor else "",  # empty: the system (a task, a command, a rule)
        "actor_id": event.actor_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "via": event.via,
        "source": event.source,
        "ip_address": event.ip_address,
        "user_agent": event.user_agent,
        "data": event.data,
    }


def csv_cell(value) -> str:
    """A CSV cell a spreadsheet shows as text: a leading = + - @ tab or CR would otherwise start a formula."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False) if isinstance(value, (dict, list)) else str(value)
    return formula_safe(text)


def csv_lines(qs) -> Iterator[str]:
    """The header and one CSV line per event, streamed (the trail can be long)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue()

    yield line(EXPORT_COLUMNS)
    for event in qs.iterator(chunk_size=2000):
        row = as_row(event)
        yield line([csv_cell(row[c]) for c in EXPORT_COLUMNS])


def jsonl_lines(qs) -> Iterator[str]:
    for event in qs.iterator(chunk_size=2000):
        yield json.dumps(as_row(event), ensure_ascii=False, sort_keys=True) + "\n"


def json_array_chunks(qs) -> Iterator[str]:
    """A JSON array of events, streamed element by element."""
    yield "["
    first = True
    for event in qs.iterator(chunk_size=2000):
        yield ("\n" if first else ",\n") + json.dumps(as_row(event), ensure_ascii=False, sort_keys=True)
        first = False
    yield "\n]\n"
