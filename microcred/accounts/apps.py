from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "microcred.accounts"
    label = "accounts"
    verbose_name = "People, organizations and roles"

    def ready(self):
        from . import sessions, throttle  # noqa: F401  (idle sessions; failed log-ins per address: password spraying)

        from .data_registry import register

        from . import personal_data

        register(self.label, export=personal_data.export, erase=personal_data.erase)  # download my data; deletion
