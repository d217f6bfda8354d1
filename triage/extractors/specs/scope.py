"""The ConText rules the specs share: what voids a mention (negated, hedged, historic, generic,
about another subject) for constraints, for the proposal's yes/no facts and for its numbers."""

import re

from triage.extractors.context import ContextRule, Modifier

M = Modifier
rule = ContextRule.of


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
OTHER_SUBJECT = rule(
    M.OTHER,
    r"\b(?:nearby|neighbour\w*|neighbor\w*|adjacent|adjoining|next door|opposite|faces|facing|"
    r"further (?:along|south|north|east|west)|surrounding|nearest|other|elsewhere|across|"
    r"(?:north|south|east|west)(?:-\w+)? of the (?:site|application site|property)|"
    r"close to|near|vicinity|study area|wider area|beyond|away|setting of)\b"
    r"|\b\d+(?:\.\d+)?\s*(?:m|metres|meters|km|kilometres|miles?)\s+(?:to the|away|north|south|"
    r"east|west|beyond|from the (?:site|application site|property|boundary))\b"
    r"|\bwithin \d+(?:\.\d+)?\s*(?:m|metres|meters|km)\b|\bto the (?:north|south|east|west)",
    "both",
    -1,
)
NEAR_SCOPE = (
    ContextRule(M.OTHER, OTHER_SUBJECT.pattern, "both", 8, re.compile(r",|\band\b", re.IGNORECASE)),
)
CONSTRAINT_SCOPE = (*_NEGATION, *_CONSTRAINT_HEDGE, *_CONSTRAINT_HISTORY, *_GENERIC, OTHER_SUBJECT)


# A past event modifies the words near it, up to a comma: "a three-storey warehouse built in
# 1898, into nine new homes" dates the warehouse, not the homes.
PROPOSAL_HISTORY = (
    rule(
        M.HISTORIC,
        r"\b(?:was|were|been|had) (?:\w+ )?(?:refused|granted|withdrawn|approved|dismissed|"
        r"allowed|permitted|built|added|erected|constructed|converted|subdivided|divided|"
        r"demolished|taken down|extended|rebuilt|formed|used|let|removed|submitted|gained|"
        r"secured|obtained)\b",
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
    rule(M.HISTORIC, r"\b(?:occurred|took place|happened)\b", "both", 10, stops_at=","),
    rule(
        M.HISTORIC,
        r"\b(?:now|already) (?:converted|used|occupied|in use|subdivided|divided)\b",
        "both",
        6,
    ),
    rule(
        M.HISTORIC,
        r"\b(?:refused|withdrawn|dismissed|lapsed)\b|\b(?:previous|earlier|former) "
        r"(?:application|scheme|proposal|permission|consent|extension|works)s?\b|\bappeal\b",
        "both",
        10,
        stops_at=",",
    ),
)
# What stands today: "the building is four storeys today; with the extension it becomes five".
EXISTING_NOW = rule(
    M.EXISTING,
    # ", now two houses": a list entry's words for what the building has become.
    r"\b(?:today|currently|at present|as existing|existing|the present)\b|,\s*now\b",
    "both",
    4,
    stops_at=",",
)
PROPOSAL_HEDGE = rule(
    M.HEDGED,
    r"\b(?:may|might|could|possibly|perhaps|whether|unsure|uncertain|considered but|would need|"
    r"if|unless)\b|^\W*where\b",  # "Where development is to follow demolition, ...": a rule
    "both",
    -1,
)
PROPOSAL_GENERIC = rule(
    M.GENERIC,
    r"\bfor the purposes? of\b|\b(?:is|are) defined as\b|\bmeans\b|\bsuch as\b|\be\.g\.",
    "both",
    -1,
)


CONSTRAINT_VOIDS = frozenset({M.HEDGED, M.HISTORIC, M.GENERIC, M.OTHER})
PROPOSAL_VOIDS = frozenset({M.HEDGED, M.HISTORIC, M.GENERIC})


NUMBER_SCOPE = (*PROPOSAL_HISTORY, PROPOSAL_HEDGE, PROPOSAL_GENERIC, EXISTING_NOW)


# For the proposal, another subject is a neighbour's ("No. 12 had a basement added").
NEIGHBOUR = rule(
    M.OTHER,
    r"\b(?:nearby|neighbour\w*|neighbor\w*|adjacent|adjoining|next door|opposite)\b"
    r"|\bto the (?:north|south|east|west)(?:-\w+)?\b(?!\s+(?:elevation|side|wall|of the "
    r"(?:house|building|property|site)))",
    "both",
    -1,
)
PROPOSAL_SCOPE = (*PROPOSAL_HISTORY, PROPOSAL_HEDGE, PROPOSAL_GENERIC, NEIGHBOUR)
