"""Platform staff: coach assignments, cohorts, vouchers, and read-only views of attempts."""
from django.contrib import admin

from .models import Attempt, CoachAssignment, Cohort, GrowthPlan, Notification, PriorityMicroCredential, Submission, Voucher


@admin.register(CoachAssignment)
class CoachAssignmentAdmin(admin.ModelAdmin):
    list_display = ["earner", "coach", "active", "created_at"]
    list_filter = ["active"]
    autocomplete_fields = ["earner", "coach"]
    search_fields = ["earner__username", "coach__username"]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "opens_at", "deadline"]
    filter_horizontal = ["micro_credentials", "members"]
    search_fields = ["name"]


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    list_display = ["code", "sponsor", "automatic_for_members", "used_count", "max_uses", "expires_at"]
    filter_horizontal = ["micro_credentials"]
    search_fields = ["code", "sponsor__name"]


@admin.register(PriorityMicroCredential)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["micro_credential", "organization", "reason"]


@admin.register(GrowthPlan)
class GrowthPlanAdmin(admin.ModelAdmin):
    list_display = ["earner", "supervisor", "updated_at"]
    search_fields = ["earner__username"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Attempts and submissions change only through their services (transitions, audit)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = ["earner", "version", "state", "submitted_at", "decided_at"]
    list_filter = ["state"]
    search_fields = ["earner__username", "version__title"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["attempt", "number", "state", "submitted_at"]
    list_filter = ["state"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "message", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]
