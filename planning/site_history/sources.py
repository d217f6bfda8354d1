"""Register formats and how their fields map onto a past application.

One `HistoryFields` per format: each field is the source's column name or a function of the
row, for the few places a value must be put together (an address from its parts). Decisions
are mapped from the register's words by `decision_from`, the one vocabulary every format
shares; a council's own GeoJSON names its columns and extra decision words in a mapping file
(docs/planning-history.md).
"""

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planning.models import PastDecision, PastKind

Row = Mapping[str, Any]
Field = str | Callable[[Row], Any] | None

# The register's words for a decision (lower case, spaces squeezed) -> ours. Words not here
# are kept as "other", with the register's words shown beside it.
DECISION_WORDS: dict[str, str] = {
    "approved": PastDecision.GRANTED,
    "approve": PastDecision.GRANTED,
    "granted": PastDecision.GRANTED,
    "grant": PastDecision.GRANTED,
    "permission granted": PastDecision.GRANTED,
    "grant permission": PastDecision.GRANTED,
    "conditional permission": PastDecision.GRANTED,
    "approved with conditions": PastDecision.GRANTED,
    "consent granted": PastDecision.GRANTED,
    "prior approval given": PastDecision.GRANTED,
    "prior approval granted": PastDecision.GRANTED,
    "certificate granted": PastDecision.GRANTED,
    "lawful": PastDecision.GRANTED,
    "refused": PastDecision.REFUSED,
    "refuse": PastDecision.REFUSED,
    "refusal": PastDecision.REFUSED,
    "permission refused": PastDecision.REFUSED,
    "consent refused": PastDecision.REFUSED,
    "prior approval refused": PastDecision.REFUSED,
    "certificate refused": PastDecision.REFUSED,
    "not lawful": PastDecision.REFUSED,
    "withdrawn": PastDecision.WITHDRAWN,
    "application withdrawn": PastDecision.WITHDRAWN,
    "not required": PastDecision.NOT_REQUIRED,
    "prior approval not required": PastDecision.NOT_REQUIRED,
    "permission not required": PastDecision.NOT_REQUIRED,
    "declined to determine": PastDecision.DECLINED,
    "declined": PastDecision.DECLINED,
    "split decision": PastDecision.SPLIT,
    "split": PastDecision.SPLIT,
    # An enforcement case's outcomes.
    "enforcement notice issued": PastDecision.REFUSED,
    "notice issued": PastDecision.REFUSED,
    "no breach": PastDecision.OTHER,
    "case closed": PastDecision.OTHER,
    "": PastDecision.UNDECIDED,
    "pending": PastDecision.UNDECIDED,
    "pending consideration": PastDecision.UNDECIDED,
    "undecided": PastDecision.UNDECIDED,
}


def words(value: Any) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip()


def decision_from(text: Any, extra: Mapping[str, str] | None = None) -> str:
    """Our decision for the register's words; "other" for words we do not know."""
    key = words(text).lower()
    if extra and key in extra:
        return extra[key]
    return DECISION_WORDS.get(key, PastDecision.OTHER)


@dataclass(frozen=True)
class HistoryFields:
    reference: Field
    address: Field = None
    description: Field = None
    application_type: Field = None
    decision: Field = None
    decision_date: Field = None
    received_date: Field = None
    appeal_decision: Field = None
    uprn: Field = None
    source_id: Field = None
    # "enforcement" marks an enforcement case; anything else (or nothing) an application.
    kind: Field = None
    # strptime format for dates that are not ISO 8601 ("%d/%m/%Y").
    date_format: str | None = None
    # Extra decision words of this register -> one of PastDecision's values.
    decisions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class HistoryFormat:
    name: str
    description: str
    fields: HistoryFields
    # The file suffixes it reads.
    suffixes: tuple[str, ...]


# --- planning.data.gov.uk's planning-application dataset (CSV with WKT, or GeoJSON) --------


def _planning_data_kind(row: Row) -> str:
    kind = words(row.get("planning-application-type")).lower()
    return PastKind.ENFORCEMENT if "enforcement" in kind else PastKind.APPLICATION


PLANNING_DATA = HistoryFormat(
    name="planning-data",
    description="planning.data.gov.uk's planning-application dataset (CSV with WKT, or GeoJSON)",
    fields=HistoryFields(
        reference="reference",
        address=lambda row: row.get("address-text") or row.get("name"),
        description="description",
        application_type="planning-application-type",
        decision=lambda row: row.get("planning-decision") or row.get("planning-decision-type"),
        decision_date="decision-date",
        received_date="start-date",
        uprn="uprn",
        source_id="entity",
        kind=_planning_data_kind,
    ),
    suffixes=(".csv", ".geojson", ".json"),
)


# --- the Planning London Datahub's record (its JSON, or GeoJSON with its property names) ---


def _datahub_address(row: Row) -> str:
    # site_name separates lines with \r (sometimes \n, with blanks between).
    parts = [part.strip() for part in re.split(r"[\r\n]+", str(row.get("site_name") or ""))]
    address = ", ".join(part for part in parts if part)
    if address:
        return address
    pieces = [row.get("site_number"), row.get("street_name"), row.get("postcode")]
    return ", ".join(words(piece) for piece in pieces if words(piece))


LONDON_DATAHUB = HistoryFormat(
    name="london-datahub",
    description="the Planning London Datahub's application record (JSON, or GeoJSON with the "
    "record's own property names)",
    fields=HistoryFields(
        reference="lpa_app_no",
        address=_datahub_address,
        description="description",
        application_type=lambda row: (
            row.get("application_type_full") or row.get("application_type")
        ),
        decision="decision",
        decision_date="decision_date",
        received_date="valid_date",
        appeal_decision="appeal_decision",
        uprn="uprn",
        source_id="id",
        date_format="%d/%m/%Y",
    ),
    suffixes=(".json", ".geojson"),
)

FORMATS: dict[str, HistoryFormat] = {f.name: f for f in (PLANNING_DATA, LONDON_DATAHUB)}
COUNCIL_GEOJSON = "council-geojson"
FORMAT_NAMES = (*FORMATS, COUNCIL_GEOJSON)


# --- a council's own GeoJSON, with a mapping file --------------------------------------------

MAPPING_COLUMNS = (
    "reference",
    "address",
    "description",
    "application_type",
    "decision",
    "decision_date",
    "received_date",
    "appeal_decision",
    "uprn",
    "source_id",
    "kind",
)


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the place."""


def council_format(path: Path) -> HistoryFormat:
    """A council GeoJSON's format from its mapping file (TOML; docs/planning-history.md):

    [columns]            # our field = the file's property name; only reference is required
    reference = "REF"
    decision = "DECISION"
    decision_date = "DEC_DATE"
    [dates]
    format = "%d/%m/%Y"  # optional: dates that are not ISO 8601
    [decisions]          # optional: the register's words -> ours
    "Approve with conditions" = "granted"
    [enforcement]        # optional: a column's value that marks an enforcement case
    column = "CASE_TYPE"
    values = ["Enforcement"]
    """
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise MappingError(f"{path.name}: {error}") from error
    unknown = set(data) - {"columns", "dates", "decisions", "enforcement"}
    if unknown:
        raise MappingError(f"{path.name}: unknown tables {', '.join(sorted(unknown))}")
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns.get("reference"):
        raise MappingError(f"{path.name} [columns]: reference is required (the file's column)")
    bad = set(columns) - set(MAPPING_COLUMNS)
    if bad:
        raise MappingError(
            f"{path.name} [columns]: unknown fields {', '.join(sorted(bad))}; "
            f"use {', '.join(MAPPING_COLUMNS)}"
        )
    if not all(isinstance(value, str) and value for value in columns.values()):
        raise MappingError(f"{path.name} [columns]: each value is the file's column name")
    decisions: dict[str, str] = {}
    for said, ours in (data.get("decisions") or {}).items():
        if ours not in PastDecision.values:
            raise MappingError(
                f"{path.name} [decisions]: {said!r} = {ours!r}; use one of "
                f"{', '.join(PastDecision.values)}"
            )
        decisions[words(said).lower()] = ours
    date_format = (data.get("dates") or {}).get("format")
    if date_format is not None and not isinstance(date_format, str):
        raise MappingError(f'{path.name} [dates]: format must be text, e.g. "%d/%m/%Y"')
    mapped: dict[str, Field] = dict(columns)
    enforcement = data.get("enforcement")
    if enforcement is not None:
        column, values = enforcement.get("column"), enforcement.get("values")
        if not isinstance(column, str) or not isinstance(values, list) or not values:
            raise MappingError(f"{path.name} [enforcement]: give column and a list of values")
        marks = {words(value).lower() for value in values}
        mapped["kind"] = lambda row: (
            PastKind.ENFORCEMENT
            if words(row.get(column)).lower() in marks
            else PastKind.APPLICATION
        )
    return HistoryFormat(
        name=COUNCIL_GEOJSON,
        description=f"a council's own GeoJSON, mapped by {path.name}",
        fields=HistoryFields(**mapped, date_format=date_format, decisions=decisions),
        suffixes=(".geojson", ".json"),
    )
