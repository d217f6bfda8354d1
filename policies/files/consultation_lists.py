"""A consultation list as its file has it (docs/policy-files.md, "A consultation list"): the
national list of statutory and other consultees, or a council's own, a [list] table and
[[rule]] entries."""

from dataclasses import dataclass
from pathlib import Path

from geo.datasets import KNOWN_DATASETS
from policies.files.council_lists import (
    LIST_FIELDS,
    ListFormat,
    ParsedList,
    conditions_of,
    parse_list_file,
    row_fields,
)
from policies.files.reading import (
    SLUG,
    Period,
    PolicyFileError,
    flag_of,
    in_force_of,
    number_of,
    text_of,
    whole_number_of,
    words_of,
)
from policies.library import ConsultationRuleEntry


@dataclass(frozen=True)
class ParsedConsultations(ParsedList[ConsultationRuleEntry]):
    @property
    def rules(self) -> list[ConsultationRuleEntry]:
        return self.entries


def _rule(
    row: dict, where: str, key: str, list_name: str, list_in_force: Period
) -> ConsultationRuleEntry:
    consultee = text_of(row, "consultee", where, limit=60)
    if not SLUG.match(consultee):
        raise PolicyFileError(f"{where}: consultee must be lower-case letters, digits and hyphens")
    statutory = flag_of(row, "statutory", where)
    datasets = words_of(row, "datasets", where, KNOWN_DATASETS)
    within_m = number_of(row, "within_m", where)
    if within_m is not None and not datasets:
        raise PolicyFileError(f"{where}: within_m needs datasets to measure from")
    in_force_from, in_force_until = in_force_of(row, where, list_in_force)
    return ConsultationRuleEntry(
        key=key,
        consultee=consultee,
        consultee_name=text_of(row, "consultee_name", where, limit=200),
        reason=text_of(row, "reason", where, limit=500),
        list_name=list_name,
        legal_basis=text_of(row, "legal_basis", where, required=False, limit=300),
        statutory=statutory,
        **conditions_of(row, where),
        datasets=datasets,
        within_m=within_m,
        min_dwellings=whole_number_of(row, "min_dwellings", where),
        min_storeys=whole_number_of(row, "min_storeys", where),
        in_force_from=in_force_from,
        in_force_until=in_force_until,
    )


CONSULTATION_LIST = ListFormat(
    entry_table="rule",
    entry_fields=row_fields(ConsultationRuleEntry),
    read_entry=_rule,
    # The councils' sample lists say so (`sample = true`).
    list_fields=LIST_FIELDS | {"sample"},
)


def parse_consultations_file(path: Path) -> ParsedConsultations:
    """A consultation list: a [list] table (a council's ONS code, or none for the national
    list; optionally its dates) and [[rule]] entries."""
    return parse_list_file(path, CONSULTATION_LIST, ParsedConsultations)
