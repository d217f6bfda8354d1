"""The rules engine's finding codes, one declarative spec each: which blocks it reads, its
triggers, its value parser, and the ConText scope rules that void or flip a mention.

Adding a finding code means adding a spec here (and its tests); the engine in rules.py runs
every spec over every sentence of every block the spec reads, and settles each code's
candidates into findings.

Scope is decided at three levels, in this order:
1. the block (triage.structure): a form's questions, guidance and tick boxes, quotations,
   planning histories, methodologies and appendices never state a fact about the site; the
   building's past never states a fact about the proposal;
2. the clause (triage.extractors.context): negated, hedged, historic, generic, or about another
   building or the wider area;
3. the value parser: "five storeys" of the existing building, "18 metres or 7 storeys" as a
   threshold, "9 affordable" of 86 homes.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from triage.extractors.context import ContextRule, Modifier, Scoper, scoper_for
from triage.extractors.spans import NUMBER, Span, clauses, to_number
from triage.structure import Block, Role, Section
from triage.vocabulary import ABSENT, PRESENT, FindingCode

M = Modifier
rule = ContextRule.of


@dataclass(frozen=True)
class Candidate:
    code: FindingCode
    value: str
    page: int
    quote: str
    attributes: dict
    order: int

    @property
    def rank(self) -> int:
        return int(self.attributes.get("_rank", 0))


@dataclass(frozen=True)
class DocumentFacts:
    """What a spec may know about the whole document while reading one sentence."""

    site_numbers: frozenset[str]  # house numbers of the site ("14" for "14 Grove Lane")
    mentions_nppf: bool
    gazetteer: dict[str, list[str]]
    # Kinds of building the application is about ("barn" for a barn conversion): a subject
    # naming another kind ("the farmhouse ... is grade II listed") is another building.
    site_kinds: frozenset[str] = frozenset()
    # The document's opening lines, where it names its site ("Rose Cottage, 7 Woodhouse Lane").
    header: str = ""


# Kinds of building, each with the words that name it.
BUILDING_KINDS: dict[str, tuple[str, ...]] = {
    "house": (
        "house",
        "houses",
        "dwelling",
        "dwellings",
        "dwellinghouse",
        "home",
        "cottage",
        "villa",
        "bungalow",
        "flat",
        "flats",
        "maisonette",
    ),
    "farmhouse": ("farmhouse",),
    "barn": ("barn", "agricultural building"),
    "outbuilding": ("outbuilding", "shed", "stable", "stables", "workshop"),
    "garage": ("garage",),
    "pub": ("pub", "public house", "inn"),
    "church": ("church", "chapel"),
    "hall": ("hall",),
    "lodge": ("lodge", "lodges"),
    "warehouse": ("warehouse",),
    "office": ("office", "offices"),
    "shop": ("shop",),
    "mill": ("mill",),
}
_KIND_WORDS = {word: kind for kind, words in BUILDING_KINDS.items() for word in words}
_KIND_PATTERN = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _KIND_WORDS), key=len, reverse=True)) + r")\b", re.I
)


def building_kinds(text: str) -> frozenset[str]:
    return frozenset(_KIND_WORDS[word.lower()] for word in _KIND_PATTERN.findall(text))


@dataclass(frozen=True)
class Reading:
    """One sentence of a block, as a spec reads it. `text` has the names of laws and documents
    and quoted passages blanked out (same length), so a trigger inside them is not seen; quotes
    are still cut from `sentence`, the page's own text."""

    block: Block
    sentence: Span
    text: str
    order: int
    facts: DocumentFacts
    previous: Span | None = None  # the sentence before, in the same block
    lead_in: str = ""  # the paragraph that introduced this list ("The policies are:")

    @property
    def previous_text(self) -> str:
        return self.previous.text if self.previous else ""

    @cached_property
    def plain(self) -> str:
        """The sentence with its line breaks as spaces (same length): PDF text breaks lines
        inside names ("National Planning\nPolicy Framework")."""
        return self.sentence.text.replace("\n", " ")

    def candidate(
        self, code: FindingCode, value: object, start: int, end: int, **attributes
    ) -> Candidate:
        return Candidate(
            code,
            str(value),
            self.block.page,
            self.sentence.quote_around(start, end),
            attributes,
            self.order,
        )

    @cached_property
    def clause_readings(self) -> list[tuple[Span, str]]:
        """Each clause with its blanked text."""
        out = []
        for clause in clauses(self.sentence):
            offset = clause.start - self.sentence.start
            out.append((clause, self.text[offset : offset + len(clause.text)]))
        return out


Reader = Callable[["Spec", Reading], list[Candidate]]
Settler = Callable[[list[Candidate]], list[Candidate]]


@dataclass(frozen=True)
class Spec:
    code: FindingCode
    trigger: re.Pattern[str]  # what a mention looks like
    read: Reader  # the value parser
    settle: Settler  # many candidates in one document into its findings
    scope: tuple[ContextRule, ...] = ()  # ConText rules for this code
    voided_by: frozenset[Modifier] = frozenset()  # a mention so modified says nothing
    # Declarative extras read by the shared parsers.
    name_before: re.Pattern[str] | None = None  # "<Name> Conservation Area"
    table_label: re.Pattern[str] | None = None  # "Conservation area: Dulwich Village"
    title_claim: tuple[re.Pattern[str], str] | None = None  # a form title's consent type
    form_field: re.Pattern[str] | None = None  # "Total net gain ... units\n5"
    # A sentence without any of these words cannot hold a mention: skipped cheaply, first by
    # plain substrings of the lower-cased text, then by the pattern.
    keywords: tuple[str, ...] = ()
    prefilter: re.Pattern[str] | None = None
    options: dict = field(default_factory=dict)

    def reads(self, block: Block) -> bool:
        """Which blocks can state this fact: one rule for both engines (Block.may_state)."""
        return block.may_state(self.code)

    def may_read(self, text: str, lowered: str = "") -> bool:
        if self.keywords and not any(word in lowered for word in self.keywords):
            return False
        return bool((self.prefilter or self.trigger).search(text))


# --- Blanking names of laws and documents, and quotations ---------------------------------

_NAMES = re.compile(
    r"Planning \(Listed Buildings and Conservation Areas\) Act(?: 1990)?"
    r"|\b(?:conservation area|article 4)\s+(?:character\s+)?(?:appraisals?|management plans?|"
    r"guidance|SPDs?|design guides?|officers?|advisory committees?|schedules?)"
    r"|(?-i:\b(?:[A-Z][\w']+ ){1,4}Conservation Area (?:Appraisal|Management Plan)\b)"
    r"|\blisted building consents?\b(?! (?:is|are|was|has been) (?:required|needed|sought))"
    r"|\blocally listed\b|\blocal list\b"
    r"|\bBS\s?\d{4}(?::\d{4})?(?:\s*:\s*[A-Z][^.;\n]{0,90}?(?=[.;'\u2019)]|\n|$))?"
    r"|\bTrees in relation to design, demolition and construction\b"
    r"|\bTown and Country Planning \([^)]{3,60}\) (?:Order|Regulations)(?: \d{4})?"
    r"|\((?:Listed buildings and structures|Conservation areas?|Design of places|Design quality|"
    r"Historic environment|Green Belt[^)]{0,60}|Trees[^)]{0,40})\)",
    re.IGNORECASE,
)
# A quoted passage of some length: policy or law, or a checklist's wording.
_QUOTED = re.compile(r"[\"\u201c][^\"\u201c\u201d]{24,}?[\"\u201d]")


def blank(text: str) -> str:
    def spaces(match: re.Match[str]) -> str:
        return " " * (match.end() - match.start())

    return _QUOTED.sub(spaces, _NAMES.sub(spaces, text))


# --- Shared scope rules ---------------------------------------------------------------------

_NEGATION = (
    rule(M.NEGATED, r"\b(?:not|n't|never)\b", window=4),
    rule(M.NEGATED, r"\b(?:outside|beyond)\b", window=6),
    rule(M.NEGATED, r"\bno\b(?!\.?\s*\d)", window=2),
    rule(M.NEGATED, r"\b(?:none|neither)\b", window=8),
    rule(M.NEGATED, r"\bnor\b", window=4),
    rule(M.NEGATED, r"\bfree (?:of|from)\b", window=3),
    rule(M.NEGATED, r"\b(?:un|non-)(?=\w)", window=0),
    rule(M.NEGATED, r"\b(?:none|n/a)\b|(?<=:)\s*no\b|\b(?:is|are) not\b", "backward", 0),
    # "does not affect the setting of a listed building" denies harm, not the designation;
    # "is not affected by an Article 4 direction" denies the designation.
    rule(M.PSEUDO, r"\bnot only\b|\bno (?:doubt|net)\b|\bnot (?:affect|harm|impact)(?:s|ing)?\b"),
)
_CONSTRAINT_HEDGE = (
    rule(
        M.HEDGED,
        r"\b(?:unsure|uncertain|unclear|not sure|not known|unknown|may|might|possibly|perhaps|"
        r"whether|believed to|thought to|appears? to|seems? to|if|unless|in the event)\b",
        "both",
        -1,
    ),
    rule(M.HEDGED, r"^\W*(?:where|when|should|once)\b", "forward", -1),
)
_CONSTRAINT_HISTORY = (
    rule(M.HISTORIC, r"\b(?:until|formerly|previously|used to|no longer)\b", "both", -1),
    rule(
        M.HISTORIC,
        r"\b(?:was|were|had been)\s+(?:\w+\s+){0,2}?(?:in|within|inside|part of|designated|"
        r"included|shown|located|placed)\b",
        "both",
        8,
    ),
    rule(M.HISTORIC, r"\b(?:removed|deleted|taken out|released) from\b|\bdraft\b", "both", -1),
)
_GENERIC = (
    rule(
        M.GENERIC,
        r"\bfor the purposes? of\b|\b(?:is|are) defined as\b|\bmeans\b|\btypical examples?\b"
        r"|\bsuch as\b|\be\.g\.|\bfor example\b|\bnotably\b",
        "both",
        -1,
    ),
    rule(M.GENERIC, r"\b(?:any|all|every|each|such)\b", "forward", 3),
)
_OTHER_SUBJECT = rule(
    M.OTHER,
    r"\b(?:nearby|neighbour\w*|neighbor\w*|adjacent|adjoining|next door|opposite|faces|facing|"
    r"further along|further south|further north|surrounding|nearest|other|elsewhere|across|"
    r"close to|near|vicinity|study area|wider area|beyond|away|setting of)\b"
    r"|\b\d+(?:\.\d+)?\s*(?:m|metres|meters|km|kilometres|miles?)\s+(?:to the|away|north|south|"
    r"east|west|beyond|from the (?:site|application site|property|boundary))\b"
    r"|\bwithin \d+(?:\.\d+)?\s*(?:m|metres|meters|km)\b|\bto the (?:north|south|east|west)",
    "both",
    -1,
)
_NEAR_SCOPE = (
    ContextRule(
        M.OTHER, _OTHER_SUBJECT.pattern, "both", 8, re.compile(r",|\band\b", re.IGNORECASE)
    ),
)
CONSTRAINT_SCOPE = (*_NEGATION, *_CONSTRAINT_HEDGE, *_CONSTRAINT_HISTORY, *_GENERIC, _OTHER_SUBJECT)

# --- Constraints ----------------------------------------------------------------------------

_PLACES_SITE = re.compile(
    r"\b(?:in|within|inside|part of|subject to|covered by|covers|affected by|designat\w*|lies|"
    r"falls|sits|located|situated|listed at|is listed|are listed|grade\s*(?:I|II|2|1|Il|11)\b|"
    r"protected by|protected|applies|withdrawn|places|shows|washed over)\b",
    re.IGNORECASE,
)
_NOT_A_PLACE = re.compile(r"\bin (?:accordance|line|respect|relation|terms|view)\b", re.IGNORECASE)
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
_VERB_ANCHOR = re.compile(
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
_GENERIC_SITE = re.compile(r"\b(?:site|property|premises|application|it)\b", re.I)
_HOUSE_NUMBER = re.compile(r"\bnos?\.?\s*(\d+)(?:\s*(?:-|to|and)\s*(\d+))?", re.IGNORECASE)
_GRADE = re.compile(r"\bgrade\s*(II\*|II|I|2\*|2|1|Il\*|Il|11\*|11)(?![\w*])", re.IGNORECASE)
_NAME_STOPWORDS = {"The", "A", "An", "This", "That", "Its", "Our", "By", "Within", "In", "Of"}
_NO_HERITAGE_ASSETS = re.compile(
    r"\b(?:contains?|are|is|has|there (?:are|is))\s+no\s+(?:known\s+)?(?:designated\s+)?"
    r"(?:or non-designated\s+)?heritage assets?\b",
    re.IGNORECASE,
)
_PLURAL_GENERIC = re.compile(
    r"(?:(?:statutorily )?listed (?:buildings|structures|assets|houses|terraces|walls)|"
    r"conservation areas|green belts|protected trees)\b",
    re.I,
)
# "a grade I or II* listed building", "any tree protected by ...": one of a kind, not the site.
_INDEFINITE_BEFORE = re.compile(
    r"(?<!\bin )(?<!\bwithin )(?<!\binside )(?<!\bby )(?<!\bto )(?<!\bis )(?<!\bare )"
    r"(?<!\bof )\b(?:a|an|any|every|each)\s+(?:[\w*-]+\s+){0,4}$",
    re.IGNORECASE,
)
_ANY_SUCH = re.compile(
    r"\b(?:any|all|every|each|such)\b"
    r"|\b(?:works|development|alterations?|changes?|applications?|proposals?|demolition)\s+"
    r"(?:to|affecting|(?:which|that)\s+affects?|in|within|for|of)\s+(?:a|an|any)\b",
    re.IGNORECASE,
)
# Two designations offered as alternatives, none denied: a condition or a rule, not a claim.
_ALTERNATIVES = re.compile(
    r"\b(?:conservation areas?|listed(?: buildings?)?|green belt|tree preservation orders?|"
    r"article 4)\b[^.;]{0,40}?\bor\b[^.;]{0,25}?\b(?:conservation areas?|listed|green belt|"
    r"tree preservation orders?|article 4)\b",
    re.IGNORECASE,
)
_WORKS_AFTER = re.compile(
    r"\s*(?:\w+\s+){0,2}?(?:will|would|is|are|need|needs|shall)\b[^.;]{0,20}?\b(?:removed|felled|"
    r"pruned|lopped|affected|harmed|lost|damaged|cut)\b",
    re.IGNORECASE,
)
_COORDINATED = re.compile(r"^[^.;]{0,40}?\b(?:or|nor)\b[\w\s-]{0,30}$", re.IGNORECASE)


def _grade(text: str) -> str:
    match = _GRADE.search(text)
    if not match:
        return ""
    value = match.group(1).upper().replace("L", "I").replace("11", "II")
    return value.replace("2", "II").replace("1", "I")


# "An Article 4 Direction covers the estate": the designation as subject, placing the site.
_COVERS = re.compile(
    r"\s*(?:covers?|applies (?:to|across|at)|includes?|extends (?:over|across)|washes over)\b"
    r"[^.;]{0,60}\b(?:site|property|house|building|estate|area|street|road|terrace|square|"
    r"village|land)\b",
    re.IGNORECASE,
)


def _subject(
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
    anchor = _VERB_ANCHOR.search(text)
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


def _denied_by_subject(text: str, start: int) -> bool:
    """ "No trees on or adjoining the site are covered by a tree preservation order": a subject
    quantified by "no" denies what its verb says."""
    anchor = _VERB_ANCHOR.search(text)
    return bool(
        anchor is not None
        and anchor.end() <= start
        and re.match(
            r"\W*(?:no(?!\.?\s*\d)|none of (?:the|its)|neither)\b", text[: anchor.start()], re.I
        )
    )


def _name_for(spec: Spec, text: str, gazetteer: dict[str, list[str]]) -> str:
    lowered = text.lower()
    for name in gazetteer.get(spec.code, []):
        if name.lower() in lowered:
            return name
    match = spec.name_before.search(text) if spec.name_before else None
    if match:
        words = match.group(1).split()
        while words and words[0] in _NAME_STOPWORDS:
            words.pop(0)
        if words:
            return " ".join(words)
    return ""


def _constraint_from_row(spec: Spec, reading: Reading) -> list[Candidate] | None:
    """A designations table or checklist row: "Listed building   No", "| Conservation area |
    Dulwich Village |", "Statutory listed buildings in vicinity: None". None when the sentence
    is not such a row; a row that says nothing about the site gives []."""
    if spec.table_label is None:
        return None
    text = reading.text.strip().strip("|").strip().lstrip("-*\u2022\u25aa\u25cf ")
    match = spec.table_label.match(text)
    if not match or len(text.split()) > 14 or re.search(r"[.;]\s*$", text):
        return None
    label, rest = match.group(0), text[match.end() :].strip(" |:-\u2013\t")
    start = reading.sentence.text.find(label.strip()[:8])
    start = max(start, 0)
    end = len(reading.sentence.text.rstrip())
    if re.match(r"(?:no|none|nil|n/?a|not\b|x\b|-$)", rest, re.I):
        return [reading.candidate(spec.code, ABSENT, start, end)]
    about_others = re.search(r"\b(?:vicinity|nearby|adjacent|neighbour\w*|setting)\b", label, re.I)
    if about_others or _OTHER_SUBJECT.pattern.search(rest) is not None:
        return []
    if re.search(
        r"\b(?:garden of|in the garden|neighbour|adjacent|nearby|next door|\d+\s*m\b)", rest, re.I
    ):
        return []
    if re.match(r"(?:yes|grade|[A-Z0-9])", rest):
        attributes = {}
        name = _name_for(spec, rest + " " + label, reading.facts.gazetteer)
        if not name and spec.name_before is not None and re.match(r"[A-Z]", rest):
            name = re.split(r"\s*[(\-\u2013,]", re.sub(r"^yes\W*", "", rest, flags=re.I))[0]
            name = name.strip()
        if name and spec.code in (FindingCode.CONSERVATION_AREA, FindingCode.ARTICLE_4):
            attributes["name"] = name
        if spec.code == FindingCode.LISTED_BUILDING and (grade := _grade(rest)):
            attributes["grade"] = grade
        return [reading.candidate(spec.code, PRESENT, start, end, **attributes)]
    return []


def read_constraint(spec: Spec, reading: Reading) -> list[Candidate]:
    """A clause's claim about the site: placed in or out of the designation, by the site as
    subject or by a placing verb, and not about another building, the past, a hypothesis, or
    such things in general."""
    rows = _constraint_from_row(spec, reading)
    if rows is not None:
        return rows
    found: list[Candidate] = []
    for clause, text in reading.clause_readings:
        offset = clause.start - reading.sentence.start
        mentions = list(spec.trigger.finditer(text))
        absent_phrase = (
            _NO_HERITAGE_ASSETS.search(text) if spec.code == FindingCode.LISTED_BUILDING else None
        )
        if not mentions and absent_phrase is None:
            continue
        scoper = scoper_for(text, spec.scope)

        def scoped(match: re.Match[str], scoper: Scoper = scoper) -> set[Modifier]:
            return scoper.modifiers(match.start(), match.end())

        usable = [m for m in mentions if not scoped(m) & spec.voided_by - {M.OTHER, M.GENERIC}]
        if (
            absent_phrase is not None
            and not scoped(absent_phrase) & {M.HEDGED, M.HISTORIC}
            and _subject(text, absent_phrase.start(), reading.facts.site_numbers) != "other"
        ):
            start, end = offset + absent_phrase.start(), offset + absent_phrase.end()
            found.append(reading.candidate(spec.code, ABSENT, start, end))
            continue
        if not usable:
            continue
        # A denial inside the mention counts too: "the trees ... are not protected".
        denied = [
            m
            for m in usable
            if M.NEGATED in scoped(m)
            or re.search(r"\bnot\b|n't", m.group(0))
            or _denied_by_subject(text, m.start())
        ]
        # "not in a conservation area or listed": the denial carries over "or" and "nor".
        if not denied:
            for match in usable:
                before = text[: match.start()]
                for other in _ALL_CONSTRAINT_TRIGGERS:
                    for earlier in other.finditer(before):
                        if M.NEGATED in scoper.modifiers(
                            earlier.start(), earlier.end()
                        ) and _COORDINATED.match(text[earlier.end() : match.start()]):
                            denied.append(match)
        if spec.code == FindingCode.TREE_PRESERVATION_ORDER:
            # "No protected tree will be removed": a denial of works, not of the order.
            denied = [m for m in denied if not _WORKS_AFTER.match(text, m.end())]
            if not denied and all(M.NEGATED in scoped(m) for m in usable):
                continue
        if denied:
            match = denied[0]
            facts = reading.facts
            subject = _subject(
                text, match.start(), facts.site_numbers, match.end(), facts.site_kinds
            )
            if subject == "other" and not (
                re.search(r"\b(?:neither|none|no)\b", text[: match.start()], re.I)
            ):
                continue
            found.append(
                reading.candidate(
                    spec.code, ABSENT, offset + match.start(), offset + match.end(), **{}
                )
            )
            continue
        match = usable[0]
        modifiers = scoped(match)
        if M.GENERIC in modifiers:
            continue
        facts = reading.facts
        subject = _subject(
            text, match.start(), facts.site_numbers, match.end(), facts.site_kinds, facts.header
        )
        if subject == "other":
            continue
        if subject == "" and M.OTHER in modifiers:
            continue
        if (
            _PLURAL_GENERIC.match(text, match.start())
            or (subject != "site" and _INDEFINITE_BEFORE.search(text[: match.start()]))
            or _ANY_SUCH.search(text[: match.start()])
        ):
            continue  # "listed buildings", "works to a tree protected by a TPO": in general
        if _ALTERNATIVES.search(text):
            continue  # "in a conservation area or affects a listed building": a condition
        if subject == "site" and M.OTHER in scoper_for(text, _NEAR_SCOPE).modifiers(
            match.start(), match.end()
        ):
            # "The site lies within 150 m of the X Conservation Area": the place is elsewhere;
            # but in "a semi within the X Conservation Area, near the listed church" the
            # neighbour is the church's, past the comma.
            continue
        if not _PLACES_SITE.search(_NOT_A_PLACE.sub("", text)):
            continue
        if spec.code == FindingCode.LISTED_BUILDING and re.search(
            r"\bnot\b|\bnever\b", text[: match.start()], re.I
        ):
            continue
        attributes = {}
        name = _name_for(spec, clause.text, reading.facts.gazetteer)
        if name and spec.code in (FindingCode.CONSERVATION_AREA, FindingCode.ARTICLE_4):
            attributes["name"] = name
        if spec.code == FindingCode.LISTED_BUILDING and (grade := _grade(clause.text)):
            attributes["grade"] = grade
        found.append(
            reading.candidate(
                spec.code, PRESENT, offset + match.start(), offset + match.end(), **attributes
            )
        )
    return found


_FLOOD_ZONE = re.compile(
    r"\bflood\s*(?:risk\s*)?zones?\s*(1|2|3a|3b|3|one|two|three)\b(?:\s*(?:,|and|or)\s*(2|3))?",
    re.IGNORECASE,
)


def read_flood_zone(spec: Spec, reading: Reading) -> list[Candidate]:
    found: list[Candidate] = []
    for clause, text in reading.clause_readings:
        offset = clause.start - reading.sentence.start
        scoper = scoper_for(text, spec.scope)
        for match in _FLOOD_ZONE.finditer(text):
            modifiers = scoper.modifiers(match.start(), match.end())
            if modifiers & (spec.voided_by - {M.OTHER}):
                continue
            if M.OTHER in modifiers and _subject(
                text, match.start(), reading.facts.site_numbers
            ) in ("other", ""):
                continue
            zone = match.group(1).lower()
            zone = {"one": "1", "two": "2", "three": "3"}.get(zone, zone)
            negated = M.NEGATED in modifiers
            if zone == "3b" and negated:
                continue  # "not in zone 3b (functional floodplain)" still leaves it in zone 3
            zone = zone[0]
            if negated:
                value, zone = ABSENT, "1"
            else:
                value = PRESENT if zone in ("2", "3") else ABSENT
            found.append(
                reading.candidate(
                    spec.code,
                    value,
                    offset + match.start(),
                    offset + match.end(),
                    zone=zone,
                )
            )
            break
    return found


def settle_by_vote(candidates: list[Candidate]) -> list[Candidate]:
    """One value per document: the explicit claims are counted and the majority wins (the first
    claim on a tie)."""
    votes = Counter(candidate.value for candidate in candidates)
    best = max(votes.values())
    return [next(candidate for candidate in candidates if votes[candidate.value] == best)]


def read_title(spec: Spec, reading: Reading) -> list[Candidate]:
    """A form's title names the consent types the applicant chose: "... and listed building
    consent for alteration, extension or demolition of a listed building"."""
    if spec.title_claim is None:
        return []
    pattern, value = spec.title_claim
    match = pattern.search(reading.sentence.text)
    if not match:
        return []
    return [reading.candidate(spec.code, value, match.start(), match.end(), _rank=1)]


# --- Proposal facts: shared scope -------------------------------------------------------------

# A past event modifies the words near it, up to a comma: "a three-storey warehouse built in
# 1898, into nine new homes" dates the warehouse, not the homes.
_PROPOSAL_HISTORY = (
    rule(
        M.HISTORIC,
        r"\b(?:was|were|been|had) (?:\w+ )?(?:refused|granted|withdrawn|approved|dismissed|"
        r"allowed|permitted|built|added|erected|constructed|converted|subdivided|divided|"
        r"demolished|taken down|extended|rebuilt|formed|used|let|removed)\b",
        "both",
        8,
        stops_at=",",
    ),
    rule(
        M.HISTORIC,
        r"\b(?:in|by|until|since|before|after|from|about|around|circa|c\.)\s*(?:the\s+)?"
        r"(?:1[6-9]\d\d|20[01]\d|202[0-5])s?\b",
        "both",
        6,
        stops_at=",",
    ),
    rule(M.HISTORIC, r"\b(?:now|already) (?:converted|used|occupied|in use)\b", "both", 6),
    rule(
        M.HISTORIC,
        r"\b(?:refused|withdrawn|dismissed|lapsed)\b|\b(?:previous|earlier|former) "
        r"(?:application|scheme|proposal|permission|consent)s?\b|\bappeal\b",
        "both",
        10,
        stops_at=",",
    ),
)
# What stands today: "the building is four storeys today; with the extension it becomes five".
_EXISTING_NOW = rule(
    M.EXISTING,
    r"\b(?:today|currently|at present|as existing|existing)\b",
    "both",
    4,
    stops_at=",",
)
_PROPOSAL_HEDGE = rule(
    M.HEDGED,
    r"\b(?:may|might|could|possibly|perhaps|whether|unsure|uncertain|considered but|would need|"
    r"if|unless)\b",
    "both",
    -1,
)
_PROPOSAL_GENERIC = rule(
    M.GENERIC,
    r"\bfor the purposes? of\b|\b(?:is|are) defined as\b|\bmeans\b|\bsuch as\b|\be\.g\.",
    "both",
    -1,
)

# --- Yes/no facts ------------------------------------------------------------------------------

_YES_NO_NEGATION = re.compile(
    r"\b(?:no(?!\.?\s*\d)|not|n't|without|nor|neither|nothing|none)\b(?:\W+\w+){0,7}\W*$",
    re.IGNORECASE,
)
_CLOSE_NEGATION = re.compile(
    r"\b(?:no(?!\.?\s*\d)|not|n't|without|nor|neither)\b(?:\W+\w+){0,3}\W*$", re.I
)
_YES_NO_NEGATION_AFTER = re.compile(
    r"\s+(?:is|are|will|would)\s+not\s+(?:be\s+)?(?:proposed|required|needed|included|involved|"
    r"planned|sought|part)\b"
    r"|\s+(?:\w+\s+){0,3}?(?:has|have)\s+been\s+(?:omitted|removed from|dropped|deleted)\b",
    re.IGNORECASE,
)
# A denied verb of reach or effect ("its roots do not reach the basement") is about something
# else, not a denial that the basement or the demolition is proposed.
_NEGATED_OTHER_VERB = re.compile(
    r"\b(?:reach\w*|affect\w*|extend\w*|harm\w*|impact\w*|encroach\w*|undermin\w*)\b", re.I
)
# "No part of the building will be demolished other than a modern fire escape": something is.
_EXCEPT = re.compile(r"\b(?:other than|except|apart from|save for)\b", re.I)
# Sentences about planning rights or directions name works in general, not the proposal's.
_RIGHTS_CONTEXT = re.compile(r"\bpermitted development rights?\b|\bdirection\b", re.IGNORECASE)
_EXISTING_BASEMENT = re.compile(
    r"\bexisting\s+(?:\w+\s+)?basement\b|\b(?:over|above|including|has|had) (?:a |its )?"
    r"(?:half-)?basements?\b(?![^.;]{0,30}\b(?:propos|new|excavat|will|would|form|creat|add)\w*)",
    re.IGNORECASE,
)


# "No works are proposed to the front elevation, the basement or ...": a place, not a proposal.
_WORKS_DENIED_AT = re.compile(
    r"\bno (?:works|alterations|changes)\b[^.;]{0,20}\b(?:to|at|in|within)\b[^.;]*$", re.I
)


def _denies(text: str, mention: re.Match[str]) -> bool:
    """Whether a yes/no mention in a clause is denied: "no basement", "nothing ... demolished",
    "demolition is not proposed", "the basement ... has been omitted"."""
    before = _YES_NO_NEGATION.search(text[: mention.start()])
    if before and not _NEGATED_OTHER_VERB.search(before.group(0)):
        return True
    return bool(_YES_NO_NEGATION_AFTER.match(text, mention.end()))


_USE_CLASS = re.compile(r"\b(?:use\s+)?class\s+([A-G]\d?[a-z]?(?:\([a-z]+\))?|sui generis)", re.I)


def read_yes_no(spec: Spec, reading: Reading) -> list[Candidate]:
    """Clause by clause, so a negation does not reach across "; but"."""
    found: list[Candidate] = []
    sentence_text = reading.text
    for clause, text in reading.clause_readings:
        offset = clause.start - reading.sentence.start
        mentions = list(spec.trigger.finditer(text))
        if not mentions:
            continue
        scoper = scoper_for(text, spec.scope)
        mentions = [
            m for m in mentions if not scoper.modifiers(m.start(), m.end()) & spec.voided_by
        ]
        if not mentions:
            continue
        if spec.code == FindingCode.BASEMENT and (
            _EXISTING_BASEMENT.search(text) or _WORKS_DENIED_AT.search(text[: mentions[0].start()])
        ):
            continue
        if spec.code != FindingCode.BASEMENT and _RIGHTS_CONTEXT.search(text):
            continue
        denied = [
            m
            for m in mentions
            if _denies(text, m) and not _EXCEPT.search(text[m.end() : m.end() + 40])
        ]
        mention = denied[0] if denied else mentions[0]
        attributes = {}
        if spec.code == FindingCode.CHANGE_OF_USE and not denied:
            classes = [c.group(1).upper() for c in _USE_CLASS.finditer(sentence_text)]
            if len(classes) >= 2:
                attributes = {"from": classes[0], "to": classes[1]}
        if (
            spec.code == FindingCode.BASEMENT
            and not denied
            and reading.block.section == Section.SITE
            and not spec.options["proposal_cue"].search(text)
        ):
            continue  # the site's description: "a half-basement", "over a basement"
        found.append(
            reading.candidate(
                spec.code,
                "no" if denied else "yes",
                offset + mention.start(),
                offset + mention.end(),
                **attributes,
            )
        )
    return found


_TREE_WORD = (
    r"(?:\btrees?\b|\bTPO\b|\b(?:oak|ash|beech|lime|sycamore|willow|birch|cherr(?:y|ies)|plane|"
    r"chestnut|yew|hornbeam|maple|pine|poplar|elm|hawthorn|conifer|cypress|rowan|alder|walnut|"
    r"magnolia|apple|pear|holly)(?:e?s)?\b)"
)
_TREE_MENTION = re.compile(_TREE_WORD + r"|\bpruning\b", re.IGNORECASE)
_TREE_WORKS_LATER = re.compile(
    r"\bno (?:works|pruning|felling) (?:to|of) (?:it|them|this tree|these trees)\b", re.I
)
_TREE_WORKS_NO = re.compile(
    r"\bno\s+(?:trees?\s+)?(?:works|pruning|felling|removal)\b"
    r"|\b(?:no|not|nor|n't)\b(?:\W+\w+){0,4}?\W+(?:works?|pruning|felling|removal) (?:to|of) "
    r"(?:any |the )?trees?\b"
    r"|\bno (?:protected |other |existing )?trees?(?: or hedges?)? (?:will|would|are|is|need|needs)"
    r"(?: \w+){0,2}?(?: to)? "
    r"(?:be )?(?:pruned|removed|felled|lost|cut|affected|harmed)"
    r"|\bnot (?:require|involve|propose|include)\w* (?:any )?(?:tree|the (?:removal|felling))"
    r"|\bwithout (?:the )?(?:loss|removal|felling) of (?:any )?trees?"
    r"|\b(?:all|existing) trees (?:will|are to) be retained",
    re.IGNORECASE,
)
_PARTIAL_DENIAL = re.compile(
    r"\b(?:to|of) (?:it|them|this tree|these trees)\b|\brequired\b|^no other\b", re.I
)
# Only felling is denied ("No tree is to be felled"): other works may still be proposed.
_ONLY_FELLING_DENIED = re.compile(r"\bno trees? (?:is|are|will be) (?:to be )?felled\b", re.I)
_TREE_WORKS_YES = re.compile(
    r"\b(?:fell(?:ing|ed)?|remov(?:e|ed|al of)|loss of)\b(?=[^.;]{0,60}" + _TREE_WORD + r")"
    r"|" + _TREE_WORD + r"(?![^.;]{0,12}\b(?:retained|kept)\b)[^.;]{0,60}\b(?:felled|removed)\b"
    r"|\b(?:removal|loss) of (?:\w+\s+){0,3}trees?\b|\btree (?:removal|works)\b"
    r"|" + _TREE_WORD + r"[^.;]{0,60}\b(?:proposed|scheduled|recommended) for (?:removal|felling)\b"
    r"|\b(?:crown (?:reduction|reduce|lift\w*|thin\w*)|pollard\w*|pruning|prune)\b",
    re.IGNORECASE,
)


def read_tree_works(spec: Spec, reading: Reading) -> list[Candidate]:
    text = reading.text
    scoper = scoper_for(text, spec.scope)
    if _TREE_MENTION.search(text):
        no_works = _TREE_WORKS_NO.search(text)
        if no_works and not scoper.modifiers(no_works.start(), no_works.end()) & spec.voided_by:
            # "No trees will be affected" denies all tree works; "no works to it", "no works
            # required" (of one tree in a schedule), "no tree is to be felled" deny only some.
            following = text[no_works.start() : no_works.end() + 25]
            partial = _ONLY_FELLING_DENIED.search(text) or _PARTIAL_DENIAL.search(following)
            rank = 0 if partial else 2
            return [
                reading.candidate(spec.code, "no", no_works.start(), no_works.end(), _rank=rank)
            ]
        works = _TREE_WORKS_YES.search(text)
        if (
            works
            and not _CLOSE_NEGATION.search(text[: works.start()])
            and not scoper.modifiers(works.start(), works.end()) & spec.voided_by
        ):
            return [reading.candidate(spec.code, "yes", works.start(), works.end(), _rank=1)]
    elif (
        reading.previous is not None
        and _TREE_MENTION.search(reading.previous.text)
        and (no_works := _TREE_WORKS_LATER.search(text))
    ):
        # "A protected oak stands by the boundary. No works to it are proposed." The quote
        # takes both sentences, so that it names the tree it is about.
        block = reading.block
        both = Span(
            block.text[reading.previous.start - block.start : reading.sentence.end - block.start],
            reading.previous.start,
        )
        offset = reading.sentence.start - reading.previous.start
        return [
            Candidate(
                spec.code,
                "no",
                block.page,
                both.quote_around(offset + no_works.start(), offset + no_works.end()),
                {"_rank": 2},
                reading.order,
            )
        ]
    return []


def settle_tree_works(candidates: list[Candidate]) -> list[Candidate]:
    """Works stated outrank a denial of felling only ("crown reduction ...; no tree is to be
    felled" is tree works)."""
    strong = [candidate for candidate in candidates if candidate.rank >= 1]
    return settle_by_vote(strong or candidates)


# --- Numbers --------------------------------------------------------------------------------

_EXISTING_BEFORE = re.compile(r"\b(?:existing|current|original)\b(?:\W+\w+){0,2}\W*$", re.I)
# "fewer than seven storeys", "18 metres or 7 storeys", "two storeys lower": a threshold or a
# comparison, not the proposal's size.
_THRESHOLD_BEFORE = re.compile(
    r"\b(?:fewer|more|less|greater|higher|taller|lower|over|under|than|at least|exceed\w*|"
    r"maximum|minimum|or|limit of|no more|above|below)\s*$",
    re.I,
)
_THRESHOLD_AFTER = re.compile(
    r"^\s*(?:or more|or higher|or above|or over|or fewer|or less|lower|higher|taller|shorter|"
    r"fewer|less|more)\b",
    re.I,
)
NUMBER_SCOPE = (*_PROPOSAL_HISTORY, _PROPOSAL_HEDGE, _PROPOSAL_GENERIC, _EXISTING_NOW)

_DWELLING_NOUN = (
    r"(?:dwellings?|dwellinghouses?|houses?|homes?|flats?|apartments?|maisonettes?|bungalows?|"
    r"townhouses?|units?)"
)
_DWELLINGS = re.compile(
    r"\b(" + NUMBER + r")(?:\s*(?:no\.?|x|nos\.?))?"
    r"((?:\s+(?:new|additional|further|residential|self[- ]contained|affordable|private|market|"
    r"detached|semi-detached|terraced|family|social|studio|dwelling|housing|[a-z]+-bed(?:room)?|"
    r"(?:\d|one|two|three|four|five|six)[- ](?:storey|story)|"
    r"\d-bed(?:room)?|(?:one|two|three|four|five)[- ]bed(?:room)?)){0,3})\s+"
    + _DWELLING_NOUN
    + r"\b",
    re.IGNORECASE,
)
_DWELLINGS_TOTAL = re.compile(
    r"\b(?:total of|net (?:gain|increase) of|provid\w* (?:a total of )?|creat\w* |erection of |"
    r"comprising |deliver\w* |contain\w* )(" + NUMBER + r")\b",
    re.IGNORECASE,
)
# "One-for-one replacement", "no net gain in dwellings", "does not create any additional dwelling":
# the document states the net number of new homes is nil.
_NO_NET_DWELLINGS = re.compile(
    r"\bone[- ]for[- ]one\b"
    r"|\bno net (?:gain|increase|change|addition)\b(?:\W+\w+){0,3}?\W+"
    + _DWELLING_NOUN
    + r"|\b(?:not|no)\b(?:\W+\w+){0,3}?\W+(?:additional|new|extra|net)\s+(?:\w+\s+)?"
    r"(?:dwellings?|dwellinghouses?|homes?|residential units?)\b"
    r"|\bnumber of (?:homes|dwellings|units)\b[^.;]{0,40}\bunchanged\b",
    re.IGNORECASE,
)
# "Single family dwelling", "a single household": the kind of home, not a count.
_NOT_A_COUNT = re.compile(r"\s+(?:family|household|occupancy)\b", re.IGNORECASE)
_A_NEW_DWELLING = re.compile(
    r"\ban? (?:new|additional|further|single new) (?:(?:detached|semi-detached|family|"
    r"self-contained|[a-z]+-bed(?:room)?)\s+){0,2}(?:dwelling|dwellinghouse|house|home|bungalow)\b",
    re.IGNORECASE,
)
# "to create a one-bedroom flat": one new home, written with its size rather than "new".
_CREATES_ONE_HOME = re.compile(
    r"\b(?:creat|provid|form|add|erect|construct)\w*\s+an?\s+(?:new\s+)?"
    r"(?:(?:one|two|three|four|\d)[- ]bed(?:room)?(?:ed)?\s+)(?:self-contained\s+)?"
    r"(?:flat|apartment|maisonette|house|home|dwelling|bungalow)\b",
    re.IGNORECASE,
)
# Homes that are some of the total ("9 of them affordable"), or elsewhere.
_DWELLINGS_PART = re.compile(
    r"^\W*(?:\(|of which|of them)|^\s*(?:\w+\s+){0,3}(?:will be |are |is )?(?:affordable|for "
    r"shared ownership)",
    re.I,
)


def read_dwellings(spec: Spec, reading: Reading) -> list[Candidate]:
    text = reading.text
    scoper = scoper_for(text, spec.scope)
    found: list[Candidate] = []

    def usable(start: int, end: int) -> bool:
        return not scoper.modifiers(start, end) & spec.voided_by

    for match in _DWELLINGS.finditer(text):
        adjectives, noun = match.group(2).lower(), match.group(0).split()[-1].lower()
        number = to_number(match.group(1))
        if number is None or number == 0 or number > 5000 or not usable(*match.span()):
            continue
        if noun.startswith("unit") and not re.search(
            r"residential|self|dwelling|housing|affordable|bed", adjectives
        ):
            continue
        if re.match(r"\s*-?\s*bed", text[match.end(1) : match.end(1) + 6], re.IGNORECASE):
            continue
        if _EXISTING_BEFORE.search(text[: match.start()]) or _NOT_A_COUNT.match(text, match.end(1)):
            continue
        if _THRESHOLD_BEFORE.search(text[: match.start()]):
            continue
        if match.group(1).lower() == "single" and re.search(
            r"\b(?:a|as a|the)\s*$", text[: match.start()], re.I
        ):
            continue  # "remain a single dwelling", "use as a single dwellinghouse": a kind of use
        rank = 1 if _DWELLINGS_TOTAL.search(text[max(0, match.start() - 30) : match.end()]) else 0
        if "affordable" in adjectives or _DWELLINGS_PART.search(text[match.end() :]):
            rank = -1
        found.append(reading.candidate(spec.code, number, *match.span(), _rank=rank))
    if (
        (one := _A_NEW_DWELLING.search(text))
        and not _EXISTING_BEFORE.search(text[: one.start()])
        and usable(*one.span())
    ):
        found.append(reading.candidate(spec.code, 1, *one.span(), _rank=-1))
    if (one := _CREATES_ONE_HOME.search(text)) and usable(*one.span()):
        found.append(reading.candidate(spec.code, 1, *one.span(), _rank=-1))
    if (net_zero := _NO_NET_DWELLINGS.search(text)) and usable(*net_zero.span()):
        # A replacement or a conversion that adds no home outranks the homes it counts.
        found.append(reading.candidate(spec.code, 0, *net_zero.span(), _rank=2))
    return found


def read_form_field(spec: Spec, reading: Reading) -> list[Candidate]:
    """A form field whose value is the fact: "Total net gain or loss of residential units" 5."""
    if spec.form_field is None:
        return []
    match = spec.form_field.search(reading.sentence.text)
    if not match or int(match.group(1)) < 0:
        return []
    return [reading.candidate(spec.code, int(match.group(1)), *match.span(), _rank=3)]


_STOREYS = re.compile(r"\b(" + NUMBER + r")(?:\s*|-)(?:storeys?|stories|story)\b", re.IGNORECASE)
_PROPOSAL_CUE = re.compile(
    r"\b(?:propos\w*|new|erect\w*|extension|will|would|construct\w*|build|brings|rising|rises|"
    r"comprise\w*|provid\w*|replacement|add\w*|creat\w*|stepping|application for|becomes|"
    r"making|bringing)\b",
    re.IGNORECASE,
)
# What the storeys describe, read from the words after the number: another building's height.
_STOREYS_OF_OTHERS = re.compile(
    r"^[\w\s-]{0,25}?\b(?:office (?:building|block)|tower block|terraces|towers|mews houses|"
    r"dwellings on|properties)\b",
    re.I,
)


_STRONG_PROPOSAL_CUE = re.compile(
    r"\b(?:propos\w*|will|would|new|erect\w*|to be|is to|are to|replacement)\b", re.I
)
_STOREYS_ROW = re.compile(r"^\W*(?:number of |proposed )?(?:storeys|height in storeys)\b", re.I)


def about_proposal(reading: Reading) -> bool:
    """Whether a sentence speaks of the proposal: a proposal's words, or a place in the
    proposal's own section. In the site's description only plain proposal words count
    ("comprises" there describes what stands on the site)."""
    block = reading.block
    if block.section == Section.PROPOSAL or (
        block.role == Role.TABLE_ROW and _STOREYS_ROW.match(reading.text)
    ):
        return True
    if block.section == Section.SITE:
        return bool(_STRONG_PROPOSAL_CUE.search(reading.text))
    return bool(_PROPOSAL_CUE.search(reading.text))


def read_storeys(spec: Spec, reading: Reading) -> list[Candidate]:
    text = reading.text
    if not about_proposal(reading):
        return []
    scoper = scoper_for(text, spec.scope)
    found = []
    for match in _STOREYS.finditer(text):
        if scoper.modifiers(match.start(), match.end()) & spec.voided_by:
            continue
        before = text[: match.start()]
        if _EXISTING_BEFORE.search(before) or _THRESHOLD_BEFORE.search(before):
            continue
        if _THRESHOLD_AFTER.match(text, match.end()):
            continue
        if _STOREYS_OF_OTHERS.match(text[match.end() :]) or re.search(
            r"\bthan (?:the |a |an )?$", before[-12:]
        ):
            continue
        anchor = _VERB_ANCHOR.search(text)
        if (
            anchor is not None
            and anchor.end() <= match.start()
            and _subject(text, match.start(), reading.facts.site_numbers, match.end()) == "other"
        ):
            continue  # "Buildings on this street are two to three storeys"
        number = to_number(match.group(1))
        if number and number <= 60:
            found.append(reading.candidate(spec.code, number, *match.span()))
    return found


_AREA = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(m2|m²|sq\.?\s?m\b|sqm|square\s+met(?:re|er)s|"
    r"sq\.?\s?ft|square\s+feet)",
    re.IGNORECASE,
)
_FLOORSPACE_CUE = re.compile(
    r"floor\s*space|floor\s*area|\bGIA\b|\bGEA\b|\bNIA\b|gross internal|internal area",
    re.IGNORECASE,
)
_NEW_CUE = re.compile(r"\b(?:new|additional|proposed|provid\w*|add\w*|creat\w*|net)\b", re.I)
# What a figure measures is read from the words just before and after it. Net additions outrank
# totals, which outrank an area only described as new, which outranks a bare "extension of 21 m²".
_AREA_NET = re.compile(
    r"\b(?:net (?:additional|increase|gain|new)|increase of|adds?|added|adding|additional)\b", re.I
)
_AREA_TOTAL = re.compile(r"\b(?:total|in total|overall)\b|=\s*$", re.I)
_AREA_SKIP_BEFORE = re.compile(
    r"\b(?:existing|current|original|chang\w* use|converted|conversion|garden|plot|site|"
    r"land|terrace|yard|courtyard|parking|amenity|under|below|less than|up to|at least|"
    r"limit|threshold|replacing|workshop|conservatory|warehouse)\b|[\u00d7x]\s*$",
    re.I,
)
_AREA_SKIP_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:limit|threshold|maximum|each|per|[\u00d7x]\s*\d)", re.I
)
_BUILT_OF = re.compile(
    r"\b(?:extensions?|house|houses|dwellings?|bungalows?|buildings?|outbuildings?|garden room|"
    r"annexe|stables?|(?:stable )?block|footprint|home|flats?|apartments?|maisonettes?)\b"
    r"[^.;:]{0,80}?\bof\s+"
    r"(?:about\s+|approximately\s+|around\s+|some\s+)?$",
    re.I,
)
_NO_NEW_FLOORSPACE = re.compile(
    r"\b(?:no|not add any) (?:new|additional|extra|net additional) (?:floor\s*space|floor area|"
    r"GIA)\b",
    re.I,
)


def read_floorspace(spec: Spec, reading: Reading) -> list[Candidate]:
    """The net addition when the document gives it, else a total, else the area of what is
    built. Existing, converted, per-unit and garden or site areas and thresholds are not new
    floorspace."""
    text = reading.text
    scoper = scoper_for(text, spec.scope)
    found = []
    if (no_new := _NO_NEW_FLOORSPACE.search(text)) and not scoper.modifiers(
        no_new.start(), no_new.end()
    ) & spec.voided_by:
        found.append(reading.candidate(spec.code, 0, no_new.start(), no_new.end(), _rank=4))
    floorspace_sentence = _FLOORSPACE_CUE.search(text) and not re.search(
        r"\bsite area\b", text, re.I
    )
    previous_end = 0
    for match in _AREA.finditer(text):
        # The words that belong to this figure: back to the previous figure or line.
        line_start = max(text.rfind("\n", 0, match.start()) + 1, previous_end)
        before = text[max(line_start, match.start() - 60) : match.start()]
        after = text[match.end() : match.end() + 40].split("\n")[0]
        previous_end = match.end()
        if scoper.modifiers(match.start(), match.end()) & spec.voided_by:
            continue
        own_phrase = re.split(r"[,;]", before)[-1]
        if _EXISTING_BEFORE.search(own_phrase) or _AREA_SKIP_BEFORE.search(own_phrase[-40:]):
            continue
        if _AREA_SKIP_AFTER.search(after) or re.search(r"\b(?:each|per)\b", before, re.I):
            continue  # a threshold, or the size of one of several units
        # The net cue is read before the figure, or straight after it ("42 m² of
        # additional floorspace"), never from the next figure's words.
        if _AREA_NET.search(before) or re.match(
            r"\W*(?:of\s+)?(?:net\s+)?(?:additional|added|new)\b", after, re.I
        ):
            rank = 3
        elif _AREA_TOTAL.search(before) or re.match(
            r"\W*(?:in total\b|of (?:\w+\s+)?(?:new|additional)\b)", after, re.I
        ):
            rank = 2
        elif floorspace_sentence:
            rank = 1 if _NEW_CUE.search(text) else 0
        elif (
            _BUILT_OF.search(before)
            and about_proposal(reading)
            and not re.search(r"\bconver\w*|\bchange of use\b", own_phrase, re.I)
        ):
            rank = -1  # the size of what is built; a converted unit's size is not new
        else:
            continue
        amount = float(match.group(1).replace(",", ""))
        if "f" in match.group(2).lower():
            amount *= 0.092903
        found.append(
            reading.candidate(spec.code, round(amount), match.start(), match.end(), _rank=rank)
        )
    return found


def settle_largest(candidates: list[Candidate]) -> list[Candidate]:
    """The best-ranked candidate, and of those the largest number ("part six, part eight")."""
    return [max(candidates, key=lambda c: (c.rank, int(c.value)))]


def settle_first_best(candidates: list[Candidate]) -> list[Candidate]:
    return [max(candidates, key=lambda c: (c.rank, -c.order))]


def settle_all(candidates: list[Candidate]) -> list[Candidate]:
    return candidates


# --- Policies -------------------------------------------------------------------------------

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


# --- The specs ------------------------------------------------------------------------------


_CONSTRAINT_VOIDS = frozenset({M.HEDGED, M.HISTORIC, M.GENERIC, M.OTHER})
_PROPOSAL_VOIDS = frozenset({M.HEDGED, M.HISTORIC, M.GENERIC})
_DEMOLITION = re.compile(
    r"\bdemoli(?:sh\w*|tion)\b|\b(?:shed|garage|building|outbuilding|extension|conservatory|"
    r"store|barn|structure|bungalow|house)s?\b(?=[^.;]{0,40}\b(?:taken|pulled|knocked)\s+down\b)",
    re.IGNORECASE,
)
# Converting a building into homes is a change of use (a garage into a study is not).
_CHANGE_OF_USE = re.compile(
    r"\bchanges?\s+of\s+use\b|\buse class\w*\b[^.;]{0,60}\bto\b[^.;]{0,30}\b(?:use )?class\b"
    r"|\bconver(?:t|ts|ted|ting|sion)\b[^.;]{0,40}\b(?:into|to|creat\w*|provid\w*)\b[^.;]{0,30}"
    r"\b(?:flats?|dwellings?|homes?|apartments?|residential)\b",
    re.IGNORECASE,
)
_BASEMENT = re.compile(r"\bbasements?\b", re.IGNORECASE)
_BASEMENT_PROPOSAL_CUE = re.compile(
    r"\b(?:propos\w*|new|excavat\w*|form\w*|creat\w*|add\w*|construct\w*|build\w*|extend\w*|"
    r"will|would|includ\w*|provid\w*|level|lightwell|beneath|under|below|omitted|impact|"
    r"considered)\b",
    re.I,
)
_NAME_BEFORE_CA = re.compile(r"((?:[A-Z][\w'\u2019.&-]*\s+){1,5})Conservation\s+Area")
_NAME_BEFORE_A4 = re.compile(r"((?:[A-Z][\w'\u2019.&-]*\s+){1,5})Article\s*(?:4|Four)")


def _constraint(
    code: FindingCode,
    trigger: str,
    table_label: str,
    *,
    name_before: re.Pattern[str] | None = None,
    title_claim: tuple[str, str] | None = None,
    prefilter: str | None = None,
    keywords: tuple[str, ...] = (),
    read: Reader = read_constraint,
) -> Spec:
    return Spec(
        code=code,
        trigger=re.compile(trigger, re.IGNORECASE),
        read=read,
        settle=settle_by_vote,
        scope=CONSTRAINT_SCOPE,
        voided_by=_CONSTRAINT_VOIDS,
        name_before=name_before,
        table_label=re.compile(table_label, re.IGNORECASE),
        title_claim=(re.compile(title_claim[0], re.I), title_claim[1]) if title_claim else None,
        prefilter=re.compile(prefilter, re.IGNORECASE) if prefilter else None,
        keywords=keywords,
    )


CONSERVATION_AREA = _constraint(
    FindingCode.CONSERVATION_AREA,
    r"\bconservation\s+areas?\b",
    r"(?:within (?:a |the )?)?conservation area(?:\s*\(CA\))?\b",
    name_before=_NAME_BEFORE_CA,
    title_claim=(r"demolition in a conservation area", PRESENT),
    keywords=("conservation",),
)
LISTED_BUILDING = _constraint(
    FindingCode.LISTED_BUILDING,
    r"\b(?:statutorily\s+)?listed(?!\s+(?:below|above|in|on|at\s+appendix|overleaf))\b"
    r"|\bstatutory list\b",
    r"(?:statutor(?:y|ily) )?listed(?: building)?s?(?: status)?(?: in (?:the )?vicinity)?\b"
    r"|listed building\b",
    title_claim=(r"\blisted building consent\b", PRESENT),
    prefilter=r"listed|statutory list|heritage assets?",
    keywords=("listed", "statutory list", "heritage asset"),
)
TREE_PRESERVATION_ORDER = _constraint(
    FindingCode.TREE_PRESERVATION_ORDER,
    r"\btree preservation orders?\b|\bTPOs?\b|\bprotected trees?\b"
    r"|\btrees?\b[^.;]{0,40}?\bprotected\b",
    r"(?:tree preservation orders?|TPOs?)\b",
    keywords=("tree", "tpo", "protected", "preservation"),
)
GREEN_BELT = _constraint(
    FindingCode.GREEN_BELT,
    r"\bgreen\s*belt\b",
    r"(?:within (?:the )?)?green\s*belt\b",
    keywords=("green",),
)
ARTICLE_4 = _constraint(
    FindingCode.ARTICLE_4,
    r"\barticle\s*(?:4|four)\b",
    r"article\s*4(?: direction)?s?\b",
    name_before=_NAME_BEFORE_A4,
    keywords=("article",),
)
FLOOD_ZONE = Spec(
    code=FindingCode.FLOOD_ZONE,
    trigger=_FLOOD_ZONE,
    read=read_flood_zone,
    settle=settle_by_vote,
    scope=CONSTRAINT_SCOPE,
    voided_by=frozenset({M.HEDGED, M.HISTORIC, M.GENERIC, M.OTHER}),
    keywords=("flood",),
)
_ALL_CONSTRAINT_TRIGGERS = [
    spec.trigger
    for spec in (CONSERVATION_AREA, LISTED_BUILDING, TREE_PRESERVATION_ORDER, GREEN_BELT, ARTICLE_4)
] + [_FLOOD_ZONE]

# For the proposal, another subject is a neighbour's ("No. 12 had a basement added").
_NEIGHBOUR = rule(
    M.OTHER,
    r"\b(?:nearby|neighbour\w*|neighbor\w*|adjacent|adjoining|next door|opposite)\b"
    r"|\bto the (?:north|south|east|west)(?:-\w+)?\b(?!\s+(?:elevation|side|wall|of the "
    r"(?:house|building|property|site)))",
    "both",
    -1,
)
_PROPOSAL_SCOPE = (*_PROPOSAL_HISTORY, _PROPOSAL_HEDGE, _PROPOSAL_GENERIC, _NEIGHBOUR)


def _yes_no(
    code: FindingCode,
    trigger: re.Pattern[str],
    keywords: tuple[str, ...],
    title_claim: tuple[str, str] | None = None,
    **options,
) -> Spec:
    return Spec(
        code=code,
        trigger=trigger,
        read=read_yes_no,
        settle=settle_by_vote,
        scope=_PROPOSAL_SCOPE,
        voided_by=_PROPOSAL_VOIDS | {M.OTHER},
        title_claim=(re.compile(title_claim[0], re.I), title_claim[1]) if title_claim else None,
        keywords=keywords,
        options=options,
    )


DEMOLITION = _yes_no(
    FindingCode.DEMOLITION,
    _DEMOLITION,
    keywords=("demoli", "down"),
    title_claim=(r"demolition in a conservation area", "yes"),
)
CHANGE_OF_USE = _yes_no(FindingCode.CHANGE_OF_USE, _CHANGE_OF_USE, keywords=("use", "conver"))
BASEMENT = _yes_no(
    FindingCode.BASEMENT, _BASEMENT, keywords=("basement",), proposal_cue=_BASEMENT_PROPOSAL_CUE
)
TREE_WORKS = Spec(
    code=FindingCode.TREE_WORKS,
    trigger=_TREE_MENTION,
    read=read_tree_works,
    settle=settle_tree_works,
    prefilter=re.compile(_TREE_MENTION.pattern + "|" + _TREE_WORKS_LATER.pattern, re.I),
    scope=(*_PROPOSAL_HISTORY, _PROPOSAL_HEDGE, _PROPOSAL_GENERIC, _NEIGHBOUR),
    voided_by=_PROPOSAL_VOIDS | {M.OTHER},
)
DWELLINGS = Spec(
    code=FindingCode.DWELLINGS,
    trigger=_DWELLINGS,
    read=read_dwellings,
    settle=settle_largest,
    scope=NUMBER_SCOPE,
    voided_by=_PROPOSAL_VOIDS,
    form_field=re.compile(r"total net gain or loss of residential units\s*\n?\s*(-?\d+)", re.I),
    prefilter=re.compile(
        r"dwelling|house|home|flat|apartment|maisonette|bungalow|unit|one[- ]for[- ]one", re.I
    ),
    keywords=(
        "dwelling",
        "house",
        "home",
        "flat",
        "apartment",
        "maisonette",
        "bungalow",
        "unit",
        "one-for-one",
        "one for one",
    ),
)
STOREYS = Spec(
    code=FindingCode.STOREYS,
    trigger=_STOREYS,
    read=read_storeys,
    settle=settle_largest,
    scope=NUMBER_SCOPE,
    voided_by=_PROPOSAL_VOIDS | {M.EXISTING},
    keywords=("storey", "stories", "story"),
)
FLOORSPACE = Spec(
    code=FindingCode.FLOORSPACE,
    trigger=_AREA,
    read=read_floorspace,
    settle=settle_first_best,
    prefilter=re.compile(_AREA.pattern + "|" + _NO_NEW_FLOORSPACE.pattern, re.I),
    scope=NUMBER_SCOPE,
    voided_by=_PROPOSAL_VOIDS,
    keywords=("m2", "m\u00b2", "sq", "square", "floor"),
)
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

SPECS: tuple[Spec, ...] = (
    CONSERVATION_AREA,
    LISTED_BUILDING,
    TREE_PRESERVATION_ORDER,
    FLOOD_ZONE,
    GREEN_BELT,
    ARTICLE_4,
    DWELLINGS,
    STOREYS,
    FLOORSPACE,
    DEMOLITION,
    CHANGE_OF_USE,
    TREE_WORKS,
    BASEMENT,
    NPPF_PARAGRAPH,
    LOCAL_POLICY,
)


def settle(candidates: list[Candidate]) -> list[Candidate]:
    """Each code's candidates in a document, settled by its spec."""
    by_code: dict[FindingCode, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        by_code[candidate.code].append(candidate)
    specs = {spec.code: spec for spec in SPECS}
    settled: list[Candidate] = []
    for code, group in by_code.items():
        settled.extend(specs[code].settle(group))
    return settled
