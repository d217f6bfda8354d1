"""Policies the documents cite: NPPF paragraphs and a council's local policies."""

import re

from triage.extractors.specs.reading import Candidate, Reading, Spec
from triage.extractors.specs.settlers import settle_all
from triage.structure import Section
from triage.vocabulary import FindingCode

NPPF_NAME = re.compile(r"\bNPPF\b|National Planning Policy Framework|\bthe Framework\b")
_PARAGRAPHS = re.compile(
    r"\b(?:paragraphs?|paras?\.?|\u00b6)\s*(\d{1,3}(?:\s*\([a-z]\))?(?:\s*(?:,|and|&|or)\s*\d{1,3}"
    r"(?:\s*\([a-z]\))?)*)(?!\d|\.\d)",
    re.IGNORECASE,
)
_OTHER_DOCUMENT = re.compile(
    r"\b(?:London Plan|Local Plan|Southwark Plan|Core Strategy|SPD|Appraisal|Guide|Guidance|"
    r"Regulations|Order|Act|Schedule|this (?:statement|report|assessment)|Appendix|Section)\b"
)


def read_nppf(spec: Spec, reading: Reading) -> list[Candidate]:
    """Named with the Framework, or in a document that cites the Framework and the sentence
    names no other document."""
    text = reading.plain
    if not (
        NPPF_NAME.search(text) or (reading.facts.mentions_nppf and not _OTHER_DOCUMENT.search(text))
    ):
        return []
    found = []
    for match in spec.trigger.finditer(text):
        for number in re.findall(r"\d{1,3}", re.sub(r"\([a-z]\)", "", match.group(1))):
            if 1 <= int(number) <= 300:
                found.append(reading.candidate(spec.code, int(number), *match.span()))
    return found


_POLICY_CONTEXT = re.compile(r"\bpolic(?:y|ies)\b", re.IGNORECASE)
_POLICY_TOKEN = re.compile(r"(?<![\w(/-])([A-Z]{1,4})[ .]?(\d{1,3})([a-z]?)(?![\w(/:-]|\.\d)")
_NOT_POLICY_BEFORE = re.compile(r"\b(?:class(?:es)?|BS|category|flat|unit|no\.?)\s*$", re.I)
# A use class named in a sentence about policy: "no policy protection for a vacant B2 unit".
_NOT_POLICY_AFTER = re.compile(
    r"^\s*(?:units?|uses?|floorspace|premises|warehouses?|workshops?|space|use class)\b", re.I
)
_NOT_POLICY_PREFIX = {"NPPF", "BS", "ISO", "EN", "GIA", "SE", "SW", "NW", "EC", "WC", "M", "WA"}
_POSTCODE = re.compile(r"^\s*\d[A-Z]{2}\b")


def read_local_policy(spec: Spec, reading: Reading) -> list[Candidate]:
    """References like P13, SP12, L7 in a sentence about policies, or in a list of them
    ("The relevant policies are:" then "P13 Design of places" ...)."""
    text = reading.plain
    in_policy_list = _POLICY_CONTEXT.search(reading.lead_in) and _POLICY_TOKEN.match(
        text.lstrip("-\u2022 ")
    )
    if not (
        _POLICY_CONTEXT.search(text) or in_policy_list or reading.block.section == Section.POLICY
    ):
        return []
    found = []
    for match in spec.trigger.finditer(text):
        prefix, digits, suffix = match.groups()
        if prefix in _NOT_POLICY_PREFIX or _NOT_POLICY_BEFORE.search(text[: match.start()]):
            continue
        if _POSTCODE.match(text[match.end() : match.end() + 5]):
            continue
        if _NOT_POLICY_AFTER.match(text[match.end() :]):
            continue
        value = f"{prefix}{digits}{suffix.lower()}".upper()
        found.append(reading.candidate(spec.code, value, *match.span()))
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
