"""Policies, validation requirements and consultation rules as plain data, the way triage's
checks read them.

The checks are pure functions over these (tested without a database, and run by triage_eval
straight from the files); `policies.services` builds them from the database for a run.
"""

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PolicyEntry:
    """One policy as a run sees it. `id` is the database row (None when read from a file)."""

    framework: str  # the framework's slug: "nppf-2024", "southwark-plan-2022"
    citation: str  # "NPPF paragraph 212", "Southwark Plan 2022 policy P20 Conservation areas"
    reference: str
    text: str
    title: str = ""
    chapter: str = ""
    heading: str = ""
    topics: tuple[str, ...] = ()
    is_summary: bool = False
    conditions: dict = field(default_factory=dict, hash=False, compare=False)
    id: int | None = None

    @property
    def key(self) -> str:
        """What a conflict finding's value names: "nppf-2024:212"."""
        return f"{self.framework}:{self.reference}"[:64]


@dataclass(frozen=True)
class PolicyLibrary:
    """The national policies and one council's local ones, current versions only."""

    national: tuple[PolicyEntry, ...] = ()
    local: tuple[PolicyEntry, ...] = ()

    def paragraph(self, reference: str) -> PolicyEntry | None:
        """A national policy (an NPPF paragraph) by its reference."""
        for entry in self.national:
            if entry.reference == reference:
                return entry
        return None

    def local_for(self, topics: tuple[str, ...], limit: int = 1) -> list[PolicyEntry]:
        """The council's policies that govern any of these topics, most specific first (the
        one matching the first topic named), at most `limit`. Article 4 directions apart."""
        ranked: list[tuple[int, int, PolicyEntry]] = []
        for order, entry in enumerate(self.local):
            if entry.conditions.get("article_4"):
                continue
            matches = [topics.index(topic) for topic in entry.topics if topic in topics]
            if matches:
                ranked.append((min(matches), order, entry))
        return [entry for _, _, entry in sorted(ranked, key=lambda row: row[:2])][:limit]

    def local_references(self) -> frozenset[str]:
        """The references of the council's own policies ("L7", "P13"), as documents cite them:
        upper case, no spaces. Article 4 directions are not cited so."""
        return frozenset(
            entry.reference.upper().replace(" ", "")
            for entry in self.local
            if not entry.conditions.get("article_4")
        )

    def article_4_directions(self) -> list[PolicyEntry]:
        return [entry for entry in self.local if entry.conditions.get("article_4")]

    def __bool__(self) -> bool:
        return bool(self.national or self.local)


class InForce:
    """A row of a council's list (a requirement, a consultation rule) is in force from
    `in_force_from` (inclusive) until `in_force_until` (exclusive); either may be open. Triage
    asks whether it was in force on the day the application was received: the law and a
    council's list as they stood then."""

    in_force_from: datetime.date | None
    in_force_until: datetime.date | None

    def in_force_on(self, day: datetime.date) -> bool:
        if self.in_force_from is not None and day < self.in_force_from:
            return False
        return self.in_force_until is None or day < self.in_force_until


@dataclass(frozen=True)
class Requirement(InForce):
    """One validation requirement as the check reads it (policies.models.ValidationRequirement)."""

    key: str
    document: str
    title: str
    reason: str
    list_name: str  # "National list", "London Borough of Southwark local list"
    source: str = ""
    application_types: tuple[str, ...] = ()
    exclude_application_types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    proposal: tuple[str, ...] = ()
    min_site_area_m2: float | None = None
    min_dwellings: int | None = None
    min_floorspace_m2: float | None = None
    document_types: tuple[str, ...] = ()
    file_name_words: tuple[str, ...] = ()
    text_words: tuple[str, ...] = ()
    text_anywhere: bool = False
    # The application form carries this document (the ownership certificate is a part of
    # it): a document recognised as the application form meets the requirement.
    part_of_application_form: bool = False
    in_force_from: datetime.date | None = None
    in_force_until: datetime.date | None = None
    # Exemptions the law gives from this requirement (policies.vocabulary.EXEMPTIONS).
    exemptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConsultationRuleEntry(InForce):
    """One consultation rule as triage reads it (policies.models.ConsultationRule)."""

    key: str
    consultee: str
    consultee_name: str
    reason: str
    list_name: str  # "National list", "London Borough of Southwark consultation list"
    legal_basis: str = ""
    statutory: bool = False
    application_types: tuple[str, ...] = ()
    exclude_application_types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    constraints: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    within_m: float | None = None
    proposal: tuple[str, ...] = ()
    min_site_area_m2: float | None = None
    min_dwellings: int | None = None
    min_floorspace_m2: float | None = None
    min_storeys: int | None = None
    in_force_from: datetime.date | None = None
    in_force_until: datetime.date | None = None
