"""The proposal's yes/no facts: demolition, change of use, basement, tree works."""

import re

from triage.extractors.context import Modifier, scoper_for
from triage.extractors.spans import Span
from triage.extractors.specs.reading import Candidate, Reading, Spec
from triage.extractors.specs.scope import PROPOSAL_SCOPE, PROPOSAL_VOIDS
from triage.extractors.specs.settlers import settle_by_vote
from triage.structure import Section
from triage.vocabulary import FindingCode, Strength

M = Modifier


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
# A form's field label names works without saying they are proposed: "Gross internal area to be
# lost by change of use or demolition (square metres)", "building ... to be retained or
# demolished".
_IN_FIELD_LABEL = re.compile(
    r"\b(?:lost by|floorspace by|including|retained or|to be lost)\b(?:\W+\w+){0,3}\W*$", re.I
)
_FIELD_UNIT_AFTER = re.compile(r"[^.;:]{0,40}\((?:square metres|sq\.? ?m|m2|hectares)\)", re.I)
_EXISTING_BASEMENT = re.compile(
    r"\b(?:to|into|from) the basement\b|\b(?:steps|stairs|access) (?:down )?to (?:the )?basement|"
    r"\bfrom basement level\b|\black of (?:\w+ )?basement|"
    r"\bexisting\s+(?:\w+\s+)?basement\b|\b(?:over|above|including|has|had) (?:a |its )?"
    r"(?:half-)?basements?\b(?![^.;]{0,30}\b(?:propos|new|excavat|will|would|form|creat|add)\w*)",
    re.IGNORECASE,
)


# "No works are proposed to the front elevation, the basement or ...": a place, not a proposal.
_WORKS_DENIED_AT = re.compile(
    r"\bno (?:works|alterations|changes)\b[^.;]{0,20}\b(?:to|at|in|within)\b[^.;]*$", re.I
)


# Demolition as a kind of work or application, not this proposal's: "hours of construction
# and demolition", "construction & demolition waste", "determine applications for demolition".
_A_KIND_OF_WORK = re.compile(
    r"\bconstruction\s*(?:&|and|/)\s*demoli|\bdemolition\s*(?:&|and|/)\s*construction\b"
    r"|\bapplications? for demoli",
    re.I,
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
            m
            for m in mentions
            if not scoper.modifiers(m.start(), m.end()) & spec.voided_by
            and not _IN_FIELD_LABEL.search(text[: m.start()])
            and not _FIELD_UNIT_AFTER.match(text, m.end())
            and not _A_KIND_OF_WORK.search(text[max(0, m.start() - 30) : m.end() + 20])
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
            if partial:
                # Only some works are denied: whether any other works are proposed is unsaid.
                return [
                    reading.candidate(
                        spec.code,
                        "no",
                        no_works.start(),
                        no_works.end(),
                        _rank=0,
                        _strength=Strength.INDIRECT,
                    )
                ]
            return [reading.candidate(spec.code, "no", no_works.start(), no_works.end(), _rank=2)]
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


_BUILDINGS = (
    r"(?:shed|garage|building|outbuilding|extension|conservatory|store|barn|structure|"
    r"bungalow|house|porch|lean-to|annexe|stables?|brickwork|wall|fa[c\u00e7]ade)"
)
# Demolition by that name, or a building taken down or removed ("Removal of the existing
# garage", "the conservatory is to be removed", "takedown and rebuild of brickwork"); a
# kiosk or a payphone taken away is street furniture, not a building.
_DEMOLITION = re.compile(
    r"\bdemoli(?:sh\w*|tion)\b"
    r"|\b" + _BUILDINGS + r"s?\b(?=[^.;]{0,40}\b(?:taken|pulled|knocked)\s+down\b)"
    r"|\b(?:remov(?:al|e|ing)|take\s?down|taking down|deconstruct(?:ed|ion)?)\s+(?:of\s+)?"
    r"(?:the\s+|an?\s+)?(?:[\w-]+\s+){0,3}?" + _BUILDINGS + r"s?\b"
    r"|\b" + _BUILDINGS + r"s?\b[^.;]{0,40}\b(?:is|are|will be) to be (?:\w+ly )?"
    r"(?:removed|deconstructed)\b",
    re.IGNORECASE,
)
# Converting a building into homes is a change of use (a garage into a study is not).
_CHANGE_OF_USE = re.compile(
    r"\bchanges?\s+of\s+use\b|\buse class\w*\b[^.;]{0,60}\bto\b[^.;]{0,30}\b(?:use )?class\b"
    # "to create 2no. 1 bedroom apartments": the point of "2no." does not end the sentence.
    r"|\bconver(?:t|ts|ted|ting|sion)\b[^.;]{0,40}\b(?:into|to|creat\w*|provid\w*)\b"
    r"(?:[^.;]|\.(?=\s?\d)){0,30}"
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
        scope=PROPOSAL_SCOPE,
        voided_by=PROPOSAL_VOIDS | {M.OTHER},
        title_claim=(re.compile(title_claim[0], re.I), title_claim[1]) if title_claim else None,
        keywords=keywords,
        options=options,
    )


DEMOLITION = _yes_no(
    FindingCode.DEMOLITION,
    _DEMOLITION,
    keywords=("demoli", "down", "remov", "deconstruct"),
    title_claim=(r"demolition in a conservation area", "yes"),
    # The consent type chosen is a claim only when the works described demolish something:
    # applicants tick it for a gate or a chimney too.
    title_requires=re.compile(
        r"\bdemoli\w*|\b(?:removal|taking down|take down) of (?:the |an? )?(?:existing )?"
        r"(?:\w+ ){0,3}(?:garage|building|outbuilding|shed|extension|conservatory|house|dwelling|"
        r"bungalow|structure|stables?|barn|annexe)s?\b",
        re.I,
    ),
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
    scope=PROPOSAL_SCOPE,
    voided_by=PROPOSAL_VOIDS | {M.OTHER},
    # "I / We hereby apply for Tree works: Trees in conservation areas/subject to TPOs": works
    # to trees are applied for, whichever of the two protections applies.
    title_claim=(re.compile(r"\bhereby apply for tree works\b", re.I), "yes"),
)
