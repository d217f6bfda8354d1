"""The rules engine: declarative specs (triage.extractors.specs, one per finding code) run over
the blocks of each document (triage.structure), with ConText-style scoping
(triage.extractors.context) deciding which mentions are claims about the site and the proposal.

It is the default engine and must do the whole job without a model server. Every finding quotes
the sentence (or the part of it) it came from, cut from the page text itself, so its evidence
always verifies.

Per document: the text becomes blocks; a block whose role or section cannot state a fact (a
form's question, a quotation, the planning history ...) is read only for the policies it cites;
each sentence of the other blocks is offered to every spec that reads such blocks; each code's
candidates are then settled into findings (a vote for constraints and yes/no facts, the best
ranked number, every policy).
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from triage.extractors.base import (
    ApplicationFacts,
    DocumentInput,
    DocumentReading,
    Extractor,
)
from triage.extractors.spans import Span, sentences
from triage.extractors.specs.blanking import blank
from triage.extractors.specs.forms import read_form_field, read_title
from triage.extractors.specs.kinds import building_kinds
from triage.extractors.specs.policies import NPPF_NAME
from triage.extractors.specs.reading import Candidate, DocumentFacts, Reader, Reading, Spec
from triage.extractors.specs.registry import SPECS, settle
from triage.finding_specs import label, proposed_codes
from triage.schemas import DocumentEvidence, FindingDraft
from triage.structure import Block, Role, document_blocks
from triage.vocabulary import FindingCode, Origin

ENGINE = "rules"

_STREET = (
    r"(?:Road|Street|Lane|Avenue|Square|Grove|Place|Terrace|Gardens|Crescent|Drive|Way|Close|Hill|"
    r"Park|Row|Walk|Mews|Green|Rise|Court|Yard)"
)
_SITE_ADDRESS = re.compile(
    r"\b(\d{1,4})[a-z]?(?:\s*(?:and|&|-)\s*(\d{1,4}))?,?\s+(?:[A-Za-z][\w']*\s+){1,3}"
    + _STREET
    + r"\b",
    re.IGNORECASE,
)
# A row of a list of policies ("P13 Design of places") looks like a heading.
_LIST_ROW = re.compile(r"[-\u2022 ]*[A-Z]{1,4}\d{1,3}[a-z]?\b")
# Where a document names its site: its first lines, as a title page or letter heading does.
SITE_HEADER_CHARS = 500


def site_kinds(description: str) -> frozenset[str]:
    """The kinds of building the description names, and the house: an extension's description
    names what is built, not the house it is added to. Empty when it names none (an
    advertisement), so that no subject is ruled out by its kind."""
    kinds = building_kinds(description)
    return kinds | {"house"} if kinds else frozenset()


def site_numbers(application: ApplicationFacts, document: DocumentInput) -> frozenset[str]:
    """House numbers of the application site ("14" in "14 Grove Lane"), so that "No. 14 is not
    listed" is read as a claim about the site and "Nos. 16-22 are listed" as one about others."""
    header = document.pages[0].text[:SITE_HEADER_CHARS] if document.pages else ""
    numbers: set[str] = set()
    for text in (header, application.description):
        for match in _SITE_ADDRESS.finditer(text):
            numbers.update(number for number in match.groups() if number)
    return frozenset(numbers)


class RulesExtractor(Extractor):
    name = ENGINE

    def __init__(self, gazetteer: dict[str, list[str]] | None = None):
        # {finding code: [designation names]}, longest first so "X Park" beats "X".
        self.gazetteer = {
            code: sorted(set(names), key=len, reverse=True)
            for code, names in (gazetteer or {}).items()
        }

    def read(self, application: ApplicationFacts, document: DocumentInput) -> DocumentReading:
        return DocumentReading(
            self.extract_document(document, application), pages=len(document.pages)
        )

    def extract_document(
        self, document: DocumentInput, application: ApplicationFacts | None = None
    ) -> list[FindingDraft]:
        facts = DocumentFacts(
            site_numbers=site_numbers(application, document) if application else frozenset(),
            mentions_nppf=any(NPPF_NAME.search(page.text) for page in document.pages),
            gazetteer=self.gazetteer,
            site_kinds=site_kinds(application.description if application else ""),
            header=(document.pages[0].text[:SITE_HEADER_CHARS] if document.pages else "")
            + " "
            + (application.description if application else ""),
            local_policies=application.local_policies if application else frozenset(),
            description=application.description if application else "",
        )
        candidates = list(self.candidates(document_blocks(document.pages), facts))
        proposed = proposed_codes(application.application_type if application else "")
        return [
            self._draft(document, candidate)
            for candidate in settle(candidates)
            if candidate.code in proposed
        ]

    def candidates(self, blocks: list[Block], facts: DocumentFacts) -> Iterable[Candidate]:
        order = 0
        lead_in = ""
        for block in blocks:
            previous: Span | None = None
            if block.role == Role.HEADING and not _LIST_ROW.match(block.text):
                lead_in = ""
            elif block.text.rstrip().endswith(":"):
                lead_in = block.text
            elif block.role not in (Role.LIST_ITEM, Role.TABLE_ROW) and len(block.text) > 80:
                lead_in = ""
            specs = [spec for spec in SPECS if spec.reads(block)]
            readers: list[tuple[Spec, Reader]]
            if block.role == Role.TITLE:
                specs_for_block = [spec for spec in SPECS if spec.title_claim]
                readers = [(spec, read_title) for spec in specs_for_block]
            elif block.role == Role.FIELD:
                readers = [(spec, read_form_field) for spec in SPECS if spec.form_field]
            else:
                readers = [(spec, spec.read) for spec in specs]
            if not readers:
                continue
            # A form's field is read whole: its label and its value are one statement.
            spans = (
                [Span(block.text, block.start)]
                if block.role == Role.FIELD
                else sentences(block.text, block.start)
            )
            for sentence in spans:
                order += 1
                # A line break inside a sentence is a space (same length: offsets hold), before
                # any name is blanked: "the Planning (Listed\nBuildings ...) Act" is still the Act.
                text = blank(sentence.text.replace("\n", " "))
                lowered = text.lower()
                reading = Reading(block, sentence, text, order, facts, previous, lead_in)
                for spec, read in readers:
                    if read is spec.read and not spec.may_read(text, lowered):
                        continue
                    yield from read(spec, reading)
                previous = sentence

    def _draft(self, document: DocumentInput, candidate: Candidate) -> FindingDraft:
        attributes = {k: v for k, v in candidate.attributes.items() if not k.startswith("_") and v}
        return FindingDraft(
            code=candidate.code,
            value=candidate.value,
            attributes=attributes,
            title=f"{document.name}: {label(candidate.code).lower()} = {candidate.value}",
            source="document",
            origin=Origin.RULES,
            engine=ENGINE,
            strength=candidate.strength,
            evidence=DocumentEvidence(
                document=document.key, page=candidate.page, quote=candidate.quote
            ),
        )


def gazetteer_from_layers(names: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Designation names from the loaded layers, keyed by the finding code they name. A layer's
    name often ends with the designation ("Camberwell Grove Conservation Area"): that tail is cut
    so the bare name matches too."""
    codes = {
        "conservation-area": (FindingCode.CONSERVATION_AREA, r"\s*conservation area$"),
        "article-4-direction-area": (FindingCode.ARTICLE_4, r"\s*article\s*4.*$"),
    }
    gazetteer: dict[str, list[str]] = defaultdict(list)
    for dataset, name in names:
        if dataset in codes and name:
            code, tail = codes[dataset]
            bare = re.sub(tail, "", name.strip(), flags=re.IGNORECASE).strip()
            if len(bare) >= 4:
                gazetteer[code].append(bare)
    return dict(gazetteer)
