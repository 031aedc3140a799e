"""Quality assurance of micro-credential versions: the adopted frameworks, certified QA reviewers, reviews and
their ratings (docs/quality-assurance.md)."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredentialVersion


class QualityFramework(models.Model):
    """One adopted version of the quality framework (its document in ``data``). The highest number is current."""

    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    data = models.JSONField()
    adopted_at = models.DateTimeField(auto_now_add=True)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.TextField(blank=True, help_text="What changed from the previous version.")

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"


class QualityReviewer(models.Model):
    """A person certified to review micro-credentials for quality, for an organization or on a state panel. They
    never review an MC owned by an organization they belong to (accounts/policy.py: can_rate_quality_review)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quality_reviewer_certifications")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="quality_reviewers")
    state_panel = models.BooleanField(default=False, help_text="Reviews for a state panel rather than for its organization.")
    active = models.BooleanField(default=True)
    certified_at = models.DateTimeField(auto_now_add=True)
    certified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="one_qa_certification_per_org")]
        ordering = ["organization__name", "user__username"]

    def __str__(self) -> str:
        return f"{self.user} — {self.organization}"


class QualityReview(models.Model):
    """An independent quality review of one micro-credential version against one framework version."""

    class State(models.TextChoices):
        OPEN = "open", "Open for ratings"
        RECONCILING = "reconciling", "Reconciling"
        DECIDED = "decided", "Decided"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
        REVISE = "revise", "Revise"

    REQUIRED_RATERS = 2

    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.CASCADE, related_name="quality_reviews")
    framework = models.ForeignKey(QualityFramework, on_delete=models.PROTECT, related_name="reviews")
    state = models.CharField(max_length=12, choices=State.choices, default=State.OPEN, db_index=True)
    checks = models.JSONField(default=list, blank=True, help_text="The automatic checks at submission (warnings only).")
    submitted_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    scores = models.JSONField(default=dict, blank=True, help_text="Reconciled level per criterion key.")
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    changes_requested = models.TextField(blank=True, help_text="What the issuer must change (conditions, or what to revise).")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    pilot_report = models.JSONField(default=dict, blank=True, help_text="The version's pilot report at submission (empty: no pilot).")

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["version"], condition=models.Q(state__in=["open", "reconciling"]),
                                               name="one_pending_quality_review_per_version")]

    def __str__(self) -> str:
        return f"Quality review of {self.version}"


class QualityRating(models.Model):
    """One reviewer's rating of one criterion, with their comment."""

    review = models.ForeignKey(QualityReview, on_delete=models.CASCADE, related_name="ratings")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quality_ratings")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                     help_text="The organization (or state panel) the reviewer reviewed for.")
    criterion = models.CharField(max_length=40)
    level = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "reviewer", "criterion"], name="one_rating_per_criterion")]
        ordering = ["review_id", "reviewer_id", "id"]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.level}"


class ExperienceSurvey(models.Model):
    """A short earner experience survey: sent when an attempt is decided, and as a follow-up some days later about
    the impact on practice. Results per MC are shown only from MIN responses up (selectors.survey_results)."""

    class Kind(models.TextChoices):
        DECISION = "decision", "After the decision"
        FOLLOW_UP = "follow_up", "Follow-up on practice"

    earner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="experience_surveys")
    attempt = models.ForeignKey("earning.Attempt", on_delete=models.CASCADE, related_name="experience_surveys")
    micro_credential = models.ForeignKey("catalog.MicroCredential", on_delete=models.CASCADE, related_name="experience_surveys")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    result = models.CharField(max_length=10, blank=True, help_text="earned or not_yet, at the decision.")
    sent_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="1–5: worth it (decision) / changed my practice (follow-up).")
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "kind"], name="one_survey_per_attempt_and_kind")]
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} survey of {self.attempt_id}"


class Pilot(models.Model):
    """A version opened as a pilot ("stress test"): at most ``cap`` earners, every submission double-scored, and a
    pilot report (selectors.pilot_report) that travels with its quality review. One pilot per version."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    MAX_CAP = 500

    version = models.OneToOneField(MicroCredentialVersion, on_delete=models.CASCADE, related_name="quality_pilot")
    cap = models.PositiveIntegerField(help_text="The most earners the pilot takes.")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN, db_index=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [models.CheckConstraint(condition=models.Q(cap__gte=1), name="pilot_cap_at_least_one")]

    def __str__(self) -> str:
        return f"Pilot of {self.version}"
