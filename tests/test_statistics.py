"""The managers' counting rules (planning.statistics) on small caseloads a planner can check on
paper. Dates are chosen so each boundary is hit exactly: the deadline day, the last day of a
quarter, the last day of a week band."""

import dataclasses
import datetime

import pytest

from planning import statistics
from planning.models import PlanningApplication
from planning.statistics import Figure, Quarter
from tests.factories import PlanningApplicationFactory, UserFactory

DAY = datetime.timedelta(days=1)
Q1_2026 = Quarter(2026, 1)  # April to June 2026
TODAY = datetime.date(2026, 11, 20)  # a Friday


def application(council, kind="minor", **fields):
    """An application of a kind whose PS2 code the model derives on save."""
    kinds = {
        "minor": {"application_type": "pp.full.minor", "proposed_dwellings": 3},
        "major": {"application_type": "pp.full.major", "proposed_dwellings": 20},
        "householder": {"application_type": "pp.full.householder"},
        "change-of-use": {"application_type": "pp.full", "project_types": ["changeOfUse"]},
        "advert": {"application_type": "advertConsent"},
        "prior-approval": {"application_type": "pa.part1.classA"},
        "not-counted": {"application_type": "landDrainageConsent"},
    }
    fields.setdefault("received_date", fields.get("valid_date") or datetime.date(2026, 4, 1))
    return PlanningApplicationFactory(council=council, **kinds[kind], **fields)


def decided(council, kind="minor", *, valid, days, outcome="granted", level="delegated", **f):
    """Decided `days` days after its valid date (day 56 is an 8-week deadline itself)."""
    return application(
        council,
        kind,
        valid_date=valid,
        decision_date=valid + days * DAY,
        decision=outcome,
        decision_level=level,
        status="determined",
        **f,
    )


def withdrawn(council, kind="minor", *, valid, on):
    return application(council, kind, valid_date=valid, withdrawn_date=on, status="withdrawn")


def apps(council):
    return PlanningApplication.objects.filter(council=council)


def figures(value):
    """Every Figure in a result, however deeply nested."""
    if isinstance(value, Figure):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, Quarter):
        for field in dataclasses.fields(value):
            yield from figures(getattr(value, field.name))
    elif isinstance(value, dict):
        for item in value.values():
            yield from figures(item)
    elif isinstance(value, list):
        for item in value:
            yield from figures(item)


def assert_each_figure_lists_its_applications(result, queryset):
    """A page links each number to a list: the figure's filter must give the same number, also
    after travelling through a link's query string."""
    for figure in figures(result):
        assert statistics.applications(queryset, figure.where).count() == figure.count
        decoded = statistics.decode_where(figure.query)
        assert statistics.applications(queryset, decoded).count() == figure.count


# --- quarters ----------------------------------------------------------------------------------


def test_it_uses_financial_year_quarters():
    assert Quarter.containing(datetime.date(2026, 3, 31)) == Quarter(2025, 4)
    assert Quarter.containing(datetime.date(2026, 4, 1)) == Quarter(2026, 1)
    assert Quarter.containing(datetime.date(2026, 12, 31)) == Quarter(2026, 3)
    assert (Quarter(2025, 4).start, Quarter(2025, 4).end) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    assert (Q1_2026.start, Q1_2026.end) == (datetime.date(2026, 4, 1), datetime.date(2026, 6, 30))
    assert str(Quarter(2025, 4)) == "2025-26 Q4"
    assert Quarter(2025, 4).months == "January to March 2026"
    assert Quarter(2025, 4).next() == Q1_2026 and Q1_2026.previous() == Quarter(2025, 4)
    assert Quarter.from_slug(Q1_2026.slug) == Q1_2026
    assert statistics.quarters_ending(Q1_2026, 3) == [Quarter(2025, 3), Quarter(2025, 4), Q1_2026]
    for bad in ("2026-q5", "26-q1", "2026q1", "", "9999-q4", "0000-q1", "1899-q4"):
        with pytest.raises(ValueError):
            Quarter.from_slug(bad)


# --- speed of decisions ------------------------------------------------------------------------

VALID = datetime.date(2026, 4, 1)  # 8 weeks end on 27 May, 13 on 1 July, 16 on 22 July


def test_it_measures_non_major_speed_as_the_government_does(southwark):
    # Ten minor decisions: seven within 8 weeks (the last on the deadline day itself), one more
    # within an agreed extension, one after its extension ran out, one late with none.
    for days in (10, 20, 30, 40, 50, 55, 56):
        decided(southwark, valid=VALID, days=days)
    decided(southwark, valid=VALID, days=70, extension_of_time_until=VALID + 75 * DAY)
    decided(southwark, valid=VALID, days=80, extension_of_time_until=VALID + 75 * DAY)
    decided(southwark, valid=VALID, days=60, outcome="refused")
    # Not decisions, or not in the measure.
    withdrawn(southwark, valid=VALID, on=VALID + 20 * DAY)
    decided(southwark, "advert", valid=VALID, days=80)
    decided(southwark, "prior-approval", valid=VALID, days=80)
    application(southwark, valid_date=VALID, status="valid")

    speed = statistics.speed_of_decisions(apps(southwark), last=Q1_2026)

    non_major = speed.non_major
    assert non_major.decisions.count == 10
    assert non_major.in_time.count == 8
    assert non_major.within_statutory_period.count == 7
    assert non_major.under_agreement.count == 2
    assert non_major.share_in_time == pytest.approx(0.8)
    assert non_major.share_within_statutory_period == pytest.approx(0.7)
    assert non_major.threshold == 0.70 and non_major.meets_threshold is True
    assert speed.major.decisions.count == 0 and speed.major.meets_threshold is None
    assert (speed.first, speed.last) == (Quarter(2024, 2), Q1_2026)
    assert [quarter.quarter for quarter in speed.quarters] == statistics.quarters_ending(Q1_2026, 8)
    assert speed.quarters[-1].non_major.in_time.count == 8
    assert sum(quarter.non_major.decisions.count for quarter in speed.quarters[:-1]) == 0
    assert_each_figure_lists_its_applications(speed, apps(southwark))


def test_it_counts_householder_and_change_of_use_as_non_major_and_not_the_rest(southwark):
    decided(southwark, "householder", valid=VALID, days=30)
    decided(southwark, "change-of-use", valid=VALID, days=60)
    for kind in ("advert", "prior-approval", "not-counted"):
        decided(southwark, kind, valid=VALID, days=30)

    non_major = statistics.speed_of_decisions(apps(southwark), last=Q1_2026).non_major

    assert (non_major.decisions.count, non_major.in_time.count) == (2, 1)
    assert non_major.meets_threshold is False  # 50% is under 70%


def test_it_gives_majors_13_weeks_16_with_eia_or_the_agreed_time(southwark):
    decided(southwark, "major", valid=VALID, days=91)  # 13 weeks to the day: in time
    decided(southwark, "major", valid=VALID, days=95)  # late
    decided(southwark, "major", valid=VALID, days=100, eia_required=True)  # week 15: in time
    ppa = {"performance_agreement": True, "extension_of_time_until": VALID + 150 * DAY}
    decided(southwark, "major", valid=VALID, days=140, **ppa)  # by the PPA's date
    decided(southwark, "major", valid=VALID, days=160, **ppa)  # after it

    # Decided from 1 July to 8 September: the speed up to July-September.
    major = statistics.speed_of_decisions(apps(southwark), last=Quarter(2026, 2)).major

    assert major.decisions.count == 5
    assert major.in_time.count == 3
    assert major.share_in_time == pytest.approx(0.6)
    assert major.meets_threshold is True  # 60% is the threshold itself
    assert major.within_statutory_period.count == 2  # the 13-week and the EIA one
    assert major.under_agreement.count == 2  # the two PPAs; EIA is a statutory period
    assert major.share_within_statutory_period == pytest.approx(0.4)


def test_it_puts_each_decision_in_the_quarter_of_its_date(southwark):
    decided(southwark, valid=datetime.date(2026, 3, 2), days=29)  # 31 March 2026
    decided(southwark, valid=datetime.date(2026, 3, 2), days=30)  # 1 April 2026
    decided(southwark, valid=datetime.date(2026, 3, 2), days=30)
    decided(southwark, valid=datetime.date(2024, 3, 2), days=30)  # 1 April 2024: too early

    speed = statistics.speed_of_decisions(apps(southwark), last=Q1_2026)

    counts = {str(q.quarter): q.non_major.decisions.count for q in speed.quarters}
    assert counts["2025-26 Q4"] == 1 and counts["2026-27 Q1"] == 2
    assert speed.non_major.decisions.count == 3  # April 2024 is outside the 24 months


def test_it_defaults_to_the_24_months_up_to_the_last_complete_quarter(southwark):
    speed = statistics.speed_of_decisions(apps(southwark), today=datetime.date(2026, 7, 1))
    assert (speed.first, speed.last) == (Quarter(2024, 2), Q1_2026)


# --- PS1 ---------------------------------------------------------------------------------------


def test_it_counts_the_ps1_workload_of_a_quarter(southwark):
    march, july = datetime.date(2026, 3, 25), datetime.date(2026, 7, 1)
    # Decided in the quarter (delegated) but received before it.
    decided(southwark, valid=march, received_date=march, days=16)
    # Received and refused by committee in it, on its last day.
    decided(
        southwark,
        valid=datetime.date(2026, 4, 5),
        received_date=datetime.date(2026, 4, 2),
        days=86,
        outcome="refused",
        level="committee",
    )
    # Received in it and decided after it: pending at its end.
    decided(southwark, valid=datetime.date(2026, 5, 3), days=59)
    # Received and withdrawn in it.
    withdrawn(southwark, valid=datetime.date(2026, 5, 12), on=datetime.date(2026, 6, 15))
    # Received on its last day, not yet valid: received, not pending.
    application(southwark, received_date=datetime.date(2026, 6, 30), status="received")
    # Valid in January, withdrawn the day after the quarter: pending at its end.
    withdrawn(southwark, valid=datetime.date(2026, 1, 12), on=july + DAY)
    # A major still open.
    application(southwark, "major", valid_date=datetime.date(2026, 4, 21), status="valid")
    # A prior approval, and a type the returns do not count.
    decided(southwark, "prior-approval", valid=datetime.date(2026, 4, 3), days=17)
    application(southwark, "not-counted", valid_date=datetime.date(2026, 4, 3), status="valid")

    result = statistics.ps1(apps(southwark), Q1_2026)

    rows = {row.category: row for row in result.rows}
    assert [row.category for row in result.rows] == [
        "major",
        "minor",
        "other",
        "total",
        "prior-approval",
    ]

    def counts(row):
        return {
            name: getattr(row, name).count
            for name in (
                "received",
                "decided",
                "granted",
                "refused",
                "delegated",
                "withdrawn",
                "pending_at_end",
            )
        }

    assert counts(rows["minor"]) == {
        "received": 4,
        "decided": 2,
        "granted": 1,
        "refused": 1,
        "delegated": 1,
        "withdrawn": 1,
        "pending_at_end": 2,
    }
    assert rows["minor"].delegated_share == pytest.approx(0.5)
    assert counts(rows["major"])["received"] == 1 and counts(rows["major"])["pending_at_end"] == 1
    assert counts(rows["other"]) == dict.fromkeys(counts(rows["other"]), 0)
    assert rows["other"].delegated_share is None
    assert counts(rows["total"]) == {
        "received": 5,
        "decided": 2,
        "granted": 1,
        "refused": 1,
        "delegated": 1,
        "withdrawn": 1,
        "pending_at_end": 3,
    }
    assert counts(rows["prior-approval"])["decided"] == 1
    assert_each_figure_lists_its_applications(result, apps(southwark))


# --- PS2 ---------------------------------------------------------------------------------------

DECIDED_ON = datetime.date(2026, 6, 15)


def decided_on(council, kind="minor", *, days, **fields):
    """Decided on 15 June 2026, `days` days after its valid date."""
    return decided(council, kind, valid=DECIDED_ON - days * DAY, days=days, **fields)


def test_it_fills_the_ps2_return_for_a_quarter(southwark):
    # Minor dwellings (Q13) without an agreed period: the time-taken bands, each boundary.
    for days in (56, 57, 91, 92, 112, 113, 200, 365):
        decided_on(southwark, days=days)
    # Under an agreed period, so in the agreement columns and not in the bands.
    decided_on(southwark, days=70, extension_of_time_until=DECIDED_ON + 10 * DAY)  # met
    decided_on(southwark, days=90, extension_of_time_until=DECIDED_ON - 10 * DAY)  # missed
    decided_on(
        southwark,
        days=100,
        outcome="refused",
        performance_agreement=True,
        extension_of_time_until=DECIDED_ON,
    )
    # Major dwellings (Q01) with EIA: 16 weeks (112 days) is their agreed time.
    decided_on(southwark, "major", days=100, eia_required=True)
    decided_on(southwark, "major", days=120, eia_required=True)
    decided_on(southwark, "householder", days=30)
    withdrawn(southwark, valid=DECIDED_ON - 30 * DAY, on=DECIDED_ON)
    decided(southwark, valid=datetime.date(2026, 3, 1), days=29)  # 30 March: the quarter before

    result = statistics.ps2(apps(southwark), Q1_2026)

    assert [row.code for row in result.rows] == statistics.PS2_CODES
    rows = {row.code: row for row in result.rows}
    q13 = rows["Q13"]
    assert (q13.decisions.count, q13.granted.count, q13.refused.count) == (11, 10, 1)
    assert {key: figure.count for key, figure in q13.weeks.items()} == {
        "up_to_8": 1,
        "8_to_13": 2,
        "13_to_16": 2,
        "16_to_26": 1,
        "26_to_52": 1,
        "over_52": 1,
    }
    assert (q13.under_agreement.count, q13.under_agreement_in_time.count) == (3, 2)
    assert (q13.extension_of_time.count, q13.extension_of_time_in_time.count) == (2, 1)
    assert (q13.performance_agreement.count, q13.performance_agreement_in_time.count) == (1, 1)
    assert q13.eia.count == 0
    q01 = rows["Q01"]
    assert (q01.decisions.count, q01.eia.count, q01.eia_in_time.count) == (2, 2, 1)
    assert (q01.under_agreement.count, q01.under_agreement_in_time.count) == (2, 1)
    assert sum(figure.count for figure in q01.weeks.values()) == 0
    assert rows["Q21"].weeks["up_to_8"].count == 1
    assert rows["Q02"].decisions.count == 0
    totals = {row.code: row.decisions.count for row in result.totals}
    assert totals == {"major": 2, "minor": 11, "other": 1, "prior-approval": 0, "all": 14}
    assert_each_figure_lists_its_applications(result, apps(southwark))


# --- the backlog -------------------------------------------------------------------------------


def open_since(council, days, kind="householder", **fields):
    """Open, valid `days` days before TODAY."""
    return application(council, kind, valid_date=TODAY - days * DAY, status="valid", **fields)


def test_it_bands_the_backlog_by_completed_weeks_since_valid(southwark):
    for days in (0, 34, 35, 62, 63, 97, 98, 188, 189, 400):
        open_since(southwark, days)
    application(southwark, received_date=TODAY, status="received")  # no valid date yet
    decided(southwark, valid=TODAY - 40 * DAY, days=30)
    withdrawn(southwark, valid=TODAY - 40 * DAY, on=TODAY)

    summary = statistics.backlog_summary(apps(southwark), today=TODAY)

    assert summary.open.count == 11
    assert summary.without_valid_date.count == 1
    assert {label: figure.count for label, figure in summary.age_bands.items()} == {
        "0-4 weeks": 2,
        "5-8 weeks": 2,
        "9-13 weeks": 2,
        "14-26 weeks": 2,
        "over 26 weeks": 2,
    }
    assert_each_figure_lists_its_applications(summary, apps(southwark))


def test_it_finds_overdue_and_at_risk_applications(southwark):
    open_since(southwark, 57)  # the deadline was yesterday: overdue
    open_since(southwark, 56)  # due today: at risk, not yet overdue
    open_since(southwark, 47)  # 9 days left: at risk
    open_since(southwark, 46)  # 10 days left: not at risk
    open_since(southwark, 70, extension_of_time_until=TODAY + 3 * DAY)  # extended: at risk
    decided(southwark, "householder", valid=TODAY - 100 * DAY, days=90)  # late, but decided

    summary = statistics.backlog_summary(apps(southwark), today=TODAY)

    assert (summary.overdue.count, summary.at_risk.count, summary.open.count) == (1, 3, 5)


def test_it_breaks_the_backlog_down_by_officer_category_and_type(southwark):
    alice = UserFactory(council=southwark, username="alice", first_name="Alice", last_name="Ng")
    bob = UserFactory(council=southwark, username="bob")
    open_since(southwark, 57, assigned_officer=alice)  # overdue
    open_since(southwark, 50, assigned_officer=alice)  # at risk
    open_since(southwark, 10, "minor", assigned_officer=bob)
    open_since(southwark, 10, "major")
    decided(southwark, valid=TODAY - 40 * DAY, days=30, assigned_officer=bob)

    result = statistics.backlog(apps(southwark), today=TODAY)

    officers = [
        (g.key, g.label, g.open.count, g.overdue.count, g.at_risk.count) for g in result.by_officer
    ]
    assert officers == [
        (alice.pk, "Alice Ng", 2, 1, 1),
        (bob.pk, "bob", 1, 0, 0),
        (None, "Unassigned", 1, 0, 0),
    ]
    assert [(g.key, g.label, g.open.count) for g in result.by_category] == [
        ("other", "Other", 2),
        ("major", "Major", 1),
        ("minor", "Minor", 1),
    ]
    assert {g.key: g.open.count for g in result.by_application_type} == {
        "pp.full.householder": 2,
        "pp.full.minor": 1,
        "pp.full.major": 1,
    }
    assert_each_figure_lists_its_applications(result, apps(southwark))


def test_it_counts_received_against_decided_per_week_for_a_year(southwark):
    monday = datetime.date(2026, 11, 16)  # the week that holds TODAY
    first_monday = monday - 51 * 7 * DAY
    application(southwark, received_date=monday)
    application(southwark, received_date=TODAY)
    application(southwark, received_date=first_monday)
    application(southwark, received_date=first_monday - DAY)  # the week before the year
    decided(southwark, valid=monday - 20 * DAY, received_date=monday - 20 * DAY, days=21)
    withdrawn(southwark, valid=monday - 20 * DAY, on=monday + DAY)  # not a decision

    weeks = statistics.weekly_flow(apps(southwark), today=TODAY)

    assert len(weeks) == 52
    assert (weeks[0].week_start, weeks[-1].week_start) == (first_monday, monday)
    assert (weeks[-1].received.count, weeks[-1].decided.count) == (2, 1)
    assert weeks[0].received.count == 1
    assert weeks[-4].received.count == 2  # the decided and withdrawn ones, 20 days before
    assert sum(week.received.count for week in weeks) == 5
    assert sum(week.decided.count for week in weeks) == 1
    assert_each_figure_lists_its_applications(weeks, apps(southwark))


# --- links, exports and councils ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"op":"and","not":false,"of":[["assigned_officer__password__startswith","md5"]]}',
        '{"op":"and","not":false,"of":[["council",2]]}',
        '{"op":"and","not":false,"of":[["valid_date__lte","yesterday"]]}',
        '{"op":"and","not":false,"of":[["assigned_officer","1"]]}',
        '{"op":"xor","not":false,"of":[]}',
        '{"op":"and","not":false,"of":[["status__in","valid"]]}',
        '{"op":"and","not":false,"of":[["category","a\\u0000b"]]}',
        '{"op":"and","not":false,"of":[["status__in",["valid","\\u0000"]]]}',
        "[]",
        "not json",
        '{"op":"and","not":false,"of":[' * 10 + "]}" * 10,
    ],
)
def test_it_refuses_a_link_filter_outside_the_figures_lookups(text):
    with pytest.raises(ValueError):
        statistics.decode_where(text)


def test_it_never_mixes_two_councils(southwark, trafford):
    for council in (southwark, trafford):
        officer = UserFactory(council=council)
        for days in (10, 30, 70):
            decided(council, valid=VALID, days=days)
        decided(council, "major", valid=VALID, days=100, eia_required=True)
        withdrawn(council, valid=VALID, on=VALID + 10 * DAY)
        open_since(council, 57, assigned_officer=officer)
    only_southwark = apps(southwark)

    speed = statistics.speed_of_decisions(only_southwark, last=Quarter(2026, 2))
    assert (speed.non_major.decisions.count, speed.major.decisions.count) == (3, 1)
    ps1 = statistics.ps1(only_southwark, Q1_2026)
    assert ps1.rows[3].received.count == 5  # the open one came in September
    ps2 = statistics.ps2(only_southwark, Q1_2026)
    assert ps2.totals[-1].decisions.count == 3  # the EIA major is decided in July
    backlog = statistics.backlog(only_southwark, today=TODAY)
    assert backlog.summary.overdue.count == 1
    assert [group.open.count for group in backlog.by_officer] == [1]
    assert sum(week.decided.count for week in backlog.weeks) == 4

    for result in (speed, ps1, ps2, backlog):
        for figure in figures(result):
            listed = statistics.applications(only_southwark, figure.where)
            assert set(listed.values_list("council", flat=True)) <= {southwark.pk}
