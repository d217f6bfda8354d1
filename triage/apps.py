from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "triage"
    verbose_name = "Triage"

    def ready(self) -> None:
        from planning.api.extensions import register_detail_section, register_list_filter
        from planning.downloads import register_download
        from planning.exports import register_application_column
        from triage import receivers, tasks  # tasks: registered in every process, not only workers
        from triage.api.sections import filter_by_lane, triage_section
        from triage.consultee_list import consultees_section
        from triage.exports import (
            LANE_COLUMN,
            figure_applications_download,
            findings_download,
            reviews_download,
        )
        from triage.models import Lane

        assert tasks.run_triage.name == "triage.tasks.run_triage"  # services find it by name
        receivers.connect()
        register_detail_section("triage", triage_section)
        register_detail_section("consultees", consultees_section)
        register_list_filter("lane", filter_by_lane, choices=tuple(Lane.values))
        register_application_column(LANE_COLUMN)
        register_download("reviews", reviews_download, parameter="period")
        register_download("findings", findings_download, parameter="period")
        register_download("applications", figure_applications_download, parameter="where")
