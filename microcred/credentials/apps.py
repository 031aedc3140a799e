from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "microcred.credentials"
    label = "credentials"
    verbose_name = "Credentials: Open Badges 3.0 issuing, keys, status lists, verification"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, handlers  # noqa: F401  (site URL check; subscribes to earning's attempt_earned and core's secret re-encryption)

        from microcred.accounts.data_registry import register

        from . import personal_data

        register(self.label, export=personal_data.export, erase=personal_data.erase)  # download my data; deletion

        from microcred.core.serving import register_warm_up

        from .standards.verify import warm_up

        register_warm_up(warm_up)  # schemas and JSON-LD contexts loaded before a web process serves (decision 0062)

        self._retire_cached_verification_on_change()

    @staticmethod
    def _retire_cached_verification_on_change():
        """What verification reads is cached (verify.VERIFICATION): a change to any of it retires the cache once
        committed: a revoked, suspended or reinstated credential (its status list's bits and the row), a revoked or
        new key, a renamed organization, a (un)registered known issuer."""
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        from microcred.accounts.models import Organization

        from .models import IssuedCredential, IssuerKey, KnownIssuer, StatusList
        from .verify import VERIFICATION

        def retire(**kwargs):
            VERIFICATION.bump()  # now: this transaction's own reads see the change
            transaction.on_commit(VERIFICATION.bump)  # and after commit: nobody keeps a value read before it

        for model in (IssuedCredential, IssuerKey, KnownIssuer, StatusList, Organization):
            for signal in (post_save, post_delete):
                signal.connect(retire, sender=model, weak=False, dispatch_uid=f"credentials.retire_verification.{signal is post_save}.{model.__name__}")
