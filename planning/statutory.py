"""The statutory clock and the government's categories for an application.

Pure functions with no database access, so the rules are tested in one place.

Sources of the rules (England):
- Determination periods: Town and Country Planning (Development Management Procedure)
  (England) Order 2015, art. 34: 8 weeks, 13 weeks for major development, 16 weeks where an
  Environmental Impact Assessment is required, unless a longer period is agreed in writing.
  The period begins the day after the valid date, so it ends `weeks` after the valid date.
- Major development: DMPO 2015 art. 2 — 10 or more dwellings; a site of 0.5 ha or more where the
  number of dwellings is not known; 1,000 m² or more of new floorspace; a site of 1 ha or more;
  minerals; waste.
- PS1/PS2 statistics: majors split into largescale (200+ dwellings or a residential site of 4 ha+;
  10,000 m²+ of floorspace or a site of 2 ha+ for other uses) and smallscale; the Q codes below.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

MAJOR_DWELLINGS = 10
MAJOR_SITE_UNKNOWN_DWELLINGS_M2 = 5_000  # 0.5 ha
MAJOR_FLOORSPACE_M2 = 1_000
MAJOR_SITE_M2 = 10_000  # 1 ha
LARGESCALE_DWELLINGS = 200
LARGESCALE_RESIDENTIAL_SITE_M2 = 40_000  # 4 ha
LARGESCALE_FLOORSPACE_M2 = 10_000
LARGESCALE_OTHER_SITE_M2 = 20_000  # 2 ha

PERIOD_WEEKS = {"eia": 16, "major": 13, "default": 8}

MAJOR, MINOR, OTHER = "major", "minor", "other"
PRIOR_APPROVAL, NOT_COUNTED = "prior-approval", "not-counted"

# Development-type codes for major (Q01-Q07) and minor (Q13-Q18) development, by use.
_USE_CODES = {
    "dwellings": ("Q01", "Q13"),
    "offices": ("Q02", "Q14"),
    "industry": ("Q03", "Q15"),
    "retail": ("Q04", "Q16"),
    "travellers": ("Q05", "Q17"),
    "other": ("Q06", "Q18"),
    "infrastructure": ("Q07", "Q18"),
}

# Words in Open Digital Planning project types (e.g. "new.residential.dwelling") that name a use.
_USE_WORDS = [
    ("travellers", ("traveller", "gypsy")),
    ("dwellings", ("residential", "dwelling", "home", "flat")),
    ("offices", ("office", "research", "lightindustr")),
    ("industry", ("industr", "storage", "warehouse", "distribution")),
    ("retail", ("retail", "shop", "commercial.service", "restaurant")),
    ("infrastructure", ("school", "hospital", "infrastructure", "publicservice")),
]

# ODP application types the PS1/PS2 returns do not count as planning decisions.
_NOT_COUNTED_PREFIXES = (
    "landDrainageConsent",
    "hedgerowRemovalNotice",
    "wtt",  # works to trees
    "complianceConfirmation",
    "environmentalImpact",
    "notifyCompletion",
    "approval.conditions",
    "amendment",
    "rightsOfWayOrder",
    "obligation",
    "onlineAdvertisements",
)


@dataclass(frozen=True)
class Category:
    """What the PS1/PS2 returns call an application, with the reason in words."""

    category: str  # major | minor | other | prior-approval | not-counted
    scale: str | None  # largescale | smallscale for majors
    ps2_code: str | None  # Q01-Q26, "PA" for prior approvals, None when not counted
    reason: str


@dataclass(frozen=True)
class StatutoryClock:
    period_weeks: int | None
    statutory_deadline: datetime.date | None
    determination_deadline: datetime.date | None  # the later of the above and an agreed extension
    extended: bool


def categorise(
    application_type: str,
    *,
    dwellings: int | None,
    floorspace_m2: float | None,
    site_area_m2: float | None,
    project_types: Sequence[str] = (),
) -> Category:
    """The category, scale and PS2 code of an application from what is known about it.

    Missing numbers are treated as unknown, never as zero: an application whose dwellings are
    unknown is major on a site of 0.5 ha or more, as the DMPO says.
    """
    kind = application_type.strip()
    lowered = kind.lower()
    projects = [project.lower() for project in project_types]

    if lowered.startswith("pa."):
        return Category(PRIOR_APPROVAL, None, "PA", "a prior approval application")
    if kind.startswith(_NOT_COUNTED_PREFIXES):
        return Category(NOT_COUNTED, None, None, f"{kind} is not a planning decision in PS1/PS2")
    if lowered.startswith("ldc"):
        return Category(OTHER, None, "Q26", "a certificate of lawful development")
    if lowered.startswith("listed"):
        if _mentions(projects, ("demolish", "demolition")):
            return Category(OTHER, None, "Q24", "listed building consent to demolish")
        return Category(OTHER, None, "Q23", "listed building consent to alter or extend")
    if lowered.startswith("advertconsent") or lowered.startswith("advert"):
        return Category(OTHER, None, "Q22", "advertisement consent")
    if "householder" in lowered or lowered.startswith("hh"):
        return Category(OTHER, None, "Q21", "a householder application")
    if "demolition" in lowered and "conservation" in lowered:
        return Category(OTHER, None, "Q25", "relevant demolition in a conservation area")

    use = _use(projects, dwellings)
    major_reason = _major_reason(kind, use, dwellings, floorspace_m2, site_area_m2)
    if major_reason:
        scale = _scale(use, dwellings, floorspace_m2, site_area_m2)
        return Category(MAJOR, scale, _USE_CODES[use][0], major_reason)

    if use == "other" and _mentions(projects, ("changeofuse",)) and not floorspace_m2:
        return Category(OTHER, None, "Q20", "a change of use below the major thresholds")
    return Category(MINOR, None, _USE_CODES[use][1], _minor_reason(use, dwellings))


def statutory_clock(
    valid_date: datetime.date | None,
    *,
    category: Category,
    eia_required: bool,
    extension_of_time_until: datetime.date | None,
) -> StatutoryClock:
    """The determination deadline. Before an application is valid there is no clock."""
    if valid_date is None:
        return StatutoryClock(None, None, None, extended=False)
    if eia_required:
        weeks = PERIOD_WEEKS["eia"]
    elif category.category == MAJOR:
        weeks = PERIOD_WEEKS["major"]
    else:
        weeks = PERIOD_WEEKS["default"]
    statutory = valid_date + datetime.timedelta(weeks=weeks)
    extended = extension_of_time_until is not None and extension_of_time_until > statutory
    deadline = extension_of_time_until if extended else statutory
    return StatutoryClock(weeks, statutory, deadline, extended)


def _major_reason(
    kind: str,
    use: str,
    dwellings: int | None,
    floorspace_m2: float | None,
    site_area_m2: float | None,
) -> str:
    if dwellings is not None and dwellings >= MAJOR_DWELLINGS:
        return f"10 or more dwellings ({dwellings})"
    # The 0.5 ha rule is for housing whose number of dwellings is not known (often outline).
    housing = use == "dwellings" or ".outline" in kind.lower()
    site = site_area_m2 or 0.0
    if dwellings is None and housing and site >= MAJOR_SITE_UNKNOWN_DWELLINGS_M2:
        return f"a site of 0.5 ha or more ({site / 10_000:.2f} ha), dwellings unknown"
    if floorspace_m2 is not None and floorspace_m2 >= MAJOR_FLOORSPACE_M2:
        return f"1,000 m² or more of new floorspace ({floorspace_m2:,.0f} m²)"
    if site_area_m2 is not None and site_area_m2 >= MAJOR_SITE_M2:
        return f"a site of 1 ha or more ({site_area_m2 / 10_000:.2f} ha)"
    lowered = kind.lower()
    if "mineral" in lowered or "waste" in lowered:
        return "minerals or waste development"
    if lowered.endswith(".major") or ".major." in lowered:
        return "declared major by the applicant"
    return ""


def _scale(
    use: str, dwellings: int | None, floorspace_m2: float | None, site_area_m2: float | None
) -> str:
    site = site_area_m2 or 0.0
    if use == "dwellings":
        large = (dwellings or 0) >= LARGESCALE_DWELLINGS or site >= LARGESCALE_RESIDENTIAL_SITE_M2
    else:
        large = (floorspace_m2 or 0.0) >= LARGESCALE_FLOORSPACE_M2 or site >= (
            LARGESCALE_OTHER_SITE_M2
        )
    return "largescale" if large else "smallscale"


def _use(projects: list[str], dwellings: int | None) -> str:
    if dwellings:
        return "dwellings"
    compact = [project.replace("_", "").replace("-", "") for project in projects]
    for use, words in _USE_WORDS:
        if _mentions(compact, words):
            return use
    return "other"


def _minor_reason(use: str, dwellings: int | None) -> str:
    if use == "dwellings" and dwellings:
        return f"1 to 9 dwellings ({dwellings}), below the major thresholds"
    return "below the major thresholds"


def _mentions(projects: list[str], words: Sequence[str]) -> bool:
    return any(word in project for project in projects for word in words)
