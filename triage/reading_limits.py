"""Where a document's text is not a good reading of its pages, said rather than guessed: a form
whose tick boxes were lost in its text (its questions are there, which box was ticked is not),
pages read from images by OCR. Each becomes a finding quoting an example, so the officer knows
which answers to read on the document itself. The engines never turn such a question into a
claim (triage.structure); this says what they could not read.

Pure: the document's pages in, finding drafts out; the same for every engine.
"""

import re
from dataclasses import dataclass
from itertools import pairwise

from triage.extractors.base import DocumentInput, UnreadPart
from triage.schemas import DocumentEvidence, FindingDraft
from triage.structure import Block, Role, document_blocks
from triage.vocabulary import READING_LIMITED, Origin, Strength

ENGINE = "check"
LOST_TICK_BOXES = "lost-tick-boxes"
FLATTENED_TABLE = "flattened-table"
OCR = "ocr"
MODEL_UNREAD = "model-unread"
# A designations table run into one line of text: its cells' labels with no sentence between
# them ("Conservation Area Elm Road Statutory Listed Buildings in None vicinity").
_DESIGNATION = re.compile(
    r"\b(?:conservation area|listed buildings?|tree preservation orders?|flood zone|green belt|"
    r"article 4)\b",
    re.I,
)
_SENTENCE = re.compile(
    r"\b(?:is|are|was|were|lies|lie|sits|falls|has|have|will|would|should|can|does|do)\b"
    r"|[.;?:]\s*$",
    re.I,
)
MIN_FLATTENED_WORDS = 8
_WORKS = re.compile(r"\b(?:trees?|demoli\w*|change of use|basement|dwellings?|flood)", re.I)
QUOTE_CHARS = 300


@dataclass(frozen=True)
class ReadingLimit:
    kind: str
    title: str
    detail: str
    page: int
    quote: str


def _pages_in_words(pages: list[int]) -> str:
    """[2, 3, 4, 7] -> "pages 2-4 and 7"."""
    runs: list[tuple[int, int]] = []
    for page in sorted(pages):
        if runs and page == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], page)
        else:
            runs.append((page, page))
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in runs]
    words = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return ("page " if len(pages) == 1 else "pages ") + words


def _unanswered_questions(blocks: list[Block]) -> list[Block]:
    """A form's questions followed by their options with no answer known chosen."""
    return [
        question
        for question, options in pairwise(blocks)
        if question.role == Role.QUESTION and options.role == Role.TICK_BOXES
    ]


def _flattened_tables(blocks: list[Block]) -> list[Block]:
    """Rows of a designations table run together into a line: designations named among other
    cells' labels, with no sentence."""
    return [
        block
        for block in blocks
        if block.role in (Role.PARAGRAPH, Role.TABLE_ROW, Role.ANSWER)
        and len(block.text.split()) >= MIN_FLATTENED_WORDS
        and len(_DESIGNATION.findall(block.text)) >= 2
        and not _SENTENCE.search(block.text)
    ]


def reading_limits(document: DocumentInput) -> list[ReadingLimit]:
    limits: list[ReadingLimit] = []
    blocks = document_blocks(document.pages)
    unanswered = _unanswered_questions(blocks)
    if unanswered:
        # The example quoted is a question triage would have read, where there is one.
        telling = [q for q in unanswered if _DESIGNATION.search(q.text) or _WORKS.search(q.text)]
        first = (telling or unanswered)[0]
        count = len(unanswered)
        limits.append(
            ReadingLimit(
                LOST_TICK_BOXES,
                f"{document.name}: the answers to {count} of the form's questions are lost in "
                "its text",
                f"The text of this form keeps its questions and their options but not which box "
                f"was ticked, so {count} answer{'s' if count != 1 else ''} could not be read "
                "and none was guessed. Read them on the form itself.",
                first.page,
                first.text[:QUOTE_CHARS].strip(),
            )
        )
    flattened = _flattened_tables(blocks)
    if flattened:
        first = flattened[0]
        limits.append(
            ReadingLimit(
                FLATTENED_TABLE,
                f"{document.name}: a table of designations came through as one line of text",
                "The table's cells were run together, so which value belongs to which heading "
                "was read from their order: check what it says about the site against the table "
                "on the page.",
                first.page,
                first.text[:QUOTE_CHARS].strip(),
            )
        )
    scanned = [page for page in document.pages if page.ocr and page.text.strip()]
    if scanned:
        where = _pages_in_words([page.number for page in scanned])
        first_text = scanned[0].text.strip().split("\n")[0][:QUOTE_CHARS].strip()
        limits.append(
            ReadingLimit(
                OCR,
                f"{document.name}: {where} read from images by OCR",
                f"{where[0].upper()}{where[1:]} had no text of their own and were read by OCR: "
                "words may be misread and small print, tables and handwriting missed. Findings "
                "quoted from them are worth checking against the page.",
                scanned[0].number,
                first_text,
            )
        )
    return [limit for limit in limits if limit.quote]


def limit_findings(document: DocumentInput) -> list[FindingDraft]:
    return [
        FindingDraft(
            code=READING_LIMITED,
            value=limit.kind,
            title=limit.title[:300],
            detail=limit.detail[:2000],
            source="check",
            origin=Origin.CHECK,
            engine=ENGINE,
            strength=Strength.CHECK,
            evidence=DocumentEvidence(document=document.key, page=limit.page, quote=limit.quote),
        )
        for limit in reading_limits(document)
    ]


def unread_findings(unread: list[UnreadPart], documents: list[DocumentInput]) -> list[FindingDraft]:
    """The parts of documents the engine could not read (the model answered them badly twice),
    one finding per document, quoting where the first such part starts."""
    names = {document.key: document.name for document in documents}
    by_document: dict[str, list[UnreadPart]] = {}
    for part in unread:
        if part.quote:
            by_document.setdefault(part.document, []).append(part)
    drafts = []
    for key, parts in by_document.items():
        where = _pages_in_words(sorted({page for part in parts for page in part.pages}))
        first = parts[0]
        drafts.append(
            FindingDraft(
                code=READING_LIMITED,
                value=MODEL_UNREAD,
                title=f"{names.get(key, key)}: {where} not read by the model"[:300],
                detail=(
                    f"The model could not give a usable reading of {where}, so nothing was "
                    f"found there: read {'it' if len(parts) == 1 else 'them'} on the document "
                    f"itself. Why: {first.reason}"
                )[:2000],
                source="check",
                origin=Origin.CHECK,
                engine=ENGINE,
                strength=Strength.CHECK,
                evidence=DocumentEvidence(document=key, page=first.pages[0], quote=first.quote),
            )
        )
    return drafts
