"""A generated planning history for the demo sites, made as the demo caseload is: from a seeded
random generator, so every demo shows the same history, and nothing from any real register.

Each demo application's site gets what a council's register would hold around a house or a
shop: on about a third of sites nothing; on the others a few earlier applications over five
decades (mostly granted, some refused or withdrawn), now and then an enforcement case, and on
some a recent refusal of much the same proposal (the application in the queue is its
resubmission); next door, the neighbours' own applications. Loaded through the site history's
service (source DEMO_SOURCE), which replaces it whole and re-triages the council's open cases.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon

from planning.models import Council, PastApplication, PastDecision, PastKind, PlanningApplication
from planning.site_history.services import replace_generated

DEMO_SOURCE = "demo-register"
# Changing the version changes every generated record: bump it only with the generator.
HISTORY_SEED = "demo-history-v1"
FIRST_YEAR = 1972

HOUSE_WORKS = [
    ("Erection of a single storey rear extension.", 0.08),
    ("Loft conversion with a rear dormer window and two front rooflights.", 0.15),
    ("Replacement of timber sash windows with uPVC double glazed windows.", 0.35),
    ("Erection of a two storey side extension.", 0.2),
    ("Erection of a garden outbuilding for use as a home office.", 0.1),
    ("Installation of solar panels on the rear roof slope.", 0.02),
    ("Conversion of the dwellinghouse into two self-contained flats.", 0.45),
    ("Erection of a rear conservatory.", 0.05),
    ("Formation of a vehicle crossover and a hardstanding in the front garden.", 0.3),
    ("Works to trees: crown reduction of one lime tree in the rear garden.", 0.05),
]
OTHER_WORKS = [
    ("Change of use from a shop (Class E) to a hot food takeaway (sui generis).", 0.5),
    ("Installation of a new shopfront and an illuminated fascia sign.", 0.15),
    ("Erection of a part three, part four storey building comprising six flats.", 0.45),
    ("Change of use of the upper floors to a house in multiple occupation.", 0.4),
    ("Demolition of the garage and erection of a two storey dwelling.", 0.35),
    ("Erection of a rear extension to the ground floor shop.", 0.1),
]
ENFORCEMENT = [
    "Alleged unauthorised rear extension.",
    "Alleged unauthorised change of use to a house in multiple occupation.",
    "Alleged breach of condition: opening hours of the takeaway.",
    "Alleged unauthorised installation of an illuminated sign.",
]


@dataclass(frozen=True)
class DemoSite:
    reference: str
    geometry: GEOSGeometry  # the application's site, EPSG:27700
    householder: bool
    description: str
    received: datetime.date


def demo_sites(council: Council) -> list[DemoSite]:
    """The council's applications with a site, in order: the demo caseload."""
    rows = (
        PlanningApplication.objects.filter(council=council, site__isnull=False)
        .order_by("id")
        .only("reference", "site", "application_type", "description", "received_date")
    )
    return [
        DemoSite(
            row.reference,
            row.site,
            row.application_type == "pp.full.householder",
            row.description,
            row.received_date,
        )
        for row in rows
    ]


def ensure_demo_history(council: Council, source: str) -> int:
    """Generate the council's demo history unless it is there; how many records were made."""
    if PastApplication.objects.filter(council=council, source=DEMO_SOURCE).exists():
        return 0
    records = generate(council, source, demo_sites(council))
    return replace_generated(council, DEMO_SOURCE, records)


def generate(council: Council, source: str, sites: list[DemoSite]) -> list[PastApplication]:
    records: list[PastApplication] = []
    references: set[str] = set()
    for site in sites:
        rng = random.Random(f"{HISTORY_SEED}-{council.code}-{site.reference}")
        for made in _site_history(rng, source, site):
            if made.reference in references:
                continue  # two sites drew the same reference: the register holds it once
            references.add(made.reference)
            made.council = council
            made.source = DEMO_SOURCE
            made.area_m2 = made.geometry.area
            records.append(made)
    return records


def _site_history(rng: random.Random, source: str, site: DemoSite) -> list[PastApplication]:
    works = HOUSE_WORKS if site.householder else OTHER_WORKS
    last_year = site.received.year - 1
    made = []
    if rng.random() >= 0.35:
        for year in sorted(rng.randint(FIRST_YEAR, last_year) for _ in range(rng.randint(1, 6))):
            description, refusal_rate = rng.choice(works)
            made.append(_record(rng, source, year, description, refusal_rate, _jitter(rng, site)))
    if rng.random() < 0.15:
        # Refused a few years ago; the application in the queue is its resubmission.
        year = rng.randint(max(FIRST_YEAR, site.received.year - 6), last_year)
        made.append(_record(rng, source, year, site.description, 1.0, _jitter(rng, site)))
    if rng.random() < 0.05:
        year = rng.randint(max(FIRST_YEAR, site.received.year - 9), last_year)
        made.append(
            _record(
                rng,
                source,
                year,
                rng.choice(ENFORCEMENT),
                1.0,
                _jitter(rng, site),
                enforcement=True,
            )
        )
    for _ in range(rng.randint(0, 3)):
        year = rng.randint(FIRST_YEAR, last_year)
        description, refusal_rate = rng.choice(works)
        neighbour = _next_door(site.geometry, rng.choice((-1, 1)))
        made.append(_record(rng, source, year, description, refusal_rate, neighbour))
    return made


def _record(
    rng: random.Random,
    source: str,
    year: int,
    description: str,
    refusal_rate: float,
    geometry: GEOSGeometry,
    *,
    enforcement: bool = False,
) -> PastApplication:
    day = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 360))
    roll = rng.random()
    if enforcement:
        decision, words = PastDecision.REFUSED, "Enforcement notice issued"
    elif roll < refusal_rate:
        decision, words = PastDecision.REFUSED, "Refused"
    elif roll < refusal_rate + 0.06:
        decision, words = PastDecision.WITHDRAWN, "Withdrawn"
    else:
        decision, words = PastDecision.GRANTED, "Granted"
    return PastApplication(
        reference=_reference(rng, source, year, enforcement),
        description=description,
        application_type="Enforcement" if enforcement else "",
        kind=PastKind.ENFORCEMENT if enforcement else PastKind.APPLICATION,
        decision=decision,
        decision_text=words,
        decision_date=day,
        received_date=day - datetime.timedelta(days=rng.randint(40, 110)),
        geometry=geometry,
    )


def _reference(rng: random.Random, source: str, year: int, enforcement: bool) -> str:
    """References in each council's styles, numbered clear of the demo caseload's."""
    short = year % 100
    if enforcement:
        return f"ENF/{short:02d}/{rng.randint(100, 999)}"
    if source == "southwark":
        if year < 2000:
            return f"{short:02d}{rng.randint(10000, 99999)}"
        return f"{short:02d}/AP/{rng.randint(5000, 9999)}"
    if year < 2009:
        return f"H/{rng.randint(10000, 69999)}"
    return f"{rng.randint(70000, 109999)}/HHA/{short:02d}"


def _jitter(rng: random.Random, site: DemoSite) -> GEOSGeometry:
    """The site as another application drew it: the same plot, off by up to half a metre."""
    return _moved(site.geometry, rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5))


def _next_door(geometry: GEOSGeometry, side: int) -> GEOSGeometry:
    """The plot beside the site, across its width (the first edge of its outline)."""
    polygon = geometry[0] if geometry.geom_type == "MultiPolygon" else geometry
    (x0, y0), (x1, y1) = polygon.exterior_ring.coords[:2]
    return _moved(geometry, side * (x1 - x0), side * (y1 - y0))


def _moved(geometry: GEOSGeometry, dx: float, dy: float) -> GEOSGeometry:
    polygons = list(geometry) if geometry.geom_type == "MultiPolygon" else [geometry]
    moved = [
        Polygon(*[[(x + dx, y + dy) for x, y in ring.coords] for ring in polygon], srid=27700)
        for polygon in polygons
    ]
    return MultiPolygon(*moved, srid=27700)
