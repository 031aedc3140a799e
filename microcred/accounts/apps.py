from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "microcred.accounts"
    label = "accounts"
    verbose_name = "People, organizations and roles"

    def ready(self):
        from . import sessions, throttle  # noqa: F401  (idle sessions; failed log-ins per address: password spraying)

        from django.db.models.signals import post_delete, post_save

        from . import policy
        from .data_registry import register
        from .models import Membership

        # Memberships remembered for the request are forgotten when one changes (policy's request scope).
        post_save.connect(policy.forget_memberships, sender=Membership, dispatch_uid="policy_forget_memberships_save")
        post_delete.connect(policy.forget_memberships, sender=Membership, dispatch_uid="policy_forget_memberships_delete")

        # What is kept per person (selectors.PEOPLE, decision 0050) is retired by any write about people or places.
        from .models import EducatorProfile, Organization, User
        from .services import _person_changed, people_changed

        for model in (Membership, EducatorProfile, Organization):
            post_save.connect(people_changed, sender=model, weak=False, dispatch_uid=f"people_changed_save.{model.__name__}")
            post_delete.connect(people_changed, sender=model, weak=False, dispatch_uid=f"people_changed_delete.{model.__name__}")
        post_save.connect(_person_changed, sender=User, weak=False, dispatch_uid="people_changed_save.User")
        post_delete.connect(people_changed, sender=User, weak=False, dispatch_uid="people_changed_delete.User")

        from . import personal_data

        register(self.label, export=personal_data.export, erase=personal_data.erase)  # download my data; deletion
