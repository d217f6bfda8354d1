"""What a spec is, what it reads (one sentence of a block, with what is known of the whole
document) and what it yields (candidates, settled later into findings)."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from triage.extractors.context import ContextRule, Modifier
from triage.extractors.spans import Span, clauses
from triage.structure import Block, Role, Section
from triage.vocabulary import FindingCode, Strength


@dataclass(frozen=True)
class Candidate:
    code: FindingCode
    value: str
    page: int
    quote: str
    attributes: dict
    order: int

    @property
    def rank(self) -> int:
        return int(self.attributes.get("_rank", 0))

    @property
    def strength(self) -> Strength:
        return Strength(self.attributes.get("_strength", Strength.DIRECT))


@dataclass(frozen=True)
class DocumentFacts:
    """What a spec may know about the whole document while reading one sentence."""

    site_numbers: frozenset[str]  # house numbers of the site ("14" for "14 Grove Lane")
    mentions_nppf: bool
    gazetteer: dict[str, list[str]]
    # Kinds of building the application is about ("barn" for a barn conversion): a subject
    # naming another kind ("the farmhouse ... is grade II listed") is another building.
    site_kinds: frozenset[str] = frozenset()
    # The document's opening lines, where it names its site ("Rose Cottage, 7 Woodhouse Lane").
    header: str = ""
    # References of the policies in the council's library ("L7", "P13"): a code the library
    # holds is a policy wherever policies are discussed; any other must stand in a citation.
    local_policies: frozenset[str] = frozenset()
    # The description of development, as the application gives it.
    description: str = ""


# The words that put a fact forward as the proposal's.
_PROPOSING = re.compile(
    r"\b(?:propos\w*|will|would|new|erect\w*|to be|is to|are to|replacement|application for|"
    r"seeks?|seeking|planning permission for)\b",
    re.I,
)


@dataclass(frozen=True)
class Reading:
    """One sentence of a block, as a spec reads it. `text` has the names of laws and documents
    and quoted passages blanked out (same length), so a trigger inside them is not seen; quotes
    are still cut from `sentence`, the page's own text."""

    block: Block
    sentence: Span
    text: str
    order: int
    facts: DocumentFacts
    previous: Span | None = None  # the sentence before, in the same block
    lead_in: str = ""  # the paragraph that introduced this list ("The policies are:")

    @property
    def previous_text(self) -> str:
        return self.previous.text if self.previous else ""

    @cached_property
    def plain(self) -> str:
        """The sentence with its line breaks as spaces (same length): PDF text breaks lines
        inside names ("National Planning\nPolicy Framework")."""
        return self.sentence.text.replace("\n", " ")

    def candidate(
        self, code: FindingCode, value: object, start: int, end: int, **attributes
    ) -> Candidate:
        """A candidate quoted from this sentence. Its evidence is the form's own when read from
        a form's title, field or answer, else a direct statement, unless the reader says it is
        indirect (`_strength`)."""
        attributes.setdefault("_strength", self.default_strength(code))
        return Candidate(
            code,
            str(value),
            self.block.page,
            self.sentence.quote_around(start, end),
            attributes,
            self.order,
        )

    def default_strength(self, code: FindingCode) -> Strength:
        """The form's own words; else a direct statement, except a fact about the proposal
        said outside the document's account of the proposal and without the words that
        propose it ("will", "proposed", "new"): measured on real documents, those are the
        proposal facts most often wrong."""
        block = self.block
        if block.section == Section.FORM and block.role in (Role.TITLE, Role.FIELD, Role.ANSWER):
            return Strength.FORM
        if (
            code.startswith("proposal.")
            and block.section != Section.PROPOSAL
            and not _PROPOSING.search(self.text)
        ):
            return Strength.INDIRECT
        return Strength.DIRECT

    @cached_property
    def clause_readings(self) -> list[tuple[Span, str]]:
        """Each clause with its blanked text."""
        out = []
        for clause in clauses(self.sentence):
            offset = clause.start - self.sentence.start
            out.append((clause, self.text[offset : offset + len(clause.text)]))
        return out


Reader = Callable[["Spec", Reading], list[Candidate]]
Settler = Callable[[list[Candidate]], list[Candidate]]


@dataclass(frozen=True)
class Spec:
    code: FindingCode
    trigger: re.Pattern[str]  # what a mention looks like
    read: Reader  # the value parser
    settle: Settler  # many candidates in one document into its findings
    scope: tuple[ContextRule, ...] = ()  # ConText rules for this code
    voided_by: frozenset[Modifier] = frozenset()  # a mention so modified says nothing
    # Declarative extras read by the shared parsers.
    name_before: re.Pattern[str] | None = None  # "<Name> Conservation Area"
    table_label: re.Pattern[str] | None = None  # "Conservation area: Dulwich Village"
    title_claim: tuple[re.Pattern[str], str] | None = None  # a form title's consent type
    form_field: re.Pattern[str] | None = None  # "Total net gain ... units\n5"
    # A sentence without any of these words cannot hold a mention: skipped cheaply, first by
    # plain substrings of the lower-cased text, then by the pattern.
    keywords: tuple[str, ...] = ()
    prefilter: re.Pattern[str] | None = None
    options: dict = field(default_factory=dict)

    def reads(self, block: Block) -> bool:
        """Which blocks can state this fact: one rule for both engines (Block.may_state)."""
        return block.may_state(self.code)

    def may_read(self, text: str, lowered: str = "") -> bool:
        if self.keywords and not any(word in lowered for word in self.keywords):
            return False
        return bool((self.prefilter or self.trigger).search(text))
