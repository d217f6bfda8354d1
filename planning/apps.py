from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = "Planning applications"

    def ready(self) -> None:
        from planning.api.extensions import register_detail_section
        from planning.api.site_history import planning_history_section

        register_detail_section("planning_history", planning_history_section)
