"""Shapes of the credentials JSON API (v1) for issuers' integrations."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...models import IssuedCredential

REASON_MAX = 500


class CredentialStatusSerializer(serializers.Serializer):
    """A credential's status as its issuer manages it (reads an IssuedCredential)."""

    id = serializers.UUIDField(source="pk")
    url = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=IssuedCredential.State.choices)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField()
    suspended_at = serializers.DateTimeField(allow_null=True)
    suspension_reason = serializers.CharField()
    can_be_suspended = serializers.BooleanField(help_text="Issued with a suspension status entry")
    status_lists = serializers.SerializerMethodField(help_text="URLs of its status lists")

    def get_url(self, credential) -> str:
        return credential.credential.get("id", "")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_status_lists(self, credential) -> list:
        entries = credential.credential.get("credentialStatus") or []
        entries = entries if isinstance(entries, list) else [entries]
        return [e.get("statusListCredential") for e in entries if isinstance(e, dict)]


class CredentialStatusChangeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX)
