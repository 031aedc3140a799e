"""Assessment: who may score what (certification), the queue, blind scores, double scoring and adjudication.

A `Review` follows one submission through assessment. Each `Assignment` gives one assessor one item to score
in a role (pre-check, first, second, adjudicator) — or a seeded *check* item with known anchor scores, mixed
blindly into the queue. `Score` rows are per criterion. The earner-facing decision is written to earning by
services.finalize(); every score stays here for reliability figures and research exports.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.catalog.models import Criterion, MicroCredential, MicroCredentialVersion, Part, RubricLevel
from microcred.earning.models import Submission


class IssuerPolicy(models.Model):
    """Per issuing organization: turnaround target and whether a completeness pre-check runs first."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="assessment_policy")
    turnaround_business_days = models.PositiveSmallIntegerField(default=14)
    precheck_enabled = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Assessment policy of {self.organization}"


class ScoringPolicy(models.Model):
    """Per MC: certification bar and double-scoring configuration (defaults per Digital Promise practice)."""

    micro_credential = models.OneToOneField(MicroCredential, on_delete=models.CASCADE, related_name="scoring_policy")
    certification_bar = models.DecimalField(max_digits=4, decimal_places=3, default=0.8,
                                            help_text="Exact agreement with anchor scores needed to certify (0–1).")
    certification_valid_days = models.PositiveIntegerField(default=365)
    calibration_period = models.PositiveIntegerField(default=50, help_text="Double-score the first N submissions of each version.")
    random_double_rate = models.DecimalField(max_digits=4, decimal_places=3, default=0.1)
    conditional_double = models.BooleanField(default=True, help_text="Double-score when the first score is at or near the passing cut.")
    check_rate = models.DecimalField(max_digits=4, decimal_places=3, default=0.05,
                                     help_text="Share of queue items that are seeded checks with known scores.")
    drift_window = models.PositiveSmallIntegerField(default=20, help_text="Comparisons in the rolling window for drift.")
    drift_min_comparisons = models.PositiveSmallIntegerField(default=8)

    def __str__(self) -> str:
        return f"Scoring policy of {self.micro_credential}"


class Qualification(models.Model):
    """An assessor in the pool of one MC: trained, then certified by calibration; paused when drifting."""

    class Status(models.TextChoices):
        TRAINING = "training", _("In training (not yet certified)")
        CERTIFIED = "certified", _("Certified")
        PAUSED = "paused", _("Paused — recalibration needed")

    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications")
    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="qualifications")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     help_text="Issuing or contracted organization the assessor scores for.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TRAINING)
    senior = models.BooleanField(default=False, help_text="May adjudicate disagreements.")
    certified_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_agreement = models.DecimalField(max_digits=4, decimal_places=3, null=True, blank=True)
    calibration_started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessor", "micro_credential"], name="one_qualification_per_mc")]

    def __str__(self) -> str:
        return f"{self.assessor} — {self.micro_credential} ({self.get_status_display()})"


class AnchorItem(models.Model):
    """A pre-scored example submission: used for calibration sets and, blindly, as queue checks."""

    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="anchor_items")
    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.PROTECT, related_name="anchor_items")
    title = models.CharField(max_length=200, help_text="For the calibration-set manager; never shown while scoring.")
    snapshot = models.JSONField(help_text="Evidence in the same shape as a submission snapshot.")
    in_calibration_set = models.BooleanField(default=True)
    usable_as_check = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class AnchorScore(models.Model):
    item = models.ForeignKey(AnchorItem, on_delete=models.CASCADE, related_name="anchor_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(RubricLevel, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "criterion"], name="one_anchor_score_per_criterion")]


class Review(models.Model):
    """One submission's way through assessment."""

    class Stage(models.TextChoices):
        PRECHECK = "precheck", _("Pre-check")
        FIRST = "first", _("First scoring")
        SECOND = "second", _("Second scoring")
        ADJUDICATION = "adjudication", _("Adjudication")
        DECIDED = "decided", _("Decided")
        RETURNED = "returned", _("Returned incomplete")
        WITHDRAWN = "withdrawn", _("Withdrawn by the earner")

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="review")
    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="reviews")
    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.PROTECT, related_name="reviews")
    stage = models.CharField(max_length=12, choices=Stage.choices, db_index=True)
    double_reason = models.CharField(max_length=20, blank=True, help_text="calibration_period, random, conditional (or empty)")
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    final_result = models.CharField(max_length=10, blank=True)

    class Meta:
        indexes = [
            # The issuer dashboard's counts (waiting, overdue, unassigned) read only the open reviews of its MCs.
            models.Index(fields=["micro_credential", "due_at", "id"],
                         condition=models.Q(stage__in=["precheck", "first", "second", "adjudication"]), name="review_open_by_mc"),
        ]

    def __str__(self) -> str:
        return f"Review of submission {self.submission_id} ({self.get_stage_display()})"


class ReviewTally(models.Model):
    """How many reviews an MC has had, so the issuer dashboard can list the busiest MCs first without counting every
    review. Kept by tallies.py on each review created or deleted through the ORM; ``tallies.recount()`` after writes
    that bypass Django's signals (bulk_create, raw SQL)."""

    micro_credential = models.OneToOneField(MicroCredential, on_delete=models.CASCADE, primary_key=True, related_name="review_tally")
    reviews = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.reviews} reviews of micro-credential {self.micro_credential_id}"


class Assignment(models.Model):
    class Role(models.TextChoices):
        PRECHECK = "precheck", _("Pre-check")
        FIRST = "first", _("First")
        SECOND = "second", _("Second")
        ADJUDICATOR = "adjudicator", _("Adjudicator")
        CHECK = "check", _("Check (seeded, known scores)")
        CALIBRATION = "calibration", _("Calibration")

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        SCORED = "scored", _("Scored")
        RELEASED = "released", _("Released")

    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments")
    anchor_item = models.ForeignKey(AnchorItem, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessment_assignments")
    role = models.CharField(max_length=12, choices=Role.choices)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ASSIGNED, db_index=True)
    assigned_at = models.DateTimeField(auto_now_add=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    released_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(review__isnull=False) | models.Q(anchor_item__isnull=False), name="assignment_has_item"),
            # One open assignment per review and role: two assessors finishing at once cannot double a role.
            models.UniqueConstraint(fields=["review", "role"], condition=models.Q(state__in=["assigned", "scored"]) & models.Q(review__isnull=False),
                                    name="one_live_assignment_per_role"),
        ]
        indexes = [
            # An assessor's queue in its order, and "has this review an open assignment?", read open items only.
            models.Index(fields=["assessor", "assigned_at", "id"], condition=models.Q(state="assigned"), name="assignment_open_by_assessor"),
            models.Index(fields=["review"], condition=models.Q(state="assigned"), name="assignment_open_by_review"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} assignment {self.pk}"


class Score(models.Model):
    """One assessor's level for one criterion. Append-only in practice: services never update or delete."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(RubricLevel, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    scored_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "criterion"], name="one_score_per_criterion")]


class PartNote(models.Model):
    """An assessor's written feedback for one part (shown to the earner only from the deciding assessor)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="part_notes")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    feedback = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "part"], name="one_note_per_part")]


class DriftFlag(models.Model):
    """An assessor whose agreement fell under the bar over the rolling window: paused and sent to recalibrate."""

    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="drift_flags")
    flagged_at = models.DateTimeField(auto_now_add=True)
    agreement = models.DecimalField(max_digits=4, decimal_places=3)
    comparisons = models.PositiveIntegerField()
    resolved_at = models.DateTimeField(null=True, blank=True)
