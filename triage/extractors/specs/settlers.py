"""The shared ways of settling one code's candidates in a document into its findings."""

from collections import Counter

from triage.extractors.specs.reading import Candidate
from triage.vocabulary import Strength

# The evidence an officer can check fastest is quoted first: the form's own words, then a
# statement about the site, then anything else.
_QUOTE_FIRST = {Strength.FORM: 0, Strength.DIRECT: 1}


def settle_by_vote(candidates: list[Candidate]) -> list[Candidate]:
    """One value per document: the explicit claims are counted and the majority wins (the first
    claim on a tie), quoted from its strongest claim (the first of those)."""
    votes = Counter(candidate.value for candidate in candidates)
    best = max(votes.values())
    winner = next(candidate.value for candidate in candidates if votes[candidate.value] == best)
    return [
        min(
            (candidate for candidate in candidates if candidate.value == winner),
            key=lambda candidate: (_QUOTE_FIRST.get(candidate.strength, 2), candidate.order),
        )
    ]


def settle_largest(candidates: list[Candidate]) -> list[Candidate]:
    """The best-ranked candidate, and of those the largest number ("part six, part eight")."""
    return [max(candidates, key=lambda c: (c.rank, int(c.value)))]


def settle_first_best(candidates: list[Candidate]) -> list[Candidate]:
    return [max(candidates, key=lambda c: (c.rank, -c.order))]


def settle_all(candidates: list[Candidate]) -> list[Candidate]:
    return candidates
