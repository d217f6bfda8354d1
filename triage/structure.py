"""Document structure: a document's page text as typed blocks, each with its role and section.

Extraction engines read blocks, not raw pages, because where a sentence sits decides whether it
is a claim about the application. A "Yes No" under a form's question about trees says nothing;
"grade II listed buildings ... should be exceptional" inside a quotation of the NPPF is policy,
not a fact about the site; a refused scheme in the planning history is not the proposal; a
significance scale in the methodology describes assets in general. The same words in the
proposal section of a planning statement are claims.

Every block is a verbatim slice of its page (`page_text[start:end] == block.text`), so a quote
cut from a block is always on its page. Running headers and footers (the same line on most
pages, page numbers aside) are dropped: they are furniture, not content.

What each role and section means for extraction is decided in one place, `Block.states_claims`
and `Block.states_proposal`; engines ask those rather than testing roles themselves.
"""

import re
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from triage.text import PageText
from triage.vocabulary import CONSTRAINT_CODES, FindingCode


class Role(StrEnum):
    TITLE = "form title"  # a form's own name: the consent types the applicant chose
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list item"
    TABLE_ROW = "table row"
    QUOTATION = "quotation"  # policy or law quoted, not the author's own claim
    QUESTION = "form question"
    TICK_BOXES = "form tick boxes"  # "Yes No": the chosen answer is lost in the text layer
    GUIDANCE = "form guidance"
    LABEL = "form field label"
    FIELD = "form field"  # a field's label with the value entered ("Total ... units" 5)
    ANSWER = "form answer"  # what the applicant wrote into the form


class Section(StrEnum):
    GENERAL = "general"
    SITE = "site and surroundings"
    SURROUNDINGS = "wider area"
    PROPOSAL = "proposal"
    HISTORY = "planning history"
    BACKGROUND = "historical development"
    POLICY = "policy context"
    METHODOLOGY = "methodology"
    APPENDIX = "appendix"
    FORM = "application form"


# Claims here are context, never findings: lists of old applications, how an assessment was
# done, copied list entries and searches.
CONTEXT_SECTIONS = frozenset({Section.HISTORY, Section.METHODOLOGY, Section.APPENDIX})
# A form's title states only the consent types chosen; a rule reads those from it directly.
CLAIM_ROLES = frozenset({Role.HEADING, Role.PARAGRAPH, Role.LIST_ITEM, Role.TABLE_ROW, Role.ANSWER})
MAX_QUOTATION_BLOCKS = 8
POLICY_CODES = frozenset({FindingCode.NPPF_PARAGRAPH, FindingCode.LOCAL_POLICY})
# A form's title names consent types: listed building consent, demolition in a conservation area.
TITLE_CODES = frozenset(
    {
        FindingCode.LISTED_BUILDING,
        FindingCode.CONSERVATION_AREA,
        FindingCode.DEMOLITION,
        FindingCode.TREE_WORKS,
    }
)


# A form's field states its value: the net gain in homes, the protecting order's number.
FIELD_CODES = frozenset({FindingCode.DWELLINGS, FindingCode.TREE_PRESERVATION_ORDER})


@dataclass(frozen=True)
class Block:
    page: int
    start: int  # offset in the page text
    end: int
    text: str
    role: Role
    section: Section
    heading: str = ""  # the heading the block sits under, for people and the model

    @property
    def states_claims(self) -> bool:
        """Whether the block can state a fact about the site (constraints)."""
        return self.role in CLAIM_ROLES and self.section not in CONTEXT_SECTIONS

    @property
    def states_proposal(self) -> bool:
        """Whether the block can state a fact about the proposal: not the building's past, nor
        a point of a policy set out in a list ("Determine applications for demolition ...")."""
        return (
            self.states_claims
            and self.section != Section.BACKGROUND
            and not (self.section == Section.POLICY and self.role == Role.LIST_ITEM)
        )

    @property
    def cites_policy(self) -> bool:
        """Policies cited anywhere count (docs/evaluation-set.md), except in a form's own text."""
        return self.role in CLAIM_ROLES or self.role == Role.QUOTATION

    def may_state(self, code: str) -> bool:
        """Whether a finding of `code` may be quoted from this block."""
        if code in POLICY_CODES:
            return self.cites_policy
        if self.role == Role.TITLE:
            return code in TITLE_CODES
        if self.role == Role.FIELD:
            return code in FIELD_CODES
        if code in CONSTRAINT_CODES:
            return self.states_claims
        return self.states_proposal


@dataclass(frozen=True)
class _Line:
    page: int
    start: int
    end: int
    text: str  # stripped
    # In an export that names each element's section (see _element_lines): that section's
    # title, whether the line is the title itself, and the element's kind.
    title: str = ""
    is_title: bool = False
    kind: str = ""


# --- Furniture: running headers and footers -------------------------------------------------

_PAGE_NUMBER_LINE = re.compile(
    r"^\s*(?:\[?\s*page\s+\d+(?:\s+of\s+\d+)?\s*\]?|-\s*\d+\s*-|\d{1,3})\s*$", re.I
)
_WORDED_PAGE_NUMBER = re.compile(r"^\s*\[?\s*page\s+\d", re.I)
_DIGITS = re.compile(r"\d+")
MAX_FURNITURE_CHARS = 120
MIN_WRAPPED_LINES = 3
MAX_OVERLONG_LINES = 2
_PAGE_KEY = re.compile(r"\bpage #(?: of #)?\b")


def _furniture_key(text: str) -> str:
    key = " ".join(text.lower().split())
    return _DIGITS.sub("#", key) if any(c.isdigit() for c in key) else key


def _furniture(lines_by_page: list[list[_Line]]) -> set[str]:
    """Keys of lines repeated as headers or footers: on at least half the pages (two or more)
    near the top or bottom, or three times anywhere in a document split without real pages."""
    near_edges: Counter[str] = Counter()
    anywhere: Counter[str] = Counter()
    for lines in lines_by_page:
        edge = lines[:3] + lines[-3:]
        for key in {_furniture_key(line.text) for line in edge}:
            near_edges[key] += 1
        for line in lines:
            anywhere[_furniture_key(line.text)] += 1
    pages = len(lines_by_page)
    keys = set()
    for key, count in near_edges.items():
        if pages >= 2 and count >= max(2, (pages + 1) // 2):
            keys.add(key)
    for key, count in anywhere.items():
        if count >= 3:
            keys.add(key)
    # Short repeated lines ("Yes", "No", "Type:") are a form's fields, and long ones are
    # content (a repeated condition or disclaimer), not furniture.
    return {
        key
        for key in keys
        if (len(key.split()) >= 3 or _PAGE_KEY.search(key))
        and len(key) <= MAX_FURNITURE_CHARS
        and (not key.endswith(".") or _PAGE_KEY.search(key))
    }


# --- Lines into blocks ----------------------------------------------------------------------

_BULLET = re.compile(r"^(?:[-*\u2022\u25aa\u25cf>]\s|\(?[a-z]\)\s|\(?[ivx]+\)\s)")
_NUMBERED = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\S")
_APPLICATION_REFERENCE = re.compile(
    r"\b(?:\d{2,6}/[A-Z]{2,5}/\d{2,5}|[A-Z]{1,2}/(?:[A-Z]{2,4}/)?\d{4,6}|\d{2}/\d{4,5})\b"
)
_DECISION = re.compile(
    r"\b(?:refused|granted|approved|permitted|withdrawn|dismissed|allowed|lapsed|"
    r"no objection|invalid|declined|superseded)\b",
    re.I,
)
_TERMINAL = re.compile(r"[.!?:;]['\"\u2019\u201d)]*$")
_ABBREVIATION_END = re.compile(r"\b(?:No|Nos|para|paras|c|e\.g|i\.e|approx|St|Dr|Mr|Mrs|Ms)\.$")
_OPEN_QUOTE = re.compile(r"^[\"\u201c']")
_CLOSE_QUOTE = re.compile(r"[\"\u201d'][.,;:)]*$")
_TABLE_PIPE = re.compile(r"^\|.*\|$")
_TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")
_COLUMN_GAP = re.compile(r"\S(?: {3,}|\t)\S")
_TABLE_CAPTION = re.compile(r"^(?:table|figure|schedule)\s+\d+\b", re.I)


def _page_lines(page: PageText) -> list[_Line]:
    lines, offset = [], 0
    for raw in page.text.split("\n"):
        stripped = raw.strip()
        if stripped:
            start = offset + (len(raw) - len(raw.lstrip()))
            lines.append(_Line(page.number, start, start + len(stripped), stripped))
        offset += len(raw) + 1
    return lines


# --- Exports that name each element's section ------------------------------------------------

# Some councils publish a document's text as one line per element, each led by its kind and by
# the title of the section it sits in: "Text: SITE AND SURROUNDINGS The site lies ...", the
# section's own title line being "Text: SITE AND SURROUNDINGS SITE AND SURROUNDINGS". Read so,
# the section of every paragraph is known rather than guessed, and the furniture (running
# headers, image placeholders) is labelled as such.
_ELEMENT = re.compile(r"^(Text|Image|Header|Footer|Checkbox|Title|Caption|Table):[ \t]?")
_FURNITURE_KINDS = frozenset({"Header", "Footer", "Image"})
# Share of a document's lines that must be elements for it to be read as such an export.
ELEMENT_SHARE = 0.6


def _doubled(text: str) -> str | None:
    """ "SITE AND SURROUNDINGS SITE AND SURROUNDINGS" -> "SITE AND SURROUNDINGS"."""
    half = (len(text) - 1) // 2
    if len(text) % 2 == 1 and half >= 2 and text[half] == " " and text[:half] == text[half + 1 :]:
        return text[:half]
    return None


def _element_lines(lines_by_page: list[list[_Line]]) -> list[list[_Line]] | None:
    """The lines of an element-per-line export with their kind and section title cut off (each
    line's text and offsets are those of its content), or None when the document is not one."""
    every = [line for lines in lines_by_page for line in lines]
    elements = [_ELEMENT.match(line.text) for line in every]
    if not every or sum(1 for match in elements if match) < ELEMENT_SHARE * len(every):
        return None
    titles: set[str] = set()
    for line, match in zip(every, elements, strict=True):
        if match and match.group(1) == "Text" and (title := _doubled(line.text[match.end() :])):
            titles.add(title)
    by_length = sorted(titles, key=len, reverse=True)
    current = ""
    out: list[list[_Line]] = []
    for lines in lines_by_page:
        page_lines: list[_Line] = []
        for line in lines:
            match = _ELEMENT.match(line.text)
            if match is None:
                page_lines.append(line)  # a line of text run on from the element above
                continue
            kind, rest = match.group(1), line.text[match.end() :]
            start = line.start + match.end()
            if kind in _FURNITURE_KINDS or not rest.strip():
                continue
            if (title := _doubled(rest)) is not None:
                current = title
                page_lines.append(
                    _Line(line.page, start, start + len(title), title, title, True, kind)
                )
                continue
            title = next(
                (
                    known
                    for known in ([current] if current else []) + by_length
                    if rest.startswith(known)
                    and (len(rest) == len(known) or not rest[len(known)].isalnum())
                ),
                "",
            )
            if title and len(rest) > len(title):
                current = title
                cut = len(title) + (len(rest[len(title) :]) - len(rest[len(title) :].lstrip()))
                start += cut
                rest = rest[cut:]
            page_lines.append(_Line(line.page, start, start + len(rest), rest, title, False, kind))
        out.append(page_lines)
    return out


def export_elements(text: str) -> list[tuple[str, str, bool]] | None:
    """An element-per-line export's elements in reading order, as (kind, content, whether it is
    a section's title), furniture left out; None when the text is not such an export."""
    lines = _element_lines([_page_lines(PageText(1, text))])
    if lines is None:
        return None
    return [(line.kind, line.text, line.is_title) for line in lines[0]]


def _wrap_width(lines: list[_Line]) -> int:
    """The column at which the document's lines wrap: its longest line, when several lines come
    close to it (a wrapped text); otherwise the text is not wrapped and no line is "long". A few
    lines longer than the column (a web address, a row of a table, one in fifty lines at most)
    do not hide it."""
    lengths = sorted((len(line.text) for line in lines), reverse=True)
    for longest in lengths[: max(MAX_OVERLONG_LINES, len(lengths) // 50) + 1]:
        near = sum(1 for length in lengths if 0.9 * longest <= length <= longest)
        if near >= MIN_WRAPPED_LINES:
            return longest
    return 10**6


# A numbered heading in capitals, which some authors end with a full stop.
_NUMBERED_CAPITALS = re.compile(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+(?=[^a-z]*[A-Z]{3})[^a-z?]+\.$")


def _is_heading_text(text: str) -> bool:
    if len(text) > 90 or _TABLE_PIPE.match(text):
        return False
    if _NUMBERED_CAPITALS.match(text):
        return True  # "3.1 PLANNING HISTORY - (LAST 10 YEARS)." with its full stop
    if text.endswith((".", "?", ",", ";")):
        return False
    if text.endswith(":") and re.match(r"\d+\.\d+\s", text):
        return False  # "3.4 Paragraph 213 continues:" introduces a quotation
    if re.match(r"(?:appendix|annex|appendices|contents)\b", text, re.I) and len(text) <= 80:
        return True
    body = re.sub(r"^(?:#+\s*|\d{1,2}(?:\.\d{1,2})*\.?\s+|[A-Z]\.?\s+(?=[A-Z]))", "", text)
    words = re.findall(r"[A-Za-z][\w'\u2019-]*", body)
    if not words or len(words) > 12:
        return False
    if text.startswith("#") or body.isupper():
        return True
    # A heading capitalises its first word; a title capitalises most of its words.
    minor = {"and", "of", "the", "in", "to", "for", "a", "an", "on", "its", "or", "with", "at"}
    capitalised = [w for w in words if w[0].isupper()]
    significant = [w for w in words if w.lower() not in minor]
    numbered = bool(_NUMBERED.match(text))
    if numbered and words[0][0].isupper() and len(words) <= 8:
        return True
    if len(words) <= 3 and words[0][0].isupper() and not re.search(r"\d", body):
        return True  # "Proposal", "Site", "Planning history"
    return len(capitalised) >= max(2, len(significant) - 1) and len(words) <= 10


def _starts_block(line: _Line) -> bool:
    text = line.text
    return bool(
        _BULLET.match(text)
        or _NUMBERED.match(text)
        or _TABLE_PIPE.match(text)
        or text.startswith("#")
        or _APPLICATION_REFERENCE.match(text)
        or re.match(r"(?:appendix|annex)\b", text, re.I)
    )


_JOINING_WORD = re.compile(
    r"\b(?:the|a|an|of|to|and|or|for|in|on|at|with|by|from|as|is|are|be|that|which|any|your|"
    r"their|its|this|these|than|under|over|into|within|including)$",
    re.IGNORECASE,
)


def _continues(
    previous: _Line, line: _Line, width: int, blank_between: bool, form: bool = False
) -> bool:
    """Whether `line` continues the paragraph that `previous` is part of (a wrapped line)."""
    if blank_between or line.page != previous.page:
        return False
    if _TICK_OPTION.match(line.text) or _FIELD_VALUE.match(line.text):
        return False
    if _starts_block(line) and not re.match(r"\d+\s+[a-z]", line.text):
        return False  # "7 or more storeys" after a wrapped line is not a numbered paragraph
    if "?" in line.text and _QUESTION_START.match(line.text):
        return False
    if _TABLE_PIPE.match(previous.text) or _TABLE_PIPE.match(line.text):
        return False
    if previous.text.count("(") > previous.text.count(")") and not _TICK_OPTION.match(line.text):
        return True  # "(as stated in the list of Buildings of Special" goes on
    if _COLUMN_GAP.search(previous.text) or _COLUMN_GAP.search(line.text):
        return False
    # A line was wrapped when the next line's first word would not have fitted on it.
    first_word = line.text.split(maxsplit=1)[0] if line.text.split() else ""
    # (A short line is not taken for a wrapped one on a long word alone: it must fill most of a
    # narrow column, or 40 characters of a wide one. A line past the column, a web address or a
    # table's row, was not wrapped there.)
    long_line = (
        len(previous.text) + 1 + len(first_word) > width
        and min(40, 0.6 * width) <= len(previous.text) <= width
    )
    ends = bool(_TERMINAL.search(previous.text)) and not _ABBREVIATION_END.search(previous.text)
    if ends:
        # A sentence that ends on a full line of a wrapped text: the paragraph goes on, unless
        # what follows is a heading.
        return (
            long_line
            and previous.text.endswith(".")
            and not form
            and not _is_heading_text(line.text)
        )
    if form and line.text[:1].isupper() and not _JOINING_WORD.search(previous.text):
        # A form's prompt ("Please describe ... any change of use") is followed by the
        # applicant's answer on the next line, which starts a new block.
        return False
    if long_line:
        return True
    # A short line that does not end a sentence, followed by a lower-case word: broken line.
    return bool(re.match(r"[a-z(]", line.text)) and not _is_heading_text(previous.text)


# --- Forms ----------------------------------------------------------------------------------

# Tick boxes read by OCR as glyphs ("O Yes ONo", "\u00a9 O O @", "OQ Yes ONo"): which one is
# ticked cannot be told, so the line is the options, never an answer.
_GLYPH = r"[OQ0\u00a9@\u00ae]{1,2}"
_TICK_GLYPHS = rf"(?:(?:{_GLYPH}(?:yes|no)?|yes|no)(?:\s+|$)){{2,}}|{_GLYPH}(?:yes|no)"
_TICK_OPTION = re.compile(
    r"^(?:yes|no|yes\s+no|don't know|do not know|unknown|not applicable|n/a|grade (?:i|ii\*?)|"
    r"yes, on [\w\s-]+|the agent|the applicant|other person|owner|lessee|occupier|other|"
    r"none of the above|hectares|sq\.? metres|square metres|" + _TICK_GLYPHS + r")$",
    re.I,
)
# A form's declaration names the consent types the applicant applies for.
_DECLARATION = re.compile(r"^I\s*/\s*We\s+hereby\s+apply\s+for\b", re.I)
_FORM_MARKERS = re.compile(
    r"publication of applications on planning authority websites|planning portal|"
    r"ownership certificates?|certificate of ownership|i / we hereby apply|i/we hereby apply|"
    r"^(?:householder )?application for (?:a |an )?(?:householder|planning|listed|tree|prior|"
    r"lawful|full|outline|advertisement|consent|relevant)",
    re.I,
)
_GUIDANCE_START = re.compile(
    r"^(?:if\b|please\b|you\b|your\b|note\b|notes\b|guidance\b|disclaimer\b|where\b|when\b|"
    r"it is an important|information provided|i certify|i / we|i/we|the applicant certifies|"
    r"for the purposes|height is measured|works to trees|a certificate|this form|"
    r"to assist|having referred|and/or|or:|once submitted|our system|tell us|publication of)",
    re.I,
)
# The form's own instructions, wherever they stand in the sentence: "A sketch plan is also
# advised when notifying the LPA of works to trees in a conservation area (see guidance notes)".
_GUIDANCE_WORDS = re.compile(
    r"\b(?:must|should|advised|helpful|see (?:the )?guidance|guidance notes?|e\.g\.|"
    r"for example|the LPA|this question|this form)\b",
    re.I,
)
_SECOND_PERSON = re.compile(r"\b(?:you|your)\b", re.I)
_QUESTION_START = re.compile(
    r"^(?:[-\u2022]\s*|\w\)\s*|and/or:\s*)?(?:is|are|does|do|did|has|have|had|will|would|can|"
    r"could|should|was|were|what|which|who|whom|how|why|where|when)\b",
    re.I,
)
_FIELD_VALUE = re.compile(
    r"^-?\d[\d,.]*(?:\s*(?:m2|m\u00b2|sq\.? ?m|hectares|ha|cubic metres))?$", re.I
)
_DEVELOPMENT_START = re.compile(
    r"^(?:demolition|erection|construction|change of use|conversion|replacement|installation|"
    r"alterations?|extension|single|two|three|part|proposed|removal|crown|fell|felling|pruning|"
    r"T\d+\b|tree \d|loft|excavation|internal|external|retention|use of|provision)",
    re.I,
)


TITLE_SEARCH_BLOCKS = 4
_FORM_TITLE = re.compile(
    r"(?:householder )?application for|prior approval|notification of|(?:lawful development "
    r")?certificate",
    re.IGNORECASE,
)
_INLINE_TICKS = re.compile(r"\?\s*(?:yes\s+no|yes|no)\s*$", re.IGNORECASE)


# A prompt whose answer is the fact: "Please enter the title or number for each relevant Tree
# Preservation Order", answered "G282 G9" on the next line.
_REFERENCE_PROMPT = re.compile(
    r"\b(?:title|number|reference)s?\b[^.?]{0,40}\btree preservation orders?\b", re.I
)
_REFERENCE_VALUE = re.compile(r"^(?=[^\n]*\d)[A-Z0-9][\w/.,&()-]*(?:\s+[\w/.,&()-]+){0,5}$")
# A form's prompt for the permission an application builds on (discharge of conditions,
# amendments): the answer describes that permission.
_EARLIER_PERMISSION_PROMPT = re.compile(
    r"\bdescription of the (?:approved|original|existing|permitted) (?:development|permission|"
    r"scheme|consent)\b|\bas shown on the decision (?:letter|notice)\b",
    re.I,
)
# A table of contents' entry: "3 SUITABLE HOURS OF CONSTRUCTION & DEMOLITION ........ 4".
_CONTENTS_ENTRY = re.compile(r"(?:\.\s?){6,}\s*\d*\s*$|\u2026{2,}\s*\d*\s*$")
# A contents list run into one paragraph: "2: The Site 6 3: The Proposal 8 4: The Listed Building".
_NUMBERED_TITLE = re.compile(r"(?:^|\s)\d{1,2}(?:\.\d{1,2})?:\s+[A-Z]")
MIN_CONTENTS_TITLES = 3
_TICK_LINE = re.compile(r"^(?:yes\s+no|" + _TICK_GLYPHS + r")$", re.I)


def _is_form(lines: list[_Line]) -> bool:
    """A form shows its tick boxes: "Yes" then "No" on lines of their own, or after the
    question on the same line ("... site? Yes No")."""
    texts = [line.text for line in lines]
    lost_ticks = sum(
        1 for first, second in pairwise(texts) if first.lower() == "yes" and second.lower() == "no"
    ) + sum(1 for text in texts if _INLINE_TICKS.search(text) or _TICK_LINE.match(text))
    return lost_ticks >= 3 or (lost_ticks >= 1 and any(_FORM_MARKERS.search(t) for t in texts))


def _form_role(text: str, is_first: bool) -> Role:
    if is_first:
        return Role.TITLE
    if "?" in text:
        return Role.QUESTION
    if all(_TICK_OPTION.match(part.strip()) for part in text.split("\n")):
        return Role.TICK_BOXES
    if re.search(r"\((?:square metres|sq\.? ?m|numeric|hectares|if known)[^)]*\)\s*$", text, re.I):
        return Role.LABEL
    if re.search(r"\b(?:Act|Order|Regulations) \d{4}\s*$", text):
        return Role.LABEL  # the statutes a form is made under
    if _GUIDANCE_START.match(text) or _SECOND_PERSON.search(text) or _GUIDANCE_WORDS.search(text):
        return Role.GUIDANCE
    # The applicant's own words: a sentence, or a description of development. Field names
    # ("Demolition of Listed Building", "Existing Use", "Town/city") are title-cased labels.
    words = text.split()
    if text.rstrip().endswith(".") and len(words) >= 4:
        return Role.ANSWER
    if _DEVELOPMENT_START.match(text) and not _is_heading_text(text) and len(words) >= 4:
        return Role.ANSWER
    if text.endswith(":") or _is_heading_text(text) or len(words) <= 3:
        return Role.LABEL
    return Role.ANSWER if len(words) >= 6 else Role.LABEL


# --- Sections -------------------------------------------------------------------------------

_SECTION_PATTERNS: list[tuple[Section, re.Pattern]] = [
    (Section.APPENDIX, re.compile(r"^(?:appendix|appendices|annex)\b")),
    (
        Section.HISTORY,
        re.compile(
            r"planning history|consent history|application history|relevant history|"
            r"history of (?:planning|applications)|previous (?:applications|permissions|consents)|"
            r"planning record"
        ),
    ),
    (
        Section.BACKGROUND,
        re.compile(
            r"histor(?:y|ic|ical) (?:development|background|context|evolution)|"
            r"history and description|history of the (?:building|house|property|barn|site)|"
            r"^history$|^historic(?:al)? development"
        ),
    ),
    (
        Section.METHODOLOGY,
        re.compile(
            # ... of an assessment: a method statement's methods of works are the works.
            r"method(?!s? statement)(?!olog(?:y|ies) (?:of|for) (?:the )?works?)|approach|"
            r"criteria|definitions|terminology|instructions|screening|"
            r"limitations|^sources|glossary|survey effort|scope of"
        ),
    ),
    (Section.POLICY, re.compile(r"polic|legislat|statutory|legal|framework|development plan")),
    (
        Section.SITE,
        re.compile(
            r"\bsite\b|property|building|house|premises|location|designations|the barn|"
            r"the cottage|existing"
        ),
    ),
    (
        Section.SURROUNDINGS,
        re.compile(r"surround|wider area|study area|locality|context|setting|nearby|neighbour"),
    ),
    (
        Section.PROPOSAL,
        re.compile(
            r"propos|the scheme|design|scale|layout|amount|recommend|accommodation|"
            r"description of (?:the )?(?:development|works|scheme)"
        ),
    ),
]
# An appendix heading in the document's first half is taken for a contents entry.
APPENDICES_FROM = 0.5
# A heading numbered as the document's own sections are ("4.", "4.0", "#"): it ends an appendix.
_SECTION_NUMBER = r"#|\d{1,2}(?:\.0)?\.?\s+[A-Za-z]"
_NUMBERED_HEADING = re.compile(rf"^(?:{_SECTION_NUMBER})")
_STRONG_HEADING = re.compile(rf"^(?:{_SECTION_NUMBER}|appendix|annex)", re.I)


def section_of(heading: str) -> Section | None:
    text = re.sub(r"^(?:#+\s*|\d{1,2}(?:\.\d{1,2})*\.?\s+)", "", heading.strip()).lower()
    for section, pattern in _SECTION_PATTERNS:
        if pattern.search(text):
            return section
    return None


def _is_strong_heading(text: str) -> bool:
    return bool(_STRONG_HEADING.match(text)) or text.isupper()


# --- Putting it together --------------------------------------------------------------------


def _group_lines(
    lines_by_page: list[list[_Line]], texts: dict[int, str], form: bool
) -> list[list[_Line]]:
    """Lines into paragraphs, list items, rows and tick boxes; furniture dropped."""
    furniture = _furniture(lines_by_page)
    width = _wrap_width([line for lines in lines_by_page for line in lines])
    groups: list[list[_Line]] = []
    for lines in lines_by_page:
        previous: _Line | None = None
        edges = {id(line) for line in lines[:2] + lines[-2:]}
        for line in lines:
            if _furniture_key(line.text) in furniture:
                continue
            if (
                id(line) in edges
                and _PAGE_NUMBER_LINE.match(line.text)
                and (not form or _WORDED_PAGE_NUMBER.match(line.text))
            ):
                continue  # a page number (a form's bare number is a field's value; "Page 2" not)
            gap = previous is not None and "\n\n" in texts[line.page][previous.end : line.start]
            if previous is not None and groups and _continues(previous, line, width, gap, form):
                groups[-1].append(line)
            elif (
                previous is not None
                and groups
                and not gap
                and _TICK_OPTION.match(line.text)
                and all(_TICK_OPTION.match(item.text) for item in groups[-1])
            ):
                groups[-1].append(line)  # "Yes" then "No": one set of tick boxes
            else:
                groups.append([line])
            previous = line
    return groups


def _form_blocks(groups: list[list[_Line]], texts: dict[int, str]) -> list[Block]:
    """A Planning Portal form: its title, questions with their (lost) tick boxes, guidance set
    apart, field labels with their values, and the applicant's own answers."""
    blocks: list[Block] = []
    label = ""
    after_question = False
    # Answers to "a description of the approved development" describe an earlier permission:
    # history, not the proposal. In an element export they run to the end of that field's
    # section; otherwise to the next label or question.
    history_field: str | None = None
    guidance_list = False
    # The title is the form's name, normally its first line; a council's stamp or a portal
    # reference may come before it.
    title = next(
        (
            i
            for i, group in enumerate(groups[:TITLE_SEARCH_BLOCKS])
            if _FORM_TITLE.match(group[0].text)
        ),
        0,
    )
    index = 0
    while index < len(groups):
        group = groups[index]
        page, start, end = group[0].page, group[0].start, group[-1].end
        role = _form_role(
            texts[page][start:end],
            is_first=index == title or bool(_DECLARATION.match(group[0].text)),
        )
        following = groups[index + 1] if index + 1 < len(groups) else None
        if (
            role in (Role.LABEL, Role.ANSWER)
            and len(group) == 1
            and following is not None
            and len(following) == 1
            and following[0].page == page
            and _FIELD_VALUE.match(following[0].text)
        ) or (
            role in (Role.GUIDANCE, Role.LABEL, Role.ANSWER)
            and following is not None
            and len(following) == 1
            and following[0].page == page
            and _REFERENCE_PROMPT.search(texts[page][start:end])
            and _REFERENCE_VALUE.match(following[0].text)
        ):
            role, end = Role.FIELD, following[0].end
            index += 1
        text = texts[page][start:end]
        if guidance_list and role == Role.ANSWER:
            role = Role.GUIDANCE  # "... you must also provide:" then what to provide
        elif role != Role.GUIDANCE:
            guidance_list = False
        if role == Role.GUIDANCE:
            guidance_list = text.rstrip().endswith(":")
        if role == Role.QUESTION:
            after_question = True
        elif role in (Role.ANSWER, Role.LABEL) and _is_heading_text(text):
            after_question = False  # the next field's or section's name
        elif after_question and role in (Role.ANSWER, Role.LABEL) and not text.endswith("."):
            role = Role.TICK_BOXES  # the options offered under a question, none known chosen
        elif role != Role.TICK_BOXES:
            after_question = False
        if role == Role.LABEL and len(group) == 1:
            label = text
        if group[0].is_title:
            role = Role.LABEL  # a section's title in an element-per-line export
        if _CONTENTS_ENTRY.search(text):
            role = Role.LABEL
        field_title = group[0].title
        if history_field is not None and (
            (field_title and field_title != history_field)
            or (not field_title and role in (Role.LABEL, Role.QUESTION, Role.TITLE))
        ):
            history_field = None
        if role != Role.ANSWER and _EARLIER_PERMISSION_PROMPT.search(text):
            history_field = field_title
        section = Section.HISTORY if history_field is not None else Section.FORM
        blocks.append(Block(page, start, end, text, role, section, field_title or label))
        index += 1
    return blocks


def _names_appendix(group: list[_Line]) -> bool:
    return (
        len(group) == 1
        and _is_heading_text(group[0].text)
        and section_of(group[0].text) == Section.APPENDIX
    )


def _lists_appendices(groups: list[list[_Line]], index: int) -> bool:
    """Whether the group is an appendix title in a contents list: beside another appendix title
    or a contents entry ("Appendix 1: Methodology ........ 15")."""
    if not _names_appendix(groups[index]):
        return False
    return any(
        0 <= other < len(groups)
        and (
            _names_appendix(groups[other])
            or any(_CONTENTS_ENTRY.search(line.text) for line in groups[other])
        )
        for other in (index - 1, index + 1)
    )


def _prose_blocks(groups: list[list[_Line]], texts: dict[int, str]) -> list[Block]:
    blocks: list[Block] = []
    section = Section.GENERAL
    heading = ""
    in_table = False
    quoting = False
    quoted_blocks = 0
    title = ""
    # Appendices run to the end of a document; "Appendix 1" near its start is a contents list.
    in_appendices = False
    for index, group in enumerate(groups):
        page = group[0].page
        start, end = group[0].start, group[-1].end
        text = texts[page][start:end]
        first_line = group[0].text
        if _TABLE_RULE.match(text) and "-" in text:
            continue  # a Markdown table's rule line
        if group[0].title and group[0].title != title:
            # An export that names each element's section: its title is the section's, whatever
            # came before (a table, a quotation).
            title = heading = group[0].title
            section = section_of(title) or Section.GENERAL
            in_table = quoting = False
        if group[0].is_title:
            role = Role.HEADING
        elif group[0].kind == "Checkbox":
            role = Role.QUESTION  # a tick box with its question: the answer is not a claim
        elif (
            _CONTENTS_ENTRY.search(text)
            or len(_NUMBERED_TITLE.findall(text)) >= MIN_CONTENTS_TITLES
            or (index < APPENDICES_FROM * len(groups) and _lists_appendices(groups, index))
        ):
            role = Role.LABEL  # a table of contents names sections; it states nothing
        elif len(group) == 1 and _is_heading_text(first_line) and not _TICK_OPTION.match(text):
            role = Role.HEADING
            caption = bool(_TABLE_CAPTION.match(first_line))
            # A title-cased line after "... as follows:" or a caption is a table's header row,
            # and a caption names a table: neither starts a section.
            header_row = in_table or (bool(blocks) and blocks[-1].text.rstrip().endswith(":"))
            found = section_of(first_line)
            if caption or (header_row and not _is_strong_heading(first_line)):
                pass
            elif (
                in_appendices
                and found != Section.APPENDIX
                and not _NUMBERED_HEADING.match(first_line)
            ):
                pass  # an appendix's own headings and table heads ("History", "DECISION")
            elif found is not None:
                section = found
                in_appendices = found == Section.APPENDIX and index >= APPENDICES_FROM * len(groups)
            elif _is_strong_heading(first_line):
                section = Section.GENERAL
                in_appendices = False
            if not caption and not header_row:
                heading = first_line
            # In an element-per-line export a caption names a figure, not the rows after it.
            in_table = (caption and not group[0].kind) or (header_row and in_table)
            quoting = False
        elif quoting or _OPEN_QUOTE.match(text) or text.startswith(">"):
            role = Role.QUOTATION
            # A quotation runs on over its lettered clauses until the closing quote mark.
            quoted_blocks = quoted_blocks + 1 if quoting else 1
            quoting = not _CLOSE_QUOTE.search(text) and quoted_blocks < MAX_QUOTATION_BLOCKS
        elif text.rstrip().endswith("?") or _INLINE_TICKS.search(text):
            role = Role.QUESTION  # a screening question is not a claim, whatever its answer
        elif _TICK_OPTION.match(text) and blocks and blocks[-1].role == Role.QUESTION:
            role = Role.TICK_BOXES
        elif (
            _TABLE_PIPE.match(first_line)
            or _COLUMN_GAP.search(first_line)
            or (in_table and len(group) == 1 and not _NUMBERED.match(first_line))
        ):
            role = Role.TABLE_ROW
        elif _BULLET.match(first_line):
            role = Role.LIST_ITEM
        else:
            role = Role.PARAGRAPH
            in_table = in_table and len(group) == 1
        block_section = section
        # A row of a planning history ("15/AP/3317 Erection of ... Refused") is history
        # wherever it stands.
        # ... and so is a history table run into one line ("Reference No. Proposal Decision and
        # Date 103419/FUL/21 Erection of ... Approved").
        if _DECISION.search(text) and (
            _APPLICATION_REFERENCE.search(text[:40])
            or (_APPLICATION_REFERENCE.search(text) and re.search(r"\bdecision\b", text, re.I))
        ):
            block_section = Section.HISTORY
        blocks.append(Block(page, start, end, text, role, block_section, heading))
    return blocks


def document_blocks(pages: list[PageText]) -> list[Block]:
    """The document's blocks in reading order, furniture dropped."""
    texts = {page.number: page.text for page in pages}
    lines_by_page = [_page_lines(page) for page in pages]
    lines_by_page = _element_lines(lines_by_page) or lines_by_page
    form = _is_form([line for lines in lines_by_page for line in lines])
    groups = _group_lines(lines_by_page, texts, form)
    return _form_blocks(groups, texts) if form else _prose_blocks(groups, texts)
