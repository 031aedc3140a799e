from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "microcred.interop"
    label = "interop"
    verbose_name = "Interoperability: Open Badges 3.0 API for wallets and hosts"
    default_auto_field = "django.db.models.BigAutoField"
