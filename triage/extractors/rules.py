"""The rules engine: deterministic patterns over sentences, with negation handling, numbers and
units, and a gazetteer of designation names built from the loaded constraint layers.

It is the default engine and must do the whole job without a model server. Every finding quotes
the sentence (or the part of it) it came from, cut from the page text itself, so its evidence
always verifies.

How a document's constraint claims are settled: each sentence is split into clauses ("..., but
...", "; ..."), and a clause that mentions a designation is read as a claim about the site only
when it places the site (in, within, lies, designated, subject to, listed at ...) or denies it
(not within, outside, is not listed ...). Clauses about the neighbours ("a nearby terrace is
listed") say nothing about the site and are skipped. One document gives one value per code: the
explicit claims are counted and the majority wins (the first claim on a tie).
"""

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from triage.extractors.base import (
    ApplicationFacts,
    DocumentInput,
    ExtractionResult,
    Extractor,
    keep_verified,
    merge_findings,
)
from triage.schemas import DocumentEvidence, FindingDraft
from triage.vocabulary import ABSENT, PRESENT, FindingCode

ENGINE = "rules"
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
_NUMBER = (
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


# --- Sentences and clauses ------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    text: str
    start: int  # offset in the page text

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
    # end of a sentence, but not an abbreviation before a number ("para. 84", "No. 12")
    r"(?<=[.!?])(?<!\b[Pp]ara\.)(?<!\b[Pp]aras\.)(?<!\b[Nn]o\.)(?<!\b[Nn]os\.)"
    r"[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])"
    r"|\n\s*\n"  # blank line
    r"|\n(?=\s*(?:[#*\-\u2022]|\d+(?:\.\d+)*[.)]?\s|[A-Z][A-Z ]{3,}$))"  # heading, bullet, list
    r"|(?<=[:;])\s*\n"
)
_CLAUSE_BREAK = re.compile(
    r";\s*|,?\s+(?=(?:but|however|although|though|whereas|whilst|while|except that)\b)"
    r"|\.\s+(?=However\b)",
    re.IGNORECASE,
)


def sentences(text: str) -> list[Span]:
    spans, position = [], 0
    for match in _SENTENCE_BREAK.finditer(text):
        if match.start() > position:
            spans.append(Span(text[position : match.start()], position))
        position = match.end()
    if position < len(text):
        spans.append(Span(text[position:], position))
    return [span for span in spans if span.text.strip()]


def clauses(sentence: Span) -> list[Span]:
    spans, position = [], 0
    for match in _CLAUSE_BREAK.finditer(sentence.text):
        if match.start() > position:
            spans.append(Span(sentence.text[position : match.start()], sentence.start + position))
        position = match.end()
    spans.append(Span(sentence.text[position:], sentence.start + position))
    return [span for span in spans if span.text.strip()]


# --- Constraint claims -----------------------------------------------------------------------

_NEGATION_BEFORE = re.compile(
    r"(?:\b(?:not|n't)\b(?:\W+\w+){0,4}"
    r"|\b(?:outside|beyond)\b(?:\W+\w+){0,6}"
    r"|\bno\b(?:\W+\w+){0,2}"
    r"|\b(?:none|neither)\b(?:\W+\w+){0,8}"
    r"|\bnor\b(?:\W+\w+){0,4}"
    r"|\bfree (?:of|from)\b(?:\W+\w+){0,3}"
    r"|\bun|\bnon-)\W*$",
    re.IGNORECASE,
)
_NEGATION_AFTER = re.compile(r"^\W{0,4}(?:no|none|n/a)\b|^\s+(?:is|are) not\b", re.IGNORECASE)
_PLACES_SITE = re.compile(
    r"\b(?:in|within|inside|part of|subject to|covered by|covers|affected by|designat\w*|lies|"
    r"falls|sits|located|situated|listed at|is listed|are listed|grade\s*(?:I|II|2|1)\b|"
    r"protected by|protected|applies|withdrawn|places|shows)\b",
    re.IGNORECASE,
)
_NOT_A_PLACE = re.compile(r"\bin (?:accordance|line|respect|relation|terms|view)\b", re.IGNORECASE)
_NEIGHBOURS = re.compile(
    r"\b(?:nearby|neighbour\w*|neighbor\w*|adjacent|adjoining|next door|opposite|faces|facing|"
    r"further along|surrounding|nearest|other|elsewhere|across|close to|near)\b",
    re.IGNORECASE,
)

_CONSTRAINT_PATTERNS: dict[FindingCode, re.Pattern] = {
    FindingCode.CONSERVATION_AREA: re.compile(r"\bconservation\s+areas?\b", re.IGNORECASE),
    FindingCode.LISTED_BUILDING: re.compile(
        r"\b(?:statutorily\s+)?listed(?!\s+(?:below|above|in|on|at\s+appendix|overleaf))\b"
        r"|\bstatutory list\b|\blisted building consent\b",
        re.IGNORECASE,
    ),
    FindingCode.TREE_PRESERVATION_ORDER: re.compile(
        r"\btree preservation orders?\b|\bTPOs?\b|\bprotected trees?\b"
        r"|\btrees?\b[^.;]{0,40}?\bprotected\b",
        re.IGNORECASE,
    ),
    FindingCode.GREEN_BELT: re.compile(r"\bgreen\s*belt\b", re.IGNORECASE),
    FindingCode.ARTICLE_4: re.compile(r"\barticle\s*(?:4|four)\b", re.IGNORECASE),
}
_FLOOD_ZONE = re.compile(
    r"\bflood\s*(?:risk\s*)?zones?\s*(1|2|3a|3b|3|one|two|three)\b(?:\s*(?:,|and|or)\s*(2|3))?",
    re.IGNORECASE,
)
_GRADE = re.compile(r"\bgrade\s*(II\*|II|I|2\*|2|1)(?![\w*])", re.IGNORECASE)
# A claim about the past ("until 2017 the site was in Flood Zone 2", "removed from the Green Belt
# in 2006", "a draft appraisal proposed ...") is not the document's claim about the site today.
_HISTORIC = re.compile(
    r"\b(?:until|formerly|previously|used to|no longer)\b"
    r"|\b(?:was|were|had been)\s+(?:\w+\s+){0,2}?(?:in|within|inside|part of|designated|included|"
    r"shown|located|placed)\b"
    r"|\b(?:removed|deleted|taken out|released) from\b|\bdraft\b",
    re.IGNORECASE,
)
# A hedged statement ("we are unsure whether", "the site may be") is not a claim either way.
_HEDGED = re.compile(
    r"\b(?:unsure|uncertain|unclear|not sure|not known|unknown|may|might|possibly|perhaps|"
    r"whether|believed to|thought to|appears? to|seems? to)\b",
    re.IGNORECASE,
)
_NAME_BEFORE = {
    FindingCode.CONSERVATION_AREA: re.compile(
        r"((?:[A-Z][\w'\u2019.&-]*\s+){1,5})Conservation\s+Area"
    ),
    FindingCode.ARTICLE_4: re.compile(r"((?:[A-Z][\w'\u2019.&-]*\s+){1,5})Article\s*(?:4|Four)"),
}
_NAME_STOPWORDS = {"The", "A", "An", "This", "That", "Its", "Our", "By", "Within", "In", "Of"}


@dataclass(frozen=True)
class Claim:
    code: FindingCode
    value: str
    page: int
    quote: str
    attributes: dict
    order: int


def _is_negated(clause: Span, start: int, end: int) -> bool:
    return bool(
        _NEGATION_BEFORE.search(clause.text[:start])
        or _NEGATION_AFTER.search(clause.text[end : end + 12])
    )


def _denies(text: str, mention: re.Match[str]) -> bool:
    """Whether a yes/no mention in a clause is denied: "no basement", "nothing ... demolished",
    "demolition is not proposed", "the basement ... has been omitted"."""
    before = _YES_NO_NEGATION.search(text[: mention.start()])
    if before and not _NEGATED_OTHER_VERB.search(before.group(0)):
        return True
    return bool(_YES_NO_NEGATION_AFTER.match(text, mention.end()))


def _name_for(code: FindingCode, text: str, gazetteer: dict[str, list[str]]) -> str:
    lowered = text.lower()
    for name in gazetteer.get(code, []):
        if name.lower() in lowered:
            return name
    pattern = _NAME_BEFORE.get(code)
    match = pattern.search(text) if pattern else None
    if match:
        words = match.group(1).split()
        while words and words[0] in _NAME_STOPWORDS:
            words.pop(0)
        if words:
            return " ".join(words)
    return ""


def _constraint_claims(
    clause: Span, page: int, order: int, gazetteer: dict[str, list[str]]
) -> list[Claim]:
    claims: list[Claim] = []
    text = clause.text
    if _HISTORIC.search(text) or _HEDGED.search(text):
        return claims
    for code, pattern in _CONSTRAINT_PATTERNS.items():
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        # A checklist line names the designation before the claim ("Green Belt: not in the Green
        # Belt"), so any denied mention in the clause makes it a denial.
        denied = [m for m in matches if _is_negated(clause, m.start(), m.end())]
        match = denied[0] if denied else matches[0]
        negated = bool(denied)
        if not negated:
            places = _PLACES_SITE.search(_NOT_A_PLACE.sub("", text))
            if not places or _NEIGHBOURS.search(text):
                continue
            if code == FindingCode.LISTED_BUILDING and re.search(
                r"listed building consent", text, re.IGNORECASE
            ):
                continue
        attributes = {}
        if not negated:
            name = _name_for(code, text, gazetteer)
            if name:
                attributes["name"] = name
            if code == FindingCode.LISTED_BUILDING and (grade := _GRADE.search(text)):
                attributes["grade"] = grade.group(1).upper().replace("2", "II").replace("1", "I")
        claims.append(
            Claim(
                code,
                ABSENT if negated else PRESENT,
                page,
                clause.quote_around(match.start(), match.end()),
                attributes,
                order,
            )
        )
    for match in _FLOOD_ZONE.finditer(text):
        zone = match.group(1).lower()
        zone = {"one": "1", "two": "2", "three": "3"}.get(zone, zone)
        negated = _is_negated(clause, match.start(), match.end())
        if zone == "3b" and negated:
            continue  # "not in zone 3b (functional floodplain)" still leaves it in zone 3
        zone = zone[0]
        if negated:
            value, zone = ABSENT, "1"
        else:
            value = PRESENT if zone in ("2", "3") else ABSENT
        claims.append(
            Claim(
                FindingCode.FLOOD_ZONE,
                value,
                page,
                clause.quote_around(match.start(), match.end()),
                {"zone": zone},
                order,
            )
        )
        break
    return claims


# --- Proposal facts ---------------------------------------------------------------------------

_DWELLING_NOUN = (
    r"(?:dwellings?|dwellinghouses?|houses?|homes?|flats?|apartments?|maisonettes?|bungalows?|"
    r"townhouses?|units?)"
)
_DWELLINGS = re.compile(
    r"\b(" + _NUMBER + r")(?:\s*(?:no\.?|x|nos\.?))?"
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
    r"comprising |deliver\w* )(" + _NUMBER + r")\b",
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
    r"\ban? (?:new|additional|further) (?:(?:detached|semi-detached|family|self-contained|"
    r"[a-z]+-bed(?:room)?)\s+){0,2}(?:dwelling|dwellinghouse|house|home|bungalow)\b",
    re.IGNORECASE,
)
_STOREYS = re.compile(r"\b(" + _NUMBER + r")(?:\s*|-)(?:storeys?|stories|story)\b", re.IGNORECASE)
_PROPOSAL_CUE = re.compile(
    r"\b(?:propos\w*|new|erect\w*|extension|will|would|construct\w*|build|brings|rising|rises|"
    r"comprise\w*|provid\w*|replacement|add\w*|creat\w*)\b",
    re.IGNORECASE,
)
_EXISTING_BEFORE = re.compile(r"\b(?:existing|current|original)\b(?:\W+\w+){0,2}\W*$", re.I)
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
    r"limit|threshold)\b|[\u00d7x]\s*$",
    re.I,
)
_AREA_SKIP_AFTER = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:limit|threshold|maximum|each|per|[\u00d7x]\s*\d)", re.I
)
_BUILT_OF = re.compile(
    r"\b(?:extensions?|house|houses|dwellings?|bungalows?|buildings?|outbuildings?|garden room|"
    r"annexe|stables?|(?:stable )?block|footprint|home)\b[^.;:]{0,80}?\bof\s+"
    r"(?:about\s+|approximately\s+|around\s+|some\s+)?$",
    re.I,
)
_NO_NEW_FLOORSPACE = re.compile(
    r"\bno (?:new|additional|extra|net additional) (?:floor\s*space|floor area|GIA)\b", re.I
)

_YES_NO: dict[FindingCode, re.Pattern] = {
    FindingCode.DEMOLITION: re.compile(
        r"\bdemoli(?:sh\w*|tion)\b|\b(?:shed|garage|building|outbuilding|extension|conservatory|"
        r"store|barn|structure|bungalow|house)s?\b(?=[^.;]{0,40}\b(?:taken|pulled|knocked)\s+down\b)",
        re.IGNORECASE,
    ),
    # Converting a building into homes is a change of use (a garage into a study is not).
    FindingCode.CHANGE_OF_USE: re.compile(
        r"\bchanges?\s+of\s+use\b|\buse class\w*\b[^.;]{0,60}\bto\b[^.;]{0,30}\b(?:use )?class\b"
        r"|\bconver(?:t|ts|ted|ting|sion)\b[^.;]{0,40}\b(?:into|to|creat\w*|provid\w*)\b[^.;]{0,30}"
        r"\b(?:flats?|dwellings?|homes?|apartments?|residential)\b",
        re.IGNORECASE,
    ),
    FindingCode.BASEMENT: re.compile(r"\bbasements?\b", re.IGNORECASE),
}
_YES_NO_NEGATION = re.compile(
    r"\b(?:no|not|n't|without|nor|neither|nothing|none)\b(?:\W+\w+){0,7}\W*$", re.IGNORECASE
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
# Sentences about planning rights or directions name works in general, not the proposal's.
_RIGHTS_CONTEXT = re.compile(r"\bpermitted development rights?\b|\bdirection\b", re.IGNORECASE)
_TREE_WORD = (
    r"(?:\btrees?\b|\bTPO\b|\b(?:oak|ash|beech|lime|sycamore|willow|birch|cherr(?:y|ies)|plane|"
    r"chestnut|yew|hornbeam|maple|pine|poplar|elm|hawthorn|conifer|cypress|rowan|alder|walnut|"
    r"magnolia)(?:e?s)?\b)"
)
_TREE_MENTION = re.compile(_TREE_WORD + r"|\bpruning\b", re.IGNORECASE)
_TREE_WORKS_LATER = re.compile(
    r"\bno (?:works|pruning|felling) (?:to|of) (?:it|them|this tree|these trees)\b", re.I
)
_EXISTING_BASEMENT = re.compile(r"\bexisting\s+basement\b", re.IGNORECASE)
_TREE_WORKS_NO = re.compile(
    r"\bno\s+(?:trees?\s+)?(?:works|pruning|felling|removal)\b"
    r"|\b(?:no|not|nor|n't)\b(?:\W+\w+){0,4}?\W+(?:works?|pruning|felling|removal) (?:to|of) "
    r"(?:any |the )?trees?\b"
    r"|\bno trees? (?:will|would|are|is|need|needs)(?: to)? (?:be )?(?:pruned|removed|felled|lost|"
    r"cut|affected|harmed)"
    r"|\bnot (?:require|involve|propose|include)\w* (?:any )?(?:tree|the (?:removal|felling))"
    r"|\bwithout (?:the )?(?:loss|removal|felling) of (?:any )?trees?"
    r"|\b(?:all|existing) trees (?:will|are to) be retained",
    re.IGNORECASE,
)
_TREE_WORKS_YES = re.compile(
    r"\b(?:fell(?:ing|ed)?|remov(?:e|ed|al of)|loss of)\b(?=[^.;]{0,60}" + _TREE_WORD + r")"
    r"|" + _TREE_WORD + r"(?![^.;]{0,12}\b(?:retained|kept)\b)[^.;]{0,60}\b(?:felled|removed)\b"
    r"|\b(?:removal|loss) of (?:\w+\s+){0,3}trees?\b|\btree (?:removal|works)\b"
    r"|\b(?:crown (?:reduction|reduce|lift\w*|thin\w*)|pollard\w*|pruning|prune)\b",
    re.IGNORECASE,
)
_USE_CLASS = re.compile(r"\b(?:use\s+)?class\s+([A-G]\d?[a-z]?(?:\([a-z]+\))?|sui generis)", re.I)
_USE_CLASS_BARE = re.compile(r"\b(B[128]|C[1-4]|E|F[12]|sui generis)\b")

# --- Policies ---------------------------------------------------------------------------------

_NPPF_NAME = re.compile(r"\bNPPF\b|National Planning Policy Framework|\bthe Framework\b")
_PARAGRAPHS = re.compile(
    r"\b(?:paragraphs?|paras?\.?|\u00b6)\s*(\d{1,3}(?:\s*\([a-z]\))?(?:\s*(?:,|and|&|or)\s*\d{1,3}"
    r"(?:\s*\([a-z]\))?)*)(?!\d|\.\d)",
    re.IGNORECASE,
)
_OTHER_DOCUMENT = re.compile(
    r"\b(?:London Plan|Local Plan|Southwark Plan|Core Strategy|SPD|Appraisal|Guide|Guidance|"
    r"Regulations|Order|Act|Schedule|this (?:statement|report|assessment)|Appendix|Section)\b"
)
_POLICY_CONTEXT = re.compile(r"\bpolic(?:y|ies)\b", re.IGNORECASE)
_POLICY_TOKEN = re.compile(r"(?<![\w(/-])([A-Z]{1,4})[ .]?(\d{1,3})([a-z]?)(?![\w(/:-]|\.\d)")
_NOT_POLICY_BEFORE = re.compile(r"\b(?:class(?:es)?|BS|category|flat|unit|no\.?)\s*$", re.I)
_POSTCODE = re.compile(r"^\s*\d[A-Z]{2}\b")


class RulesExtractor(Extractor):
    name = ENGINE

    def __init__(self, gazetteer: dict[str, list[str]] | None = None):
        # {finding code: [designation names]}, longest first so "X Park" beats "X".
        self.gazetteer = {
            code: sorted(set(names), key=len, reverse=True)
            for code, names in (gazetteer or {}).items()
        }

    def extract(
        self, application: ApplicationFacts, documents: list[DocumentInput]
    ) -> ExtractionResult:
        drafts: list[FindingDraft] = []
        pages = 0
        for document in documents:
            pages += len(document.pages)
            drafts.extend(self.extract_document(document))
        kept, dropped = keep_verified(drafts, documents)
        return ExtractionResult(merge_findings(kept), dropped_quotes=dropped, pages_read=pages)

    def extract_document(self, document: DocumentInput) -> list[FindingDraft]:
        claims: list[Claim] = []
        facts: list[Claim] = []
        order = 0
        mentions_nppf = any(_NPPF_NAME.search(page.text) for page in document.pages)
        after_tree = False
        for page in document.pages:
            for sentence in sentences(page.text):
                order += 1
                for clause in clauses(sentence):
                    claims.extend(_constraint_claims(clause, page.number, order, self.gazetteer))
                facts.extend(self._facts(sentence, page.number, order, mentions_nppf, after_tree))
                after_tree = bool(_TREE_MENTION.search(sentence.text))
        return [self._draft(document, claim) for claim in self._settle(claims + facts)]

    # One value per code and document for claims and yes/no facts; numbers take the best
    # candidate; policies keep every value.
    def _settle(self, claims: list[Claim]) -> list[Claim]:
        by_code: dict[FindingCode, list[Claim]] = defaultdict(list)
        for claim in claims:
            by_code[claim.code].append(claim)
        settled: list[Claim] = []
        for code, group in by_code.items():
            if code in (FindingCode.NPPF_PARAGRAPH, FindingCode.LOCAL_POLICY):
                settled.extend(group)
            elif code == FindingCode.DWELLINGS or code == FindingCode.STOREYS:
                settled.append(
                    max(group, key=lambda c: (c.attributes.get("_rank", 0), int(c.value)))
                )
            elif code == FindingCode.FLOORSPACE:
                settled.append(max(group, key=lambda c: (c.attributes.get("_rank", 0), -c.order)))
            else:
                votes = Counter(claim.value for claim in group)
                best = max(votes.values())
                settled.append(next(claim for claim in group if votes[claim.value] == best))
        return settled

    def _draft(self, document: DocumentInput, claim: Claim) -> FindingDraft:
        attributes = {k: v for k, v in claim.attributes.items() if not k.startswith("_") and v}
        label = FindingCode(claim.code).name.replace("_", " ").lower()
        return FindingDraft(
            code=claim.code,
            value=claim.value,
            attributes=attributes,
            title=f"{document.name}: {label} = {claim.value}",
            source="document",
            engine=ENGINE,
            confidence=0.8,
            evidence=DocumentEvidence(document=document.key, page=claim.page, quote=claim.quote),
        )

    def _facts(
        self, sentence: Span, page: int, order: int, mentions_nppf: bool, after_tree: bool = False
    ) -> list[Claim]:
        text = sentence.text
        found: list[Claim] = []

        def add(code, value, start, end, **attributes):
            found.append(
                Claim(code, str(value), page, sentence.quote_around(start, end), attributes, order)
            )

        # Dwellings: numbers of homes; "a total of N" and similar outrank a bare count.
        for match in _DWELLINGS.finditer(text):
            adjectives, noun = match.group(2).lower(), match.group(0).split()[-1].lower()
            number = to_number(match.group(1))
            if number is None or number == 0 or number > 5000:
                continue
            if noun.startswith("unit") and not re.search(
                r"residential|self|dwelling|housing|affordable|bed", adjectives
            ):
                continue
            if re.match(r"\s*-?\s*bed", text[match.end(1) : match.end(1) + 6], re.IGNORECASE):
                continue
            if _EXISTING_BEFORE.search(text[: match.start()]):
                continue
            if _NOT_A_COUNT.match(text, match.end(1)):
                continue
            rank = (
                1 if _DWELLINGS_TOTAL.search(text[max(0, match.start() - 30) : match.end()]) else 0
            )
            add(FindingCode.DWELLINGS, number, match.start(), match.end(), _rank=rank)
        if (one := _A_NEW_DWELLING.search(text)) and not _EXISTING_BEFORE.search(
            text[: one.start()]
        ):
            add(FindingCode.DWELLINGS, 1, one.start(), one.end(), _rank=-1)
        if net_zero := _NO_NET_DWELLINGS.search(text):
            # A replacement or a conversion that adds no home outranks the homes it counts.
            add(FindingCode.DWELLINGS, 0, net_zero.start(), net_zero.end(), _rank=2)

        # Storeys of what is proposed, not of what is there now.
        if _PROPOSAL_CUE.search(text):
            for match in _STOREYS.finditer(text):
                if _EXISTING_BEFORE.search(text[: match.start()]):
                    continue
                number = to_number(match.group(1))
                if number and number <= 60:
                    add(FindingCode.STOREYS, number, match.start(), match.end())

        # Floorspace, in m² (square feet converted): the net addition when the document gives
        # it, else a total, else the area of what is built. Existing, converted, per-unit and
        # garden or site areas and thresholds are not new floorspace.
        if no_new := _NO_NEW_FLOORSPACE.search(text):
            add(FindingCode.FLOORSPACE, 0, no_new.start(), no_new.end(), _rank=4)
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
            if _EXISTING_BEFORE.search(before) or _AREA_SKIP_BEFORE.search(before[-40:]):
                continue
            if _AREA_SKIP_AFTER.search(after) or re.search(r"\b(?:each|per)\b", before, re.I):
                continue  # a threshold, or the size of one of several units
            # The net cue is read before the figure, or straight after it ("42 m² of
            # additional floorspace"), never from the next figure's words.
            if _AREA_NET.search(before) or re.match(
                r"\W*(?:of\s+)?(?:net\s+)?(?:additional|added)\b", after, re.I
            ):
                rank = 3
            elif _AREA_TOTAL.search(before) or re.match(
                r"\W*(?:in total\b|of (?:\w+\s+)?(?:new|additional)\b)", after, re.I
            ):
                rank = 2
            elif floorspace_sentence:
                rank = 1 if _NEW_CUE.search(text) else 0
            elif _BUILT_OF.search(before) and _PROPOSAL_CUE.search(text):
                rank = -1
            else:
                continue
            amount = float(match.group(1).replace(",", ""))
            if "f" in match.group(2).lower():
                amount *= 0.092903
            add(FindingCode.FLOORSPACE, round(amount), match.start(), match.end(), _rank=rank)

        # Yes/no facts, clause by clause so a negation does not reach across "; but".
        for clause in clauses(sentence):
            offset = clause.start - sentence.start
            if _HEDGED.search(clause.text):
                continue
            for code, pattern in _YES_NO.items():
                mentions = list(pattern.finditer(clause.text))
                if not mentions:
                    continue
                if code == FindingCode.BASEMENT and _EXISTING_BASEMENT.search(clause.text):
                    continue
                if code != FindingCode.BASEMENT and _RIGHTS_CONTEXT.search(clause.text):
                    continue
                denied = [m for m in mentions if _denies(clause.text, m)]
                mention = denied[0] if denied else mentions[0]
                attributes = {}
                if code == FindingCode.CHANGE_OF_USE and not denied:
                    classes = [c.group(1).upper() for c in _USE_CLASS.finditer(text)]
                    if len(classes) >= 2:
                        attributes = {"from": classes[0], "to": classes[1]}
                add(
                    code,
                    "no" if denied else "yes",
                    offset + mention.start(),
                    offset + mention.end(),
                    **attributes,
                )
        if _TREE_MENTION.search(text):
            if no_works := _TREE_WORKS_NO.search(text):
                add(FindingCode.TREE_WORKS, "no", no_works.start(), no_works.end())
            elif (works := _TREE_WORKS_YES.search(text)) and not _YES_NO_NEGATION.search(
                text[: works.start()]
            ):
                add(FindingCode.TREE_WORKS, "yes", works.start(), works.end())
        elif after_tree and (no_works := _TREE_WORKS_LATER.search(text)):
            # "A protected oak stands by the boundary. No works to it are proposed."
            add(FindingCode.TREE_WORKS, "no", no_works.start(), no_works.end())

        # NPPF paragraphs: named with the Framework, or in a document that cites the Framework
        # and the sentence names no other document.
        names_nppf = bool(_NPPF_NAME.search(text))
        if names_nppf or (mentions_nppf and not _OTHER_DOCUMENT.search(text)):
            for match in _PARAGRAPHS.finditer(text):
                for number in re.findall(r"\d{1,3}", re.sub(r"\([a-z]\)", "", match.group(1))):
                    if 1 <= int(number) <= 300:
                        add(FindingCode.NPPF_PARAGRAPH, int(number), match.start(), match.end())

        # Local policies: references like P13, SP12, D3 in a sentence about policies.
        if _POLICY_CONTEXT.search(text):
            for match in _POLICY_TOKEN.finditer(text):
                prefix, digits, suffix = match.groups()
                if prefix in ("NPPF", "BS", "ISO", "EN", "GIA", "SE", "SW", "NW", "EC", "WC"):
                    continue
                if _NOT_POLICY_BEFORE.search(text[: match.start()]):
                    continue
                if _POSTCODE.match(text[match.end() : match.end() + 5]):
                    continue
                add(
                    FindingCode.LOCAL_POLICY,
                    f"{prefix}{digits}{suffix.lower()}".upper(),
                    *match.span(),
                )
        return found


def gazetteer_from_layers(names: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Designation names from the loaded layers, keyed by the finding code they name. A layer's
    name often ends with the designation ("Camberwell Grove Conservation Area"): that tail is cut
    so the bare name matches too."""
    codes = {
        "conservation-area": (FindingCode.CONSERVATION_AREA, r"\s*conservation area$"),
        "article-4-direction-area": (FindingCode.ARTICLE_4, r"\s*article\s*4.*$"),
    }
    gazetteer: dict[str, list[str]] = defaultdict(list)
    for dataset, name in names:
        if dataset in codes and name:
            code, tail = codes[dataset]
            bare = re.sub(tail, "", name.strip(), flags=re.IGNORECASE).strip()
            if len(bare) >= 4:
                gazetteer[code].append(bare)
    return dict(gazetteer)
