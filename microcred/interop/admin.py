"""Integration keys in the admin site: read-only rows; rotating and retiring go through interop's key services
(platform admins only, audited). New keys come from a rotation, never from a form."""
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from . import keys
from .models import IntegrationKey, LtiPlatform


@admin.register(IntegrationKey)
class IntegrationKeyAdmin(admin.ModelAdmin):
    list_display = ("kid", "purpose", "algorithm", "status", "created_at", "replaced_at", "retired_at", "revoked_at")
    list_filter = ("purpose", "algorithm", "status")
    exclude = ("encrypted_private_key",)  # never shown, even encrypted
    readonly_fields = ("kid", "purpose", "algorithm", "public_jwk", "status", "created_at", "replaced_at",
                       "retired_at", "revoked_at", "revocation_reason")
    actions = ["rotate", "retire"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a key that signed something stays on record

    def _each(self, request, queryset, act, done):
        for key in queryset:
            try:
                act(key)
            except (PermissionDenied, ValidationError) as error:
                self.message_user(request, f"{key.kid}: {'; '.join(getattr(error, 'messages', [str(error)]))}",
                                  messages.ERROR)
                return
        self.message_user(request, done, messages.SUCCESS)

    @admin.action(description=_("Rotate: a new active key for the selected keys' purposes"))
    def rotate(self, request, queryset):
        purposes = sorted({key.purpose for key in queryset})
        try:
            for purpose in purposes:
                keys.rotate_key(purpose=purpose, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, _("Rotated: %s. Replaced keys stay published until retired.") % ", ".join(purposes))

    @admin.action(description=_("Retire: stop publishing the selected keys"))
    def retire(self, request, queryset):
        self._each(request, queryset, lambda key: keys.retire_key(key=key, by=request.user), _("Retired."))


@admin.register(LtiPlatform)
class LtiPlatformAdmin(admin.ModelAdmin):
    """LMS platforms; saving goes through lti.services.save_platform (policy, https check, audit)."""

    list_display = ("name", "issuer", "client_id", "organization", "enabled", "created_at")
    list_filter = ("enabled",)
    search_fields = ("name", "issuer", "client_id")
    readonly_fields = ("created_by", "created_at", "updated_at")

    def has_delete_permission(self, request, obj=None):
        return False  # turn it off instead: identities and grade links point to it

    def save_model(self, request, obj, form, change):
        from .lti.services import save_platform

        save_platform(by=request.user, platform=obj)
