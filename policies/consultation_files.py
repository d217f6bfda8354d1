"""Reading consultation lists (format: docs/policy-files.md, "A consultation list"): the
national list of statutory and other consultees, and each council's own. Pure parsing, like
policies.files, whose checks it shares."""

from dataclasses import dataclass, field
from pathlib import Path

from geo.datasets import KNOWN_DATASETS
from policies.files import (
    _ONS,
    _SLUG,
    DATA,
    PolicyFileError,
    _kinds,
    _number,
    _period,
    _text,
    _toml,
    _words,
    sha256_of,
)
from policies.library import ConsultationRuleEntry
from policies.vocabulary import CATEGORIES, PROPOSAL_FACTS

CONSULTATION_FILES = [
    DATA / "consultations-national.toml",
    DATA / "consultations-southwark.toml",
    DATA / "consultations-trafford.toml",
]
RULE_FIELDS = {
    "key",
    "consultee",
    "consultee_name",
    "reason",
    "legal_basis",
    "statutory",
    "application_types",
    "exclude_application_types",
    "categories",
    "constraints",
    "datasets",
    "within_m",
    "proposal",
    "min_site_area_m2",
    "min_dwellings",
    "min_floorspace_m2",
    "min_storeys",
    "in_force_from",
    "in_force_until",
}
LIST_FIELDS = {"council", "name", "in_force_from", "in_force_until", "sample"}


@dataclass(frozen=True)
class ParsedConsultations:
    name: str
    rules: list[ConsultationRuleEntry]
    council: str = ""
    source_sha256: str = ""
    keys: list[str] = field(default_factory=list)


def _whole(row: dict, name: str, where: str) -> int | None:
    value = _number(row, name, where)
    if value is not None and not value.is_integer():
        raise PolicyFileError(f"{where}: {name} must be a whole number")
    return int(value) if value is not None else None


def parse_consultations_file(path: Path) -> ParsedConsultations:
    """A consultation list: a [list] table (a council's ONS code, or none for the national
    list; optionally its dates) and [[rule]] entries."""
    data = _toml(path)
    meta = data.get("list")
    if not isinstance(meta, dict):
        raise PolicyFileError(f"{path.name}: the [list] table is missing")
    unknown_meta = set(meta) - LIST_FIELDS
    if unknown_meta:
        raise PolicyFileError(
            f"{path.name} [list]: unknown fields {', '.join(sorted(unknown_meta))}"
        )
    list_period = _period(meta, f"{path.name} [list]", (None, None))
    council = _text(meta, "council", f"{path.name} [list]", required=False, limit=9)
    if council and not _ONS.match(council):
        raise PolicyFileError(f"{path.name} [list]: council must be an ONS code, e.g. E09000028")
    name = _text(meta, "name", f"{path.name} [list]", limit=200)
    rows = data.get("rule")
    if not isinstance(rows, list) or not rows:
        raise PolicyFileError(f"{path.name}: no [[rule]] entries")
    rules, keys = [], []
    for number, row in enumerate(rows, start=1):
        where = f"{path.name} rule {number}"
        unknown = set(row) - RULE_FIELDS
        if unknown:
            raise PolicyFileError(f"{where}: unknown fields {', '.join(sorted(unknown))}")
        key = _text(row, "key", where, limit=80)
        if not _SLUG.match(key):
            raise PolicyFileError(f"{where}: key must be lower-case letters, digits and hyphens")
        if key in keys:
            raise PolicyFileError(f"{where}: key {key} appears twice")
        keys.append(key)
        consultee = _text(row, "consultee", where, limit=60)
        if not _SLUG.match(consultee):
            raise PolicyFileError(
                f"{where}: consultee must be lower-case letters, digits and hyphens"
            )
        statutory = row.get("statutory", False)
        if not isinstance(statutory, bool):
            raise PolicyFileError(f"{where}: statutory must be true or false")
        datasets = _words(row, "datasets", where, KNOWN_DATASETS)
        within_m = _number(row, "within_m", where)
        if within_m is not None and not datasets:
            raise PolicyFileError(f"{where}: within_m needs datasets to measure from")
        in_force_from, in_force_until = _period(row, where, list_period)
        rules.append(
            ConsultationRuleEntry(
                key=key,
                consultee=consultee,
                consultee_name=_text(row, "consultee_name", where, limit=200),
                reason=_text(row, "reason", where, limit=500),
                list_name=name,
                legal_basis=_text(row, "legal_basis", where, required=False, limit=300),
                statutory=statutory,
                application_types=_words(row, "application_types", where),
                exclude_application_types=_words(row, "exclude_application_types", where),
                categories=_words(row, "categories", where, CATEGORIES),
                constraints=_words(row, "constraints", where, _kinds()),
                datasets=datasets,
                within_m=within_m,
                proposal=_words(row, "proposal", where, PROPOSAL_FACTS),
                min_site_area_m2=_number(row, "min_site_area_m2", where),
                min_dwellings=_whole(row, "min_dwellings", where),
                min_floorspace_m2=_number(row, "min_floorspace_m2", where),
                min_storeys=_whole(row, "min_storeys", where),
                in_force_from=in_force_from,
                in_force_until=in_force_until,
            )
        )
    return ParsedConsultations(
        name=name, rules=rules, council=council, source_sha256=sha256_of(path), keys=keys
    )
