from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "microcred.quality"
    label = "quality"
    verbose_name = "Quality: the quality framework, checks before review, independent review, public quality record"
    default_auto_field = "django.db.models.BigAutoField"
