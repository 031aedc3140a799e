from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "microcred.analytics"
    label = "analytics"
    verbose_name = "Analytics: dashboards, equity with small-cell suppression, expertise finder, research export"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from microcred.accounts.data_registry import register

        from . import checks, handlers  # noqa: F401  (threshold check; snapshots refreshed on the lower apps' events)
        from . import personal_data

        register(self.label, export=personal_data.export, erase=personal_data.erase)  # download my data; deletion
