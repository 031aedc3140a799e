from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "microcred.core"
    label = "core"
    verbose_name = "Core (audit trail, shared helpers)"

    def ready(self):
        from django_tasks.signals import task_finished, task_started

        from . import audit_context, help, menu

        # Audit events recorded while a background task runs say which task made them.
        task_started.connect(audit_context.task_started, dispatch_uid="microcred.audit.task_started")
        task_finished.connect(audit_context.task_finished, dispatch_uid="microcred.audit.task_finished")

        # Every app's menu.py registers its navigation entries (found through the app registry, not imported).
        menu.autodiscover()
        help.autodiscover()  # and every app's help.py its sections of the help page

        # The machine's cache files outlive restarts (decision 0059): a release's `microcred migrate` (and a restore,
        # which migrates) empties them, so no page or pickled row made by the previous code or data is served after.
        from django.db.models.signals import post_migrate

        post_migrate.connect(_empty_cache, sender=self, dispatch_uid="microcred.core.empty_cache_after_migrate")


def _empty_cache(**kwargs):
    from .cache import clear_machine_cache

    clear_machine_cache()
