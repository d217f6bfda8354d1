"""The verbs of the policies app: load a framework or a validation list from its file, and give
triage the current policies and requirements for a council as plain data (policies.library).

A framework reload never edits a policy row: unchanged policies are left as they are, a changed
one is superseded by a new row, a removed one is superseded without a successor. Findings point
at rows, so each keeps the text it cited.
"""

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from planning.models import Council
from policies.files import (
    VALIDATION_FILES,
    ParsedFramework,
    ParsedRequirements,
    parse_requirements_file,
)
from policies.library import PolicyEntry, PolicyLibrary, Requirement
from policies.models import Policy, PolicyFramework, ValidationRequirement
from policies.signals import policies_changed, requirements_changed

NATIONAL_LIST = "National list"
NATIONAL_VALIDATION_FILE = VALIDATION_FILES[0]


class UnknownCouncil(ValueError):
    """A file names a council that is not in the database."""


@dataclass
class LoadSummary:
    name: str
    version: int
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def describe(self) -> str:
        if not self.changed_anything:
            return f"{self.name}: unchanged ({self.unchanged} policies, version {self.version})"
        parts = [
            f"{len(self.added)} added" if self.added else "",
            f"{len(self.changed)} changed" if self.changed else "",
            f"{len(self.removed)} removed" if self.removed else "",
            f"{self.unchanged} unchanged" if self.unchanged else "",
        ]
        return f"{self.name}: version {self.version}, " + ", ".join(p for p in parts if p)


def _council(code: str) -> Council | None:
    if not code:
        return None
    council = Council.objects.filter(code=code).first()
    if council is None:
        raise UnknownCouncil(f"No council with the code {code}: create it first.")
    return council


def _digest(entry: PolicyEntry) -> str:
    """What makes two loads of a policy the same: everything a finding shows or a rule reads."""
    parts = [
        entry.title,
        entry.chapter,
        entry.heading,
        entry.text,
        "summary" if entry.is_summary else "text",
        ",".join(entry.topics),
        repr(sorted(entry.conditions.items())),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@transaction.atomic
def load_framework(parsed: ParsedFramework, *, source_file: str = "") -> LoadSummary:
    """Load a framework's policies, keeping every earlier version a finding may cite."""
    council = _council(parsed.council)
    framework, _ = PolicyFramework.objects.select_for_update().get_or_create(
        council=council, slug=parsed.slug, defaults={"name": parsed.name}
    )
    current = {policy.reference: policy for policy in framework.policies.filter(current=True)}
    incoming = {entry.reference: entry for entry in parsed.policies}
    summary = LoadSummary(parsed.name, framework.version)
    now = timezone.now()
    new_version = framework.version + 1
    superseded: list[int] = []
    rows: list[Policy] = []
    for reference, entry in incoming.items():
        digest = _digest(entry)
        existing = current.get(reference)
        if existing is not None and existing.text_sha256 == digest:
            summary.unchanged += 1
            continue
        if existing is not None:
            superseded.append(existing.pk)
            summary.changed.append(reference)
        else:
            summary.added.append(reference)
        rows.append(
            Policy(
                framework=framework,
                reference=reference,
                title=entry.title[:300],
                chapter=entry.chapter[:200],
                heading=entry.heading[:200],
                text=entry.text,
                is_summary=entry.is_summary,
                topics=list(entry.topics),
                conditions=entry.conditions,
                text_sha256=digest,
                version=new_version,
            )
        )
    for reference, existing in current.items():
        if reference not in incoming:
            superseded.append(existing.pk)
            summary.removed.append(reference)
    # Supersede first: one current row per reference, enforced by the database.
    Policy.objects.filter(pk__in=superseded).update(current=False, superseded_at=now)
    added = Policy.objects.bulk_create(rows)
    framework.name = parsed.name
    framework.citation = parsed.citation
    framework.licence = parsed.licence
    framework.note = parsed.note
    framework.source_file = source_file[:255]
    framework.source_sha256 = parsed.source_sha256
    framework.loaded_at = now
    if summary.changed_anything:
        framework.version = new_version
    framework.save()
    summary.version = framework.version
    if summary.changed_anything:
        added_ids = [row.pk for row in added]
        transaction.on_commit(
            lambda: policies_changed.send(
                sender=PolicyFramework, framework=framework, superseded=superseded, added=added_ids
            )
        )
    return summary


@dataclass
class RequirementsSummary:
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


REQUIREMENT_COPIED = [
    "document",
    "title",
    "reason",
    "source",
    "application_types",
    "exclude_application_types",
    "categories",
    "constraints",
    "proposal",
    "min_site_area_m2",
    "min_dwellings",
    "min_floorspace_m2",
    "document_types",
    "file_name_words",
    "text_words",
    "text_anywhere",
    "part_of_application_form",
    "in_force_from",
    "in_force_until",
    "exemptions",
]


def _as_field(value):
    return list(value) if isinstance(value, tuple) else value


@transaction.atomic
def load_requirements(parsed: ParsedRequirements, *, source_file: str) -> RequirementsSummary:
    """Make the council's list (or the national one) hold what the file says. A requirement the
    file no longer has is removed if it came from this file; those added in the admin stay."""
    council = _council(parsed.council)
    summary = RequirementsSummary(parsed.name)
    existing = {
        row.key: row for row in ValidationRequirement.objects.filter(council=council).order_by()
    }
    for requirement in parsed.requirements:
        values = {name: _as_field(getattr(requirement, name)) for name in REQUIREMENT_COPIED}
        values |= {"loaded_from": source_file[:255], "active": True}
        row = existing.get(requirement.key)
        if row is None:
            ValidationRequirement.objects.create(council=council, key=requirement.key, **values)
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
    summary.removed = ValidationRequirement.objects.filter(pk__in=gone).delete()[0]
    if summary.created or summary.updated or summary.removed:
        announce_requirements_changed(council)
    return summary


def announce_requirements_changed(council: Council | None) -> None:
    transaction.on_commit(
        lambda: requirements_changed.send(sender=ValidationRequirement, council=council)
    )


# --- What triage reads ----------------------------------------------------------------------


def _entry(policy: Policy) -> PolicyEntry:
    return PolicyEntry(
        framework=policy.framework.slug,
        citation=policy.citation_text,
        reference=policy.reference,
        text=policy.text,
        title=policy.title,
        chapter=policy.chapter,
        heading=policy.heading,
        topics=tuple(policy.topics),
        is_summary=policy.is_summary,
        conditions=policy.conditions,
        id=policy.pk,
    )


def library_for(council: Council | int | None) -> PolicyLibrary:
    """The current national policies and the council's own."""
    council_id = council.pk if isinstance(council, Council) else council
    rows = Policy.objects.filter(current=True).select_related("framework").order_by("pk")
    national = [_entry(p) for p in rows.filter(framework__council__isnull=True)]
    local = [_entry(p) for p in rows.filter(framework__council_id=council_id)] if council_id else []
    return PolicyLibrary(national=tuple(national), local=tuple(local))


def _requirement(row: ValidationRequirement) -> Requirement:
    list_name = (
        f"{row.council.name} local list" if row.council_id and row.council else NATIONAL_LIST
    )
    return Requirement(
        key=row.key,
        list_name=list_name,
        **{name: _tuple(getattr(row, name)) for name in REQUIREMENT_COPIED},
    )


def _tuple(value):
    return tuple(value) if isinstance(value, list) else value


@functools.cache
def bundled_national_list() -> tuple[Requirement, ...]:
    return tuple(parse_requirements_file(NATIONAL_VALIDATION_FILE).requirements)


def requirements_for(council: Council | int | None) -> list[Requirement]:
    """The active national requirements and the council's local ones.

    The national list is the law, the same for every council: until one is loaded into the
    database (where an administrator may adjust it), the one shipped with the code applies,
    as geo's dataset rules do. A council's local list applies only once loaded or written."""
    council_id = council.pk if isinstance(council, Council) else council
    rows = (
        ValidationRequirement.objects.filter(active=True)
        .select_related("council")
        .order_by("council_id", "document", "key")
    )
    if ValidationRequirement.objects.filter(council__isnull=True).exists():
        national = [_requirement(row) for row in rows.filter(council__isnull=True)]
    else:
        national = list(bundled_national_list())
    local = [_requirement(row) for row in rows.filter(council_id=council_id)] if council_id else []
    return national + local


def source_label(path: Path) -> str:
    """How a loaded file is recorded: its name, not where it happened to be on disk."""
    return path.name
