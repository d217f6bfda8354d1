"""ConText-style scoping: whether a mention in a sentence is negated, hedged, historic, about
something other than the application site, or generic.

ConText (Harkema et al., 2009; medspaCy's ConTextComponent) reads clinical notes this way: each
modifier phrase ("no", "possible", "history of", "family history") has a category, a direction
(it modifies what follows it, what precedes it, or both) and a window, and its scope stops at a
terminator ("but", "however", ";"). A target is modified when a modifier's scope reaches it.
Planning documents need the same four questions a clinician asks of "no history of asthma in
her mother": is it denied, is it certain, is it now, and is it about this patient - here, this
site.

This is a small implementation of that algorithm over regular expressions rather than spaCy
tokens (see docs/decisions/0005-document-structure-and-scoped-claims.md for why): a rule's
window counts words, and "pseudo" phrases ("no net", "not only") cancel the modifier they
contain.
"""

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Literal

Direction = Literal["forward", "backward", "both"]


class Modifier(StrEnum):
    NEGATED = "negated"
    HEDGED = "hedged"  # uncertain, hypothetical or conditional
    HISTORIC = "historic"  # about the past, or about an earlier application
    OTHER = "other subject"  # about a neighbour or the wider area, not the site
    GENERIC = "generic"  # a definition, a scale, a rule about such things in general
    EXISTING = "existing"  # what is on the site now, not what is proposed
    PSEUDO = "pseudo"  # cancels another modifier it overlaps ("no net", "not only")


@dataclass(frozen=True)
class ContextRule:
    category: Modifier
    pattern: re.Pattern[str]
    direction: Direction = "forward"
    window: int = 6  # words between the modifier and the target; -1: the whole clause
    # Where this rule's scope also stops (ConText lets each modifier name its own terminators):
    # "a warehouse built in 1898, into nine new homes" - the date is the warehouse's.
    stops_at: re.Pattern[str] | None = None

    @classmethod
    def of(
        cls,
        category: Modifier,
        pattern: str,
        direction: Direction = "forward",
        window: int = 6,
        stops_at: str | None = None,
    ) -> "ContextRule":
        stop = re.compile(stops_at, re.IGNORECASE) if stops_at else None
        return cls(category, re.compile(pattern, re.IGNORECASE), direction, window, stop)


# Scope stops here, as in ConText: "the house is not listed, but the terrace opposite is".
TERMINATOR = re.compile(
    r";|\b(?:but|however|although|though|whereas|whilst|while|except|save for|apart from|"
    r"other than)\b|\.\s|,\s*(?:which|who|whose)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w'\u2019*-]+")


@dataclass(frozen=True)
class _Hit:
    rule: ContextRule
    start: int
    end: int


class Scoper:
    """Finds the modifiers of a set of rules in one piece of text once, then answers which of
    them reach a given target span."""

    def __init__(self, text: str, rules: tuple[ContextRule, ...]):
        self.text = text
        hits = [
            _Hit(rule, match.start(), match.end())
            for rule in rules
            for match in rule.pattern.finditer(text)
            if match.end() > match.start()
        ]
        pseudo = [hit for hit in hits if hit.rule.category == Modifier.PSEUDO]
        self.hits = [
            hit
            for hit in hits
            if hit.rule.category != Modifier.PSEUDO
            and not any(p.start <= hit.start and hit.end <= p.end for p in pseudo)
        ]

    def _reaches(self, hit: _Hit, start: int, end: int) -> bool:
        rule = hit.rule
        if hit.start < end and start < hit.end:
            # Overlapping the target: clause-wide rules count, and a cue that begins before the
            # target and shares its first words ("was converted" over "converted into flats").
            return rule.window < 0 or hit.start < start
        if hit.end <= start and rule.direction in ("forward", "both"):
            between = self.text[hit.end : start]
        elif hit.start >= end and rule.direction in ("backward", "both"):
            between = self.text[end : hit.start]
        else:
            return False
        if TERMINATOR.search(between) or (rule.stops_at and rule.stops_at.search(between)):
            return False
        return rule.window < 0 or len(_WORD.findall(between)) <= rule.window

    def modifiers(self, start: int, end: int) -> set[Modifier]:
        return {hit.rule.category for hit in self.hits if self._reaches(hit, start, end)}

    def modified(self, start: int, end: int, category: Modifier) -> bool:
        return any(
            hit.rule.category == category and self._reaches(hit, start, end) for hit in self.hits
        )


@lru_cache(maxsize=512)
def scoper_for(text: str, rules: tuple[ContextRule, ...]) -> Scoper:
    """One Scoper per clause and rule set: the specs that share a scope reuse it."""
    return Scoper(text, rules)
