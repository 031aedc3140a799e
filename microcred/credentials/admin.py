from django.contrib import admin

from .models import ExternalCredential, IssuedCredential, IssuerKey, StatusList


@admin.register(IssuerKey)
class IssuerKeyAdmin(admin.ModelAdmin):
    list_display = ("id", "organization", "algorithm", "status", "created_at", "revoked_at")
    list_filter = ("algorithm", "status")
    exclude = ("encrypted_private_key",)  # never shown, even encrypted
    readonly_fields = ("organization", "algorithm", "public_key", "status", "retired_at", "revoked_at", "revocation_reason")


@admin.register(StatusList)
class StatusListAdmin(admin.ModelAdmin):
    list_display = ("organization", "purpose", "list_id", "next_index", "size", "updated_at")
    exclude = ("bits",)


@admin.register(IssuedCredential)
class IssuedCredentialAdmin(admin.ModelAdmin):
    list_display = ("id", "version", "earner", "issuer", "issued_at", "revoked_at", "visibility")
    list_filter = ("visibility", "issuer")
    readonly_fields = ("attempt", "issuer", "version", "earner", "credential", "jwt", "status_list", "status_index",
                       "issued_at", "revoked_at", "revoked_by", "revocation_reason")


@admin.register(ExternalCredential)
class ExternalCredentialAdmin(admin.ModelAdmin):
    list_display = ("achievement_name", "issuer_name", "earner", "standard", "format", "status", "verified_at")
    list_filter = ("standard", "status", "format")
    readonly_fields = ("earner", "raw", "standard", "format", "credential", "credential_id", "issuer_id", "issuer_name",
                       "achievement_name", "valid_from", "valid_until", "status", "verification", "verified_at")
