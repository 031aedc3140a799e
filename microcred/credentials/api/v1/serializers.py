"""Shapes of the credentials JSON API (v1) for issuers' integrations."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...models import ExternalCredential, IssuedCredential

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


class ImportedCredentialSerializer(serializers.Serializer):
    """A credential issued elsewhere and imported by the earner (reads an ExternalCredential)."""

    id = serializers.UUIDField(source="pk")
    standard = serializers.ChoiceField(choices=ExternalCredential.Standard.choices)
    format = serializers.CharField(help_text="json, jwt, jws (OB 2.0 signed), png or svg (baked), url")
    format_label = serializers.CharField(help_text='As shown to people, e.g. "Open Badges 2.0, imported (baked PNG)"')
    status = serializers.CharField(help_text="external, verified (OB 3.0) | OB 2.0, issuer's signature verified | "
                                             "OB 2.0, confirmed with its issuer | OB 2.0, not verifiable offline")
    issuer_confirmed = serializers.BooleanField(help_text="The issuer's signature or its own copy confirmed it")
    issuer_id = serializers.CharField()
    issuer_name = serializers.CharField()
    achievement_name = serializers.CharField()
    valid_from = serializers.DateTimeField(allow_null=True)
    valid_until = serializers.DateTimeField(allow_null=True)
    verification = serializers.DictField(help_text="Every check with passed / failed / not_checked and why")


class CredentialImportInSerializer(serializers.Serializer):
    document = serializers.JSONField(help_text="JSON text, a VC-JWT/JWS, or the credential object")


class KnownIssuerSerializer(serializers.Serializer):
    """An external issuer registered as known to this platform (reads a KnownIssuer)."""

    id = serializers.IntegerField(source="pk")
    identifier = serializers.CharField()
    name = serializers.CharField()
    key_documents = serializers.ListField(child=serializers.DictField())
    registered_by = serializers.SerializerMethodField()
    registered_at = serializers.DateTimeField()
    note = serializers.CharField()

    def get_registered_by(self, known) -> str | None:
        return known.registered_by.get_username() if known.registered_by else None


class KnownIssuerRegistrationSerializer(serializers.Serializer):
    identifier = serializers.CharField(max_length=1000, help_text="The issuer id as its credentials name it")
    name = serializers.CharField(max_length=300)
    key_documents = serializers.ListField(child=serializers.DictField(), required=False,
                                          help_text="Its controller/DID/key documents, obtained from the issuer")
    note = serializers.CharField(max_length=500, required=False)


class IssuedCredentialRowSerializer(serializers.Serializer):
    """One row of the issuer's list of issued credentials (reads an IssuedCredential)."""

    id = serializers.UUIDField(source="pk")
    url = serializers.SerializerMethodField(help_text="The credential's page and document")
    earner_name = serializers.SerializerMethodField()
    earner_email = serializers.EmailField(source="earner.email")
    micro_credential = serializers.SlugField(source="version.micro_credential.slug")
    title = serializers.CharField(source="version.title")
    version = serializers.IntegerField(source="version.number")
    issuer = serializers.SlugField(source="issuer.slug")
    issued_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=IssuedCredential.State.choices)
    revoked_at = serializers.DateTimeField(allow_null=True)
    suspended_at = serializers.DateTimeField(allow_null=True)
    can_be_suspended = serializers.BooleanField()

    def get_url(self, credential) -> str:
        from django.urls import reverse

        return reverse("credentials:credential", args=[credential.pk])

    def get_earner_name(self, credential) -> str:
        return credential.earner.get_full_name() or credential.earner.get_username()


class IssuedCredentialPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    offset = serializers.IntegerField()
    limit = serializers.IntegerField()
    next_offset = serializers.IntegerField(allow_null=True)
    results = IssuedCredentialRowSerializer(many=True)
