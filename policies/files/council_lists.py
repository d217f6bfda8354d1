"""A list each council keeps beside a national one, as its file has it (a validation list, a
consultation list; docs/policy-files.md).

The file is a [list] table (a council's ONS code, or none for the national list; the list's
name; optionally the dates it is in force, which its entries take unless they set their own)
and an array of entry tables, each with a key unique in the list. What sets one kind of list
apart is its `ListFormat`: the name of its entry tables, and how the rest of an entry is read.
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from policies.files.reading import (
    ONS_CODE,
    SLUG,
    Period,
    PolicyFileError,
    in_force_of,
    number_of,
    read_toml,
    sha256_of,
    text_of,
    unknown_fields,
    words_of,
)
from policies.vocabulary import CATEGORIES, CONSTRAINT_LABELS, PROPOSAL_FACTS

E = TypeVar("E")
LIST_FIELDS = frozenset({"council", "name", "in_force_from", "in_force_until"})

# How one kind of list reads an entry, once its key is read and checked:
# (the entry's table, where it is, its key, the list's name, the list's dates) -> the entry.
EntryReader = Callable[[dict, str, str, str, Period], E]


@dataclass(frozen=True)
class ListFormat(Generic[E]):
    # "requirement": the file's [[requirement]] tables, "requirement 3" in an error.
    entry_table: str
    # The fields an entry may have (row_fields).
    entry_fields: frozenset[str]
    read_entry: EntryReader[E]
    list_fields: frozenset[str] = LIST_FIELDS


@dataclass(frozen=True)
class ParsedList(Generic[E]):
    name: str
    entries: list[E]
    council: str = ""  # the council's ONS code; empty for the national list
    source_sha256: str = ""
    keys: list[str] = field(default_factory=list)


P = TypeVar("P", bound=ParsedList[Any])


def row_fields(entry_type: type) -> frozenset[str]:
    """The fields of an entry in a file: those of the plain data triage reads (a dataclass of
    policies.library), but the list's name, which is the list's own."""
    return frozenset(f.name for f in dataclasses.fields(entry_type)) - {"list_name"}


def parse_list_file(path: Path, kind: ListFormat[E], parsed_as: type[P]) -> P:
    """The list in the file, as `parsed_as` (a ParsedList that names its entries for its kind:
    `.requirements`, `.rules`). Refuses the whole file at the first thing it cannot read."""
    data = read_toml(path)
    meta = data.get("list")
    if not isinstance(meta, dict):
        raise PolicyFileError(f"{path.name}: the [list] table is missing")
    where = f"{path.name} [list]"
    unknown_fields(meta, kind.list_fields, where)
    list_in_force = in_force_of(meta, where, (None, None))
    council = text_of(meta, "council", where, required=False, limit=9)
    if council and not ONS_CODE.match(council):
        raise PolicyFileError(f"{where}: council must be an ONS code, e.g. E09000028")
    name = text_of(meta, "name", where, limit=200)
    rows = data.get(kind.entry_table)
    if not isinstance(rows, list) or not rows:
        raise PolicyFileError(f"{path.name}: no [[{kind.entry_table}]] entries")
    entries: list[E] = []
    keys: list[str] = []
    for number, row in enumerate(rows, start=1):
        where = f"{path.name} {kind.entry_table} {number}"
        unknown_fields(row, kind.entry_fields, where)
        key = text_of(row, "key", where, limit=80)
        if not SLUG.match(key):
            raise PolicyFileError(f"{where}: key must be lower-case letters, digits and hyphens")
        if key in keys:
            raise PolicyFileError(f"{where}: key {key} appears twice")
        keys.append(key)
        entries.append(kind.read_entry(row, where, key, name, list_in_force))
    return parsed_as(
        name=name, entries=entries, council=council, source_sha256=sha256_of(path), keys=keys
    )


def conditions_of(row: dict, where: str) -> dict[str, Any]:
    """The conditions an entry of either kind may set on when it applies (each kind reads
    `min_dwellings` its own way)."""
    return {
        "application_types": words_of(row, "application_types", where),
        "exclude_application_types": words_of(row, "exclude_application_types", where),
        "categories": words_of(row, "categories", where, CATEGORIES),
        "constraints": words_of(row, "constraints", where, CONSTRAINT_LABELS),
        "proposal": words_of(row, "proposal", where, PROPOSAL_FACTS),
        "min_site_area_m2": number_of(row, "min_site_area_m2", where),
        "min_floorspace_m2": number_of(row, "min_floorspace_m2", where),
    }
