from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo caseload: councils, people and applications with their documents, made through
    the planning services (`load_demo`, `seed_demo`). Nothing in the service imports it."""

    name = "demo"
    verbose_name = "Demo data"
