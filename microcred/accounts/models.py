"""People, the organizations they work in, and the roles they hold there."""
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person: educator, assessor, author, administrator — roles come from memberships."""

    email = models.EmailField("e-mail address", blank=True, db_index=True)
    # The interface language the person chose (a code of settings.LANGUAGES); empty: follow the browser.
    language = models.CharField(max_length=10, blank=True, default="")
    # When the person proved they read mail at ``email`` (a verification link, or an invitation sent there).
    email_verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Organization(models.Model):
    class Kind(models.TextChoices):
        STATE_AGENCY = "state_agency", _("State education agency")
        DISTRICT = "district", _("District (LEA)")
        SCHOOL = "school", _("School")
        HIGHER_ED = "higher_ed", _("Higher-education institution")
        NONPROFIT = "nonprofit", _("Nonprofit / vendor")
        UNION = "union", _("Union / professional association")

    class Locale(models.TextChoices):
        # NCES locale; the equity figures of later issues compare rural and urban educators.
        CITY = "city", _("City")
        SUBURB = "suburb", _("Suburb")
        TOWN = "town", _("Town")
        RURAL = "rural", _("Rural")
        NONE = "", _("Not applicable")

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               help_text="e.g. the district a school belongs to, or the state of a district")
    state = models.CharField("state (postal code)", max_length=2, blank=True)
    locale = models.CharField(max_length=10, choices=Locale.choices, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    evidence_retention_days = models.PositiveIntegerField(
        null=True, blank=True,
        help_text="As an issuer: delete raw evidence files this many days after the final decision (scores and feedback stay).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    EARNER = "earner", _("Earner (educator)")
    COACH = "coach", _("Coach / mentor")
    ASSESSOR = "assessor", _("Assessor")
    AUTHOR = "author", _("Author")
    ISSUER_ADMIN = "issuer_admin", _("Issuer admin")
    RECOGNIZER_ADMIN = "recognizer_admin", _("Recognizer admin")
    # A district's, school's or state agency's people administrator: rosters, invitations, roles, coaches.
    ORG_ADMIN = "org_admin", _("Organization admin (people)")
    PLATFORM_ADMIN = "platform_admin", _("Platform admin")


class Membership(models.Model):
    """One role of one person in one organization; a person may hold many."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"], name="unique_membership_role")]
        ordering = ["organization__name", "role"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization}"


class EducatorProfile(models.Model):
    class Position(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        PRINCIPAL = "principal", _("Principal / school leader")
        COUNSELOR = "counselor", _("Counselor")
        PARAPROFESSIONAL = "paraprofessional", _("Paraprofessional")
        ASPIRING_TEACHER = "aspiring_teacher", _("Aspiring teacher")
        COACH = "coach", _("Instructional coach")
        OTHER = "other", _("Other")

    class CareerStage(models.TextChoices):
        ASPIRING = "aspiring", _("Aspiring")
        NEW = "new", _("New (first years)")
        EXPERIENCED = "experienced", _("Experienced")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="educator_profile")
    state = models.CharField("state (postal code)", max_length=2, blank=True)
    district = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 limit_choices_to={"kind": Organization.Kind.DISTRICT})
    school = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               limit_choices_to={"kind": Organization.Kind.SCHOOL})
    position = models.CharField(max_length=20, choices=Position.choices, default=Position.TEACHER)
    career_stage = models.CharField(max_length=12, choices=CareerStage.choices, default=CareerStage.EXPERIENCED)
    license_number = models.CharField(max_length=40, blank=True)
    # Facts a district or state system knows (imported in bulk, issue 14): recognition rules and growth plans use them.
    license_type = models.CharField(max_length=80, blank=True, help_text="e.g. Practitioner, Professional, Provisional")
    years_experience = models.PositiveSmallIntegerField(null=True, blank=True)
    evaluation_rating = models.CharField(max_length=60, blank=True, help_text="the latest summative evaluation rating")
    evaluation_growth_areas = models.JSONField(
        default=list, blank=True, help_text="codes or names of the evaluation rubric's areas this educator works on")
    facts_updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Educator profile of {self.user}"


class PersonSourcedId(models.Model):
    """A person's identifier in an organization's own system (OneRoster ``sourcedId``, an identity provider's
    subject): how a roster import or a single sign-on finds the same person again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sourced_ids")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="person_sourced_ids",
                                     help_text="the organization whose system issued the identifier")
    sourced_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "sourced_id"], name="unique_person_sourced_id")]

    def __str__(self) -> str:
        return f"{self.sourced_id} at {self.organization}"


# --- invitations, self-registration and e-mail verification (issue 14 item 3; docs/decisions/0017) ----------------

class Invitation(models.Model):
    """An admin's invitation of an e-mail address to a role in an organization. Only the SHA-256 hash of the link's
    token is kept; role and organization are fixed here and never come from the invitee."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=20, choices=Role.choices)
    email = models.EmailField(max_length=254)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_sent")
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations_accepted")
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "state"], name="invitation_org_state")]

    def __str__(self) -> str:
        return f"Invitation of {self.email} as {self.get_role_display()} at {self.organization}"


class SelfRegistrationSettings(models.Model):
    """Whether people may create their own account in an organization (as earner only), from which e-mail domains,
    and whether an admin approves each one first."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="self_registration")
    enabled = models.BooleanField(default=False)
    allowed_domains = models.JSONField(default=list, blank=True, help_text="e-mail domains, lower case, e.g. cvs.k12.example")
    requires_approval = models.BooleanField(default=True)
    updated_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Self-registration at {self.organization}"


class RegistrationRequest(models.Model):
    """A self-registered person waiting for (or given) an admin's approval of the earner role in an organization."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="registration_requests")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="registration_requests")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="unique_registration_request")]

    def __str__(self) -> str:
        return f"Registration of {self.user} at {self.organization}"


class EmailVerification(models.Model):
    """A single-use link proving that a person reads mail at ``email``: a new account's address, or the new address
    of an e-mail change (which switches only when the link is opened). Only the token's hash is kept."""

    class Purpose(models.TextChoices):
        SIGN_UP = "sign_up", _("New account")
        CHANGE = "change", _("Change of address")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_verifications")
    email = models.EmailField(max_length=254)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Verification of {self.email}"
class PersonalDataExport(models.Model):
    """A "download my data" zip (data.json + files/), built in the background, kept privately for a limited time
    and downloadable only by its person (docs/privacy.md#download-my-data)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired (deleted)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="personal_data_exports")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    storage_name = models.CharField(max_length=200, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"Personal data export of {self.user} ({self.requested_at:%Y-%m-%d %H:%M})" if self.requested_at else "Personal data export"


class DeletionRequest(models.Model):
    """A person's request to delete their account: recorded, then processed (deactivate, erase or anonymize what
    the retention rules allow; issued credentials stay valid), or cancelled (docs/privacy.md#deleting-your-account)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="deletion_requests")
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    reason = models.TextField(blank=True, max_length=2000)
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    outcome = models.JSONField(default=dict, blank=True, help_text="What each app erased or kept, by the processing.")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [models.UniqueConstraint(fields=["user"], condition=models.Q(state="requested"),
                                               name="one_open_deletion_request_per_user")]

    def __str__(self) -> str:
        return f"Deletion request #{self.pk} ({self.state})"
