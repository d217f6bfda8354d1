"""The verbs of consultation lists: load a list from its file (a council's administrator then
edits their own in the admin), and give triage the rules in force for a council as plain data
(policies.library.ConsultationRuleEntry). Shaped as validation lists are (policies.services)."""

import functools
from dataclasses import dataclass

from django.db import transaction

from planning.models import Council
from policies.consultation_files import (
    CONSULTATION_FILES,
    ParsedConsultations,
    parse_consultations_file,
)
from policies.library import ConsultationRuleEntry
from policies.models import ConsultationRule
from policies.services import NATIONAL_LIST, UnknownCouncil
from policies.signals import consultations_changed

COPIED = [
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
]


@dataclass
class ConsultationsSummary:
    name: str
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0

    def describe(self) -> str:
        return (
            f"{self.name}: {self.created} added, {self.updated} updated, "
            f"{self.removed} removed, {self.unchanged} unchanged"
        )


def _council(code: str) -> Council | None:
    if not code:
        return None
    council = Council.objects.filter(code=code).first()
    if council is None:
        raise UnknownCouncil(f"No council with the code {code}: create it first.")
    return council


def _as_field(value):
    return list(value) if isinstance(value, tuple) else value


@transaction.atomic
def load_consultation_rules(
    parsed: ParsedConsultations, *, source_file: str
) -> ConsultationsSummary:
    """Make the council's list (or the national one) hold what the file says. A rule the file
    no longer has is removed if it came from this file; rules added in the admin stay."""
    council = _council(parsed.council)
    summary = ConsultationsSummary(parsed.name)
    existing = {row.key: row for row in ConsultationRule.objects.filter(council=council).order_by()}
    for rule in parsed.rules:
        values = {name: _as_field(getattr(rule, name)) for name in COPIED}
        values |= {"loaded_from": source_file[:255], "active": True}
        row = existing.get(rule.key)
        if row is None:
            ConsultationRule.objects.create(council=council, key=rule.key, **values)
            summary.created += 1
        elif all(getattr(row, name) == value for name, value in values.items()):
            summary.unchanged += 1
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.save()
            summary.updated += 1
    gone = [
        row.pk
        for key, row in existing.items()
        if key not in parsed.keys and row.loaded_from == source_file[:255]
    ]
    summary.removed = ConsultationRule.objects.filter(pk__in=gone).delete()[0]
    if summary.created or summary.updated or summary.removed:
        announce_consultations_changed(council)
    return summary


def announce_consultations_changed(council: Council | None) -> None:
    transaction.on_commit(
        lambda: consultations_changed.send(sender=ConsultationRule, council=council)
    )


def _entry(row: ConsultationRule) -> ConsultationRuleEntry:
    list_name = (
        f"{row.council.name} consultation list" if row.council_id and row.council else NATIONAL_LIST
    )
    return ConsultationRuleEntry(
        key=row.key,
        list_name=list_name,
        **{name: _tuple(getattr(row, name)) for name in COPIED},
    )


def _tuple(value):
    return tuple(value) if isinstance(value, list) else value


@functools.cache
def bundled_national_rules() -> tuple[ConsultationRuleEntry, ...]:
    return tuple(parse_consultations_file(CONSULTATION_FILES[0]).rules)


def consultation_rules_for(council: Council | int | None) -> list[ConsultationRuleEntry]:
    """The active national rules and the council's own. Until a national list is loaded
    into the database (where it may be adjusted), the one shipped with the code applies, as
    for validation requirements; a council's own list applies once loaded or written."""
    council_id = council.pk if isinstance(council, Council) else council
    rows = (
        ConsultationRule.objects.filter(active=True)
        .select_related("council")
        .order_by("council_id", "consultee", "key")
    )
    if ConsultationRule.objects.filter(council__isnull=True).exists():
        national = [_entry(row) for row in rows.filter(council__isnull=True)]
    else:
        national = list(bundled_national_rules())
    local = [_entry(row) for row in rows.filter(council_id=council_id)] if council_id else []
    return national + local
