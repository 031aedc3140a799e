"""Analytics' own facts: a school's attributes (the federal school directory's), an educator's self-reported and
consented demographics, and whether an educator may be found by their organization's leaders. Everything else the
dashboards show is read from the other apps' tables."""
from __future__ import annotations

import uuid

from django.conf import settings
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
