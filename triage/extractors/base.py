"""The one interface every extraction engine implements, and what all of them share: checking
each quote against its page, and merging duplicate findings."""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from triage.quotes import quote_on_page
from triage.schemas import FindingDraft
from triage.text import PageText


@dataclass(frozen=True)
class DocumentInput:
    """A document as an engine sees it. `key` is what findings cite (a database id as text, or a
    file name when evaluating a folder)."""

    key: str
    name: str
    pages: list[PageText]

    def page_text(self, number: int) -> str | None:
        for page in self.pages:
            if page.number == number:
                return page.text
        return None


@dataclass(frozen=True)
class ApplicationFacts:
    """What the engine may know about the application besides its documents. Spatial facts come
    from our own layers, never from documents."""

    reference: str
    application_type: str
    description: str
    spatial_facts: list[str] = field(default_factory=list)


@dataclass
class ExtractionResult:
    findings: list[FindingDraft] = field(default_factory=list)
    dropped_quotes: int = 0
    pages_read: int = 0


class TransientEngineError(Exception):
    """The engine could not run now but may later (model server down, a timeout): retry."""


class EngineError(Exception):
    """The engine ran and failed in a way retrying will not fix (e.g. invalid output)."""


class Extractor(ABC):
    name: str

    @abstractmethod
    def extract(
        self, application: ApplicationFacts, documents: list[DocumentInput]
    ) -> ExtractionResult: ...


def keep_verified(
    drafts: list[FindingDraft], documents: list[DocumentInput]
) -> tuple[list[FindingDraft], int]:
    """Findings whose quote is on the cited page of the cited document, and how many were not."""
    by_key = {document.key: document for document in documents}
    kept, dropped = [], 0
    for draft in drafts:
        evidence = draft.evidence
        if evidence is None:
            dropped += 1
            continue
        document = by_key.get(evidence.document)
        page_text = document.page_text(evidence.page) if document else None
        if page_text is not None and quote_on_page(evidence.quote, page_text):
            kept.append(draft)
        else:
            dropped += 1
    return kept, dropped


def merge_findings(drafts: list[FindingDraft]) -> list[FindingDraft]:
    """One finding per (code, value, document): the first seen (lowest page) keeps its evidence."""
    seen: dict[tuple[str, str, str], FindingDraft] = {}
    for draft in drafts:
        seen.setdefault(draft.key(), draft)
    return list(seen.values())


def get_extractor(name: str, **options) -> Extractor:
    if name == "rules":
        from triage.extractors.rules import RulesExtractor

        return RulesExtractor(**options)
    if name == "llm":
        from triage.extractors.llm import LLMExtractor

        return LLMExtractor(**options)
    raise ValueError(f"Unknown extraction engine {name!r}: use 'rules' or 'llm'.")
