"""Pieces of text the rules engine reads: sentences and clauses cut from a block (always
verbatim slices of the page, so every quote verifies), and numbers written in digits or words."""

import re
from dataclasses import dataclass

MAX_QUOTE_CHARS = 400

NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "two": 2,
    "double": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
# "forty-eight" before "forty" so the compound wins.
NUMBER = (
    r"(?:\d{1,4}|(?:"
    + _TENS
    + r")-(?:"
    + _UNITS
    + r")\b|"
    + "|".join(w for w in NUMBER_WORDS if w not in ("a", "an"))
    + ")"
)


def to_number(token: str) -> int | None:
    token = token.lower().replace(",", "")
    if token.isdigit():
        return int(token)
    tens, _, units = token.replace(" ", "-").partition("-")
    if units and tens in NUMBER_WORDS and units in NUMBER_WORDS:
        return NUMBER_WORDS[tens] + NUMBER_WORDS[units]
    return NUMBER_WORDS.get(token)


@dataclass(frozen=True)
class Span:
    text: str
    start: int  # offset in the page text

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def quote_around(self, start: int, end: int) -> str:
        """The span itself, or a window of it around [start, end) when it is long. Always a
        verbatim substring of the page."""
        text = self.text.strip()
        if len(text) <= MAX_QUOTE_CHARS:
            return text
        lo = max(0, start - 150)
        hi = min(len(self.text), max(end, start) + 200)
        return self.text[lo:hi].strip()


_SENTENCE_BREAK = re.compile(
    # end of a sentence, but not an abbreviation before a number ("para. 84", "No. 12",
    # "2no. 1 bedroom apartments")
    r"(?<=[.!?])(?<!\b[Pp]ara\.)(?<!\b[Pp]aras\.)(?<!\b[Nn]o\.)(?<!\b[Nn]os\.)(?<!\bc\.)"
    r"(?<!\d[Nn]o\.)(?<!\d[Nn]r\.)"
    r"[\"')\]\u201d\u2019]*\s+(?=[\"'(\[\u201c]?[A-Z0-9])"
    r"|\n\s*\n"  # blank line
    r"|\n(?=\s*(?:[#*\-\u2022]|\d+(?:\.\d+)*[.)]\s|[A-Z][A-Z ]{3,}$))"  # heading, bullet, list
    r"|(?<=[:;])\s*\n"
)
_CLAUSE_BREAK = re.compile(
    r";\s*|,?\s+(?=(?:but|however|although|though|whereas|whilst|while|except that)\b)"
    r"|\.\s+(?=However\b)",
    re.IGNORECASE,
)


def sentences(text: str, start: int = 0) -> list[Span]:
    """The sentences of `text`, which begins at offset `start` of its page."""
    spans, position = [], 0
    for match in _SENTENCE_BREAK.finditer(text):
        if match.start() > position:
            spans.append(Span(text[position : match.start()], start + position))
        position = match.end()
    if position < len(text):
        spans.append(Span(text[position:], start + position))
    return [span for span in spans if span.text.strip()]


def clauses(sentence: Span) -> list[Span]:
    spans, position = [], 0
    for match in _CLAUSE_BREAK.finditer(sentence.text):
        if match.start() > position:
            spans.append(Span(sentence.text[position : match.start()], sentence.start + position))
        position = match.end()
    spans.append(Span(sentence.text[position:], sentence.start + position))
    return [span for span in spans if span.text.strip()]
