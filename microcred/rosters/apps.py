from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "microcred.rosters"
    label = "rosters"
    verbose_name = "Rosters: OneRoster and CSV imports of people, organizations and educator facts"
    default_auto_field = "django.db.models.BigAutoField"
