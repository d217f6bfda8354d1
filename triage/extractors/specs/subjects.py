"""Who a clause is about: the application site, another building or place, or cannot tell."""

import re

from triage.extractors.specs.kinds import building_kinds

_SITE_WORDS = re.compile(
    r"\b(?:(?:application |appeal )?site|property|properties|premises|land|plot|building|house|"
    r"dwelling\w*|cottage|barn|bungalow|flat|pub|public house|villa|unit|warehouse|garage|shop|"
    r"office|yard|curtilage|garden|it|which|both|neither|none|pair|houses|trees?|T\d+|oak|ash|"
    r"beech|lime|sycamore|willow|birch|chestnut|yew|plane|hornbeam|maple|pine|walnut)\b",
    re.IGNORECASE,
)
_SUBJECT_OTHER = re.compile(
    r"\b(?:church|hall|statue|lodges?|park|inn|library|buildings|villas|assets|monuments?|"
    r"area)\b",
    re.IGNORECASE,
)
VERB_ANCHOR = re.compile(
    r"\b(?:is|are|was|were|lies|lie|sits|sit|stands|stand|falls|fall|forms|form|has|have|"
    r"remains?|contains?|located|situated|designated|protected|covered|included|benefits?|"
    r"appears|covers?|applies|includes?|extends|washes)\b",
    re.IGNORECASE,
)
_POLICY_SUBJECT = re.compile(
    r"\b(?:polic(?:y|ies)|paragraph|the (?:NPPF|Framework|Act|Order|Regulations|guidance|SPD)|"
    r"section \d+)\b",
    re.IGNORECASE,
)
_IN_WHICH_THE_SITE = re.compile(
    r"[^.;]{0,30}?,?\s*(?:in|within) which (?:the |this )?(?:application )?(?:site|property|"
    r"house|building|land|premises|dwelling)\b",
    re.IGNORECASE,
)
_NAMED_BUILDING = re.compile(
    r"\b(?:[A-Z][a-z]+ ){1,3}(?:House|Hall|Farm|Farmhouse|Cottage|Lodge|Court|Manor|Church|"
    r"Chapel|Inn|Arms|Mill|Villa|Works|Priory|Abbey)\b"
)
# "It is asserted in the report that the school ...": "it" stands for nothing, the subject
# follows "that".
_DUMMY_IT = re.compile(
    r"\W*it\s+(?:is|was|has been|should be|must be)\s+(?:\w+\s+){0,2}?"
    r"(?:asserted|considered|noted|understood|acknowledged|clear|evident|accepted|argued|"
    r"recognised|recognized|agreed|stated|apparent|likely|felt|thought)\b[^.;]{0,80}?\bthat\s+",
    re.IGNORECASE,
)
_GENERIC_SITE = re.compile(r"\b(?:site|property|premises|application|it)\b", re.I)
_HOUSE_NUMBER = re.compile(r"\bnos?\.?\s*(\d+)(?:\s*(?:-|to|and)\s*(\d+))?", re.IGNORECASE)


# "An Article 4 Direction covers the estate": the designation as subject, placing the site.
_COVERS = re.compile(
    r"\s*(?:covers?|applies (?:to|across|at)|includes?|extends (?:over|across)|washes over)\b"
    r"[^.;]{0,60}\b(?:site|property|house|building|estate|area|street|road|terrace|square|"
    r"village|land)\b",
    re.IGNORECASE,
)


def clause_subject(
    text: str,
    start: int,
    site_numbers: frozenset[str],
    end: int | None = None,
    site_kinds: frozenset[str] = frozenset(),
    header: str = "",
) -> str:
    """ "site", "other" or "" (cannot tell): who the clause says the mention at `start` is about.
    The subject is the text before the clause's first verb; a designation that is itself the
    subject ("the X Conservation Area lies 150 m to the south") is about that area."""
    dummy = _DUMMY_IT.match(text)
    if dummy and start >= dummy.end():
        cut = dummy.end()
        return clause_subject(
            text[cut:], start - cut, site_numbers, end - cut if end else None, site_kinds, header
        )
    anchor = VERB_ANCHOR.search(text)
    if anchor is None:
        return ""
    subject = text[: anchor.start()]
    if _POLICY_SUBJECT.search(subject):
        return "other"  # "Policy R2 expects trees of value to be protected": a rule, not a fact
    if _IN_WHICH_THE_SITE.match(text, end if end is not None else start):
        return "site"  # "the Bowdon Conservation Area, in which the property lies"
    if (end if end is not None else start + 1) <= anchor.start():
        if _SITE_WORDS.search(subject[:start]) or _COVERS.match(text, anchor.start()):
            return "site"
        return "other"
    return _subject_of(subject, site_numbers, site_kinds, header)


def _subject_of(
    subject: str, site_numbers: frozenset[str], site_kinds: frozenset[str], header: str
) -> str:
    numbers = set()
    for match in _HOUSE_NUMBER.finditer(subject):
        numbers.add(match.group(1))
    if numbers and site_numbers and not numbers & site_numbers:
        return "other"
    if numbers & site_numbers:
        return "site"
    named = _NAMED_BUILDING.search(subject)
    if named and header and named.group(0).lower() not in header.lower():
        return "other"  # "Flixton House ... is listed at Grade II", beside a plot in its garden
    kinds = building_kinds(subject)
    if site_kinds and kinds and not kinds & site_kinds and not _GENERIC_SITE.search(subject):
        return "other"  # the bat survey's "Building B3, the farmhouse" beside a barn
    if _SUBJECT_OTHER.search(subject) and not re.search(
        r"\b(?:site|property|premises|application)\b", subject, re.I
    ):
        return "other"
    if _SITE_WORDS.search(subject):
        return "site"
    return ""


# "... is not listed but does lie within the X Conservation Area": a clause with no subject
# of its own, joined to the one before, shares that clause's subject.
_CONTINUATION = re.compile(
    r"\W*(?:but|and|yet)\s+(?:(?:also|still|does|do|did|which)\s+)*(?=" + VERB_ANCHOR.pattern + ")",
    re.IGNORECASE,
)


def shared_subject(
    sentence: str,
    clause: str,
    site_numbers: frozenset[str],
    site_kinds: frozenset[str] = frozenset(),
    header: str = "",
) -> str:
    """The subject a subjectless clause takes from its sentence's first clause ("" if the clause
    has one of its own, or the sentence's subject cannot be told)."""
    if not _CONTINUATION.match(clause):
        return ""
    anchor = VERB_ANCHOR.search(sentence)
    if anchor is None or anchor.start() >= sentence.find(clause.strip()[:20]):
        return ""
    return _subject_of(sentence[: anchor.start()], site_numbers, site_kinds, header)


def denied_by_subject(text: str, start: int) -> bool:
    """ "No trees on or adjoining the site are covered by a tree preservation order": a subject
    quantified by "no" denies what its verb says."""
    anchor = VERB_ANCHOR.search(text)
    return bool(
        anchor is not None
        and anchor.end() <= start
        and re.match(
            r"\W*(?:no(?!\.?\s*\d)|none of (?:the|its)|neither)\b", text[: anchor.start()], re.I
        )
    )
