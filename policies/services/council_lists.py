"""The lists each council keeps beside a national one: validation requirements (NPPF para. 45)
and consultation rules. One machinery serves both kinds (`CouncilList`):

- a load from a file makes the council's list (or the national one) hold what the file says,
  in one transaction. A row the file no longer has is removed if an earlier load of the same
  file made it; rows added in the admin stay;
- every change, from a file or from the admin (policies.admin), is announced once committed,
  and triage re-runs the open applications the list concerns (it listens; policies does not
  know it);
- triage reads the active national rows and the council's own as plain data
  (policies.library). Until a national list is loaded into the database (where an
  administrator may adjust it), the one shipped with the code applies, as geo's dataset rules
  do; a council's own list applies only once loaded or written.
"""

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from django.db import transaction
from django.dispatch import Signal

from planning.models import Council
from policies.files import (
    CONSULTATION_FILES,
    VALIDATION_FILES,
    ParsedList,
    parse_consultations_file,
    parse_requirements_file,
)
from policies.files.council_lists import row_fields
from policies.library import ConsultationRuleEntry, Requirement
from policies.models import ConsultationRule, ValidationRequirement
from policies.services.loading import council_named, source_label
from policies.signals import consultations_changed, requirements_changed

NATIONAL_LIST = "National list"

E = TypeVar("E", Requirement, ConsultationRuleEntry)
ListRow = ValidationRequirement | ConsultationRule


@dataclass
class ListLoadSummary:
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


@dataclass(frozen=True)
class CouncilList(Generic[E]):
    """One kind of council list: its rows (`model`), the plain data triage reads of a row
    (`entry`, whose fields a file sets and the table stores alike), its files, and the signal
    that tells of a change (sent with the model and the council, None for the national list).
    """

    model: type[ListRow]
    entry: type[E]
    parse: Callable[[Path], ParsedList[E]]
    bundled_files: tuple[Path, ...]  # the national list first
    # What a council's list is called after the council's name: "local list".
    council_list_name: str
    changed: Signal

    @functools.cached_property
    def copied(self) -> list[str]:
        """The fields a load copies from the file to the row, and a run reads back: all of the
        entry's but the key (which finds the row) and the list's name (which is the list's)."""
        copied = row_fields(self.entry) - {"key"}
        return [f.name for f in dataclasses.fields(self.entry) if f.name in copied]

    @functools.cached_property
    def bundled_national(self) -> tuple[E, ...]:
        return tuple(self.parse(self.bundled_files[0]).entries)

    def load_file(self, path: Path) -> ListLoadSummary:
        return self.load(self.parse(path), source_file=source_label(path))

    @transaction.atomic
    def load(self, parsed: ParsedList[E], *, source_file: str) -> ListLoadSummary:
        """Make the council's list (or the national one) hold what the file says."""
        council = council_named(parsed.council)
        summary = ListLoadSummary(parsed.name)
        rows = self.model._default_manager
        existing = {row.key: row for row in rows.filter(council=council).order_by()}
        for entry in parsed.entries:
            values = {name: _as_field(getattr(entry, name)) for name in self.copied}
            values |= {"loaded_from": source_file[:255], "active": True}
            row = existing.get(entry.key)
            if row is None:
                rows.create(council=council, key=entry.key, **values)
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
        summary.removed = rows.filter(pk__in=gone).delete()[0]
        if summary.created or summary.updated or summary.removed:
            self.announce_changed(council)
        return summary

    def announce_changed(self, council: Council | None) -> None:
        transaction.on_commit(lambda: self.changed.send(sender=self.model, council=council))

    def for_council(self, council: Council | int | None) -> list[E]:
        """The active national rows and the council's own, each in the model's order (by
        document or consultee, then key)."""
        council_id = council.pk if isinstance(council, Council) else council
        rows = self.model._default_manager.filter(active=True).select_related("council")
        if self.model._default_manager.filter(council__isnull=True).exists():
            national = [self._entry(row) for row in rows.filter(council__isnull=True)]
        else:
            national = list(self.bundled_national)
        if not council_id:
            return national
        return national + [self._entry(row) for row in rows.filter(council_id=council_id)]

    def _entry(self, row: ListRow) -> E:
        council = row.council if row.council_id else None
        list_name = f"{council.name} {self.council_list_name}" if council else NATIONAL_LIST
        return self.entry(
            key=row.key,
            list_name=list_name,
            **{name: _tuple(getattr(row, name)) for name in self.copied},
        )


def _as_field(value):
    return list(value) if isinstance(value, tuple) else value


def _tuple(value):
    return tuple(value) if isinstance(value, list) else value


VALIDATION_LISTS = CouncilList(
    model=ValidationRequirement,
    entry=Requirement,
    parse=parse_requirements_file,
    bundled_files=tuple(VALIDATION_FILES),
    council_list_name="local list",
    changed=requirements_changed,
)
CONSULTATION_LISTS = CouncilList(
    model=ConsultationRule,
    entry=ConsultationRuleEntry,
    parse=parse_consultations_file,
    bundled_files=tuple(CONSULTATION_FILES),
    council_list_name="consultation list",
    changed=consultations_changed,
)


def requirements_for(council: Council | int | None) -> list[Requirement]:
    """The validation requirements an application to this council is checked against."""
    return VALIDATION_LISTS.for_council(council)


def consultation_rules_for(council: Council | int | None) -> list[ConsultationRuleEntry]:
    """The consultation rules an application to this council is read against."""
    return CONSULTATION_LISTS.for_council(council)
