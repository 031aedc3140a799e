from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "microcred.demo"
    label = "demo"
    verbose_name = "Demo world"
