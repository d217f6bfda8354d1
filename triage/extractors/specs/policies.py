"""Policies the documents cite: NPPF paragraphs and a council's local policies."""

import re

from triage.extractors.specs.reading import Candidate, Reading, Spec
from triage.extractors.specs.settlers import settle_all
from triage.structure import Section
from triage.vocabulary import FindingCode, Strength

NPPF_NAME = re.compile(r"\bNPPF\b|National\s+Planning\s+Policy\s+Framework|\bthe\s+Framework\b")
_PARAGRAPHS = re.compile(
    r"\b(?:paragraphs?|paras?\.?|\u00b6)\s*(\d{1,3}(?:\s*\([a-z]\))?(?:\s*(?:,|and|&|or)\s*\d{1,3}"
    r"(?:\s*\([a-z]\))?)*)(?!\d|\.\d)",
    re.IGNORECASE,
)
_OTHER_DOCUMENT = re.compile(
    r"\b(?:London Plan|Local Plan|Southwark Plan|Core Strategy|SPD|Appraisal|Guide|Guidance|"
    r"Regulations|Order|Act|Schedule|this (?:statement|report|assessment)|Appendix|Section)\b"
)


# Paragraphs of other national documents: Planning Practice Guidance ("paragraph 006,
# reference ID: 18a-006-20190723"), the National Design Guide, court judgments.
_NOT_THE_FRAMEWORK = re.compile(
    r"\b(?:PPG|Planning Practice Guidance|NDG|National Design Guide|reference ID|judge?ment|"
    r"Court of Appeal|High Court|Supreme Court|EWCA|EWHC|UKSC|Civ|Admin)\b"
)


def read_nppf(spec: Spec, reading: Reading) -> list[Candidate]:
    """Named with the Framework, or under a heading that names it, or in a document that cites
    the Framework and the sentence names no other document. Never a paragraph of the Planning
    Practice Guidance, the National Design Guide or a judgment."""
    text = reading.plain
    heading = reading.block.heading
    named = NPPF_NAME.search(text)
    if not named and (
        _NOT_THE_FRAMEWORK.search(text)
        or (_OTHER_DOCUMENT.search(heading) and not NPPF_NAME.search(heading))
    ):
        return []
    if not (
        named
        or NPPF_NAME.search(heading)
        or (reading.facts.mentions_nppf and not _OTHER_DOCUMENT.search(text))
    ):
        return []
    # A paragraph number in a document that names the Framework elsewhere is an inference.
    strength = (
        reading.default_strength(spec.code)
        if named or NPPF_NAME.search(heading)
        else Strength.INDIRECT
    )
    found = []
    for match in spec.trigger.finditer(text):
        for number in re.findall(r"\d{1,3}", re.sub(r"\([a-z]\)", "", match.group(1))):
            if number.startswith("0"):
                continue  # "paragraph 006": the Planning Practice Guidance's numbering
            if 1 <= int(number) <= 300:
                found.append(
                    reading.candidate(spec.code, int(number), *match.span(), _strength=strength)
                )
    return found


_POLICY_CONTEXT = re.compile(r"\bpolic(?:y|ies)\b", re.IGNORECASE)
# "P13", "SP12", "L7", "R1.1" (a part of policy R1), "ENV9".
_POLICY_TOKEN = re.compile(
    r"(?<![\w(/-])([A-Z]{1,4})[ .]?(\d{1,3})([a-z]?)((?:\.\d{1,2})*)(?![\w(/-]|:\d|\.\d)"
)
_NOT_POLICY_BEFORE = re.compile(
    r"\b(?:class(?:es)?|BS|category|flat|unit|no\.?|zone|position|drawing|dwg|plot|ref\.?|"
    r"reference|figure|fig\.?|table|plate|photo(?:graph)?|appendix|section|site|route|road|"
    r"scale @?)\s*$",
    re.I,
)
# A use class named in a sentence about policy: "no policy protection for a vacant B2 unit".
_NOT_POLICY_AFTER = re.compile(
    r"^\s*(?:units?|uses?|floorspace|premises|warehouses?|workshops?|space|use class)\b", re.I
)
# Codes that look like policies and are not: standards, areas, postcodes, strategic objectives
# (SO), supplementary planning documents and guidance (SPD, SPG), Historic England's good
# practice advice and advice notes (GPA, HEAN), paper sizes, lighting zones.
_NOT_POLICY_PREFIX = {
    "NPPF",
    "BS",
    "ISO",
    "EN",
    "GIA",
    "SE",
    "SW",
    "NW",
    "EC",
    "WC",
    "M",
    "WA",
    "SO",
    "SPD",
    "SPG",
    "GPA",
    "HEAN",
    "PPG",
    "PPS",
    "A",
    "S",
}
_POSTCODE = re.compile(r"^\s*\d[A-Z]{2}\b")
# How a document cites a policy of a plan that the council's library does not hold: "Policy
# H3", "saved policy ENV9", "Core Strategy Policies R1.1, R1.2 and L7", "H3 of the Core
# Strategy", or a row of a list under a heading or lead-in that names the plan or its policies.
_PLAN = (
    r"(?:core strategy|local plan|(?:unitary )?development plan|UDP|neighbourhood plan|"
    r"london plan|(?-i:[A-Z][a-z]+ Plan)|DPD)"
)
_CITED_BEFORE = re.compile(
    r"\b(?:polic(?:y|ies)|saved)\s*$"
    r"|\bpolicies\b[^.;]{0,60}?\b(?:are|is|include|includes|including|namely)\s*:?\s*$"
    r"|\b(?:core strategy|local plan|UDP|[A-Z][a-z]+ Plan(?: \d{4})?)\s*$",
    re.I,
)
# "(2012) of the", "in our": what stands between a reference and the plan it is cited from.
_OF_THE = r"^\s*(?:\([^)]{0,60}\)\s*)?(?:of|in) (?:the |our )?"
_CITED_AFTER = re.compile(_OF_THE + r"[^.;]{0,40}?" + _PLAN)
# A policy of a regional strategy (revoked in England in 2010-13): not the council's own.
_REGIONAL_AFTER = re.compile(
    _OF_THE + r"[^.;]{0,60}?(?:Regional Spatial Strategy|Regional Strategy|\bRSS\b)", re.I
)
_LIST_SEPARATOR = re.compile(
    r"^\s*(?:\([^()]{0,60}\)\s*)?(?:,|and|&|or|/|to)\s*(?:,|and|&|or)?\s*$", re.I
)
_ROW_START = re.compile(r"^[-\u2022*\s]*(?:\d{1,2}(?:\.\d{1,2})*\.?\s+)?$")
_ROW_FOLLOWS = re.compile(r"^\s*(?::|-|\u2013|\u2014|[\"\u201c\u2018'(]|[A-Z][a-z])")
_NAMES_POLICIES = re.compile(r"\bpolicies\b|" + _PLAN + r"|\bsaved\b", re.I)
_HEADING_NAMES_POLICY = re.compile(r"\bpolic(?:y|ies)\b|" + _PLAN + r"|\bsaved\b", re.I)


def _cited(text: str, match: re.Match[str], previous_end: int | None, reading: Reading) -> bool:
    """Whether the reference stands in a citation (see _CITED_BEFORE), not only near one."""
    before, after = text[: match.start()], text[match.end() :]
    if _CITED_BEFORE.search(before) or _CITED_AFTER.match(after):
        return True
    if previous_end is not None and _LIST_SEPARATOR.match(text[previous_end : match.start()]):
        return True  # "Policies R1.1, R1.2 and L7"
    if (
        _ROW_START.match(before)
        and _ROW_FOLLOWS.match(after)
        and not match.group(2).startswith("0")
    ):
        lead_in = reading.lead_in
        heading = reading.block.heading
        return bool(
            (lead_in and _NAMES_POLICIES.search(lead_in))
            or (heading and _HEADING_NAMES_POLICY.search(heading))
        )
    return False


def read_local_policy(spec: Spec, reading: Reading) -> list[Candidate]:
    """References like P13, SP12, L7 in a sentence about policies, or in a list of them
    ("The relevant policies are:" then "P13 Design of places" ...). A reference counts when
    the council's policy library holds it, or when it stands in a citation: codes that look
    like policies (drawing numbers, lighting zones, site ids, survey references) are neither."""
    text = reading.plain
    in_policy_list = _POLICY_CONTEXT.search(reading.lead_in) and _POLICY_TOKEN.match(
        text.lstrip("-\u2022 ")
    )
    if not (
        _POLICY_CONTEXT.search(text)
        or in_policy_list
        or reading.block.section == Section.POLICY
        or _HEADING_NAMES_POLICY.search(reading.block.heading)
    ):
        return []
    found = []
    previous_end: int | None = None
    known = reading.facts.local_policies
    for match in spec.trigger.finditer(text):
        prefix, digits, suffix, _part = match.groups()
        value = f"{prefix}{digits}{suffix.lower()}".upper()
        cited = _cited(text, match, previous_end, reading)
        previous_end = match.end() if cited or value in known else None
        if prefix in _NOT_POLICY_PREFIX or _NOT_POLICY_BEFORE.search(text[: match.start()]):
            continue
        if _POSTCODE.match(text[match.end() : match.end() + 5]):
            continue
        if _NOT_POLICY_AFTER.match(text[match.end() :]) or _REGIONAL_AFTER.match(
            text[match.end() :]
        ):
            continue
        if value not in known and not cited:
            continue
        # A reference the library holds, named without a citation's words, is an inference.
        strength = reading.default_strength(spec.code) if cited else Strength.INDIRECT
        found.append(reading.candidate(spec.code, value, *match.span(), _strength=strength))
    return found


NPPF_PARAGRAPH = Spec(
    code=FindingCode.NPPF_PARAGRAPH,
    trigger=_PARAGRAPHS,
    read=read_nppf,
    settle=settle_all,
    keywords=("para", "\u00b6"),
)
LOCAL_POLICY = Spec(
    code=FindingCode.LOCAL_POLICY,
    trigger=_POLICY_TOKEN,
    read=read_local_policy,
    settle=settle_all,
)
