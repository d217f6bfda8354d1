"""Checking a finding's evidence, as an officer would: is the quote on the page it cites, and
does it say what the finding says?

An engine could name the right value for the wrong reason (a quote from the planning history,
a number from another sentence). Evaluation counts a finding only when its quote is verbatim on
the cited page and supports the value: it names the designation or the fact, it carries the
number or the policy reference, and a denial ("absent", "no") is worded as one.
"""

import re

from triage.extractors.base import DocumentInput
from triage.quotes import normalise, quote_on_page
from triage.schemas import FindingDraft
from triage.vocabulary import ABSENT, NUMBER_CODES, FindingCode

NOT_ON_PAGE = "quote not on the cited page"
UNSUPPORTED = "quote does not support the value"

# What a quote must mention for a finding of each code (lower case, whitespace normalised).
MENTIONS: dict[str, re.Pattern[str]] = {
    FindingCode.CONSERVATION_AREA: re.compile(r"conservation area|\(ca\)"),
    FindingCode.LISTED_BUILDING: re.compile(r"listed|statutory list|heritage asset"),
    FindingCode.TREE_PRESERVATION_ORDER: re.compile(
        r"tree preservation order|\btpos?\b|protected|preservation order"
    ),
    FindingCode.FLOOD_ZONE: re.compile(r"flood\s*zone|\bzone\s*[123]"),
    FindingCode.GREEN_BELT: re.compile(r"green\s*belt"),
    FindingCode.ARTICLE_4: re.compile(r"article\s*(?:4|four)"),
    FindingCode.DEMOLITION: re.compile(
        r"demoli|taken down|pulled down|knocked down|remov|take ?down|taking down|deconstruct"
    ),
    FindingCode.CHANGE_OF_USE: re.compile(r"change of use|conver|use class|\bclass [a-g]"),
    FindingCode.TREE_WORKS: re.compile(
        r"tree|\btpo\b|fell|prun|crown|pollard|oak|ash|beech|lime|sycamore|willow|birch|cherr|"
        r"plane|chestnut|yew|hornbeam|maple|pine|poplar|elm|hawthorn|conifer|cypress|rowan|"
        r"alder|walnut|magnolia|apple|pear|holly|hedge"
    ),
    FindingCode.BASEMENT: re.compile(r"basement|lower ground|cellar|below ground"),
}
DENIAL = re.compile(
    r"\b(?:not|no|none|nor|neither|outside|beyond|without|nothing|never|n/a|nil|free of|"
    r"omitted|retained)\b|n't|\bzone\s*1\b|\bflood\s*zone\s*(?:1|one)\b"
)
ZERO = re.compile(
    r"no net|no new|no additional|not create|not add|one[- ]for[- ]one|no increase|unchanged|"
    r"no extra|replacement"
)
NUMBER_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]
TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy"}
TENS |= {80: "eighty", 90: "ninety"}
SQUARE_FEET_PER_SQUARE_METRE = 10.7639


def _number_words(number: int) -> set[str]:
    words = set()
    if number < len(NUMBER_WORDS):
        words.add(NUMBER_WORDS[number])
    elif number < 100:
        tens, units = divmod(number, 10)
        words.add(TENS[tens * 10] if units == 0 else f"{TENS[tens * 10]}-{NUMBER_WORDS[units]}")
    if number == 1:
        words |= {"single", "a new", "an additional", "one"}
    if number == 2:
        words.add("double")
    return words


def _supports_number(code: str, number: int, quote: str) -> bool:
    if number == 0:
        return bool(ZERO.search(quote))
    figures = [float(f.replace(",", "")) for f in re.findall(r"\d[\d,]*(?:\.\d+)?", quote)]
    if any(round(figure) == number for figure in figures):
        return True
    if any(re.search(rf"\b{re.escape(word)}\b", quote) for word in _number_words(number)):
        return True
    if code == FindingCode.FLOORSPACE:
        feet = re.findall(r"(\d[\d,]*(?:\.\d+)?)\s*(?:sq\.?\s*ft|square feet|ft2|ft²)", quote)
        metres = [float(f.replace(",", "")) / SQUARE_FEET_PER_SQUARE_METRE for f in feet]
        return any(abs(m - number) <= max(1.0, number * 0.01) for m in metres)
    return False


def supports(code: str, value: str, quote: str) -> bool:
    """Whether `quote` says what a finding of `code` = `value` claims."""
    text = normalise(quote).lower()
    if code == FindingCode.NPPF_PARAGRAPH:
        return bool(re.search(rf"\b{re.escape(value)}\b", text))
    if code == FindingCode.LOCAL_POLICY:
        compact = re.sub(r"[\s.]", "", text)
        return value.lower() in compact
    if code in NUMBER_CODES:
        return value.isdigit() and _supports_number(code, int(value), text)
    mention = MENTIONS.get(code)
    if mention is not None and not mention.search(text):
        return False
    if value in (ABSENT, "no"):
        return bool(DENIAL.search(text))
    if code == FindingCode.FLOOD_ZONE:
        return bool(re.search(r"zone\s*(?:2|3|two|three)", text))
    return True


def evidence_problem(finding: FindingDraft, documents: dict[str, DocumentInput]) -> str:
    """ "" when the finding's evidence holds, else what is wrong with it."""
    evidence = finding.evidence
    document = documents.get(evidence.document) if evidence else None
    page_text = document.page_text(evidence.page) if document and evidence else None
    if evidence is None or page_text is None or not quote_on_page(evidence.quote, page_text):
        return NOT_ON_PAGE
    if not supports(finding.code, finding.value, evidence.quote):
        return UNSUPPORTED
    return ""
