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

        from microcred.accounts.data_registry import register

        from . import handlers, personal_data  # noqa: F401  (handlers: account notices from accounts' events)

        register(self.label, export=personal_data.export, erase=personal_data.erase)  # download my data; deletion

        # The earner's home guidance is kept (selectors.home_guidance, decision 0050): a plan or a priority retires it.
        from microcred.core.cache import retire_on_change

        from .models import GrowthPlan, PlanItem, PriorityMicroCredential

        retire_on_change(selectors.GUIDANCE, GrowthPlan, PlanItem, PriorityMicroCredential, name="earning")
