"""Earning: growth plans, attempts on a frozen MC version, evidence, submissions, decisions, support.

An `Attempt` is one earner's work on one published MC version. Each time it is handed in, a numbered
`Submission` freezes a snapshot of the evidence; the `Decision` on a submission carries per-criterion
levels and per-part feedback. "Not yet" sends the attempt back for revision of the parts that need it.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.catalog.models import Criterion, MicroCredential, MicroCredentialVersion, Part, Prompt, RubricLevel, Stack


class GrowthPlan(models.Model):
    """An earner's professional growth plan: goals, and the MCs and stacks chosen for them."""

    earner = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="growth_plan")
    goals = models.TextField(blank=True, help_text="What the earner wants to grow in this year.")
    supervisor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="supervised_plans",
                                   help_text="Principal or supervisor who may propose and approve items.")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Growth plan of {self.earner}"


class PlanItem(models.Model):
    """An MC or stack on a growth plan: proposed by the earner, a coach or a supervisor; approved or declined."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    plan = models.ForeignKey(GrowthPlan, on_delete=models.CASCADE, related_name="items")
    micro_credential = models.ForeignKey(MicroCredential, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    stack = models.ForeignKey(Stack, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.CheckConstraint(
            condition=(models.Q(micro_credential__isnull=False, stack__isnull=True) | models.Q(micro_credential__isnull=True, stack__isnull=False)),
            name="plan_item_is_mc_xor_stack")]

    def __str__(self) -> str:
        return str(self.micro_credential or self.stack)


class PriorityMicroCredential(models.Model):
    """A district or state marks an MC as a priority (e.g. its evaluation rubric's most common growth areas)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="priority_micro_credentials")
    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.CASCADE, related_name="priorities")
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "micro_credential"], name="unique_priority")]

    def __str__(self) -> str:
        return f"{self.micro_credential} — priority of {self.organization}"


class CoachAssignment(models.Model):
    """An earner's coach or mentor. The coach sees drafts only when the earner shares them."""

    earner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_assignments")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coachees")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["earner", "coach"], name="unique_coach_assignment")]

    def __str__(self) -> str:
        return f"{self.coach} coaches {self.earner}"


class Cohort(models.Model):
    """A group of earners working on MCs within a submission window (pilots failed when time was inadequate)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(max_length=200)
    micro_credentials = models.ManyToManyField(MicroCredential, related_name="cohorts")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="cohorts", blank=True)
    opens_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Voucher(models.Model):
    """A district or state pays the assessment fee: by code, or automatically for its members."""

    sponsor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="vouchers")
    code = models.CharField(max_length=40, unique=True, null=True, blank=True)
    automatic_for_members = models.BooleanField(default=False)
    micro_credentials = models.ManyToManyField(MicroCredential, blank=True, related_name="vouchers",
                                               help_text="Empty means any MC.")
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    used_count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Voucher {self.code or '(automatic)'} from {self.sponsor}"


class Attempt(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        NOT_YET = "not_yet", _("Not yet — revise and resubmit")
        EARNED = "earned", _("Earned")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    earner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts")
    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.PROTECT, related_name="attempts")
    micro_credential = models.ForeignKey(MicroCredential, on_delete=models.PROTECT, related_name="attempts")
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT, db_index=True)
    cohort = models.ForeignKey(Cohort, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts")
    shared_with_coach = models.BooleanField(default=False)
    privacy_confirmed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Who pays the assessment fee (recorded, not processed).
    fee_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    paid_by_organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="sponsored_attempts")
    voucher = models.ForeignKey(Voucher, null=True, blank=True, on_delete=models.SET_NULL, related_name="attempts")

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            # One open attempt per earner and MC: a second tab or a double click cannot start two.
            models.UniqueConstraint(fields=["earner", "micro_credential"], condition=models.Q(state__in=["draft", "submitted", "not_yet"]),
                                    name="one_open_attempt_per_mc"),
        ]

    def __str__(self) -> str:
        return f"{self.earner} — {self.version}"

    @property
    def unsuccessful_submissions(self) -> int:
        return self.submissions.filter(decision__result=Decision.Result.NOT_YET).count()


class PartResponse(models.Model):
    """The earner's work on one part of the attempt."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    # Parts that passed in an earlier submission are locked: only what needs revising is revised.
    locked = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "part"], name="unique_response_per_part")]
        ordering = ["part__position"]

    def __str__(self) -> str:
        return f"{self.attempt} — {self.part}"


class EvidenceFile(models.Model):
    """An uploaded file, stored under a random name and served only through permission checks."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="evidence_files")
    storage_name = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    kind = models.CharField(max_length=12)  # video, document, image, audio
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    purged_at = models.DateTimeField(null=True, blank=True, help_text="When retention removed the bytes; the record stays.")

    def __str__(self) -> str:
        return self.original_name


class Evidence(models.Model):
    """One answer or artifact for a prompt (or the part as a whole)."""

    class Kind(models.TextChoices):
        FILE = "file", _("File")
        VIDEO = "video", _("Video")
        LINK = "link", _("Link")
        WRITTEN = "written", _("Written response")
        QUIZ = "quiz", _("Quiz answer")
        REFLECTION = "reflection", _("Reflection")

    response = models.ForeignKey(PartResponse, on_delete=models.CASCADE, related_name="evidence")
    prompt = models.ForeignKey(Prompt, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(blank=True)
    url = models.URLField(max_length=1000, blank=True)
    choice = models.PositiveSmallIntegerField(null=True, blank=True)
    file = models.ForeignKey(EvidenceFile, null=True, blank=True, on_delete=models.PROTECT, related_name="uses")
    public = models.BooleanField(default=False, help_text="The earner allows this to appear with the credential.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["prompt__position", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.response.part}"


class Submission(models.Model):
    """One hand-in of an attempt: a frozen snapshot of its evidence, waiting for or carrying a decision."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for assessment")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RETURNED = "returned", _("Returned as incomplete")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    submitted_at = models.DateTimeField(auto_now_add=True)
    note_to_assessor = models.TextField(blank=True)
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["attempt_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "number"], name="unique_submission_number"),
            models.UniqueConstraint(fields=["attempt"], condition=models.Q(state="pending"), name="one_pending_submission"),
        ]

    def __str__(self) -> str:
        return f"Submission {self.number} of {self.attempt}"


class Decision(models.Model):
    """The result of assessing a submission. Assessor identities never reach the earner."""

    class Result(models.TextChoices):
        EARNED = "earned", _("Earned")
        NOT_YET = "not_yet", _("Not yet")

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="decision")
    result = models.CharField(max_length=10, choices=Result.choices)
    decided_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    overall_feedback = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.get_result_display()} — {self.submission}"


class PartFeedback(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="part_feedback")
    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField()
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["part__position"]


class CriterionResult(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="criterion_results")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    level = models.ForeignKey(RubricLevel, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__rubric__part__position", "criterion__position"]
        constraints = [models.UniqueConstraint(fields=["decision", "criterion"], name="unique_criterion_result")]


class CoachComment(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="coach_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    part = models.ForeignKey(Part, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class CoachConversation(models.Model):
    """Required before resubmitting after N unsuccessful submissions (BloomBoard uses 3)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="coach_conversations")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField()
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)


class Notification(models.Model):
    """In-app notice (also e-mailed by a background task)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        DECISION = "decision", _("Decision")
        FEEDBACK = "feedback", _("Feedback")
        COACH_COMMENT = "coach_comment", _("Coach comment")
        DEADLINE = "deadline", _("Deadline approaching")
        PLAN = "plan", _("Growth plan")
        CREDENTIAL = "credential", _("Credential issued")
        REVOCATION = "revocation", _("Credential revoked or suspended")
        AWARD = "award", _("Recognition award")
        ACCOUNT = "account", _("Account and privacy")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True, db_index=True)
    shown_in_app = models.BooleanField(
        default=True, help_text="False when the person turned this kind off in the app (the row is kept for its e-mail).")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message


class NotificationEmailOptOut(models.Model):
    """A kind of notification a person does not want e-mailed (they still see it in the app). No row: e-mailed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_email_opt_outs")
    kind = models.CharField(max_length=15, choices=Notification.Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_email_opt_out_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id}: no e-mail for {self.kind}"


class CredentialStanding(models.Model):
    """What the earner's pages know about the credential issued for an earned attempt: where it lives and whether it
    still stands. Earning cannot read the credentials app (a higher layer); the credentials services record every
    issue, suspension, reinstatement and revocation here, in the same transaction (docs/decisions/0020)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")

    attempt = models.OneToOneField(Attempt, on_delete=models.CASCADE, related_name="credential_standing")
    credential_id = models.UUIDField(unique=True)
    url = models.CharField(max_length=300, help_text="The credential's page, for the earner to open.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True)
    changed_at = models.DateTimeField(help_text="When the credential was issued or last changed state.")
    reason = models.CharField(max_length=500, blank=True, help_text="Why it was suspended or revoked (the earner sees it).")

    def __str__(self) -> str:
        return f"{self.attempt} — credential {self.state}"

    @property
    def counts(self) -> bool:
        """A revoked credential no longer counts towards stacks and pathways."""
        return self.state != self.State.REVOKED
class NotificationInAppOptOut(models.Model):
    """A kind of notification a person does not want shown in the app (it may still be e-mailed). No row: shown."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_in_app_opt_outs")
    kind = models.CharField(max_length=15, choices=Notification.Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_in_app_opt_out_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id}: not in the app: {self.kind}"
