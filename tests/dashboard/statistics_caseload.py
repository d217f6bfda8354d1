"""A caseload for the managers' pages whose figures a planner can check on paper, dated from
today so the default periods (the last complete quarter, the last 24 months, the backlog as of
today) always hold it.

In the last complete quarter (LAST), all valid on its first day unless said:
- 10 minor decisions (PS2 Q13): 7 within 8 weeks (the last two on day 56, the deadline day
  itself), 1 more on day 75 within an extension of time agreed to day 80, and 2 late (days
  70 and 85), one of them refused;
- a householder refusal on day 40, at committee (Q21);
- an EIA major (Q01) valid 30 days before the quarter, decided on its day 105 (16 weeks: in
  time);
- a minor application withdrawn on day 10.
So non-major speed in LAST: 11 decisions, 9 in time (81.8%), 8 within the statutory period
alone (72.7%); majors 1 of 1.

Open today (T), householder unless said:
- valid T-10 (0-4 weeks), Olivia's; valid T-50 (7 weeks; deadline T+6, at risk), Olivia's;
- valid T-70 (10 weeks; overdue), Priya's, triaged "standard";
- valid T-200 (28 weeks; overdue), unassigned, a minor one, its address a formula;
- received T-3, not valid yet, unassigned.
Trafford has its own open, overdue application and a decision in LAST, never to be seen.
"""

import datetime

from planning import statistics
from planning.statistics import Quarter
from tests.factories import PlanningApplicationFactory
from triage.models import LANE_RANK, TriageSummary

DAY = datetime.timedelta(days=1)
FORMULA_ADDRESS = '=HYPERLINK("http://example.invalid","click")'

KINDS = {
    "minor": {"application_type": "pp.full.minor", "proposed_dwellings": 3},
    "major": {"application_type": "pp.full.major", "proposed_dwellings": 20},
    "householder": {"application_type": "pp.full.householder"},
}


def last_quarter() -> Quarter:
    return Quarter.containing(statistics.london_today()).previous()


def _application(council, reference, kind="householder", **fields):
    fields.setdefault("received_date", fields.get("valid_date") or statistics.london_today())
    return PlanningApplicationFactory(council=council, reference=reference, **KINDS[kind], **fields)


def _decided(council, reference, kind, *, valid, days, outcome="granted", level="delegated", **f):
    return _application(
        council,
        reference,
        kind,
        valid_date=valid,
        decision_date=valid + days * DAY,
        decision=outcome,
        decision_level=level,
        status="determined",
        **f,
    )


def build(southwark, trafford, people) -> dict:
    quarter = last_quarter()
    start = quarter.start
    today = statistics.london_today()
    made = {}
    for number, days in enumerate([20, 30, 40, 50, 55, 56, 56], start=1):
        made[f"minor-{number}"] = _decided(
            southwark, f"SWK/M{number:02d}", "minor", valid=start, days=days
        )
    made["extended"] = _decided(
        southwark,
        "SWK/M08",
        "minor",
        valid=start,
        days=75,
        extension_of_time_until=start + 80 * DAY,
    )
    made["late"] = _decided(southwark, "SWK/M09", "minor", valid=start, days=70)
    made["late-refused"] = _decided(
        southwark, "SWK/M10", "minor", valid=start, days=85, outcome="refused"
    )
    made["householder"] = _decided(
        southwark,
        "SWK/H01",
        "householder",
        valid=start,
        days=40,
        outcome="refused",
        level="committee",
    )
    made["eia-major"] = _decided(
        southwark, "SWK/J01", "major", valid=start - 30 * DAY, days=105, eia_required=True
    )
    made["withdrawn"] = _application(
        southwark,
        "SWK/W01",
        "minor",
        valid_date=start,
        withdrawn_date=start + 10 * DAY,
        status="withdrawn",
    )
    officer, officer2 = people["officer"], people["officer2"]
    made["fresh"] = _application(
        southwark, "SWK/O01", valid_date=today - 10 * DAY, status="valid", assigned_officer=officer
    )
    made["at-risk"] = _application(
        southwark, "SWK/O02", valid_date=today - 50 * DAY, status="valid", assigned_officer=officer
    )
    made["overdue"] = _application(
        southwark,
        "SWK/O03",
        valid_date=today - 70 * DAY,
        status="valid",
        assigned_officer=officer2,
    )
    TriageSummary.objects.create(
        application=made["overdue"],
        lane="standard",
        lane_rank=LANE_RANK["standard"],
        latest_status="succeeded",
    )
    made["old"] = _application(
        southwark,
        "SWK/O04",
        "minor",
        valid_date=today - 200 * DAY,
        status="valid",
        address=FORMULA_ADDRESS,
    )
    made["not-valid"] = _application(southwark, "SWK/O05", received_date=today - 3 * DAY)
    made["trafford-open"] = _application(
        trafford, "TRF/O01", valid_date=today - 90 * DAY, status="valid"
    )
    made["trafford-decided"] = _decided(trafford, "TRF/M01", "minor", valid=start, days=30)
    return made


SOUTHWARK_OPEN = ["SWK/O01", "SWK/O02", "SWK/O03", "SWK/O04", "SWK/O05"]
SOUTHWARK_REFERENCES = [
    *SOUTHWARK_OPEN,
    *(f"SWK/M{number:02d}" for number in range(1, 11)),
    "SWK/H01",
    "SWK/J01",
    "SWK/W01",
]
TRAFFORD_REFERENCES = ["TRF/O01", "TRF/M01"]
