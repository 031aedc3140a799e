"""The append-only audit trail shared by every app."""
from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit record."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only; they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only; they cannot be deleted.")


class AuditEvent(models.Model):
    """Who did what to which object, when and from where. Never edited, never deleted."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, db_index=True)
    target_id = models.CharField(max_length=64, db_index=True)
    target_label = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # From where: the client address and user agent of a request, or the command or task that made the change.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=16, blank=True, db_index=True, help_text="web, api, command, task, or empty if unknown")
    source = models.CharField(max_length=300, blank=True, help_text="Request line, command or task")
    user_agent = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_label or self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only; they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only; they cannot be deleted.")


class RateLimitCounter(models.Model):
    """How many times one kind of request came from one source in one fixed window (microcred.core.ratelimit).

    Kept in the database so every worker process counts together; the key is a SHA-256 digest, so no e-mail or
    address is stored here. Rows older than a day are deleted as new ones come."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="one_counter_per_key_and_window")]
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window_idx")]

    def __str__(self) -> str:
        return f"{self.key[:12]}… {self.window_start:%Y-%m-%d %H:%M} ×{self.count}"
