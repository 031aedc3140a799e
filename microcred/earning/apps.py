from django.apps import AppConfig


class EarningConfig(AppConfig):
    name = "microcred.earning"
    label = "earning"
    verbose_name = "Earning: growth plans, attempts, evidence, feedback"

    def ready(self):
        from microcred.catalog.progress import register_earned_provider

        from . import selectors

        # Stack pages show progress from the MCs this person has earned here.
        register_earned_provider(selectors.earned_micro_credential_ids)
