"""Record state changes in the append-only audit trail."""
from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def record(*, actor, action: str, target: models.Model, data: dict[str, Any] | None = None, ip_address: str | None = None) -> AuditEvent:
    """Append one audit event. Call inside the transaction that makes the change, so both commit or neither."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        data=data or {},
        ip_address=ip_address,
    )


def history(target: models.Model):
    """Audit events about one object, newest first."""
    return AuditEvent.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk)).select_related("actor")
