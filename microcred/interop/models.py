"""What the Open Badges 3.0 API keeps beyond django-oauth-toolkit's own tables (applications, grants, tokens)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import Application


class ClientRegistration(models.Model):
    """The RFC 7591 metadata an OB 3.0 client registered with (shown to the earner on the consent page).

    One per django-oauth-toolkit Application; ``scope`` is the most the client may ever ask an earner for."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="ob_registration")
    client_uri = models.URLField(max_length=500)
    logo_uri = models.URLField(max_length=500)
    tos_uri = models.URLField(max_length=500)
    policy_uri = models.URLField(max_length=500)
    software_id = models.CharField(max_length=100)
    software_version = models.CharField(max_length=50)
    scope = models.CharField(max_length=1000)
    contacts = models.JSONField(default=list, blank=True)
    grant_types = models.JSONField(default=list)
    # Empty for clients that registered themselves over the API; the operator for `microcred register_ob_client`.
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-registered_at"]

    def __str__(self) -> str:
        return self.application.name

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()


class IntegrationKey(models.Model):
    """One signing key of an integration (an LTI 1.3 tool key, a webhook signing key), kept by interop itself.

    Integrations sign as the platform, not as an issuer, so their keys are apart from credentials' issuer keys.
    The private half is stored only encrypted (``microcred.core.secrets``); the public half is a JWK published at
    ``/interop/jwks.json`` while the key is active or replaced-but-published."""

    class Purpose(models.TextChoices):
        LTI = "lti", _("LTI 1.3 tool")
        WEBHOOK = "webhook", _("Webhook signing")

    class Algorithm(models.TextChoices):
        RS256 = "RS256", "RS256 (RSA 2048, PKCS#1 v1.5 with SHA-256)"
        ES256 = "ES256", "ES256 (P-256 with SHA-256)"

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active: signs, published")
        REPLACED = "replaced", _("Replaced by a rotation: signs nothing, still published")
        RETIRED = "retired", _("Retired: signs nothing, no longer published")
        REVOKED = "revoked", _("Revoked: compromised, no longer published")

    # The RFC 7638 thumbprint of the public JWK: stable, unique, and says nothing about the installation.
    kid = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices, db_index=True)
    algorithm = models.CharField(max_length=5, choices=Algorithm.choices)
    public_jwk = models.JSONField()
    encrypted_private_key = models.TextField(editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    replaced_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["purpose", "-created_at"]
        constraints = [
            # One key signs for a purpose at a time; a rotation replaces it in one transaction.
            models.UniqueConstraint(fields=["purpose"], condition=models.Q(status="active"),
                                    name="one_active_integration_key_per_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.algorithm} {self.kid[:12]}… ({self.status})"

    @property
    def published(self) -> bool:
        return self.status in (self.Status.ACTIVE, self.Status.REPLACED)


# --- Outbound webhooks (docs/webhooks.md, docs/decisions/0028-outbound-webhooks.md) -------------------------------

class WebhookSubscription(models.Model):
    """An organization's HTTPS endpoint and the events it wants, signed with a secret shown once (Standard Webhooks).

    The secret is stored only encrypted (``core.secrets``, purpose ``microcred.interop.webhook-secrets``). A
    subscription is disabled by a person or, after repeated failed deliveries, automatically (``disabled_reason``)."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        DISABLED = "disabled", _("Disabled")

    organization = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="webhook_subscriptions")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="Event types, e.g. [\"credential.issued\"].")
    encrypted_secret = models.TextField(editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Deliveries that failed in a row (every retry used up), and since when: the automatic disabling counts them.
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name", "-created_at"]

    def __str__(self) -> str:
        return f"{self.organization} → {self.url}"


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one subscription: the exact signed body, its state and its attempts.

    ``message_id`` is the ``webhook-id`` header: the same for every attempt and for a replay, so a receiver can
    drop a duplicate."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        RETRYING = "retrying", _("Failed, will be retried")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed (no more retries)")
        SKIPPED = "skipped", _("Not sent (subscription disabled)")

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=40, db_index=True)
    message_id = models.CharField(max_length=60, db_index=True)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING, db_index=True)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.message_id} → {self.subscription_id} ({self.state})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: when, how long, the status code (or the error) and the start of the answer."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["delivery", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="one_webhook_attempt_per_number")]

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error}"


# --- LTI 1.3 tool (docs/lti.md, decision 0030) ----------------------------------------------------------------------

class LtiPlatform(models.Model):
    """An LMS (Canvas, Moodle, Schoology, Brightspace…) registered by a platform admin to launch microcred as an
    LTI 1.3 tool. People it launches who have no account here become earners of ``organization``."""

    name = models.CharField(_("name"), max_length=120)
    issuer = models.URLField(_("issuer"), max_length=500, help_text=_("the platform's issuer (iss), as its LTI settings show it"))
    client_id = models.CharField(_("client id"), max_length=255, help_text=_("the client id the platform gave microcred"))
    deployment_ids = models.TextField(_("deployment ids"), help_text=_("one per line: the deployments allowed to launch"))
    jwks_url = models.URLField(_("keyset URL"), max_length=500, help_text=_("the platform's public keys (JWKS)"))
    auth_login_url = models.URLField(_("authentication request URL"), max_length=500,
                                     help_text=_("the platform's OIDC authorization endpoint"))
    access_token_url = models.URLField(_("access token URL"), max_length=500, blank=True,
                                       help_text=_("for sending grades and reading course members (empty: neither)"))
    organization = models.ForeignKey("accounts.Organization", on_delete=models.PROTECT, related_name="lti_platforms",
                                     verbose_name=_("organization"),
                                     help_text=_("new accounts of people it launches become earners here"))
    enabled = models.BooleanField(_("enabled"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["issuer", "client_id"], name="unique_lti_platform_client")]

    def __str__(self) -> str:
        return self.name

    @property
    def deployments(self) -> list[str]:
        return [line.strip() for line in self.deployment_ids.replace(",", "\n").splitlines() if line.strip()]


class LtiLoginState(models.Model):
    """One OIDC login started by a platform: the ``state`` and ``nonce`` microcred sent, used once by the launch."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)


class LtiIdentity(models.Model):
    """A person as a platform knows them (its ``sub``), linked to their microcred account."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="identities")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_identities")
    created_at = models.DateTimeField(auto_now_add=True)
    last_launch_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "subject"], name="unique_lti_subject")]

    def __str__(self) -> str:
        return f"{self.subject} at {self.platform}"


class LtiGradeLink(models.Model):
    """Where a launched person's progress on an MC is reported: the platform's line item (Assignment and Grade
    Services). Made by a launch of a link to that MC that carried a line item and the score scope."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="grade_links")
    identity = models.ForeignKey(LtiIdentity, on_delete=models.CASCADE, related_name="grade_links")
    micro_credential = models.ForeignKey("catalog.MicroCredential", on_delete=models.CASCADE, related_name="+")
    lineitem = models.URLField(max_length=500)
    resource_link_id = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_posted_at = models.DateTimeField(null=True, blank=True)
    last_result = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["identity", "lineitem"], name="unique_lti_grade_link")]

    def __str__(self) -> str:
        return f"{self.identity} → {self.lineitem}"


class LicensureFeed(models.Model):
    """A recognizer's scheduled export of its awards, in its licensure system's layout (docs/licensure-feeds.md):
    a column mapping (output column → award field of the awards export), CSV or JSON, daily or weekly, to a folder
    under the data directory or an HTTPS endpoint (optionally signed the Standard Webhooks way)."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        JSON = "json", _("JSON")

    class Schedule(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")

    class Destination(models.TextChoices):
        FOLDER = "folder", _("A folder on the server")
        HTTPS = "https", _("An HTTPS endpoint")

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")

    recognizer = models.ForeignKey("accounts.Organization", on_delete=models.CASCADE, related_name="licensure_feeds")
    name = models.CharField(max_length=120)
    columns = models.JSONField(default=list, help_text='[["Output column", "award_field"], …] in output order.')
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.CSV)
    schedule = models.CharField(max_length=6, choices=Schedule.choices, default=Schedule.DAILY)
    destination = models.CharField(max_length=6, choices=Destination.choices, default=Destination.FOLDER)
    folder = models.CharField(max_length=200, blank=True, help_text="Relative to MICROCRED_DATA_DIR/licensure-feeds.")
    url = models.URLField(max_length=500, blank=True)
    encrypted_secret = models.TextField(blank=True, editable=False)
    state = models.CharField(max_length=6, choices=State.choices, default=State.ACTIVE, db_index=True)
    next_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["recognizer__name", "name"]

    def __str__(self) -> str:
        return f"{self.recognizer} — {self.name}"


class LicensureFeedRun(models.Model):
    """One sending of a feed: what went (rows, checksum, period), where, and the answer. Acknowledged = a 2xx from
    the endpoint, or the file written; only then do the awards it carried count as sent."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Send now")

    feed = models.ForeignKey(LicensureFeed, on_delete=models.CASCADE, related_name="runs")
    trigger = models.CharField(max_length=8, choices=Trigger.choices, default=Trigger.SCHEDULE)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    period_start = models.DateTimeField(null=True, blank=True, help_text="The last acknowledged run's end (none: the first).")
    period_end = models.DateTimeField(null=True, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    byte_count = models.PositiveIntegerField(default=0)
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the body sent.")
    file_name = models.CharField(max_length=300, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.feed} @ {self.created_at:%Y-%m-%d %H:%M} ({self.state})"


class LicensureFeedAward(models.Model):
    """The fingerprint of an award's row as a feed last delivered it (acknowledged): a later run sends the award
    again only when its mapped row changed (e.g. withdrawn)."""

    feed = models.ForeignKey(LicensureFeed, on_delete=models.CASCADE, related_name="sent_awards")
    award_id = models.PositiveBigIntegerField()
    digest = models.CharField(max_length=64)
    run = models.ForeignKey(LicensureFeedRun, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "award_id"], name="one_fingerprint_per_feed_award")]


class LtiCourseLink(models.Model):
    """A course (LMS context) whose resource link launched microcred with the Names and Role Provisioning Services
    claim: where its membership can be read, and the MC or stack it links to. Kept by the launch; a roster sync
    enrolls the course's teachers (its learners) in ``cohort``."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="course_links")
    deployment_id = models.CharField(max_length=255)
    context_id = models.CharField(max_length=255)
    context_title = models.CharField(max_length=255, blank=True)
    resource_link_id = models.CharField(max_length=255)
    memberships_url = models.URLField(max_length=500)
    micro_credential = models.ForeignKey("catalog.MicroCredential", null=True, blank=True, on_delete=models.SET_NULL,
                                         related_name="+")
    stack = models.ForeignKey("catalog.Stack", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cohort = models.ForeignKey("earning.Cohort", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_launch_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["platform__name", "context_title", "pk"]
        constraints = [models.UniqueConstraint(fields=["platform", "context_id", "resource_link_id"],
                                               name="unique_lti_course_link")]

    def __str__(self) -> str:
        return f"{self.context_title or self.context_id} at {self.platform}"


class LtiRosterSync(models.Model):
    """One reading of a course's membership (NRPS) that enrolled its learners in the link's cohort: counts and
    the problems met, for the page and the audit trail."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    link = models.ForeignKey(LtiCourseLink, on_delete=models.CASCADE, related_name="syncs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    pages = models.PositiveSmallIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    already = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="Up to 50 short notes on members not enrolled.")
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.link} sync @ {self.created_at:%Y-%m-%d %H:%M} ({self.state})"


class CaseImportRun(models.Model):
    """A CASE framework import started from the web page: the uploaded package (kept until imported) or its
    address, and the outcome (the framework, its counts) or a clear error."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    source_url = models.URLField(max_length=500, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    package = models.BinaryField(blank=True, default=b"", editable=False)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    framework_identifier = models.CharField(max_length=255, blank=True)
    framework_title = models.CharField(max_length=500, blank=True)
    items = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"CASE import {self.pk} ({self.state})"
