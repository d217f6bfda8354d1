from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Triage"

    def ready(self) -> None:
        from planning.api.extensions import register_detail_section, register_list_filter
        from triage import receivers
        from triage.api.sections import filter_by_lane, triage_section

        receivers.connect()
        register_detail_section("triage", triage_section)
        register_list_filter("lane", filter_by_lane)
