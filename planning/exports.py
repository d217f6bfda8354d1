"""The managers' statistics as tables to download: the same columns and rows whether a page or
the API serves them, written as CSV (streamed line by line) or XLSX (openpyxl's write-only
workbook, rows spilled to a temporary file), so an export of 100,000 applications holds a
chunk of rows in memory, never the whole table.

A `Table` is a header and a lazy iterable of rows; the figures come from planning.statistics
(nothing is counted here). Text that a spreadsheet would run as a formula is neutralised:
in CSV a cell starting with = + - @ (or a tab or carriage return) gets a leading apostrophe,
as OWASP advises; in XLSX every string is written as a string, never as a formula.
"""

import csv
import dataclasses
import datetime
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, Any

from django.db.models import F, QuerySet
from django.http import FileResponse, StreamingHttpResponse

from planning import deadlines, statistics
from planning.deadlines import DeadlineBand
from planning.models import (
    OPEN_STATUSES,
    ApplicationStatus,
    DecisionLevel,
    DecisionOutcome,
    PlanningApplication,
)
from planning.statistics import PS2_WEEK_BANDS, Quarter

Cell = str | int | float | datetime.date | None

# Rows read from the database per round trip, and CSV lines sent per chunk of the response.
CHUNK_ROWS = 2000
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclasses.dataclass(frozen=True)
class Table:
    """A table to download: `title` names the sheet, `rows` is read once, lazily."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Cell]]


# --- writing -------------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Cell) -> Cell:
    """A cell for CSV: text a spreadsheet would read as a formula gets a leading apostrophe.
    Numbers are left alone (a negative number of days is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line csv.writer formats."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(table: Table, *, byte_order_mark: bool = False) -> Iterator[str]:
    """The table as CSV text, in chunks of CHUNK_ROWS lines. With `byte_order_mark`, Excel
    reads the file as UTF-8 (an address with an accent or a £ stays readable)."""
    writer = csv.writer(_Echo())
    lines = [("\ufeff" if byte_order_mark else "") + writer.writerow(table.header)]
    for row in table.rows:
        lines.append(writer.writerow([_csv_cell(value) for value in row]))
        if len(lines) >= CHUNK_ROWS:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


def _csv_cell(value: Cell) -> Cell:
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return csv_safe(value)


def csv_response(
    table: Table, filename: str, *, byte_order_mark: bool = False
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_chunks(table, byte_order_mark=byte_order_mark), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Characters XML 1.0 cannot hold (openpyxl refuses them): dropped from text in XLSX.
_NOT_IN_XML = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def write_xlsx(table: Table, file: IO[bytes]) -> None:
    """The table as an XLSX workbook of one sheet, written into `file`. openpyxl's write-only
    mode writes each row out as it is appended, strings inline (no shared-string table)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=table.title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def header_cell(text: str) -> Any:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        return cell

    def cell(value: Cell) -> Any:
        if not isinstance(value, str):
            return value
        written = WriteOnlyCell(sheet, value=_NOT_IN_XML.sub("", value))
        written.data_type = "s"  # "=..." stays text: openpyxl would make it a formula
        return written

    sheet.append([header_cell(text) for text in table.header])
    for row in table.rows:
        sheet.append([cell(value) for value in row])
    workbook.save(file)


def xlsx_response(table: Table, filename: str) -> FileResponse:
    """The workbook written to an anonymous temporary file (gone once closed), then streamed
    from it: memory stays flat however many rows there are."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    try:
        write_xlsx(table, file)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return FileResponse(file, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


# --- the applications behind a figure, and the backlog --------------------------------------------


@dataclasses.dataclass(frozen=True)
class Column:
    """A column other apps add to the applications table: its heading, the lookup it reads
    (any path from PlanningApplication, e.g. "triage__lane"), and how a value is shown."""

    heading: str
    lookup: str
    shown: Callable[[Any], Cell] = lambda value: value


_extra_columns: dict[str, Column] = {}


def register_application_column(column: Column) -> None:
    """Add a column to the applications table (the backlog export and the API's backlog.csv),
    as `planning.api.extensions` lets other apps add to the API: planning knows nothing of
    them. Registering the same heading again replaces it (ready() can run twice in tests)."""
    _extra_columns[column.heading] = column


def application_columns() -> list[Column]:
    return list(_extra_columns.values())


APPLICATION_FIELDS = [
    "reference",
    "address",
    "application_type",
    "category",
    "ps2_code",
    "status",
    "received_date",
    "valid_date",
    "statutory_deadline",
    "determination_deadline",
    "extension_of_time_until",
    "performance_agreement",
    "decision",
    "decision_date",
    "decision_level",
    "withdrawn_date",
    "assigned_officer__first_name",
    "assigned_officer__last_name",
    "assigned_officer__username",
]
APPLICATION_HEADER = [
    "Reference",
    "Address",
    "Application type",
    "Category",
    "PS2 code",
    "PS2 development type",
    "Status",
    "Received",
    "Valid from",
    "Completed weeks since valid",
    "Age band",
    "Statutory deadline",
    "Determination deadline",
    "Days left",
    "Deadline",
    "Extension of time until",
    "Planning performance agreement",
    "Decision",
    "Decision date",
    "Decided by",
    "Withdrawn",
    "Case officer",
]
_STATUS = dict(ApplicationStatus.choices)
_DECISION = dict(DecisionOutcome.choices)
_LEVEL = dict(DecisionLevel.choices)


def age_band(weeks: int | None) -> str:
    """The backlog's age band (planning.statistics.AGE_BANDS) for completed weeks since valid."""
    if weeks is None:
        return ""
    for label, first, last in statistics.AGE_BANDS:
        if weeks >= first and (last is None or weeks <= last):
            return label
    return statistics.AGE_BANDS[0][0]  # a valid date in the future, as the backlog counts it


def deadline_state(
    status: str, valid: datetime.date | None, deadline: datetime.date | None, today: datetime.date
) -> str:
    """Overdue, at risk or not valid yet, as the backlog and the queue say (open ones only;
    planning.deadlines owns the bands)."""
    band = deadlines.band(deadline, today, is_open=status in OPEN_STATUSES, valid=valid is not None)
    if band in (DeadlineBand.OVERDUE, DeadlineBand.AT_RISK, DeadlineBand.NOT_VALID):
        return DeadlineBand(band).label
    return ""


def applications_table(
    queryset: QuerySet[PlanningApplication],
    *,
    today: datetime.date | None = None,
    title: str = "Applications",
) -> Table:
    """One row per application of `queryset` (already limited to one council), soonest
    deadline first, read from the database CHUNK_ROWS at a time (a server-side cursor)."""
    today = today or statistics.london_today()
    extra = application_columns()
    fields = APPLICATION_FIELDS + [column.lookup for column in extra]
    ordered = queryset.order_by(
        F("determination_deadline").asc(nulls_last=True), "received_date", "id"
    )

    def rows() -> Iterator[list[Cell]]:
        for values in ordered.values_list(*fields).iterator(chunk_size=CHUNK_ROWS):
            item = dict(zip(fields, values, strict=True))
            valid, deadline = item["valid_date"], item["determination_deadline"]
            weeks = (today - valid).days // 7 if valid else None
            officer = " ".join(
                part
                for part in (
                    item["assigned_officer__first_name"],
                    item["assigned_officer__last_name"],
                )
                if part
            ) or (item["assigned_officer__username"] or "")
            is_open = item["status"] in OPEN_STATUSES
            yield [
                item["reference"],
                item["address"],
                item["application_type"],
                statistics.CATEGORY_LABELS.get(item["category"], item["category"]),
                item["ps2_code"],
                statistics.PS2_LABELS.get(item["ps2_code"], ""),
                _STATUS.get(item["status"], item["status"]),
                item["received_date"],
                valid,
                max(weeks, 0) if weeks is not None and is_open else None,
                age_band(weeks) if is_open else "",
                item["statutory_deadline"],
                deadline,
                (deadline - today).days if deadline and is_open else None,
                deadline_state(item["status"], valid, deadline, today),
                item["extension_of_time_until"],
                "Yes" if item["performance_agreement"] else "",
                _DECISION.get(item["decision"], item["decision"]),
                item["decision_date"],
                _LEVEL.get(item["decision_level"], item["decision_level"]),
                item["withdrawn_date"],
                officer,
                *(column.shown(item[column.lookup]) for column in extra),
            ]

    return Table(title, APPLICATION_HEADER + [column.heading for column in extra], rows())


def backlog_table(
    queryset: QuerySet[PlanningApplication], *, today: datetime.date | None = None
) -> Table:
    """Every open application (planning.statistics' backlog), one a row."""
    return applications_table(queryset.filter(statistics.OPEN), today=today, title="Backlog")


# --- the returns and the speed of decisions -------------------------------------------------------


def percent(value: float | None) -> float | None:
    """A share as a percentage to one decimal place (None stays empty: no decisions)."""
    return None if value is None else round(value * 100, 1)


PS1_HEADER = [
    "Quarter",
    "Months",
    "Category",
    "Received",
    "Decided",
    "Granted",
    "Refused",
    "Delegated",
    "Delegated (%)",
    "Withdrawn",
    "Pending at quarter end",
]


def ps1_table(queryset: QuerySet[PlanningApplication], quarter: Quarter) -> Table:
    result = statistics.ps1(queryset, quarter)
    rows = [
        [
            str(quarter),
            quarter.months,
            row.label,
            row.received.count,
            row.decided.count,
            row.granted.count,
            row.refused.count,
            row.delegated.count,
            percent(row.delegated_share),
            row.withdrawn.count,
            row.pending_at_end.count,
        ]
        for row in result.rows
    ]
    return Table(f"PS1 {quarter}", PS1_HEADER, rows)


PS2_HEADER = [
    "Quarter",
    "Code",
    "Development type",
    "Decisions",
    "Granted",
    "Refused",
    *(label for _key, label, _first, _last in PS2_WEEK_BANDS),
    "Under an agreed period or EIA",
    "Under an agreed period or EIA: in time",
    "Extension of time",
    "Extension of time: in time",
    "Planning performance agreement",
    "Planning performance agreement: in time",
    "EIA",
    "EIA: in time",
]


def ps2_table(queryset: QuerySet[PlanningApplication], quarter: Quarter) -> Table:
    result = statistics.ps2(queryset, quarter)
    coded = [(row.code, row) for row in result.rows] + [("", row) for row in result.totals]
    rows: list[list[Cell]] = [
        [
            str(quarter),
            code,
            row.label,
            row.decisions.count,
            row.granted.count,
            row.refused.count,
            *(row.weeks[key].count for key, *_ in PS2_WEEK_BANDS),
            row.under_agreement.count,
            row.under_agreement_in_time.count,
            row.extension_of_time.count,
            row.extension_of_time_in_time.count,
            row.performance_agreement.count,
            row.performance_agreement_in_time.count,
            row.eia.count,
            row.eia_in_time.count,
        ]
        for code, row in coded
    ]
    return Table(f"PS2 {quarter}", PS2_HEADER, rows)


SPEED_HEADER = [
    "Period",
    "From",
    "To",
    "Decisions of",
    "Decisions",
    "In time (statutory period or agreed time)",
    "In time (%)",
    "Within the statutory period alone",
    "Within the statutory period alone (%)",
    "Under an agreed time",
    "Threshold (%)",
    "Meets the threshold",
]


def _speed_row(period: str, first: Quarter, last: Quarter, measure) -> list[Cell]:
    return [
        period,
        first.start,
        last.end,
        "Major development" if measure.group == "major" else "Non-major development",
        measure.decisions.count,
        measure.in_time.count,
        percent(measure.share_in_time),
        measure.within_statutory_period.count,
        percent(measure.share_within_statutory_period),
        measure.under_agreement.count,
        percent(measure.threshold),
        {True: "Yes", False: "No", None: ""}[measure.meets_threshold],
    ]


def speed_table(
    queryset: QuerySet[PlanningApplication],
    *,
    last: Quarter | None = None,
    today: datetime.date | None = None,
) -> Table:
    """The whole period (24 months) first, then each quarter; majors, then non-majors."""
    speed = statistics.speed_of_decisions(queryset, last=last, today=today)
    whole = f"{speed.first} to {speed.last}"
    rows: list[list[Cell]] = [
        _speed_row(whole, speed.first, speed.last, speed.major),
        _speed_row(whole, speed.first, speed.last, speed.non_major),
    ]
    for quarter in speed.quarters:
        rows.append(
            _speed_row(str(quarter.quarter), quarter.quarter, quarter.quarter, quarter.major)
        )
        rows.append(
            _speed_row(str(quarter.quarter), quarter.quarter, quarter.quarter, quarter.non_major)
        )
    return Table("Speed of decisions", SPEED_HEADER, rows)
