from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "microcred.credentials"
    label = "credentials"
    verbose_name = "Credentials: Open Badges 3.0 issuing, keys, status lists, verification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, handlers  # noqa: F401  (site URL check; subscribes to earning's attempt_earned and core's secret re-encryption)

        from microcred.accounts.data_registry import register

        from . import personal_data

        register(self.label, export=personal_data.export, erase=personal_data.erase)  # download my data; deletion
