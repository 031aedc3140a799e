from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "microcred.assessment"
    label = "assessment"
    verbose_name = "Assessment: assessors, calibration, blind scoring, reliability"

    def ready(self):
        from microcred.earning.selectors import register_turnaround_source

        from . import handlers  # noqa: F401  (subscribes to earning's events)
        from . import tallies  # noqa: F401  (keeps the reviews per MC the issuer dashboard orders by)
        from .selectors import promised_turnaround

        register_turnaround_source(promised_turnaround)  # the issuer's promise on earning's attempt pages

        from microcred.core.cache import retire_on_change

        from .models import AnchorItem, IssuerPolicy, Qualification
        from .selectors import ISSUER_POLICIES, POOLS

        retire_on_change(POOLS, Qualification, AnchorItem, name="assessment")  # coverage, the menu (decision 0050)
        retire_on_change(ISSUER_POLICIES, IssuerPolicy, name="assessment-issuer-policies")  # turnaround promises

        from microcred.accounts.data_registry import register

        from . import personal_data

        register(self.label, export=personal_data.export, erase=personal_data.erase)  # download my data; deletion
