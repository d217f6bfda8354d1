"""The proposal's numbers: net new dwellings, storeys of the tallest new building, new
floorspace."""

import re

from triage.extractors.context import Modifier, scoper_for
from triage.extractors.spans import NUMBER, to_number
from triage.extractors.specs.reading import Candidate, Reading, Spec
from triage.extractors.specs.scope import NEIGHBOUR, NUMBER_SCOPE, PROPOSAL_VOIDS
from triage.extractors.specs.settlers import settle_first_best, settle_largest
from triage.extractors.specs.subjects import VERB_ANCHOR, clause_subject
from triage.structure import Role, Section
from triage.vocabulary import FindingCode, Strength

M = Modifier


_EXISTING_BEFORE = re.compile(
    r"\b(?:existing|current|original|previous|earlier|former|later)\b(?:\W+\w+){0,2}\W*$", re.I
)
# A form's field for the works applied for: "Description of Proposed Works".
_WORKS_FIELD = re.compile(r"\bdescription\b|\bproposed works\b|\bproposal\b", re.I)
# The same field's label run into its answer: "Description of development: A single storey ...".
_WORKS_LABEL = re.compile(
    r"\bdescription of (?:the )?(?:proposed )?(?:development|proposal|works)\s*:", re.I
)
# Works to what already stands: "Both previous extensions (single rear and side double storey)".
_EARLIER_WORKS = re.compile(
    r"\b(?:previous|earlier|former|later|original|existing)\s+(?:\w+\s+){0,2}extensions?\b", re.I
)
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
# A unit mix: "1 x 2 bedroom mews house, 1 x 1 bedroom mews house and 2 x 1 bedroom
# apartments" is four new homes, which no one of its items says.
_MIX_ITEM = (
    r"\b(" + NUMBER + r")\s*(?:x|no\.?|nos\.?)\s+(?:[\w-]+\s+){0,3}?(?:houses?|flats?|"
    r"apartments?|maisonettes?|dwellings?|bungalows?|studios?|townhouses?)\b"
)
_MIX_ITEM_PATTERN = re.compile(_MIX_ITEM, re.I)
_UNIT_MIX = re.compile(
    _MIX_ITEM + r"(?:\s*(?:,|and|&|plus)\s*(?:and\s+)?" + _MIX_ITEM + r")+", re.I
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


_FLAT_AS_ADJECTIVE = re.compile(r"\s*(?:roofs?|roofed|roofing|rate|fee|pack|panels?)\b", re.I)
_OTHERS_BEFORE = re.compile(r"\b(?:other|neighbouring|adjoining|nearby|surrounding)\s*$", re.I)
_WIDER_AREA = re.compile(
    r"\s+(?:in|across|within|throughout) (?:the |this )?(?:town|village|borough|city|district|"
    r"area|street|road|estate|ward|country|region)\b",
    re.I,
)


def _ranked(rank: int) -> dict:
    """A number's rank among the document's candidates (which one settles the code); not its
    strength, which is how the sentence puts it (Reading.default_strength)."""
    return {"_rank": rank}


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
        if number > 1 and not noun.endswith("s"):
            continue  # "30 Home" in a table of noise levels, "1:25 FLAT", "07.06.2019 house"
        if re.search(r"[./:-]$", text[: match.start()]):
            continue  # part of a date, a scale or a reference
        if _FLAT_AS_ADJECTIVE.match(text, match.end()):
            continue  # "the two flat roof areas"
        if _OTHERS_BEFORE.search(text[: match.start()]) or _WIDER_AREA.match(text, match.end()):
            continue  # "the other three homes", "340 houses in the town"
        if match.group(1).lower() == "single" and re.search(
            r"\b(?:a|as a|the)\s*$", text[: match.start()], re.I
        ):
            continue  # "remain a single dwelling", "use as a single dwellinghouse": a kind of use
        rank = 1 if _DWELLINGS_TOTAL.search(text[max(0, match.start() - 30) : match.end()]) else 0
        if "affordable" in adjectives or _DWELLINGS_PART.search(text[match.end() :]):
            rank = -1
        found.append(reading.candidate(spec.code, number, *match.span(), **_ranked(rank)))
    if (
        (one := _A_NEW_DWELLING.search(text))
        and not _EXISTING_BEFORE.search(text[: one.start()])
        and usable(*one.span())
    ):
        found.append(reading.candidate(spec.code, 1, *one.span(), **_ranked(-1)))
    if (one := _CREATES_ONE_HOME.search(text)) and usable(*one.span()):
        found.append(reading.candidate(spec.code, 1, *one.span(), **_ranked(-1)))
    for mix in _UNIT_MIX.finditer(text):
        numbers = [to_number(item.group(1)) for item in _MIX_ITEM_PATTERN.finditer(mix.group(0))]
        if (
            usable(*mix.span())
            and all(numbers)
            and not _EXISTING_BEFORE.search(text[: mix.start()])
        ):
            total = sum(n for n in numbers if n)
            found.append(reading.candidate(spec.code, total, *mix.span(), _rank=1))
    if (net_zero := _NO_NET_DWELLINGS.search(text)) and usable(*net_zero.span()):
        # A replacement or a conversion that adds no home outranks the homes it counts.
        found.append(reading.candidate(spec.code, 0, *net_zero.span(), _rank=2))
    return found


# "two storey", "two-storey", and "two- storey" where a PDF's line broke after the hyphen.
_STOREYS = re.compile(r"\b(" + NUMBER + r")(?:\s*|-\s*)(?:storeys?|stories|story)\b", re.IGNORECASE)
_PROPOSAL_CUE = re.compile(
    r"\b(?:propos\w*|new|erect\w*|will|would|construct(?!ion\b)\w*|build|brings|rising|rises|"
    r"comprise\w*|provid\w*|replacement|add\w*|creat\w*|stepping|application for|becomes|"
    r"making|bringing)\b",
    re.IGNORECASE,
)
# What stands on the site: "The property comprises a two-storey semi-detached dwelling".
_SITE_COMPRISES = re.compile(
    r"\b(?:site|property|premises|building|house|dwelling)\s+(?:comprises|consists of)\b", re.I
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
    if (
        block.section == Section.FORM
        and block.role == Role.ANSWER
        and (_WORKS_FIELD.search(block.heading) or _WORKS_LABEL.search(reading.text))
    ):
        return not _EARLIER_WORKS.search(reading.text)  # the works the applicant describes
    return bool(_PROPOSAL_CUE.search(reading.text))


def read_storeys(spec: Spec, reading: Reading) -> list[Candidate]:
    text = reading.text
    if not about_proposal(reading):
        return []
    if _SITE_COMPRISES.search(text) and not _STRONG_PROPOSAL_CUE.search(text):
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
        anchor = VERB_ANCHOR.search(text)
        if (
            anchor is not None
            and anchor.end() <= match.start()
            and clause_subject(text, match.start(), reading.facts.site_numbers, match.end())
            == "other"
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
    r"limit|threshold|replacing|workshop|conservatory|warehouse|minimum|maximum|vs|versus|"
    r"compared with)\b|[\u00d7x]\s*$",
    re.I,
)
_AREA_SKIP_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:limit|threshold|maximum|each|per|[\u00d7x]\s*\d)"
    r"|^\s*(?:vs\.?|versus|compared (?:to|with))\s",  # "1.8m2 vs 0.433m2": a comparison
    re.I,
)
# The Planning Portal form's floorspace table, one field to a line once the export has it
# whole: "Net additional gross internal floorspace following development (square metres): 80.7"
_FORM_NET_FLOORSPACE = re.compile(
    r"\bnet additional gross internal floorspace following development\s*"
    r"\(square metres\)\s*:?\s*(-?\d{1,3}(?:,\d{3})+|-?\d+(?:\.\d+)?)(?![\d.]*\s*\()",
    re.I,
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
    for field in _FORM_NET_FLOORSPACE.finditer(text):
        net = round(float(field.group(1).replace(",", "")))
        if net > 0:
            found.append(
                reading.candidate(
                    spec.code,
                    net,
                    field.start(),
                    field.end(),
                    _strength=Strength.FORM,
                    **_ranked(4),
                )
            )
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
            reading.candidate(spec.code, round(amount), match.start(), match.end(), **_ranked(rank))
        )
    return found


DWELLINGS = Spec(
    code=FindingCode.DWELLINGS,
    trigger=_DWELLINGS,
    read=read_dwellings,
    settle=settle_largest,
    scope=NUMBER_SCOPE,
    # Homes "currently occupying the site" stand there today: not new ones.
    voided_by=PROPOSAL_VOIDS | {M.EXISTING},
    # The value is the number on the field's line or the next; an export may lead that line
    # with its section's name ("Text: Totals 1").
    form_field=re.compile(
        r"total\s+net\s+gain\s+or\s+loss\s+of\s+residential\s+units\s*(?:\n[^\n]*?\s)?(-?\d+)\s*$",
        re.I,
    ),
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
    scope=(*NUMBER_SCOPE, NEIGHBOUR),
    voided_by=PROPOSAL_VOIDS | {M.EXISTING, M.OTHER},
    keywords=("storey", "stories", "story"),
)
FLOORSPACE = Spec(
    code=FindingCode.FLOORSPACE,
    trigger=_AREA,
    read=read_floorspace,
    settle=settle_first_best,
    prefilter=re.compile(
        _AREA.pattern + "|" + _NO_NEW_FLOORSPACE.pattern + "|" + _FORM_NET_FLOORSPACE.pattern,
        re.I,
    ),
    scope=NUMBER_SCOPE,
    voided_by=PROPOSAL_VOIDS,
    keywords=("m2", "m\u00b2", "sq", "square", "floor"),
)
