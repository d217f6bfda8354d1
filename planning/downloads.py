"""The managers' downloads by name: the table each one makes, its file name, and the query
parameter that chooses what it covers (a quarter, a period, a figure's filter). The statistics
pages, the background exports and the council API all make their files from here; triage
registers its own downloads when it is installed (triage.apps)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from planning import exports, statistics
from planning.exports import Table
from planning.models import PlanningApplication


@dataclass(frozen=True)
class Download:
    table: Table
    stem: str  # the file's name after the council's code, without its extension
    rows: int  # how many rows it will have: an estimate, 0 for a small table of figures


class ChoiceInvalid(ValueError):
    """A download's query parameter names nothing it can make; the message says what to give."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


# Makes the download of these applications for the parameter's value (None: not given) on
# `today`; raises ValueError, whose message says what to give instead, for a value it cannot use.
Maker = Callable[[QuerySet[PlanningApplication], str | None, datetime.date], Download]


@dataclass(frozen=True)
class _Kind:
    make: Maker
    parameter: str | None


_DOWNLOADS: dict[str, _Kind] = {}


def register_download(name: str, make: Maker, *, parameter: str | None = None) -> None:
    _DOWNLOADS[name] = _Kind(make, parameter)


def names() -> tuple[str, ...]:
    return tuple(_DOWNLOADS)


def parameter_of(name: str) -> str | None:
    """The query parameter the download `name` reads. Raises KeyError for no such download."""
    return _DOWNLOADS[name].parameter


def make_download(
    name: str,
    visible: QuerySet[PlanningApplication],
    choice: str | None = None,
    *,
    today: datetime.date | None = None,
) -> Download:
    """The download `name` of the `visible` applications, for its parameter's value `choice`
    (None: not given, so its default). Raises KeyError for no such download, ChoiceInvalid for
    a value it cannot use (an empty one too)."""
    kind = _DOWNLOADS[name]
    try:
        return kind.make(visible, choice, today or statistics.london_today())
    except ValueError as error:
        raise ChoiceInvalid(kind.parameter or "", str(error)) from None


def _count(queryset: QuerySet[PlanningApplication]) -> int:
    return queryset.order_by().count()


def _backlog(visible, choice, today) -> Download:
    table = exports.backlog_table(visible, today=today)
    return Download(table, f"backlog-{today}", _count(visible.filter(statistics.OPEN)))


def _ps1(visible, choice, today) -> Download:
    quarter = statistics.quarter_named(choice, today=today)
    return Download(exports.ps1_table(visible, quarter), f"ps1-{quarter.slug}", 0)


def _ps2(visible, choice, today) -> Download:
    quarter = statistics.quarter_named(choice, today=today)
    return Download(exports.ps2_table(visible, quarter), f"ps2-{quarter.slug}", 0)


def _speed(visible, choice, today) -> Download:
    quarter = statistics.quarter_named(choice, today=today)
    return Download(exports.speed_table(visible, last=quarter), f"speed-to-{quarter.slug}", 0)


register_download("backlog", _backlog)
register_download("ps1", _ps1, parameter="quarter")
register_download("ps2", _ps2, parameter="quarter")
register_download("speed", _speed, parameter="quarter")
