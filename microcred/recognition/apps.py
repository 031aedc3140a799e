from django.apps import AppConfig


class RecognitionConfig(AppConfig):
    name = "microcred.recognition"
    label = "recognition"
    verbose_name = "Recognition: policies, evaluation, awards"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import handlers  # noqa: F401  (re-evaluates an educator when their credentials change)

        from microcred.accounts.data_registry import register

        from . import personal_data

        register(self.label, export=personal_data.export, erase=personal_data.erase)  # download my data; deletion

        from microcred.quality.selectors import register_recognition_source

        from .selectors import policies_counting

        register_recognition_source(policies_counting)  # the quality record's "counted by"
