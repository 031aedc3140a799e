"""Recognition: recognizers' policies (versioned documents), the educator facts they supply, and awards."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization


class Policy(models.Model):
    """One version of a recognizer's policy. A published version is immutable; edits make a new draft."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    recognizer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="recognition_policies")
    slug = models.SlugField(max_length=120)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    document = models.JSONField(help_text="The validated policy document (see recognition/policy.py).")
    effective_from = models.DateField()
    effective_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="unique_policy_version"),
            models.UniqueConstraint(fields=["slug"], condition=models.Q(state="draft"), name="one_draft_per_policy"),
            models.UniqueConstraint(fields=["slug"], condition=models.Q(state="published"), name="one_published_per_policy"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version}, {self.state})"


class EducatorFact(models.Model):
    """A fact a recognizer holds about an educator (years licensed, latest rating…), used by eligibility rules."""

    recognizer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="educator_facts")
    educator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recognition_facts")
    key = models.SlugField(max_length=60)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["recognizer_id", "educator_id", "key"]
        constraints = [models.UniqueConstraint(fields=["recognizer", "educator", "key"], name="unique_educator_fact")]

    def __str__(self) -> str:
        return f"{self.key}={self.value!r} for {self.educator} ({self.recognizer})"


class Award(models.Model):
    """An outcome an educator achieved under one exact policy version, with the credentials that counted."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="awards")
    educator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="recognition_awards")
    outcome_key = models.SlugField(max_length=60)
    kind = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True)
    provenance = models.JSONField(default=dict, help_text="{policy, version, credentials: [ids], evaluated_at}")
    awarded_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-awarded_at"]
        constraints = [
            # Re-evaluation is idempotent: one active award per policy version, educator and outcome.
            models.UniqueConstraint(fields=["policy", "educator", "outcome_key"], condition=models.Q(state="active"),
                                    name="one_active_award_per_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.name} — {self.educator} ({self.state})"


class QualifierSnapshot(models.Model):
    """The stored qualifiers of one policy version: which generation of ``QualifierStanding`` rows the page reads,
    the counts by district, school and elsewhere, and the state of the build (docs/decisions/0040)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        BUILDING = "building", _("Being computed")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    policy = models.OneToOneField(Policy, on_delete=models.CASCADE, related_name="qualifier_snapshot")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    generation = models.PositiveIntegerField(default=0, help_text="The standings the page reads (0: none yet).")
    building = models.PositiveIntegerField(default=0, help_text="The generation a running build writes.")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, help_text="Counts of the served generation (see selectors.stored_qualifiers).")
    touched = models.JSONField(default=list, help_text="Educators whose data changed while a build ran.")
    stale_since = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    def __str__(self) -> str:
        return f"qualifiers of {self.policy_id} ({self.state}, generation {self.generation})"


class QualifierStanding(models.Model):
    """One educator's standing under one policy version as the qualifiers page shows it, computed by the engine
    in the background (a build, or an event about the educator) rather than on every view."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="+")
    generation = models.PositiveIntegerField()
    educator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    in_jurisdiction = models.BooleanField()
    qualified = models.BooleanField()
    close = models.BooleanField()
    percent = models.PositiveSmallIntegerField()
    sort_name = models.CharField(max_length=300, blank=True)
    district = models.CharField(max_length=200, blank=True)
    school = models.CharField(max_length=200, blank=True)
    credits = models.JSONField(default=dict, help_text="unit → converted amount after caps")
    requirements = models.JSONField(default=list, help_text="The requirement rows (listed educators only).")
    missing = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["policy", "generation", "educator"], name="one_standing_per_generation")]
        indexes = [models.Index(fields=["policy", "generation", "in_jurisdiction", "qualified", "close", "-percent",
                                        "sort_name", "educator"], name="recognition_standing_list")]

    def __str__(self) -> str:
        return f"{self.educator_id} under {self.policy_id}: {'qualifies' if self.qualified else f'{self.percent}%'}"
