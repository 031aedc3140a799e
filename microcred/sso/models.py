"""What single sign-on keeps: an organization's identity providers, who signed in through them, used SAML assertions."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from microcred.accounts.models import Organization, Role, User


class IdentityProvider(models.Model):
    """One organization's sign-in service (Google Workspace, Entra ID, Clever, ClassLink: OpenID Connect; a state's
    SAML 2.0 identity provider), configured by the organization's admin. Its teachers sign in with it."""

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    # Single sign-on makes educators only: a staff role is never given by an identity provider (docs/sso.md).
    JIT_ROLES = (Role.EARNER,)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="identity_providers")
    slug = models.SlugField(max_length=80, unique=True, help_text=_("the provider's part of its addresses (/sso/<slug>/…)"))
    name = models.CharField(_("display name"), max_length=120, help_text=_('shown on the button: "Sign in with …"'))
    protocol = models.CharField(max_length=4, choices=Protocol.choices)
    enabled = models.BooleanField(default=False)
    # OpenID Connect
    issuer = models.URLField(blank=True, max_length=500, help_text=_("the issuer; its discovery document is <issuer>/.well-known/openid-configuration"))
    client_id = models.CharField(max_length=255, blank=True)
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    scopes = models.CharField(max_length=255, default="openid email profile")
    # SAML 2.0
    idp_entity_id = models.CharField(_("IdP entity id"), max_length=500, blank=True)
    idp_metadata_url = models.URLField(_("IdP metadata URL"), blank=True, max_length=500)
    idp_metadata_xml = models.TextField(_("IdP metadata XML"), blank=True)
    # Both
    email_domains = models.CharField(max_length=500, blank=True,
                                     help_text=_("e-mail domains it serves, comma separated (cvsd.example, staff.cvsd.example)"))
    sourced_id_attribute = models.CharField(max_length=120, blank=True,
                                            help_text=_("the claim or attribute that holds the roster sourcedId (empty: none)"))
    email_attribute = models.CharField(max_length=120, default="email",
                                       help_text=_("the claim or attribute that holds the e-mail address"))
    default_role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in JIT_ROLES], default=Role.EARNER)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organization__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_protocol_display()}) for {self.organization}"

    @property
    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split(",") if d.strip()]


class SsoIdentity(models.Model):
    """A person as an identity provider knows them (its ``sub`` or SAML NameID), linked to their microcred account."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="identities")
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sso_identities")
    created_at = models.DateTimeField(auto_now_add=True)
    last_login_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "subject"], name="unique_sso_subject")]

    def __str__(self) -> str:
        return f"{self.subject} at {self.provider.name}"


class UsedSamlAssertion(models.Model):
    """A SAML assertion already used to sign in: the same one is never accepted twice (until it would be expired)."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="+")
    assertion_id = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "assertion_id"], name="unique_saml_assertion")]

    def __str__(self) -> str:
        return self.assertion_id
