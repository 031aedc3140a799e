"""Platform staff see the catalog here; authors use the authoring pages, which enforce the lifecycle."""
from django.contrib import admin

from .models import EducatorRole, GradeBand, MicroCredential, MicroCredentialVersion, Stack, StackItem, Subject


class VersionInline(admin.TabularInline):
    model = MicroCredentialVersion
    fields = ["number", "title", "state", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MicroCredential)
class MicroCredentialAdmin(admin.ModelAdmin):
    list_display = ["slug", "owner", "visibility", "current_version"]
    list_filter = ["visibility", "owner"]
    search_fields = ["slug", "versions__title"]
    readonly_fields = ["current_version", "created_at", "created_by"]
    filter_horizontal = ["visible_to"]
    inlines = [VersionInline]


@admin.register(MicroCredentialVersion)
class MicroCredentialVersionAdmin(admin.ModelAdmin):
    """Read-only: content changes go through authoring so that published versions stay frozen."""

    list_display = ["title", "number", "state", "published_at"]
    list_filter = ["state", "cost"]
    search_fields = ["title", "micro_credential__slug"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class StackItemInline(admin.TabularInline):
    model = StackItem
    fk_name = "stack"
    extra = 0
    autocomplete_fields = ["micro_credential", "child_stack"]


@admin.register(Stack)
class StackAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "rule", "state", "owner"]
    list_filter = ["kind", "rule", "state"]
    search_fields = ["title", "slug"]
    inlines = [StackItemInline]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(GradeBand)
admin.site.register(EducatorRole)
