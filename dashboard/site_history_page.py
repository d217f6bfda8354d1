"""The application page's planning history: the council's earlier applications on the site and
nearby (planning.site_history), split for reading, with refusals and enforcement marked."""

from dataclasses import dataclass, field

from planning.models import PlanningApplication
from planning.site_history.lookup import PastOnSite, site_history


@dataclass
class HistoryTable:
    key: str
    heading: str
    rows: list[PastOnSite]
    empty: str


@dataclass
class SiteHistory:
    distance_m: int
    on_site: list[PastOnSite] = field(default_factory=list)
    nearby: list[PastOnSite] = field(default_factory=list)
    # The application has no site boundary: there is nothing to look up.
    no_site: bool = False

    @property
    def standing_out(self) -> int:
        """Refusals and enforcement on the site itself."""
        return sum(1 for item in self.on_site if item.stands_out)

    @property
    def count(self) -> int:
        return len(self.on_site) + len(self.nearby)

    @property
    def tables(self) -> list[HistoryTable]:
        return [
            HistoryTable(
                "on-site",
                "On this site",
                self.on_site,
                "No earlier application is recorded on this site.",
            ),
            HistoryTable(
                "nearby",
                f"Nearby (within {self.distance_m} m)",
                self.nearby,
                f"No earlier application is recorded within {self.distance_m} m.",
            ),
        ]


def history_for_page(application: PlanningApplication) -> SiteHistory:
    distance = application.council.history_distance_m
    if application.site is None:
        return SiteHistory(distance, no_site=True)
    found = site_history(
        application.council_id,
        application.site,
        within_m=distance,
        exclude_application=application.pk,
    )
    return SiteHistory(
        distance,
        on_site=[item for item in found if item.on_site],
        nearby=[item for item in found if not item.on_site],
    )
