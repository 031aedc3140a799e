from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "microcred.assessment"
    label = "assessment"
    verbose_name = "Assessment: assessors, calibration, blind scoring, reliability"

    def ready(self):
        from . import handlers  # noqa: F401  (subscribes to earning's events)
