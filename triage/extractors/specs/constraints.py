"""Constraint claims about the site: in or out of a conservation area, listed, protected
trees, the Green Belt, an Article 4 direction, a flood zone; from sentences and from
designations tables."""

import re

from triage.extractors.context import Modifier, Scoper, scoper_for
from triage.extractors.specs.reading import Candidate, Reader, Reading, Spec
from triage.extractors.specs.scope import (
    CONSTRAINT_SCOPE,
    CONSTRAINT_VOIDS,
    NEAR_SCOPE,
    OTHER_SUBJECT,
)
from triage.extractors.specs.settlers import settle_by_vote
from triage.extractors.specs.subjects import (
    VERB_ANCHOR,
    clause_subject,
    denied_by_subject,
    shared_subject,
)
from triage.vocabulary import ABSENT, PRESENT, FindingCode, Strength

M = Modifier


_PLACES_SITE = re.compile(
    r"\b(?:in|within|inside|part of|subject to|covered by|covers|affected by|designat\w*|lies|"
    r"falls|sits|located|situated|listed at|is listed|are listed|grade\s*(?:I|II|2|1|Il|11)\b|"
    r"protected by|protected|applies|withdrawn|places|shows|washed over|classified as|"
    r"allocated as)\b",
    re.IGNORECASE,
)
_NOT_A_PLACE = re.compile(r"\bin (?:accordance|line|respect|relation|terms|view)\b", re.IGNORECASE)


_GRADE = re.compile(r"\bgrade\s*(II\*|II|I|2\*|2|1|Il\*|Il|11\*|11)(?![\w*])", re.IGNORECASE)
_NAME_STOPWORDS = {"The", "A", "An", "This", "That", "Its", "Our", "By", "Within", "In", "Of"}
_NO_HERITAGE_ASSETS = re.compile(
    r"\b(?:contains?|are|is|has|there (?:are|is))\s+no\s+(?:known\s+)?(?:designated\s+)?"
    r"(?:or non-designated\s+)?heritage assets?\b"
    r"|\b(?:is|are) not (?:a |an )?(?:listed |designated )?heritage assets?\b"
    r"|\b(?:is|are) (?:neither|not) (?:statutorily|nationally)\b(?! listed (?:buildings|struct))",
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


_PATH = re.compile(r"https?:|www\.|\.(?:docx?|pdf|xlsx?|dwg)\b|\S/\S+/", re.I)


def _flat_row_label(spec: Spec, text: str) -> re.Match[str] | None:
    """A designation's label inside a table the export flattened into one line ("Project Type
    BT Street Hub Conservation Area George Street Statutory Listed Buildings in None
    vicinity"): a short line with no verb and no full stop, the label after another cell."""
    if spec.table_label is None or len(text.split()) > 40 or re.search(r"[.;]\s*$", text):
        return None
    if VERB_ANCHOR.search(text) or _PATH.search(text):
        return None  # a sentence, or a file's path ("... Tree Data Tables - TPO Application.docx")
    match = spec.table_label.search(text)
    if match is None or not re.search(r"[\w/.-]+\s+$", text[: match.start()]):
        return None
    return match


def _constraint_from_row(spec: Spec, reading: Reading) -> list[Candidate] | None:
    """A designations table or checklist row: "Listed building   No", "| Conservation area |
    Dulwich Village |", "Statutory listed buildings in vicinity: None". None when the sentence
    is not such a row; a row that says nothing about the site gives []."""
    if spec.table_label is None:
        return None
    text = reading.text.strip().strip("|").strip().lstrip("-*\u2022\u25aa\u25cf ")
    match = spec.table_label.match(text)
    if match and (len(text.split()) > 14 or re.search(r"[.;]\s*$", text)):
        return None
    if match is None:
        match = _flat_row_label(spec, text)
        if match is None:
            return None
    label, rest = match.group(0), text[match.end() :].strip(" |:-\u2013\t")
    # In a flattened row the next cell's label ends this cell's value.
    following = [m.start() for other in _TABLE_LABELS if (m := other.search(rest))]
    if following and min(following) > 0:
        rest = rest[: min(following)].strip(" |:-\u2013\t")
    if re.search(r"\b(?:none|no)\b", label, re.I):
        rest = "none"  # a wrapped cell: "Listed Buildings in None vicinity"
    start = reading.sentence.text.find(label.strip()[:8])
    start = max(start, 0)
    end = len(reading.sentence.text.rstrip())
    if re.match(r"(?:no|none|nil|n/?a|not\b|x\b|-$)", rest, re.I):
        return [reading.candidate(spec.code, ABSENT, start, end)]
    about_others = re.search(r"\b(?:vicinity|nearby|adjacent|neighbour\w*|setting)\b", label, re.I)
    if about_others or OTHER_SUBJECT.pattern.search(rest) is not None:
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
            and clause_subject(text, absent_phrase.start(), reading.facts.site_numbers) != "other"
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
            or denied_by_subject(text, m.start())
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
            subject = clause_subject(
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
        subject = clause_subject(
            text, match.start(), facts.site_numbers, match.end(), facts.site_kinds, facts.header
        )
        if subject == "" and clause.start > reading.sentence.start:
            subject = shared_subject(
                reading.text, text, facts.site_numbers, facts.site_kinds, facts.header
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
        if subject == "site" and M.OTHER in scoper_for(text, NEAR_SCOPE).modifiers(
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
        attributes: dict[str, str] = {}
        name = _name_for(spec, clause.text, reading.facts.gazetteer)
        if name and spec.code in (FindingCode.CONSERVATION_AREA, FindingCode.ARTICLE_4):
            attributes["name"] = name
        if spec.code == FindingCode.LISTED_BUILDING and (grade := _grade(clause.text)):
            attributes["grade"] = grade
        if subject != "site":
            attributes["_strength"] = Strength.INDIRECT  # placed, but whose place is unclear
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
            if M.OTHER in modifiers and clause_subject(
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
    form_field: re.Pattern[str] | None = None,
    field_value: str = "",
) -> Spec:
    return Spec(
        code=code,
        trigger=re.compile(trigger, re.IGNORECASE),
        read=read,
        settle=settle_by_vote,
        scope=CONSTRAINT_SCOPE,
        voided_by=CONSTRAINT_VOIDS,
        name_before=name_before,
        table_label=re.compile(table_label, re.IGNORECASE),
        title_claim=(re.compile(title_claim[0], re.I), title_claim[1]) if title_claim else None,
        prefilter=re.compile(prefilter, re.IGNORECASE) if prefilter else None,
        keywords=keywords,
        form_field=form_field,
        options={"field_value": field_value} if field_value else {},
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
    r"(?:statutor(?:y|ily) )?listed(?: building)?s?(?: status)?"
    r"(?: in (?:the )?(?:(?:none|no|yes) )?vicinity)?\b"
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
    form_field=re.compile(
        r"tree\s+preservation\s+orders?\b[^\n]*\n[\s\S]*?(\S*\d\S*)[^\n]*$", re.I
    ),
    field_value=PRESENT,
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
_TABLE_LABELS = [
    spec.table_label
    for spec in (CONSERVATION_AREA, LISTED_BUILDING, TREE_PRESERVATION_ORDER, GREEN_BELT, ARTICLE_4)
    if spec.table_label is not None
]
_ALL_CONSTRAINT_TRIGGERS = [
    spec.trigger
    for spec in (CONSERVATION_AREA, LISTED_BUILDING, TREE_PRESERVATION_ORDER, GREEN_BELT, ARTICLE_4)
] + [_FLOOD_ZONE]
