from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "microcred.people"
    label = "people"
    verbose_name = "People: search, roles, coaches, cohorts and accounts of an organization's people"
    default_auto_field = "django.db.models.BigAutoField"
