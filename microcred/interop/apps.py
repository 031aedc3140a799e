from django.apps import AppConfig


class InteropConfig(AppConfig):
    name = "microcred.interop"
    label = "interop"
    verbose_name = "Interoperability: Open Badges 3.0 API, integration keys, webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import handlers  # noqa: F401  (secret re-encryption; platform events become webhook deliveries)
