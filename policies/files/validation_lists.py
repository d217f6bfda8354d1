"""A validation list as its file has it (docs/policy-files.md, "A validation list"): the
national list or a council's local list, a [list] table and [[requirement]] entries."""

import re
from dataclasses import dataclass
from pathlib import Path

from policies.files.council_lists import (
    ListFormat,
    ParsedList,
    conditions_of,
    parse_list_file,
    row_fields,
)
from policies.files.reading import (
    Period,
    PolicyFileError,
    flag_of,
    in_force_of,
    number_of,
    text_of,
    words_of,
)
from policies.library import Requirement
from policies.vocabulary import EXEMPTIONS

_DOCUMENT = re.compile(r"^[a-z][a-z0-9_]{1,49}$")


@dataclass(frozen=True)
class ParsedRequirements(ParsedList[Requirement]):
    @property
    def requirements(self) -> list[Requirement]:
        return self.entries


def _requirement(
    row: dict, where: str, key: str, list_name: str, list_in_force: Period
) -> Requirement:
    document = text_of(row, "document", where, limit=50)
    if not _DOCUMENT.match(document):
        raise PolicyFileError(f"{where}: document must be like heritage_statement")
    # A fraction of a dwelling is dropped, not refused (a consultation rule refuses it).
    min_dwellings = number_of(row, "min_dwellings", where)
    text_anywhere = flag_of(row, "text_anywhere", where)
    in_form = flag_of(row, "part_of_application_form", where)
    in_force_from, in_force_until = in_force_of(row, where, list_in_force)
    return Requirement(
        key=key,
        document=document,
        title=text_of(row, "title", where, limit=200),
        reason=text_of(row, "reason", where, limit=500),
        list_name=list_name,
        source=text_of(row, "source", where, required=False, limit=200),
        **conditions_of(row, where),
        min_dwellings=int(min_dwellings) if min_dwellings is not None else None,
        document_types=words_of(row, "document_types", where),
        file_name_words=words_of(row, "file_name_words", where),
        text_words=words_of(row, "text_words", where),
        text_anywhere=text_anywhere,
        part_of_application_form=in_form,
        in_force_from=in_force_from,
        in_force_until=in_force_until,
        exemptions=words_of(row, "exemptions", where, EXEMPTIONS),
    )


VALIDATION_LIST = ListFormat(
    entry_table="requirement", entry_fields=row_fields(Requirement), read_entry=_requirement
)


def parse_requirements_file(path: Path) -> ParsedRequirements:
    """A validation list: a [list] table (a council's ONS code, or none for the national list;
    optionally the dates the list is in force, which its requirements take unless they set
    their own) and [[requirement]] entries."""
    return parse_list_file(path, VALIDATION_LIST, ParsedRequirements)
