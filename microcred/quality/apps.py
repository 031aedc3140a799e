from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "microcred.quality"
    label = "quality"
    verbose_name = "Quality: the quality framework, checks before review, independent review, public quality record"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import handlers  # noqa: F401  (earner experience surveys on earning's attempt_decided)
        from django.urls import reverse

        from microcred.catalog.quality import register

        from .selectors import statuses_for

        register(statuses_for, record_url=lambda slug: reverse("quality:record", args=[slug]))  # the catalog's quality filter, sort and card tags (catalog/quality.py)

        from microcred.catalog import pilots

        from . import services
        from .selectors import pilot_statuses

        pilots.register(status=pilot_statuses, admit=services.admit_to_pilot)  # pilot cap and 100 % double scoring (catalog/pilots.py)

        from microcred.assessment import attention

        from .selectors import remembered_attention_for

        attention.register(remembered_attention_for, page_url=lambda slug: reverse("quality:micro_credential", args=[slug]))  # the issuer dashboard's "needs attention" (assessment/attention.py)

        self._retire_attention_on_change()

        from microcred.core.cache import retire_on_change

        from .models import QualityReviewer
        from .selectors import REVIEWERS

        retire_on_change(REVIEWERS, QualityReviewer, name="quality")

        from microcred.accounts.data_registry import register as register_personal_data

        from . import personal_data

        register_personal_data(self.label, export=personal_data.export, erase=personal_data.erase)

    @staticmethod
    def _retire_attention_on_change():
        """A quality review's outcome or an issuer's turnaround target changes the attention list at once."""
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from microcred.assessment.models import IssuerPolicy

        from .models import QualityReview
        from .selectors import ATTENTION

        def retire(**kwargs):
            ATTENTION.bump()
            transaction.on_commit(ATTENTION.bump)

        for model in (QualityReview, IssuerPolicy):
            for signal in (post_save, post_delete):
                signal.connect(retire, sender=model, weak=False,
                               dispatch_uid=f"quality.retire_attention.{signal is post_save}.{model.__name__}")
