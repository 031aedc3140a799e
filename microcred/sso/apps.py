from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "microcred.sso"
    label = "sso"
    verbose_name = "Single sign-on: organizations' OpenID Connect and SAML 2.0 identity providers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import handlers  # noqa: F401  (subscribes to core's secret re-encryption)
