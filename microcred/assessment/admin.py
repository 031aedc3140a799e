"""Platform staff: pools, policies, the calibration set; reviews and assignments read-only (scores are never edited)."""
from django.contrib import admin

from .models import AnchorItem, AnchorScore, Assignment, DriftFlag, IssuerPolicy, Qualification, Review, ScoringPolicy


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ["assessor", "micro_credential", "organization", "status", "senior", "last_agreement", "expires_at"]
    list_filter = ["status", "senior"]
    search_fields = ["assessor__username", "micro_credential__slug"]
    raw_id_fields = ["assessor", "micro_credential", "organization"]


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(admin.ModelAdmin):
    list_display = ["micro_credential", "certification_bar", "calibration_period", "random_double_rate", "conditional_double", "check_rate"]
    search_fields = ["micro_credential__slug"]


@admin.register(IssuerPolicy)
class IssuerPolicyAdmin(admin.ModelAdmin):
    list_display = ["organization", "turnaround_business_days", "precheck_enabled"]


class AnchorScoreInline(admin.TabularInline):
    model = AnchorScore
    extra = 0
    raw_id_fields = ["criterion", "level"]


@admin.register(AnchorItem)
class AnchorItemAdmin(admin.ModelAdmin):
    list_display = ["title", "micro_credential", "version", "in_calibration_set", "usable_as_check", "created_at"]
    list_filter = ["in_calibration_set", "usable_as_check"]
    search_fields = ["title", "micro_credential__slug"]
    raw_id_fields = ["micro_credential", "version", "created_by"]
    inlines = [AnchorScoreInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["id", "micro_credential", "stage", "double_reason", "due_at", "decided_at", "final_result"]
    list_filter = ["stage", "double_reason", "final_result"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "review", "anchor_item", "assessor", "role", "state", "assigned_at", "scored_at"]
    list_filter = ["role", "state"]
    search_fields = ["assessor__username"]


@admin.register(DriftFlag)
class DriftFlagAdmin(admin.ModelAdmin):
    list_display = ["qualification", "agreement", "comparisons", "flagged_at", "resolved_at"]
    list_filter = ["resolved_at"]
    readonly_fields = ["qualification", "agreement", "comparisons", "flagged_at"]
