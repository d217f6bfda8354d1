from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The web pages officers and managers work in. It sits on top of planning, geo and
    triage and reads them through their services; nothing imports it."""

    name = "dashboard"
    verbose_name = "Officers' and managers' pages"
