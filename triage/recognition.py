"""What a document is, for the validation check: recognised by what it says it is, not by its
first lines alone.

A document is the one a requirement asks for when
- the portal sent it as that type, or its file name says so ("HERITAGE_DESIGN_AND_ACCESS_
  STATEMENT" is both a heritage statement and a design and access statement), unless its own
  text says it is not one ("We do not consider there is a need for a Design and Access
  Statement" on a letter filed as one);
- its title or a heading anywhere in it names the document ("Design, Access and Heritage
  Statement"; a planning statement's section "Design and Access"), or it says what it is
  ("This planning statement incorporates a design and access statement"): a combined document
  meets every requirement it covers;
- the requirement's words are anywhere in its text, for the few requirements that say so (the
  ownership certificate inside a form);
- it is the application form, for a requirement the form carries (the ownership certificate).

Words match in order, with a few others between them ("design, access and heritage
statement" names a design and access statement), and as whole words ("fra" is no fragment).
Pure: no database.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property

from policies.library import Requirement
from triage.structure import Role, document_blocks
from triage.text import PageText

# How a document was recognised. The officer is shown the strongest way one document was: what
# it says it is (its title, or a sentence saying so), then the requirement's words in its text
# (a certificate inside the form), the application form's own marks, the type the portal sent
# and its file name, and last a heading inside another document (a section of a combined one).
TITLE, STATED, TEXT, FORM, TYPE, FILE_NAME, HEADING, EXEMPTION, SUBMISSION = (
    "title",
    "stated",
    "text",
    "application-form",
    "type",
    "file-name",
    "heading",
    "exemption-stated",
    "submission",
)
STRENGTH = (TITLE, STATED, TEXT, FORM, TYPE, FILE_NAME, HEADING, EXEMPTION, SUBMISSION)
# The first headings of the first page are the document's title.
TITLE_HEADINGS = 2

# Words that join others in a document's name and say nothing of what it is ("Text" too: some
# councils' text extractions start every line with "Text:").
_JOINING = frozenset({"and", "of", "the", "a", "an", "for", "to", "in", "on", "with", "text"})
MAX_GAP = 3  # other words allowed between two words of a phrase
# A title or heading: longer lines are sentences, whatever their capitals.
MAX_HEADING_CHARS = 150
_NEGATION = frozenset({"no", "not", "nor", "without", "neither"})


@dataclass(frozen=True)
class Recognition:
    """How a document was recognised: `how` is one of the constants above, `words` says it to
    an officer, and `page`/`quote` are where the document says it (verbatim), if it does."""

    how: str
    words: str
    page: int | None = None
    quote: str = ""
    # Which of the requirement's words it was recognised by: the earlier, the more specific.
    word: int = 0

    @property
    def rank(self) -> tuple[int, int]:
        return STRENGTH.index(self.how), self.word


@dataclass(frozen=True)
class Heading:
    page: int
    text: str


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("&", " and ").replace("n\u2019t", " not").replace("n't", " not")
    return [t for t in re.findall(r"[a-z0-9]+", text) if t not in _JOINING]


def _phrase(words: str) -> list[str]:
    return _tokens(words)


def _find(phrase: list[str], tokens: list[str]) -> int | None:
    """Where the phrase's words start in `tokens`, in order with at most MAX_GAP others
    between them; None when they are not there."""
    if not phrase:
        return None
    for start, token in enumerate(tokens):
        if token != phrase[0]:
            continue
        position, found = start, True
        for word in phrase[1:]:
            window = tokens[position + 1 : position + 2 + MAX_GAP]
            if word not in window:
                found = False
                break
            position = position + 1 + window.index(word)
        if found:
            return start
    return None


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _negated_before(tokens: list[str], start: int) -> bool:
    return any(token in _NEGATION for token in tokens[max(0, start - 2) : start])


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
# "This planning statement incorporates a design and access statement", "It includes a ...".
_SELF_DESCRIPTION = re.compile(
    r"\b(?:it|this (?:[a-z&]+ ){0,3}(?:statement|document|report|submission|assessment|letter))"
    r"\s+(?:also\s+)?(?:incorporates|includes|comprises|contains|serves as|acts as|forms|"
    r"constitutes|is)\s+(?:both\s+)?(?:a|an|the|our)\s+(?P<rest>[^.;:]{3,120})",
    re.IGNORECASE,
)
# The document says there is none: "we do not consider there is a need for a design and access
# statement", "no heritage statement is required", "a flood risk assessment is not necessary".
_NO_NEED = re.compile(
    r"\b(?:need|needs|needed|required|require|requires|necessary|provided|submitted|"
    r"considered|consider|applicable|appropriate)\b",
    re.IGNORECASE,
)
# Typed form answers that say an exemption from biodiversity net gain applies.
_EXEMPTION_STATED = re.compile(
    r"\bde minimis exemption\b|\bexempt(?:ion)? from (?:the )?(?:mandatory |statutory )?"
    r"(?:biodiversity net gain|bng|biodiversity gain)|\bbiodiversity gain condition "
    r"(?:does|would|will) not apply\b|\b(?:bng|biodiversity net gain) (?:does|would|will) not "
    r"apply\b",
    re.IGNORECASE,
)
# What a Planning Portal application form says of itself, and a form's own title.
_APPLICATION_FORM_MARKERS = re.compile(
    r"publication of applications on planning authority websites|information provided on this "
    r"application form|\bi ?/ ?we hereby apply for\b",
    re.IGNORECASE,
)
_APPLICATION_FORM_TITLE = re.compile(
    r"^(?:householder )?application for (?:planning permission|outline planning|full planning|"
    r"listed building consent|a lawful development certificate|a certificate of lawful|"
    r"consent to display|advertisement consent|tree works|approval of (?:details|reserved)|"
    r"(?:a )?non-material|removal or variation|prior approval)|^(?:prior approval|notification)"
    r" (?:of|for) ",
    re.IGNORECASE,
)
APPLICATION_FORM_FILE_NAMES = ("application form", "applicationform", "1app")


@dataclass(frozen=True)
class DocumentSummary:
    """One document as the validation check reads it. `key` names it in findings: its
    database id as text in a run, its file name in evaluation."""

    key: str
    name: str
    document_type: str
    pages: tuple[PageText, ...] = field(default=(), hash=False, compare=False)

    @cached_property
    def headings(self) -> list[Heading]:
        """Its title and headings, anywhere in it: a form's title, a statement's headings, and
        its first line when that is short enough to be its title. An application form's
        sections ("Assessment of Flood Risk") are questions about the proposal, not documents:
        of a form only its title counts."""
        blocks = document_blocks(list(self.pages)) if self.pages else []
        roles = (Role.TITLE,) if self.is_application_form else (Role.TITLE, Role.HEADING)
        found = [
            Heading(block.page, block.text)
            for block in blocks
            if block.role in roles and len(block.text) <= MAX_HEADING_CHARS
        ]
        if blocks and blocks[0].role not in (Role.TITLE, Role.HEADING):
            first = blocks[0].text.split("\n", 1)[0].strip()
            if first and len(first) <= MAX_HEADING_CHARS and not first.endswith((".", ",", ";")):
                found.insert(0, Heading(blocks[0].page, first))
        return found

    @cached_property
    def is_application_form(self) -> bool:
        return any(_APPLICATION_FORM_MARKERS.search(s.text) for s in self.sentences[:40])

    @cached_property
    def sentences(self) -> list[Heading]:
        """Its text as sentences, with their pages (verbatim slices, for quotes)."""
        out = []
        for page in self.pages:
            for part in _SENTENCE_END.split(page.text):
                part = part.strip()
                if part:
                    out.append(Heading(page.number, part))
        return out

    @cached_property
    def name_tokens(self) -> list[str]:
        stem = re.sub(r"\.(?:pdf|md|txt|tiff?|jpe?g|png|docx?)$", "", self.name.lower())
        stem = re.sub(r"\.(?:pdf|md|txt|tiff?|jpe?g|png|docx?)$", "", stem)
        return _tokens(stem)

    @cached_property
    def flat_text(self) -> str:
        return " ".join(" ".join(page.text for page in self.pages).lower().split())


def _named(words: tuple[str, ...], tokens: list[str], compact: str = "") -> int | None:
    """Which of `words` the tokens name first (in order), or is in `compact` (for file names
    run together, "APPLICATIONFORMREDACTED"); None when none is."""
    for index, word in enumerate(words):
        phrase = _phrase(word)
        start = _find(phrase, tokens)
        if start is not None and not _negated_before(tokens, start):
            return index
        joined = _compact(word)
        if compact and len(joined) >= 8 and joined in compact:
            return index
    return None


def denial(words: tuple[str, ...], document: DocumentSummary) -> Heading | None:
    """The sentence in which the document says it is not, or there is no need for, the
    document these words name."""
    for sentence in document.sentences:
        tokens = _tokens(sentence.text)
        for word in words:
            phrase = _phrase(word)
            start = _find(phrase, tokens)
            if start is None:
                continue
            before = tokens[max(0, start - 10) : start]
            after = tokens[start + len(phrase) : start + len(phrase) + 6]
            immediately = any(token in _NEGATION for token in tokens[max(0, start - 3) : start])
            denied_before = any(token in _NEGATION for token in before) and bool(
                _NO_NEED.search(" ".join(before))
            )
            denied_after = "not" in after and bool(_NO_NEED.search(" ".join(after)))
            if immediately or denied_before or denied_after:
                return sentence
    return None


def _undoubled(tokens: list[str]) -> list[str]:
    """A heading some text extractions repeat on its own line ("Flood Risk Flood Risk"), once:
    read twice, "Assessment of Flood Risk" would name a flood risk assessment."""
    half = len(tokens) // 2
    if half and len(tokens) % 2 == 0 and tokens[:half] == tokens[half:]:
        return tokens[:half]
    return tokens


def _by_heading(words: tuple[str, ...], document: DocumentSummary) -> Recognition | None:
    first_page = document.pages[0].number if document.pages else 1
    for position, heading in enumerate(document.headings):
        index = _named(words, _undoubled(_tokens(heading.text)))
        if index is None:
            continue
        if position < TITLE_HEADINGS and heading.page == first_page:
            return Recognition(
                TITLE, f"its title \u201c{heading.text}\u201d", heading.page, heading.text, index
            )
        return Recognition(
            HEADING,
            f"its heading \u201c{heading.text}\u201d (page {heading.page})",
            heading.page,
            heading.text,
            index,
        )
    return None


def _by_self_description(words: tuple[str, ...], document: DocumentSummary) -> Recognition | None:
    for sentence in document.sentences:
        for match in _SELF_DESCRIPTION.finditer(sentence.text):
            tokens = _tokens(match["rest"])
            for index, word in enumerate(words):
                start = _find(_phrase(word), tokens)
                if start is not None and start <= 2:
                    quote = sentence.text[:300]
                    return Recognition(
                        STATED,
                        f"what it says it is: \u201c{quote}\u201d (page {sentence.page})",
                        sentence.page,
                        quote,
                        index,
                    )
    return None


def _in_text(words: tuple[str, ...], document: DocumentSummary) -> Recognition | None:
    for index, word in enumerate(words):
        pattern = re.compile(
            r"(?<![A-Za-z0-9])" + r"\s+".join(map(re.escape, word.split())) + r"(?![A-Za-z0-9])",
            re.IGNORECASE,
        )
        for sentence in document.sentences:
            if pattern.search(sentence.text):
                quote = sentence.text[:300]
                return Recognition(
                    TEXT,
                    f"the words \u201c{word}\u201d in its text (page {sentence.page})",
                    sentence.page,
                    quote,
                    index,
                )
    return None


def application_form(document: DocumentSummary) -> Recognition | None:
    """Whether the document is the application form: a form's own title or a Planning Portal
    form's own notices, or its file name."""
    for heading in document.headings[:4]:
        if _APPLICATION_FORM_TITLE.match(heading.text):
            return Recognition(
                FORM,
                f"the form's title \u201c{heading.text}\u201d (page {heading.page})",
                heading.page,
                heading.text,
            )
    for sentence in document.sentences[:40]:
        match = _APPLICATION_FORM_MARKERS.search(sentence.text)
        if match:
            return Recognition(
                FORM,
                f"the application form's notice \u201c{match[0]}\u201d (page {sentence.page})",
                sentence.page,
                match[0],
            )
    compact = _compact(document.name)
    if _named(APPLICATION_FORM_FILE_NAMES, document.name_tokens, compact) is not None:
        return Recognition(FORM, f"its file name ({document.name})", word=1)
    return None


def stated_exemption(document: DocumentSummary) -> Recognition | None:
    """Where the document says an exemption from biodiversity net gain applies."""
    for sentence in document.sentences:
        match = _EXEMPTION_STATED.search(sentence.text)
        if match:
            quote = sentence.text[:300]
            return Recognition(
                EXEMPTION,
                f"it says an exemption applies: \u201c{quote}\u201d (page {sentence.page})",
                sentence.page,
                quote,
            )
    return None


@dataclass(frozen=True)
class Verdict:
    """Whether a document is the one a requirement asks for: every way it was recognised,
    strongest first; or `denied` when its type or name says so but its text says it is not."""

    recognitions: tuple[Recognition, ...] = ()
    denied: str = ""

    @property
    def best(self) -> Recognition | None:
        return self.recognitions[0] if self.recognitions else None


def _claimed(requirement: Requirement, document: DocumentSummary) -> Recognition | None:
    """What the portal's type or the file name says the document is."""
    if document.document_type in requirement.document_types:
        position = requirement.document_types.index(document.document_type)
        return Recognition(TYPE, f"its type ({document.document_type})", word=position)
    compact = _compact(document.name)
    named = _named(requirement.file_name_words, document.name_tokens, compact)
    if named is not None:
        return Recognition(FILE_NAME, f"its file name ({document.name})", word=named)
    return None


def recognise(requirements: list[Requirement], document: DocumentSummary) -> Verdict:
    """Whether the document is the one these requirements (all for one document) ask for, and
    every way it was recognised, strongest first."""
    found: list[Recognition] = []
    denied = ""
    for requirement in requirements:
        words = requirement.text_words
        said = [_by_heading(words, document), _by_self_description(words, document)]
        found += [recognition for recognition in said if recognition is not None]
        if requirement.text_anywhere and (in_text := _in_text(words, document)):
            found.append(in_text)
        claimed = _claimed(requirement, document)
        if claimed is None:
            continue
        no = denial(words, document)
        if no is None:
            found.append(claimed)
        elif not denied:
            label = "type" if claimed.how == TYPE else "file name"
            denied = (
                f"{document.name}: its {label} says it is one, but its text says it is not: "
                f"\u201c{no.text[:300]}\u201d (page {no.page})"
            )
    in_the_form = any(requirement.part_of_application_form for requirement in requirements)
    if in_the_form and (form := application_form(document)):
        found.append(form)
    exemptions = any(requirement.exemptions for requirement in requirements)
    if exemptions and (exempt := stated_exemption(document)):
        found.append(exempt)
    if found:
        return Verdict(tuple(sorted(found, key=lambda recognition: recognition.rank)))
    return Verdict(denied=denied)
