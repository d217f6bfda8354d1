"""What the managers' pages show, shaped for their templates: the figures of planning.statistics
and triage.review_statistics (counted there, never here), each with a link to the
applications behind it, the charts, and the choice of quarter or period.

A figure the officers' queue can filter on (open, overdue, at risk, not valid yet; by officer,
lane, category or type) links to the queue, so a manager lands where the work is done. Every
other figure (age bands, weeks, PS1/PS2 cells, speed) links to the list of its applications,
which carries the figure's filter in its query string (planning.statistics.encode_where) and
reads it back only through decode_where's whitelist.
"""

import dataclasses
import datetime
from collections.abc import Iterable
from urllib.parse import urlencode

from django import forms
from django.urls import reverse

from dashboard import charts
from dashboard.queue import type_label
from planning import deadlines, statistics
from planning.statistics import (
    AGE_BANDS,
    Backlog,
    BacklogGroup,
    Figure,
    Quarter,
    Speed,
)
from triage.exports import ReviewPeriod, review_period_choices

# How many quarters the pages offer, newest first (five years of returns).
QUARTERS_OFFERED = 20


@dataclasses.dataclass(frozen=True)
class Linked:
    """A number on a page and the address of the applications behind it."""

    count: int
    href: str


def to_queue(figure: Figure, **filters: str | int) -> Linked:
    """The queue's "all open" tab with these filters: the same applications the figure counts
    (tests hold the two to the same numbers)."""
    return Linked(figure.count, "/?" + urlencode({"tab": "open", **filters}))


def to_list(figure: Figure, label: str) -> Linked:
    query = urlencode({"where": figure.query, "label": label})
    return Linked(figure.count, f"{reverse('dashboard:statistics-applications')}?{query}")


# --- backlog -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class GroupRow:
    label: str
    open: Linked
    overdue: Linked
    at_risk: Linked


def _group_rows(groups: Iterable[BacklogGroup], filters) -> list[GroupRow]:
    """`filters(group)` gives the queue filter for a group, or None for the list instead."""
    rows = []
    for group in groups:
        chosen = filters(group)
        if chosen is None:
            label = f"{group.label}: open"
            rows.append(
                GroupRow(
                    group.label,
                    to_list(group.open, label),
                    to_list(group.overdue, f"{group.label}: overdue"),
                    to_list(group.at_risk, f"{group.label}: at risk"),
                )
            )
            continue
        rows.append(
            GroupRow(
                group.label,
                to_queue(group.open, **chosen),
                to_queue(group.overdue, **chosen, deadline="overdue"),
                to_queue(group.at_risk, **chosen, deadline="at-risk"),
            )
        )
    return rows


@dataclasses.dataclass(frozen=True)
class WeekRow:
    start: datetime.date
    received: Linked
    decided: Linked


def backlog_context(backlog: Backlog, lanes: list[BacklogGroup], queue_officers: set[int]) -> dict:
    """The backlog page's figures, links and charts. `queue_officers` are the ids the queue's
    officer filter offers (officers of the council): anyone else's work links to the list."""
    summary = backlog.summary
    at_risk = deadlines.at_risk_days()

    def officer_filter(group: BacklogGroup):
        if group.key is None:
            return {"officer": "none"}
        return {"officer": group.key} if group.key in queue_officers else None

    age_bands = [
        (label, to_list(summary.age_bands[label], f"Open, {label} since valid"))
        for label, _first, _last in AGE_BANDS
    ]
    weeks = [
        WeekRow(
            start=week.week_start,
            received=to_list(week.received, f"Received in the week of {_day(week.week_start)}"),
            decided=to_list(week.decided, f"Decided in the week of {_day(week.week_start)}"),
        )
        for week in backlog.weeks
    ]
    return {
        "today": summary.today,
        "headline": [
            ("All open", to_queue(summary.open)),
            ("Overdue", to_queue(summary.overdue, deadline="overdue")),
            (f"At risk (under {at_risk} days left)", to_queue(summary.at_risk, deadline="at-risk")),
            ("Without a valid date", to_queue(summary.without_valid_date, deadline="not-valid")),
        ],
        "age_bands": age_bands,
        "age_chart": charts.bar_chart(
            [(label, [linked.count]) for label, linked in age_bands],
            series=["Open applications"],
            width=560,
            height=220,
        ),
        "by_officer": _group_rows(backlog.by_officer, officer_filter),
        "by_lane": _group_rows(lanes, lambda group: {"lane": group.key if group.key else "none"}),
        "by_category": _group_rows(
            backlog.by_category, lambda group: {"category": group.key} if group.key else None
        ),
        "by_type": _group_rows(
            [
                dataclasses.replace(group, label=type_label(str(group.key)))
                for group in backlog.by_application_type
            ],
            lambda group: {"type": group.key} if group.key else None,
        ),
        "weeks": weeks,
        "weeks_chart": charts.bar_chart(
            [
                (
                    _month_label(week.start, index),
                    [week.received.count, week.decided.count],
                )
                for index, week in enumerate(weeks)
            ],
            series=["Received", "Decided"],
            width=960,
            height=260,
        ),
        "received_total": sum(week.received.count for week in weeks),
        "decided_total": sum(week.decided.count for week in weeks),
    }


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _month_label(week_start: datetime.date, index: int) -> str:
    """A week's label under the chart: the month's name where a month begins."""
    end = week_start + datetime.timedelta(days=6)
    if index == 0 or end.day <= 7:
        month = end if end.day <= 7 else week_start
        return f"{month:%b}" if month.month != 1 else f"{month:%b %Y}"
    return ""


# --- speed of decisions ---------------------------------------------------------------------------


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


def _measure(measure, label: str) -> dict:
    return {
        "label": label,
        "threshold": f"{measure.threshold * 100:.0f}%",
        "decisions": to_list(measure.decisions, f"{label}: decisions"),
        "in_time": to_list(measure.in_time, f"{label}: in time"),
        "within_statutory_period": to_list(
            measure.within_statutory_period, f"{label}: within the statutory period alone"
        ),
        "under_agreement": to_list(measure.under_agreement, f"{label}: under an agreed time"),
        "share_in_time": _percent(measure.share_in_time),
        "share_within_statutory_period": _percent(measure.share_within_statutory_period),
        "meets_threshold": measure.meets_threshold,
    }


def speed_context(speed: Speed) -> dict:
    quarters = [
        {
            "quarter": entry.quarter,
            "measures": [
                _measure(entry.major, f"Major decisions, {entry.quarter}"),
                _measure(entry.non_major, f"Non-major decisions, {entry.quarter}"),
            ],
        }
        for entry in reversed(speed.quarters)
    ]

    def share(measure) -> float | None:
        return None if measure.share_in_time is None else measure.share_in_time * 100

    return {
        "speed": speed,
        "major": _measure(speed.major, f"Major decisions, {speed.first} to {speed.last}"),
        "non_major": _measure(
            speed.non_major, f"Non-major decisions, {speed.first} to {speed.last}"
        ),
        "quarters": quarters,
        "chart": charts.bar_chart(
            [
                (
                    f"Q{entry.quarter.number} {str(entry.quarter).split()[0]}",
                    [share(entry.major), share(entry.non_major)],
                )
                for entry in speed.quarters
            ],
            series=["Majors in time", "Non-majors in time"],
            width=960,
            height=260,
            maximum=100,
            unit="%",
            thresholds=[
                (statistics.MAJOR_THRESHOLD * 100, "60% majors"),
                (statistics.NON_MAJOR_THRESHOLD * 100, "70% non-majors"),
            ],
        ),
    }


# --- PS1 and PS2 --------------------------------------------------------------------------------


def ps1_context(result: statistics.PS1) -> dict:
    rows = []
    for row in result.rows:
        name = f"{row.label}, {result.quarter}"
        rows.append(
            {
                "label": row.label,
                "total": row.category == "total",
                "received": to_list(row.received, f"{name}: received"),
                "decided": to_list(row.decided, f"{name}: decided"),
                "granted": to_list(row.granted, f"{name}: granted"),
                "refused": to_list(row.refused, f"{name}: refused"),
                "delegated": to_list(row.delegated, f"{name}: delegated"),
                "delegated_share": _percent(row.delegated_share),
                "withdrawn": to_list(row.withdrawn, f"{name}: withdrawn"),
                "pending_at_end": to_list(row.pending_at_end, f"{name}: pending at quarter end"),
            }
        )
    return {"ps1": result, "rows": rows, "quarter_name": str(result.quarter)}


PS2_AGREED = [
    ("under_agreement", "All"),
    ("extension_of_time", "Extension of time"),
    ("performance_agreement", "Planning performance agreement"),
    ("eia", "EIA"),
]


def ps2_context(result: statistics.PS2) -> dict:
    """The PS2 rows in the return's order, each group of codes followed by its subtotal."""
    totals = {row.code: row for row in result.totals}
    groups = [
        (statistics.MAJOR_CODES, "major"),
        (statistics.MINOR_CODES, "minor"),
        (statistics.OTHER_CODES, "other"),
        (statistics.PRIOR_APPROVAL_CODES, "prior-approval"),
    ]
    by_code = {row.code: row for row in result.rows}
    ordered = []
    for codes, total in groups:
        ordered += [(by_code[code], False) for code in codes]
        ordered.append((totals[total], True))
    ordered.append((totals["all"], True))
    rows = []
    for row, is_total in ordered:
        code = "" if is_total else row.code
        name = f"{code + ' ' if code else ''}{row.label}, {result.quarter}"
        rows.append(
            {
                "code": code,
                "label": row.label,
                "total": is_total,
                "decisions": to_list(row.decisions, f"{name}: decisions"),
                "granted": to_list(row.granted, f"{name}: granted"),
                "refused": to_list(row.refused, f"{name}: refused"),
                "weeks": [
                    to_list(row.weeks[key], f"{name}: {label.lower()}")
                    for key, label, _first, _last in statistics.PS2_WEEK_BANDS
                ],
                "agreed": [
                    (
                        to_list(getattr(row, key), f"{name}: {label.lower()}"),
                        to_list(
                            getattr(row, f"{key}_in_time"), f"{name}: {label.lower()}, in time"
                        ),
                    )
                    for key, label in PS2_AGREED
                ],
            }
        )
    return {
        "ps2": result,
        "rows": rows,
        "quarter_name": str(result.quarter),
        "week_bands": [label for _key, label, _first, _last in statistics.PS2_WEEK_BANDS],
        "agreed_kinds": [label for _key, label in PS2_AGREED],
    }


# --- choosing a quarter or a period ---------------------------------------------------------------


def quarter_choices(today: datetime.date, *, complete_only: bool = False) -> list[tuple[str, str]]:
    """The quarters a page offers, newest first; the current one marked as not over yet."""
    current = Quarter.containing(today)
    newest = current.previous() if complete_only else current
    offered = reversed(statistics.quarters_ending(newest, QUARTERS_OFFERED))
    return [
        (
            quarter.slug,
            f"{quarter} ({quarter.months}){', so far' if quarter == current else ''}",
        )
        for quarter in offered
    ]


class QuarterForm(forms.Form):
    """The quarter a page shows, from its query string; the last complete one by default."""

    quarter = forms.ChoiceField(
        label="Quarter",
        error_messages={"invalid_choice": "Choose a quarter from the list"},
    )

    def __init__(
        self, data, *, today: datetime.date, label: str = "Quarter", complete_only: bool = False
    ):
        chosen = data.get("quarter") or Quarter.last_complete(today).slug
        super().__init__({"quarter": chosen})
        field = self.fields["quarter"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = quarter_choices(today, complete_only=complete_only)
        self.fields["quarter"].label = label

    @property
    def chosen(self) -> Quarter:
        return Quarter.from_slug(self.cleaned_data["quarter"])


class PeriodForm(forms.Form):
    """Which applications the review figures count (triage.exports.ReviewPeriod)."""

    period = forms.ChoiceField(
        label="Applications received",
        error_messages={"invalid_choice": "Choose a period from the list"},
    )

    def __init__(self, data, *, today: datetime.date):
        self.periods = {period.slug: period for period in review_period_choices(today=today)}
        super().__init__({"period": data.get("period") or next(iter(self.periods))})
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(slug, period.label) for slug, period in self.periods.items()]

    @property
    def chosen(self) -> ReviewPeriod:
        return self.periods[self.cleaned_data["period"]]
