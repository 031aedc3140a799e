from django.contrib import admin

from .models import IssuedCredential, IssuerKey, StatusList


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
