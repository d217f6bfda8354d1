"""Policy frameworks: load one from its file, keeping every earlier version of a policy a
finding may cite, and give triage the current policies for a council as plain data
(policies.library).

A framework reload never edits a policy row: unchanged policies are left as they are, a changed
one is superseded by a new row, a removed one is superseded without a successor. Findings point
at rows, so each keeps the text it cited.
"""

import hashlib
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from planning.models import Council
from policies.files import ParsedFramework
from policies.library import PolicyEntry, PolicyLibrary
from policies.models import Policy, PolicyFramework
from policies.services.loading import council_named
from policies.signals import policies_changed


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
    council = council_named(parsed.council)
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


def local_plan_names(council: Council | int) -> list[str]:
    """The council's plans whose policies documents are read for (its library, Article 4
    directions apart), by name."""
    council_id = council.pk if isinstance(council, Council) else council
    names = (
        Policy.objects.filter(current=True, framework__council_id=council_id)
        .exclude(conditions__has_key="article_4")
        .values_list("framework__name", flat=True)
        .distinct()
    )
    return sorted(names)
