"""Counting rules for managers: the backlog, the speed of decisions as the government measures
it, and the PS1/PS2 quarterly returns.

Pure functions over a queryset of applications that the caller has already limited to one
council (planning.access): nothing here decides who may see what. Every figure is computed by
the database in one or a few aggregate queries, never row by row in Python, so the pages stay
fast at 100,000 applications. The results are plain dataclasses that a page, a CSV export and
the API can all render.

Each number is a `Figure`: its count and the filter (`where`, a Q over `with_measures(...)`)
that selects exactly the applications behind it, so a page can link the number to a list.
`encode_where` / `decode_where` carry that filter through a query string; decoding accepts only
the lookups in FILTER_LOOKUPS.

The assumptions behind the PS1/PS2 columns are in docs/decisions/0006-ps1-ps2-counting-rules.md.
All "today"s are dates in Europe/London.

The package, by job: `vocabulary` (codes, labels, thresholds, bands), `figures` (a figure and
the measures behind it), `filters` (a figure's filter through a link), `quarters`, `backlog`,
`speed` (of decisions), `ps1` and `ps2` (the returns). Their public names are here too.
"""

from planning.statistics.backlog import (
    OPEN,
    Backlog,
    BacklogGroup,
    BacklogSummary,
    WeekFlow,
    backlog,
    backlog_by,
    backlog_by_officer,
    backlog_summary,
    weekly_flow,
)
from planning.statistics.figures import (
    DECIDED,
    DaysBetween,
    Figure,
    applications,
    decided_between,
    london_today,
    share,
    with_measures,
)
from planning.statistics.filters import (
    FILTER_LOOKUPS,
    decode_where,
    encode_where,
)
from planning.statistics.ps1 import (
    PS1,
    PS1_CATEGORIES,
    PS1Row,
    ps1,
)
from planning.statistics.ps2 import (
    PS2,
    PS2Row,
    ps2,
)
from planning.statistics.quarters import (
    FIRST_YEAR,
    LAST_YEAR,
    Quarter,
    QuarterInvalid,
    quarter_named,
    quarters_ending,
)
from planning.statistics.speed import (
    AGREED_TIME,
    QuarterSpeed,
    Speed,
    SpeedMeasure,
    speed_of_decisions,
)
from planning.statistics.vocabulary import (
    AGE_BANDS,
    CATEGORY_LABELS,
    EIA,
    EXTENSION,
    LONDON,
    MAJOR_CODES,
    MAJOR_THRESHOLD,
    MINOR_CODES,
    NO_AGREEMENT,
    NON_MAJOR_SPEED_CODES,
    NON_MAJOR_THRESHOLD,
    OTHER_CODES,
    OUTCOMES,
    PPA,
    PRIOR_APPROVAL_CODES,
    PS2_CODES,
    PS2_LABELS,
    PS2_WEEK_BANDS,
)

__all__ = [
    "AGE_BANDS",
    "AGREED_TIME",
    "CATEGORY_LABELS",
    "DECIDED",
    "EIA",
    "EXTENSION",
    "FILTER_LOOKUPS",
    "FIRST_YEAR",
    "LAST_YEAR",
    "LONDON",
    "MAJOR_CODES",
    "MAJOR_THRESHOLD",
    "MINOR_CODES",
    "NON_MAJOR_SPEED_CODES",
    "NON_MAJOR_THRESHOLD",
    "NO_AGREEMENT",
    "OPEN",
    "OTHER_CODES",
    "OUTCOMES",
    "PPA",
    "PRIOR_APPROVAL_CODES",
    "PS1",
    "PS1_CATEGORIES",
    "PS2",
    "PS2_CODES",
    "PS2_LABELS",
    "PS2_WEEK_BANDS",
    "Backlog",
    "BacklogGroup",
    "BacklogSummary",
    "DaysBetween",
    "Figure",
    "PS1Row",
    "PS2Row",
    "Quarter",
    "QuarterInvalid",
    "QuarterSpeed",
    "Speed",
    "SpeedMeasure",
    "WeekFlow",
    "applications",
    "backlog",
    "backlog_by",
    "backlog_by_officer",
    "backlog_summary",
    "decided_between",
    "decode_where",
    "encode_where",
    "london_today",
    "ps1",
    "ps2",
    "quarter_named",
    "quarters_ending",
    "share",
    "speed_of_decisions",
    "weekly_flow",
    "with_measures",
]
