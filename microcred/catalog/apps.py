from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "microcred.catalog"
    label = "catalog"
    verbose_name = "Catalog: micro-credentials, rubrics, stacks"

    def ready(self):
        from . import translation

        translation.connect()  # a version localized for display can never be saved over the English
