from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from microcred.core import audit

from . import two_factor

from .models import EducatorProfile, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    actions = ["unlock_login", "reset_two_factor"]

    @admin.action(description="Unlock log-in (clear failed attempts)")
    def unlock_login(self, request, queryset):
        from axes.utils import reset

        for user in queryset:
            reset(username=user.get_username())
            audit.record(actor=request.user, action="login.unlocked", target=user)
        self.message_user(request, f"Log-in unlocked for {queryset.count()} people.", messages.SUCCESS)

    @admin.action(description="Reset two-factor authentication (lost phone and recovery codes)")
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            two_factor.reset_for(user=user, by=request.user)
        self.message_user(request, f"Two-factor authentication turned off for {queryset.count()} people; they can set it up again.",
                          messages.SUCCESS)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "state", "locale", "parent"]
    list_filter = ["kind", "state", "locale"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization__kind"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(EducatorProfile)
class EducatorProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "position", "career_stage", "state", "district", "school"]
    list_filter = ["position", "career_stage", "state"]
    search_fields = ["user__username", "user__last_name"]
