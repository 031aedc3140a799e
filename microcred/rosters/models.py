"""What a roster import keeps: which organization and person a sourcedId names, and the history of every run.

Nothing about students, parents or guardians is ever stored, and demographics are never read."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization


class RosterOrganization(models.Model):
    """An organization's sourcedId in the roster of ``owner`` (the organization that imports it)."""

    owner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="roster_organizations")
    sourced_id = models.CharField(max_length=255)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "sourced_id"], name="unique_roster_org_sourced_id")]

    def __str__(self) -> str:
        return f"{self.sourced_id} → {self.organization_id}"


class RosteredPerson(models.Model):
    """A person as the roster of ``owner`` last described them: what the roster gave them (its memberships, as
    [organization id, role] pairs) so that a later import changes or ends exactly that, and a digest of the row
    so that an unchanged row costs no write."""

    owner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="rostered_people")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roster_entries")
    sourced_id = models.CharField(max_length=255)
    digest = models.CharField(max_length=64)
    memberships = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "sourced_id"], name="unique_rostered_person")]

    def __str__(self) -> str:
        return f"{self.sourced_id} at {self.owner_id}"


class ImportRun(models.Model):
    """One import (or dry run) of a roster or of educator facts, with its counts; its problems are ImportProblems."""

    class Kind(models.TextChoices):
        ROSTER = "roster", _("Roster")
        FACTS = "facts", _("Educator facts")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded on the site")
        COMMAND = "command", _("Command line")
        SYNC = "sync", _("Scheduled sync")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="import_runs")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    dry_run = models.BooleanField(default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    file_name = models.CharField(max_length=255, blank=True)
    # Where the uploaded file waits for the background task (server side; removed when the run ends).
    upload_path = models.CharField(max_length=500, blank=True, editable=False)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    deactivated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == self.State.FINISHED:
            return 100
        return min(99, int(100 * self.processed / self.total)) if self.total else 0

    @property
    def done(self) -> bool:
        return self.state in (self.State.FINISHED, self.State.FAILED)

    def counts(self) -> dict:
        return {"created": self.created, "updated": self.updated, "deactivated": self.deactivated,
                "unchanged": self.unchanged, "errors": self.errors}


class ImportProblem(models.Model):
    """A row an import could not take: where (file, row, column) and why. The row's other data is not kept."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    file = models.CharField(max_length=100)
    row = models.PositiveIntegerField(null=True, blank=True)
    column = models.CharField(max_length=100, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.file}:{self.row}:{self.column} {self.message}"


class RosterSync(models.Model):
    """An organization's scheduled roster sync: a server folder (under an operator-allowed root) or an HTTPS URL,
    imported by ``microcred sync_rosters`` when due."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="roster_sync")
    folder = models.CharField(max_length=500, blank=True)
    url = models.URLField(max_length=500, blank=True)
    every_hours = models.PositiveIntegerField(default=24)
    enabled = models.BooleanField(default=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    last_run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Roster sync of {self.organization}"
