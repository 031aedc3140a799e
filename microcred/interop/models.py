"""What the Open Badges 3.0 API keeps beyond django-oauth-toolkit's own tables (applications, grants, tokens)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
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
