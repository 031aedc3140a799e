"""Micro-credentials on one template, their frozen versions, rubrics, and stacks.

A `MicroCredential` is the lasting identity (slug, owner, visibility); each `MicroCredentialVersion`
carries the content. Publishing freezes a version; later attempts and credentials point at it.
"""
from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization


class Subject(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class GradeBand(models.Model):
    slug = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=40)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language: the fixed vocabulary (catalog.vocabularies) is in the message catalog."""
        return gettext(self.name)


class EducatorRole(models.Model):
    """The educator roles an MC is written for (teacher, principal, counselor…)."""

    slug = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name in the reader's language: the fixed vocabulary (catalog.vocabularies) is in the message catalog."""
        return gettext(self.name)


class MicroCredential(models.Model):
    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone can see it")
        MEMBERS = "members", _("Members only: people in the named organizations")

    slug = models.SlugField(max_length=120, unique=True)
    owner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="owned_micro_credentials",
                              help_text="The organization whose authors and issuer admins maintain it.")
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    visible_to = models.ManyToManyField(Organization, blank=True, related_name="member_micro_credentials",
                                        help_text="For members-only MCs: whose members may see it (the owner's always can).")
    current_version = models.ForeignKey("MicroCredentialVersion", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", help_text="The version the catalog shows (the latest published).")
    coach_conversation_after = models.PositiveSmallIntegerField(
        null=True, blank=True, default=3,
        help_text="After this many “not yet” decisions a coach conversation is required before resubmitting (empty: never).")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["slug"]
        indexes = [models.Index(fields=["visibility"], name="catalog_mc_visibility")]  # the catalog's visibility filter

    def __str__(self) -> str:
        version = self.current_version or self.versions.order_by("-number").first()
        return version.title if version else self.slug


class MicroCredentialVersion(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        FEE = "fee", _("Fee")
        FREE_TO_MEMBERS = "free_to_members", _("Free to members")

    # Fields that may change after publishing: only the lifecycle moves.
    LIFECYCLE_FIELDS = frozenset({"state", "published_at", "published_by", "retired_at", "review_note", "submitted_at"})
    CHANGE_NOTE_MAX = 2000  # characters of the "what changed" note

    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)

    title = models.CharField(max_length=200)
    competency = models.TextField("competency statement", help_text="The one discrete practice the educator shows.")
    key_method = models.TextField(help_text="How the educator demonstrates the competency.")
    method_components = models.JSONField(default=list, blank=True, help_text="[{title, description}]")
    research = models.JSONField("supporting research", default=list, blank=True, help_text="[{citation, url}]")
    resources = models.JSONField(default=list, blank=True, help_text="[{kind, title, url, description}]")
    estimated_hours = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    cost = models.CharField(max_length=20, choices=Cost.choices, default=Cost.FREE)
    fee_amount = models.DecimalField("fee (USD)", max_digits=8, decimal_places=2, null=True, blank=True)
    subjects = models.ManyToManyField(Subject, blank=True, related_name="versions")
    grade_bands = models.ManyToManyField(GradeBand, blank=True, related_name="versions")
    educator_roles = models.ManyToManyField(EducatorRole, blank=True, related_name="versions")
    tags = models.JSONField(default=list, blank=True)

    # Denormalized lower-case text that the catalog search matches against.
    search_text = models.TextField(blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    change_note = models.TextField(blank=True, help_text="What changed from the previous version, in the author's words; "
                                   "written while the version is a draft and shown in the MC page's version history.")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["micro_credential_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["micro_credential", "number"], name="unique_version_number"),
            models.CheckConstraint(condition=models.Q(fee_amount__isnull=True) | models.Q(fee_amount__gte=0), name="fee_not_negative"),
            models.CheckConstraint(condition=models.Q(estimated_hours__isnull=True) | models.Q(estimated_hours__gte=0), name="hours_not_negative"),
        ]
        # The catalog's sorts (title; newest first) and filters (cost, hours). Search uses a full-text index that
        # only the database knows about (migration 0007, catalog/fulltext.py).
        indexes = [models.Index(fields=["title"], name="catalog_version_title"),
                   models.Index(fields=["published_at"], name="catalog_version_published_at"),
                   models.Index(fields=["cost"], name="catalog_version_cost"),
                   models.Index(fields=["estimated_hours"], name="catalog_version_hours")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_state = instance.__dict__.get("state")
        return instance

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    def save(self, *args, **kwargs):
        # Invariant: a version that left draft is frozen except for its lifecycle fields.
        loaded = getattr(self, "_loaded_state", None)
        if self.pk and loaded and loaded != self.State.DRAFT:
            fields = kwargs.get("update_fields")
            if fields is None or not set(fields) <= self.LIFECYCLE_FIELDS:
                raise ValidationError(f"Version {self.number} of “{self.title}” is {self.get_state_display().lower()} and cannot be edited.")
        super().save(*args, **kwargs)
        self._loaded_state = self.state

    @property
    def issuers(self) -> list[Organization]:
        return [r.organization for r in self.organization_roles.all() if r.role == OrganizationRole.Role.ISSUER]


class OrganizationRole(models.Model):
    """Who does what for this MC; Washington PESB splits these across four organizations."""

    class Role(models.TextChoices):
        DEVELOPER = "developer", _("Developer")
        ISSUER = "issuer", _("Issuer")
        CONTENT_PROVIDER = "content_provider", _("Content provider")
        EVIDENCE_HOST = "evidence_host", _("Evidence host")

    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.CASCADE, related_name="organization_roles")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="micro_credential_roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "organization", "role"], name="unique_org_role_per_version")]
        indexes = [models.Index(fields=["organization", "role"], name="catalog_orgrole_org_role")]  # the issuer facet
        ordering = ["role", "organization__name"]

    def __str__(self) -> str:
        return f"{self.organization} — {self.get_role_display()}"


class CompetencyFramework(models.Model):
    """A competency framework imported from an IMS CASE 1.0 CFPackage (its CFDocument). Re-importing the package
    updates it, found by the CFDocument identifier (docs/decisions/0029)."""

    identifier = models.CharField(max_length=100, unique=True, help_text="The CFDocument identifier (a UUID).")
    uri = models.URLField(max_length=500, blank=True)
    title = models.CharField(max_length=300)
    creator = models.CharField(max_length=300, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    version = models.CharField(max_length=60, blank=True)
    adoption_status = models.CharField(max_length=60, blank=True)
    language = models.CharField(max_length=20, blank=True)
    official_source_url = models.URLField(max_length=500, blank=True)
    last_change = models.CharField(max_length=40, blank=True, help_text="lastChangeDateTime as the package gives it.")
    source_url = models.URLField(max_length=500, blank=True, help_text="Where it was downloaded from, if it was.")
    imported_at = models.DateTimeField(auto_now=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CompetencyItem(models.Model):
    """One CFItem of a framework, placed in its tree by the package's isChildOf associations."""

    framework = models.ForeignKey(CompetencyFramework, on_delete=models.CASCADE, related_name="items")
    identifier = models.CharField(max_length=100, unique=True, help_text="The CFItem identifier (a UUID).")
    uri = models.URLField(max_length=500)
    human_coding_scheme = models.CharField(max_length=60, blank=True)
    full_statement = models.TextField()
    abbreviated_statement = models.CharField(max_length=300, blank=True)
    item_type = models.CharField(max_length=100, blank=True)
    list_enumeration = models.CharField(max_length=20, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    depth = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveIntegerField(default=0, help_text="Order in the framework's tree (depth first).")

    class Meta:
        ordering = ["framework_id", "position"]

    def __str__(self) -> str:
        return f"{self.human_coding_scheme} {self.short_statement}".strip()

    @property
    def short_statement(self) -> str:
        return self.abbreviated_statement or (self.full_statement if len(self.full_statement) <= 120
                                              else self.full_statement[:119] + "…")


class Alignment(models.Model):
    """Alignment to a standard, e.g. InTASC 6(a) or a state teaching standard: of the whole competency, or of one
    rubric criterion. ``item`` links an imported CASE item; framework, code, name and url copy its words, so a
    published version keeps what it was aligned to even when the framework is re-imported."""

    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.CASCADE, related_name="alignments")
    position = models.PositiveSmallIntegerField(default=0)
    framework = models.CharField(max_length=200)
    code = models.CharField("item code", max_length=60, blank=True)
    name = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=500, blank=True)
    item = models.ForeignKey(CompetencyItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="alignments")
    criterion = models.ForeignKey("Criterion", null=True, blank=True, on_delete=models.CASCADE, related_name="alignments")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.framework} {self.code}".strip()


class EvidenceType(models.TextChoices):
    VIDEO = "video", _("Video")
    FILE = "file", _("File (document, image, audio)")
    LINK = "link", _("Link")
    WRITTEN = "written", _("Written response")
    QUIZ = "quiz", _("Multiple-choice quiz")
    REFLECTION = "reflection", _("Reflection")


class Part(models.Model):
    """One ordered section of the evidence requirements, e.g. "Part 2: Classroom artifacts"."""

    class Demonstrates(models.TextChoices):
        UNDERSTAND = "understand", _("Understand")
        APPLY = "apply", _("Apply")
        IMPLEMENT = "implement", _("Implement")
        REFLECT = "reflect", _("Reflect")

    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    overview = models.TextField(blank=True, help_text="What the earner submits for this part, and why.")
    demonstrates = models.CharField(max_length=12, choices=Demonstrates.choices, default=Demonstrates.APPLY)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="unique_part_position")]

    def __str__(self) -> str:
        return f"Part {self.position}: {self.title}"

    @property
    def evidence_type_values(self) -> list[str]:
        return [e.evidence_type for e in self.evidence_types.all()]


class PartEvidenceType(models.Model):
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="evidence_types")
    evidence_type = models.CharField(max_length=12, choices=EvidenceType.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["part", "evidence_type"], name="unique_part_evidence_type")]
        indexes = [models.Index(fields=["evidence_type"], name="catalog_part_evidence_type")]  # the evidence-type facet
        ordering = ["id"]

    def __str__(self) -> str:
        return self.get_evidence_type_display()


class Prompt(models.Model):
    """A question or instruction the earner answers in a part. Quiz prompts carry choices."""

    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="prompts")
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    response_type = models.CharField(max_length=12, choices=EvidenceType.choices, default=EvidenceType.WRITTEN)
    guidance = models.TextField(blank=True)
    choices = models.JSONField(default=list, blank=True, help_text="Quiz answer options, in order.")
    correct_choice = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Index of the correct option (quiz only).")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["part", "position"], name="unique_prompt_position")]

    def __str__(self) -> str:
        return self.text[:80]


class Rubric(models.Model):
    """How assessors judge one part: criteria × ordered performance levels, and a passing rule."""

    class PassingRule(models.TextChoices):
        ALL_AT_LEAST = "all_at_least", _("Every criterion at or above the passing level")
        N_AT_LEAST = "n_at_least", _("At least N criteria at or above the passing level, none at the lowest")

    part = models.OneToOneField(Part, on_delete=models.CASCADE, related_name="rubric")
    passing_rule = models.CharField(max_length=20, choices=PassingRule.choices, default=PassingRule.ALL_AT_LEAST)
    passing_level = models.PositiveSmallIntegerField(default=1, help_text="Index (0 = lowest) of the level that counts as passing.")
    min_criteria = models.PositiveSmallIntegerField(null=True, blank=True, help_text="N for the “at least N criteria” rule.")

    def __str__(self) -> str:
        return f"Rubric of {self.part}"


class RubricLevel(models.Model):
    """An ordered performance level, e.g. Not Met < Progressing < Demonstrated."""

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["rubric", "position"], name="unique_level_position")]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["rubric", "position"], name="unique_criterion_position")]

    def __str__(self) -> str:
        return self.title


class LevelDescriptor(models.Model):
    """What performance at one level looks like for one criterion."""

    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="descriptors")
    level = models.ForeignKey(RubricLevel, on_delete=models.CASCADE, related_name="descriptors")
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["criterion", "level"], name="unique_descriptor")]

    def __str__(self) -> str:
        return self.text[:80]


class Stack(models.Model):
    """A group of MCs (or of other stacks, making a pathway) around a theme, with a completion rule."""

    class Kind(models.TextChoices):
        STACK = "stack", _("Stack")
        PATHWAY = "pathway", _("Pathway")

    class Rule(models.TextChoices):
        ALL_OF = "all_of", _("All of these")
        N_OF_M = "n_of_m", _("Any N of these")
        SEQUENCE = "sequence", _("All of these, in order")
        CHOICE_SLOTS = "choice_slots", _("One from each slot")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    slug = models.SlugField(max_length=120, unique=True)
    owner = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="owned_stacks")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STACK)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    rule = models.CharField(max_length=15, choices=Rule.choices, default=Rule.ALL_OF)
    required_count = models.PositiveSmallIntegerField(null=True, blank=True, help_text="N for “any N of these”.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    partner = models.CharField(max_length=200, blank=True, help_text="e.g. the state agency a stack was built with")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["state", "title"], name="catalog_stack_state_title")]  # published stacks by title

    def __str__(self) -> str:
        return self.title


class StackItem(models.Model):
    """One member of a stack: an MC or a nested stack. Items sharing a slot are alternatives."""

    stack = models.ForeignKey(Stack, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    micro_credential = models.ForeignKey(MicroCredential, null=True, blank=True, on_delete=models.PROTECT, related_name="stack_items")
    child_stack = models.ForeignKey(Stack, null=True, blank=True, on_delete=models.PROTECT, related_name="parent_items")
    slot = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Choice slot number (choice-slot stacks only).")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(micro_credential__isnull=False, child_stack__isnull=True)
                           | models.Q(micro_credential__isnull=True, child_stack__isnull=False)),
                name="stack_item_is_mc_xor_stack"),
            models.UniqueConstraint(fields=["stack", "position"], name="unique_stack_item_position"),
        ]

    def __str__(self) -> str:
        return str(self.micro_credential or self.child_stack)


class VersionTranslation(models.Model):
    """A version's content in another language: what the educator reads (title, competency, key method, parts, prompts,
    rubric wording). The English version stays authoritative: assessors judge against its rubric, and a translation
    may be added or corrected after publishing without making a new version (docs/decisions/0022).

    ``content`` mirrors the version by positions, which survive copying a version:
    {"title", "competency", "key_method",
     "parts": {"<part>": {"title", "overview", "prompts": {"<prompt>": {"text", "guidance"}}}},
     "rubrics": {"<part>": {"levels": {"<level>": name}, "criteria": {"<criterion>": {"title", "description",
                                                                                     "descriptors": {"<level>": text}}}}}}
    Anything left out is shown in English, marked as such for screen readers."""

    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10)
    content = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "language"], name="one_translation_per_language")]

    def __str__(self) -> str:
        return f"{self.version} in {self.language}"
