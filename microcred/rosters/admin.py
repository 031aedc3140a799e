"""Roster imports in Django's admin: read-only, for platform staff looking into a district's problem. Imports are
made from the roster pages or the command (which validate, audit and deactivate leavers); an edit here would do none
of that."""
from django.contrib import admin

from .models import ImportProblem, ImportRun, RosterSync


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ImportProblemInline(admin.TabularInline):
    model = ImportProblem
    fields = ["file", "row", "column", "message"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["pk", "organization", "kind", "source", "state", "dry_run", "created", "updated", "deactivated",
                    "errors", "created_at"]
    list_filter = ["kind", "state", "source", "dry_run"]
    list_select_related = ["organization"]
    search_fields = ["organization__name", "file_name"]
    inlines = [ImportProblemInline]


@admin.register(RosterSync)
class RosterSyncAdmin(ReadOnlyAdmin):
    list_display = ["organization", "folder", "url", "every_hours", "enabled", "next_run_at"]
    list_select_related = ["organization"]
