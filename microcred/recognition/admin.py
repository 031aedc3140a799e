from django.contrib import admin

from .models import Award, EducatorFact, Policy


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("slug", "version", "title", "recognizer", "state", "effective_from", "effective_until", "published_at")
    list_filter = ("state",)
    search_fields = ("slug", "title")
    # Documents change only through services (validated, never half-applied).
    readonly_fields = ("recognizer", "slug", "version", "state", "document", "published_at", "published_by", "created_by")


@admin.register(EducatorFact)
class EducatorFactAdmin(admin.ModelAdmin):
    list_display = ("recognizer", "educator", "key", "value", "updated_at")
    search_fields = ("educator__username", "key")


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("name", "educator", "policy", "outcome_key", "state", "awarded_at", "withdrawn_at")
    list_filter = ("state", "kind")
    readonly_fields = ("policy", "educator", "outcome_key", "kind", "name", "amount", "unit", "state", "provenance",
                       "awarded_at", "expires_at", "withdrawn_at", "withdrawn_reason")
