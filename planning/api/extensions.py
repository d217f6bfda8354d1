"""Where other apps add to the application API without planning knowing them.

`planning` must not import `triage`, yet a council's system reads the triage result from
the application it submitted. So an app that builds on planning registers, from its
AppConfig.ready():

- a detail section: `register_detail_section("triage", build)`, where `build(application)`
  returns JSON-ready data (or None) shown under that key in the application's detail;
- a list filter: `register_list_filter("lane", apply, choices=...)`, where
  `apply(queryset, value)` narrows the council's applications for `?lane=value`; `choices`,
  when given, are the values the published schema offers (and the filter accepts).

Both run after planning.access has limited the queryset to the caller's council.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from planning.models import PlanningApplication

DetailSection = Callable[[PlanningApplication], Any]
ListFilter = Callable[[QuerySet[PlanningApplication], str], QuerySet[PlanningApplication]]

_detail_sections: dict[str, DetailSection] = {}
_list_filters: dict[str, ListFilter] = {}
_filter_choices: dict[str, tuple[str, ...]] = {}

# Names the API already uses for its own fields and query parameters.
RESERVED_NAMES = frozenset(
    {
        "id",
        "council",
        "reference",
        "status",
        "type",
        "received_from",
        "received_to",
        "site",
        "documents",
        "page",
        "page_size",
        "format",
        "category",
        "ps2_code",
        "determination_deadline",
    }
)


def register_detail_section(name: str, build: DetailSection) -> None:
    _register(_detail_sections, name, build)


def register_list_filter(name: str, apply: ListFilter, *, choices: tuple[str, ...] = ()) -> None:
    _register(_list_filters, name, apply)
    if choices:
        _filter_choices[name] = choices


def detail_sections() -> dict[str, DetailSection]:
    return dict(_detail_sections)


def list_filters() -> dict[str, ListFilter]:
    return dict(_list_filters)


def list_filter_choices(name: str) -> tuple[str, ...]:
    """The values the schema offers for a registered filter (empty: any text)."""
    return _filter_choices.get(name, ())


def _register(registry: dict, name: str, function: Callable) -> None:
    # Registering the same function again is harmless (ready() can run twice in tests);
    # two apps claiming one name is a mistake to stop at start-up.
    if name in RESERVED_NAMES or registry.get(name, function) is not function:
        raise ValueError(f"The API name {name!r} is already taken.")
    registry[name] = function


def unregister(name: str) -> None:
    """For tests: forget a section or filter registered under `name`."""
    _detail_sections.pop(name, None)
    _list_filters.pop(name, None)
    _filter_choices.pop(name, None)
