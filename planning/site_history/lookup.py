"""The planning history of a site: the council's earlier applications on it and near it.

On the site means their outline shares a real part of this one (not the sliver two surveys
of one fence make): at least ON_SITE_SHARE_PCT of this site, or at least ON_SITE_OF_THEIRS_PCT
of theirs (a small earlier scheme inside a large site), or a recorded point inside it. The rest
within the council's distance (Council.history_distance_m) are nearby, with their distance.
Newest first. One query, on the GiST index of the outlines.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

from planning.models import Council, PastApplication, PastDecision, PastKind

ON_SITE_SHARE_PCT = 5.0
ON_SITE_OF_THEIRS_PCT = 50.0
ON_SITE, NEARBY = "on-site", "nearby"

# `p.geometry && ST_Expand(site, d)` finds candidates on the index; ST_DWithin then keeps those
# truly within d. The overlap is measured only for those that intersect.
HISTORY_SQL = """
WITH site AS (SELECT ST_GeomFromEWKB(%(site)s) AS g)
SELECT p.id,
       CASE WHEN ST_Dimension(p.geometry) = 2 AND ST_Intersects(p.geometry, s.g)
            THEN ST_Area(ST_Intersection(p.geometry, s.g)) ELSE 0 END AS overlap_m2,
       ST_Distance(p.geometry, s.g) AS distance_m
FROM planning_pastapplication p, site s
WHERE p.council_id = %(council)s
  AND p.geometry && ST_Expand(s.g, %(within)s)
  AND ST_DWithin(p.geometry, s.g, %(within)s)
  AND (p.application_id IS NULL OR p.application_id <> %(exclude)s)
"""


@dataclass(frozen=True)
class PastOnSite:
    """An earlier application and why it is listed for this site."""

    record: PastApplication
    relation: str  # ON_SITE or NEARBY
    overlap_m2: float
    share_of_site_pct: float  # the overlap as a share of this site
    distance_m: float  # 0 when they touch or overlap

    @property
    def refused(self) -> bool:
        return self.record.decision == PastDecision.REFUSED

    @property
    def enforcement(self) -> bool:
        return self.record.kind == PastKind.ENFORCEMENT

    @property
    def stands_out(self) -> bool:
        """Refusals and enforcement are what an officer must read first."""
        return self.refused or self.enforcement

    @property
    def on_site(self) -> bool:
        return self.relation == ON_SITE

    @property
    def day(self) -> datetime.date | None:
        return self.record.decided_on

    @property
    def why(self) -> str:
        """Why it is listed, in words."""
        if self.relation == ON_SITE:
            if self.overlap_m2 <= 0:
                return "Recorded at a point on this site"
            return f"Covers {self.share_of_site_pct:.0f}% of this site ({self.overlap_m2:,.0f} m²)"
        if self.distance_m < 0.5:
            return "Next to this site (the outlines touch)"
        return f"{self.distance_m:,.0f} m from this site"


def relation_of(
    overlap_m2: float, distance_m: float, site_area: float, record_area: float, dimension: int
) -> tuple[str, float]:
    """ON_SITE or NEARBY for one record, and the overlap's share of this site."""
    share = 100.0 * overlap_m2 / site_area if site_area else 0.0
    if dimension < 2:
        return (ON_SITE if distance_m == 0 else NEARBY), 0.0
    of_theirs = 100.0 * overlap_m2 / record_area if record_area else 0.0
    if share >= ON_SITE_SHARE_PCT or of_theirs >= ON_SITE_OF_THEIRS_PCT:
        return ON_SITE, share
    return NEARBY, share


def site_history(
    council: Council | int,
    site: GEOSGeometry,
    *,
    within_m: float | None = None,
    exclude_application: int | None = None,
    sql: str = HISTORY_SQL,
) -> list[PastOnSite]:
    """The council's past applications on and within `within_m` (the council's own distance
    by default) of the site, newest first; `exclude_application` is the application itself.
    (`sql` is for the benchmark, which runs this same function with a naive query.)"""
    council_id = council.pk if isinstance(council, Council) else council
    if within_m is None:
        within_m = Council.objects.values_list("history_distance_m", flat=True).get(pk=council_id)
    if site.srid != 27700:
        site = site.transform(27700, clone=True)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "site": bytes(site.ewkb),
                "council": council_id,
                "within": float(within_m),
                "exclude": exclude_application or 0,
            },
        )
        rows = {row[0]: row[1:] for row in cursor.fetchall()}
    records = PastApplication.objects.filter(pk__in=rows).select_related(None)
    site_area = site.area
    found = []
    for record in records:
        overlap, distance = (float(value or 0.0) for value in rows[record.pk])
        relation, share = relation_of(
            overlap, distance, site_area, record.area_m2, record.geometry.dims
        )
        found.append(
            PastOnSite(
                record=record,
                relation=relation,
                overlap_m2=round(overlap, 1),
                share_of_site_pct=round(share, 1),
                distance_m=round(distance, 1),
            )
        )
    return sorted(found, key=_newest_first)


def _newest_first(item: PastOnSite) -> tuple[Any, ...]:
    day = item.day or datetime.date.min
    return (-day.toordinal(), item.relation != ON_SITE, item.distance_m, item.record.reference)
