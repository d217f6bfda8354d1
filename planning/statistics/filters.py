"""A figure's filter carried through a link's query string: encoded as compact JSON and read
back only through the lookups in FILTER_LOOKUPS, so a crafted link can never reach another
field."""

import datetime
import json
from collections.abc import Mapping
from typing import Any, cast

from django.db.models import (
    Q,
)

# Lookups a figure's filter may use and the kind of value each takes. A filter read back from a
# query string is checked against this list, so a crafted link can never reach another field
# (a lookup through the case officer to their password, say).
FILTER_LOOKUPS: dict[str, str] = {
    "status__in": "strings",
    "category": "string",
    "category__in": "strings",
    "application_type": "string",
    "ps2_code": "string",
    "ps2_code__in": "strings",
    "assigned_officer": "int",
    "assigned_officer__isnull": "bool",
    "valid_date__isnull": "bool",
    "valid_date__gt": "date",
    "valid_date__lte": "date",
    "determination_deadline__lt": "date",
    "determination_deadline__gte": "date",
    "received_date__gte": "date",
    "received_date__lte": "date",
    "decision__in": "strings",
    "decision": "string",
    "decision_level": "string",
    "decision_date__isnull": "bool",
    "decision_date__gt": "date",
    "decision_date__gte": "date",
    "decision_date__lte": "date",
    "withdrawn_date__isnull": "bool",
    "withdrawn_date__gt": "date",
    "withdrawn_date__gte": "date",
    "withdrawn_date__lte": "date",
    "agreement": "string",
    "agreement__in": "strings",
    "days_to_decision__gte": "int",
    "days_to_decision__lte": "int",
    "in_time": "bool",
    "within_statutory_period": "bool",
}
_MAX_FILTER_LENGTH = 4000
_MAX_FILTER_DEPTH = 4


def encode_where(where: Q) -> str:
    """A figure's filter as compact JSON, for a link."""
    return json.dumps(_q_data(where), separators=(",", ":"), default=_json_value)


def decode_where(text: str, lookups: Mapping[str, str] = FILTER_LOOKUPS) -> Q:
    """The filter a link carries, checked lookup by lookup against `lookups`.
    Raises ValueError for anything else: never pass a link's text to the database unchecked."""
    if len(text) > _MAX_FILTER_LENGTH:
        raise ValueError("The filter is too long.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError("The filter is not valid JSON.") from error
    return _q_from(data, lookups, depth=0)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{value!r} cannot be part of a figure's filter")


def _q_data(where: Q) -> dict[str, Any]:
    children: list[Any] = []
    for child in where.children:
        if isinstance(child, Q):
            children.append(_q_data(child))
        else:
            lookup, value = cast(tuple[str, Any], child)
            children.append([lookup, value])
    return {"op": where.connector.lower(), "not": where.negated, "of": children}


def _q_from(data: Any, lookups: Mapping[str, str], depth: int) -> Q:
    if depth > _MAX_FILTER_DEPTH or not isinstance(data, dict):
        raise ValueError("The filter is not in the expected form.")
    if set(data) != {"op", "not", "of"} or data["op"] not in ("and", "or"):
        raise ValueError("The filter is not in the expected form.")
    if not isinstance(data["not"], bool) or not isinstance(data["of"], list):
        raise ValueError("The filter is not in the expected form.")
    parts = []
    for child in data["of"]:
        if isinstance(child, dict):
            parts.append(_q_from(child, lookups, depth + 1))
            continue
        if not (isinstance(child, list) and len(child) == 2 and isinstance(child[0], str)):
            raise ValueError("The filter is not in the expected form.")
        lookup, value = child
        if lookup not in lookups:
            raise ValueError(f"The filter cannot use {lookup!r}.")
        parts.append(Q(**{lookup: _checked_value(lookups[lookup], value)}))
    connector = Q.OR if data["op"] == "or" else Q.AND
    return Q(*parts, _connector=connector, _negated=data["not"])


def _short_string(value: Any) -> bool:
    # PostgreSQL text cannot hold NUL: the database would refuse the query (a 500), not match.
    return isinstance(value, str) and len(value) <= 200 and "\x00" not in value


def _short_strings(value: Any) -> bool:
    return isinstance(value, list) and len(value) <= 50 and all(map(_short_string, value))


def _checked_value(kind: str, value: Any) -> Any:
    if kind == "bool" and isinstance(value, bool):
        return value
    if kind == "int" and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind == "string" and _short_string(value):
        return value
    if kind == "strings" and _short_strings(value):
        return value
    if kind == "date" and isinstance(value, str):
        return datetime.date.fromisoformat(value)  # ValueError when it is not a date
    raise ValueError(f"The filter has a value of the wrong kind ({kind} expected).")
