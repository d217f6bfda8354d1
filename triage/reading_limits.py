"""Where a document's text is not a good reading of its pages, said rather than guessed: a form
whose tick boxes were lost in its text (its questions are there, which box was ticked is not),
pages read from images by OCR. Each becomes a finding quoting an example, so the officer knows
which answers to read on the document itself. The engines never turn such a question into a
claim (triage.structure); this says what they could not read.

Pure: the document's pages in, finding drafts out; the same for every engine.
"""

from dataclasses import dataclass
from itertools import pairwise

from triage.extractors.base import DocumentInput
from triage.schemas import DocumentEvidence, FindingDraft
from triage.structure import Block, Role, document_blocks
from triage.vocabulary import READING_LIMITED, Strength

ENGINE = "check"
LOST_TICK_BOXES = "lost-tick-boxes"
OCR = "ocr"
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


def reading_limits(document: DocumentInput) -> list[ReadingLimit]:
    limits: list[ReadingLimit] = []
    unanswered = _unanswered_questions(document_blocks(document.pages))
    if unanswered:
        first = unanswered[0]
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
            engine=ENGINE,
            strength=Strength.CHECK,
            evidence=DocumentEvidence(document=document.key, page=limit.page, quote=limit.quote),
        )
        for limit in reading_limits(document)
    ]
