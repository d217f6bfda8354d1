"""The words and numbers of the returns: PS2 codes and their labels, the statutory categories'
labels, the designation thresholds, the backlog's age bands, PS2's time bands and the kinds of
agreed period (docs/decisions/0006-ps1-ps2-counting-rules.md)."""

from zoneinfo import ZoneInfo

from planning.models import (
    DecisionOutcome,
)
from planning.statutory import MAJOR, MINOR, NOT_COUNTED, OTHER, PRIOR_APPROVAL

LONDON = ZoneInfo("Europe/London")

OUTCOMES = [DecisionOutcome.GRANTED, DecisionOutcome.REFUSED]

# PS2 development-type codes, in the order the return lists them.
MAJOR_CODES = ["Q01", "Q02", "Q03", "Q04", "Q05", "Q06", "Q07"]
MINOR_CODES = ["Q13", "Q14", "Q15", "Q16", "Q17", "Q18"]
OTHER_CODES = ["Q20", "Q21", "Q22", "Q23", "Q24", "Q25", "Q26"]
PRIOR_APPROVAL_CODES = ["PA"]
PS2_CODES = MAJOR_CODES + MINOR_CODES + OTHER_CODES + PRIOR_APPROVAL_CODES
# The non-major decisions the government's speed measure counts: minor, change of use and
# householder (not adverts, listed building consents, demolitions or certificates).
NON_MAJOR_SPEED_CODES = [*MINOR_CODES, "Q20", "Q21"]
PS2_LABELS = {
    "Q01": "Major: dwellings",
    "Q02": "Major: offices, research and development, light industry",
    "Q03": "Major: general industry, storage, warehousing",
    "Q04": "Major: retail and services",
    "Q05": "Major: traveller pitches",
    "Q06": "Major: all other major development",
    "Q07": "Major: public service infrastructure",
    "Q13": "Minor: dwellings",
    "Q14": "Minor: offices, research and development, light industry",
    "Q15": "Minor: general industry, storage, warehousing",
    "Q16": "Minor: retail and services",
    "Q17": "Minor: traveller pitches",
    "Q18": "Minor: all other minor development",
    "Q20": "Change of use",
    "Q21": "Householder",
    "Q22": "Advertisements",
    "Q23": "Listed building consent to alter or extend",
    "Q24": "Listed building consent to demolish",
    "Q25": "Relevant demolition in a conservation area",
    "Q26": "Certificates of lawful development",
    "PA": "Prior approvals",
}
CATEGORY_LABELS = {
    MAJOR: "Major",
    MINOR: "Minor",
    OTHER: "Other",
    PRIOR_APPROVAL: "Prior approval",
    NOT_COUNTED: "Not counted in PS1/PS2",
}

# The government's designation thresholds: the share of decisions in time below which a
# council may be designated (section 62B of the Town and Country Planning Act 1990).
MAJOR_THRESHOLD = 0.60
NON_MAJOR_THRESHOLD = 0.70

# Open applications by completed weeks since the valid date: (label, first week, last week).
AGE_BANDS: list[tuple[str, int, int | None]] = [
    ("0-4 weeks", 0, 4),
    ("5-8 weeks", 5, 8),
    ("9-13 weeks", 9, 13),
    ("14-26 weeks", 14, 26),
    ("over 26 weeks", 27, None),
]

# PS2's time taken, in days from the valid date, for decisions made without an agreed period
# (extension of time, PPA) or EIA: (key, label, first day, last day). "Not more than 8 weeks"
# is up to and including day 56, the statutory deadline itself.
PS2_WEEK_BANDS: list[tuple[str, str, int | None, int | None]] = [
    ("up_to_8", "Not more than 8 weeks", None, 56),
    ("8_to_13", "More than 8, not more than 13 weeks", 57, 91),
    ("13_to_16", "More than 13, not more than 16 weeks", 92, 112),
    ("16_to_26", "More than 16, not more than 26 weeks", 113, 182),
    ("26_to_52", "More than 26, not more than 52 weeks", 183, 364),
    ("over_52", "More than 52 weeks", 365, None),
]

# What kind of agreed period an application was decided under (the `agreement` measure).
# One kind each, in this order of precedence: a PPA's date is also recorded as an extension.
PPA, EXTENSION, EIA, NO_AGREEMENT = "ppa", "extension", "eia", ""
