"""Analytics' own facts: a school's attributes (the federal school directory's), an educator's self-reported and
consented demographics, and whether an educator may be found by their organization's leaders. Everything else the
dashboards show is read from the other apps' tables."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization


class SchoolProfile(models.Model):
    """Attributes of a school (or district) from the NCES Common Core of Data style CSV: the equity breakdowns."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="school_profile")
    nces_id = models.CharField(_("NCES id"), max_length=12, blank=True, db_index=True)
    title_i = models.BooleanField(_("Title I"), null=True, blank=True)
    locale = models.CharField(_("locale"), max_length=10, choices=Organization.Locale.choices, blank=True)
    high_need = models.BooleanField(_("high-need"), null=True, blank=True)
    enrollment = models.PositiveIntegerField(_("enrollment"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"School attributes of {self.organization}"


class EducatorDemographics(models.Model):
    """What an educator chose to tell about themselves, with their consent; withdrawing deletes the row. Shown only
    in suppressed aggregates, never per person."""

    class RaceEthnicity(models.TextChoices):
        AMERICAN_INDIAN = "american_indian", _("American Indian or Alaska Native")
        ASIAN = "asian", _("Asian")
        BLACK = "black", _("Black or African American")
        HISPANIC = "hispanic", _("Hispanic or Latino")
        PACIFIC_ISLANDER = "pacific_islander", _("Native Hawaiian or Other Pacific Islander")
        WHITE = "white", _("White")
        MULTIPLE = "multiple", _("Two or more races")
        NOT_SAID = "", _("Prefer not to say")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Woman")
        MAN = "man", _("Man")
        NONBINARY = "nonbinary", _("Non-binary")
        SELF_DESCRIBED = "other", _("Another gender")
        NOT_SAID = "", _("Prefer not to say")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="demographics")
    race_ethnicity = models.CharField(_("race or ethnicity"), max_length=20, choices=RaceEthnicity.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    consented_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Demographics of {self.user}"


class Findability(models.Model):
    """An educator's choice to be found by their organization's leaders (expertise finder) and to mentor."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="findability")
    findable = models.BooleanField(_("leaders of my organizations may find me by my micro-credentials"), default=False)
    offers_mentoring = models.BooleanField(_("I offer to mentor earners of the micro-credentials I hold"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Findability of {self.user}"


class ResearchExport(models.Model):
    """One de-identified research export (docs/decisions/0026-research-export.md), built in the background into a
    private zip that only platform admins download."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    storage_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Research export {self.pk}"


class ImpactOptIn(models.Model):
    """An organization's choice to keep its educators' evaluation or observation ratings here (issue 17 item 5), so
    that dashboards can compare ratings before and after earning a micro-credential. Without it nothing is imported;
    withdrawing deletes the organization's ratings."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="impact_opt_in")
    opted_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opted_in_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Impact data of {self.organization}"


class ImpactRating(models.Model):
    """One educator's evaluation or observation rating for one school year, imported by an opted-in organization.
    Shown only as suppressed aggregates (before vs after earning an MC), never per person."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="impact_ratings")
    educator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="impact_ratings")
    year = models.PositiveSmallIntegerField(help_text="The calendar year the school year ends in (2025 for 2024–25).")
    rating = models.DecimalField(max_digits=3, decimal_places=2, help_text="On the organization's scale, 1.00 to 5.00.")
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "educator", "year"], name="one_impact_rating_a_year")]
        indexes = [models.Index(fields=["educator", "year"])]

    def __str__(self) -> str:
        return f"Rating {self.year} of {self.educator_id}"


class DashboardSnapshot(models.Model):
    """The tables of one dashboard and filter set, computed by a background task (docs/decisions/0032): pages read
    them in one query whatever the number of educators; the sections that need per-person evaluation (assessor
    quality, close to qualifying, impact) are only ever computed here."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        RUNNING = "running", _("Being computed")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    key = models.CharField(max_length=120, help_text="The dashboard and the language of its labels.")
    filters = models.CharField(max_length=600, blank=True, help_text="The normalized query string of the filters.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    done = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=1)
    tables = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    requested_at = models.DateTimeField(auto_now_add=True)
    built_at = models.DateTimeField(null=True, blank=True)
    previous_built_at = models.DateTimeField(null=True, blank=True)
    stale_since = models.DateTimeField(null=True, blank=True, help_text=(
        "When the data under these figures last changed after they were computed (an attempt submitted or decided, "
        "a credential issued or revoked, an award granted); cleared by the next build."))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "filters"], name="one_snapshot_per_dashboard_and_filters")]

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.done / self.total)) if self.total else 0

    def __str__(self) -> str:
        return f"Snapshot {self.key} {self.filters}"
