from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "microcred.catalog"
    label = "catalog"
    verbose_name = "Catalog: micro-credentials, rubrics, stacks"

    def ready(self):
        from . import translation

        translation.connect()  # a version localized for display can never be saved over the English

        self._retire_cached_facets_on_change()

    @staticmethod
    def _retire_cached_facets_on_change():
        """Facet counts and results are cached (selectors.CATALOG): publishing, retiring or editing a version, a
        stack, a vocabulary or an issuer retires them, now and once committed. A membership does not: what is kept is
        kept per audience (selectors.catalog_audience, read for each request), so someone who joins or leaves an
        organization gets another audience's results at once (decision 0045)."""
        from django.apps import apps
        from django.db import transaction
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from microcred.accounts.models import Organization

        from .models import EducatorRole, GradeBand, MicroCredential, MicroCredentialVersion, OrganizationRole, Stack, StackItem, Subject
        from .selectors import CATALOG, VERSION_CONTENT

        def retire(**kwargs):
            CATALOG.bump()
            transaction.on_commit(CATALOG.bump)

        def retire_content(**kwargs):
            VERSION_CONTENT.bump()
            transaction.on_commit(VERSION_CONTENT.bump)

        def retire_both(**kwargs):  # an m2m change (a version's roles, subjects…) sends no post_save of a catalog row
            retire()
            retire_content()

        for model in (MicroCredential, MicroCredentialVersion, OrganizationRole, Stack, StackItem, Subject, GradeBand,
                      EducatorRole):
            for signal in (post_save, post_delete):
                signal.connect(retire, sender=model, weak=False, dispatch_uid=f"catalog.retire_facets.{signal is post_save}.{model.__name__}")
        m2m_changed.connect(retire_both, weak=False, dispatch_uid="catalog.retire_facets.m2m")
        # The versions kept for display (selectors.version_for_display): every row of the catalog (parts, prompts,
        # rubrics, alignments, translations, frameworks…) and the organizations named on a version; the facet models
        # above are among them, so each of their writes retires both once.
        for model in [*apps.get_app_config("catalog").get_models(), Organization]:
            for signal in (post_save, post_delete):
                signal.connect(retire_content, sender=model, weak=False,
                               dispatch_uid=f"catalog.retire_content.{signal is post_save}.{model._meta.label}")
