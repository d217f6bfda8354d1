"""The one interface every extraction engine implements, and what all of them share: checking
each quote against its page, and merging duplicate findings."""

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field

from policies.library import PolicyEntry
from triage.model_usage import ModelUsage
from triage.quotes import normalise, quote_on_page
from triage.schemas import FindingDraft
from triage.structure import Block
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
    # References of the council's local policies (its policy library): see read_local_policy.
    local_policies: frozenset[str] = frozenset()


@dataclass(frozen=True)
class UnreadPart:
    """A part of a document the engine could not read (the model answered it badly twice, or
    it would not fit the model's context even alone): said on the run and on the application
    page, never guessed at. `quote` is where the part starts, verbatim from `page`."""

    document: str
    pages: tuple[int, ...]
    quote: str
    reason: str

    def as_dict(self) -> dict:
        return {
            "document": self.document,
            "pages": list(self.pages),
            "quote": self.quote,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "UnreadPart":
        return cls(data["document"], tuple(data["pages"]), data["quote"], data["reason"])


@dataclass
class ExtractionResult:
    findings: list[FindingDraft] = field(default_factory=list)
    dropped_quotes: int = 0
    pages_read: int = 0
    # Verified findings quoted from a block that cannot state them (keep_in_scope).
    out_of_scope: int = 0
    unread: list[UnreadPart] = field(default_factory=list)
    # What asking the model cost (nothing, for the rules engine).
    usage: ModelUsage = field(default_factory=ModelUsage)


@dataclass
class DocumentReading:
    """What an engine read in one document, before the checks that look at every document:
    its candidate findings, the answers it threw away as invalid, the pages it read, the parts
    it could not read and what the reading cost. A run keeps each document's reading as it
    goes, so an attempt that takes over resumes there."""

    drafts: list[FindingDraft] = field(default_factory=list)
    invalid: int = 0
    pages: int = 0
    unread: list[UnreadPart] = field(default_factory=list)
    usage: ModelUsage = field(default_factory=ModelUsage)


class TransientEngineError(Exception):
    """The engine could not run now but may later (model server down, a timeout): retry."""


class EngineError(Exception):
    """The engine ran and failed in a way retrying will not fix (e.g. invalid output)."""


class Extractor(ABC):
    name: str

    def extract(
        self, application: ApplicationFacts, documents: list[DocumentInput]
    ) -> ExtractionResult:
        """Read every document, then keep what holds up across them."""
        readings = {doc.key: reading for doc, reading in self.read_many(application, documents)}
        return self.combine(documents, [readings[document.key] for document in documents])

    @abstractmethod
    def read(self, application: ApplicationFacts, document: DocumentInput) -> DocumentReading:
        """One document's candidate findings; nothing here may depend on another document."""

    def read_many(
        self, application: ApplicationFacts, documents: list[DocumentInput]
    ) -> Iterator[tuple[DocumentInput, DocumentReading]]:
        """Each document with its reading, as soon as it is read (in any order). One after
        another here; an engine that waits on a server reads several at once."""
        for document in documents:
            yield document, self.read(application, document)

    def combine(
        self, documents: list[DocumentInput], readings: list[DocumentReading]
    ) -> ExtractionResult:
        """The findings whose quotes are on their pages and that the engine keeps in scope,
        one per (code, value, document)."""
        drafts = [draft for reading in readings for draft in reading.drafts]
        kept, dropped = keep_verified(drafts, documents)
        in_scope, out_of_scope = self.in_scope(kept, documents)
        return ExtractionResult(
            merge_findings(in_scope),
            dropped_quotes=dropped + sum(reading.invalid for reading in readings),
            out_of_scope=out_of_scope,
            pages_read=sum(reading.pages for reading in readings),
            unread=[part for reading in readings for part in reading.unread],
            usage=sum((reading.usage for reading in readings), ModelUsage()),
        )

    def in_scope(
        self, drafts: list[FindingDraft], documents: list[DocumentInput]
    ) -> tuple[list[FindingDraft], int]:
        """The verified drafts this engine keeps, and how many it drops: all of them, unless
        an engine can quote from where a claim is not made (keep_in_scope)."""
        return drafts, 0

    def check_conflicts(
        self,
        application: ApplicationFacts,
        documents: list[DocumentInput],
        findings: list[FindingDraft],
        policies: list[PolicyEntry],
    ) -> ExtractionResult:
        """The engine's own judgement of the proposal against the policies the conflict rules
        selected (triage.policy_conflicts). The rules engine has none beyond the rules."""
        return ExtractionResult()


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


# How much of a quote must be found in one block to place it there (a quote may run on into the
# next block when a paragraph was split).
QUOTE_HEAD_CHARS = 40


def keep_in_scope(
    drafts: list[FindingDraft], blocks_by_document: dict[str, list[Block]]
) -> tuple[list[FindingDraft], int]:
    """Findings quoted from a block that can state them, and how many were not: a claim quoted
    from a form's question, a quotation of policy, the planning history or the methodology (or
    from a running header) is not a finding about this application, whatever an engine says.
    Drafts without document evidence (spatial facts, checks) pass untouched."""
    normalised: dict[str, list[tuple[Block, str]]] = {
        key: [(block, normalise(block.text)) for block in blocks]
        for key, blocks in blocks_by_document.items()
    }
    kept, dropped = [], 0
    for draft in drafts:
        evidence = draft.evidence
        if evidence is None or evidence.document not in normalised:
            kept.append(draft)
            continue
        quote = normalise(evidence.quote)
        on_page = [
            (b, text) for b, text in normalised[evidence.document] if b.page == evidence.page
        ]
        holding = [b for b, text in on_page if quote in text] or [
            b for b, text in on_page if quote[:QUOTE_HEAD_CHARS] in text
        ]
        if any(block.may_state(draft.code) for block in holding):
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
