"""Credentials: issuer signing keys, bitstring status lists, and the Open Badges 3.0 credentials issued.

Data and invariants only; every write goes through ``keys``, ``status`` and ``services``.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization
from microcred.catalog.models import MicroCredentialVersion
from microcred.earning.models import Attempt

STATUS_LIST_SIZE = 131072  # bits: the W3C minimum, so one credential's index says little about issuance volume


class IssuerKey(models.Model):
    """One signing key of an issuing organization. The private half is stored only Fernet-encrypted."""

    class Algorithm(models.TextChoices):
        ED25519 = "Ed25519", "Ed25519 (Data Integrity eddsa-rdfc-2022)"
        P256 = "P-256", "P-256 (VC-JWT ES256)"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active: signs new credentials")
        RETIRED = "retired", _("Retired: no longer signs, still verifies")
        REVOKED = "revoked", _("Revoked: credentials it signed no longer verify")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="issuer_keys")
    algorithm = models.CharField(max_length=10, choices=Algorithm.choices)
    # Ed25519: Multikey (z6Mk…); P-256: the public JWK as JSON text.
    public_key = models.TextField()
    encrypted_private_key = models.TextField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["organization_id", "created_at"]
        constraints = [
            # Exactly one key of each kind signs for an organization at a time.
            models.UniqueConstraint(fields=["organization", "algorithm"], condition=models.Q(status="active"),
                                    name="one_active_key_per_algorithm"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.algorithm} key {self.id} ({self.status})"


class StatusList(models.Model):
    """A W3C BitstringStatusList of one organization for one purpose; bit i is credential index i."""

    class Purpose(models.TextChoices):
        REVOCATION = "revocation", _("Revocation")
        SUSPENSION = "suspension", _("Suspension")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="status_lists")
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    list_id = models.PositiveIntegerField(default=1)
    size = models.PositiveIntegerField(default=STATUS_LIST_SIZE)
    bits = models.BinaryField(help_text="The uncompressed bitstring, size/8 bytes; bit 0 is the first byte's high bit.")
    next_index = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization_id", "purpose", "list_id"]
        constraints = [models.UniqueConstraint(fields=["organization", "purpose", "list_id"], name="unique_status_list")]

    def __str__(self) -> str:
        return f"{self.organization} {self.purpose} list {self.list_id}"


class IssuedCredential(models.Model):
    """An OpenBadgeCredential issued for one earned attempt (at most one per attempt, enforced by the database)."""

    class Visibility(models.TextChoices):
        PRIVATE = "private", _("Private: only the earner")
        LINK = "link", _("Anyone with the link")
        PUBLIC = "public", _("Public")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="issued_credential")
    issuer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="issued_credentials")
    version = models.ForeignKey(MicroCredentialVersion, on_delete=models.PROTECT, related_name="issued_credentials")
    earner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="issued_credentials")
    credential = models.JSONField(help_text="The signed credential exactly as issued and served.")
    jwt = models.TextField(help_text="The same credential as a VC-JWT (ES256).")
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="credentials")
    status_index = models.PositiveIntegerField()
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.LINK)
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revocation_reason = models.CharField(max_length=500, blank=True)
    # Suspension (reversible): only credentials issued with a suspension status entry have a list and index here.
    suspension_list = models.ForeignKey(StatusList, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="suspended_credentials")
    suspension_index = models.PositiveIntegerField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    suspension_reason = models.CharField(max_length=500, blank=True)

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="unique_status_index"),
            models.UniqueConstraint(fields=["suspension_list", "suspension_index"], name="unique_suspension_index"),
            models.CheckConstraint(condition=models.Q(suspension_list__isnull=True, suspension_index__isnull=True)
                                   | models.Q(suspension_list__isnull=False, suspension_index__isnull=False),
                                   name="suspension_list_and_index_together"),
        ]

    def __str__(self) -> str:
        return f"{self.version} — {self.earner}"

    @property
    def state(self) -> str:
        """Revoked (final) wins over suspended (reversible); otherwise active."""
        if self.revoked_at:
            return self.State.REVOKED
        if self.suspended_at:
            return self.State.SUSPENDED
        return self.State.ACTIVE

    @property
    def can_be_suspended(self) -> bool:
        """Whether the credential carries a suspension status entry (so verifiers can see a suspension)."""
        return self.suspension_list_id is not None


class ExternalCredentialQuerySet(models.QuerySet):
    def countable(self):
        """What recognition counts: imports from an issuer known to this platform that the issuer vouched for here
        (its signature, or its own copy of an OB 2.0 assertion)."""
        return self.filter(issuer_known=True).exclude(status=ExternalCredential.STATUS_OB2_UNCONFIRMED)


class ExternalCredential(models.Model):
    """A credential issued elsewhere that an earner imported after it was checked here: an Open Badges 3.0
    credential that verified, or an Open Badges 2.0 assertion, with what could and could not be verified."""

    class Standard(models.TextChoices):
        OB3 = "ob3", "Open Badges 3.0"
        OB2 = "ob2", "Open Badges 2.0"

    STATUS_OB2_SIGNED = "OB 2.0, issuer's signature verified"
    STATUS_OB2_HOSTED = "OB 2.0, confirmed with its issuer"
    STATUS_OB2_UNCONFIRMED = "OB 2.0, not verifiable offline"
    FORMAT_LABELS = {"json": "JSON", "jwt": "VC-JWT", "jws": _("signed (JWS)"), "png": _("baked PNG"),
                     "svg": _("baked SVG"), "url": _("hosted (URL)")}

    STATUS_VERIFIED = "external, verified"  # signed by its issuer, and the issuer is known to this platform
    STATUS_UNKNOWN_ISSUER = "external, unknown issuer"  # signed by its issuer, who is not known to this platform
    STATUS_LABELS = {  # the stored status is a code; people read these
        STATUS_OB2_SIGNED: _("OB 2.0, issuer's signature verified"),
        STATUS_OB2_HOSTED: _("OB 2.0, confirmed with its issuer"),
        STATUS_OB2_UNCONFIRMED: _("OB 2.0, not verifiable offline"),
        STATUS_VERIFIED: _("external, verified"),
        STATUS_UNKNOWN_ISSUER: _("external, unknown issuer"),
    }

    objects = ExternalCredentialQuerySet.as_manager()

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    earner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_credentials")
    raw = models.TextField(help_text="The document exactly as uploaded (JSON text, a VC-JWT or JWS); for a baked "
                                     "image, the text baked in it.")
    standard = models.CharField(max_length=3, choices=Standard.choices, default=Standard.OB3)
    format = models.CharField(max_length=10, help_text="json, jwt, jws (OB 2.0 signed), png or svg (baked), url")
    credential = models.JSONField(help_text="The credential as parsed (for a VC-JWT, its payload).")
    credential_id = models.CharField(max_length=1000, blank=True, help_text="The credential's own id, if any.")
    issuer_id = models.CharField(max_length=1000)
    issuer_name = models.CharField(max_length=500, blank=True)
    achievement_name = models.CharField(max_length=500, blank=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=40, default=STATUS_VERIFIED)
    verification = models.JSONField(default=dict, help_text="The verifier's report at import time.")
    verified_at = models.DateTimeField()
    issuer_known = models.BooleanField(default=False, db_index=True,
                                       help_text="Whether the issuer was known to this platform at import time.")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [
            # Importing the same credential twice is a no-op, not a duplicate.
            models.UniqueConstraint(fields=["earner", "credential_id"], condition=~models.Q(credential_id=""),
                                    name="unique_external_credential_per_earner"),
        ]

    def __str__(self) -> str:
        return f"{self.achievement_name or 'External credential'} from {self.issuer_name or self.issuer_id}"

    @property
    def format_label(self) -> str:
        """What earners and recognizers see: "Open Badges 2.0, imported (baked PNG)"."""
        return gettext("%(standard)s, imported (%(format)s)") % {
            "standard": self.get_standard_display(), "format": self.FORMAT_LABELS.get(self.format, self.format)}

    @property
    def status_label(self) -> str:
        return str(self.STATUS_LABELS.get(self.status, self.status))

    @property
    def issuer_confirmed(self) -> bool:
        return self.status != self.STATUS_OB2_UNCONFIRMED

class KnownIssuer(models.Model):
    """An issuer outside this platform that a platform admin or recognizer admin has registered as known.

    ``identifier`` is the issuer id exactly as its credentials name it (an https URL, a did:web or a did:key).
    Keys of an https/did:web issuer come from ``key_documents`` (its controller/DID document or key documents,
    as the admin obtained them from the issuer); a did:key issuer needs none: the DID is the key. Credentials
    from a known issuer are shown as such and count for recognition; others are "signed by an issuer this platform
    does not know"."""

    identifier = models.CharField(max_length=1000, unique=True)
    name = models.CharField(max_length=300)
    key_documents = models.JSONField(default=list, blank=True,
                                     help_text="The issuer's controller/DID/key documents (a list of JSON objects).")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=500, blank=True, help_text="How the keys were obtained (for the audit trail).")

    class Meta:
        ordering = ["name", "identifier"]

    def __str__(self) -> str:
        return f"{self.name} ({self.identifier})"
