from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "microcred.accounts"
    label = "accounts"
    verbose_name = "People, organizations and roles"

    def ready(self):
        from . import throttle  # noqa: F401  (counts failed log-ins per address: password spraying)
