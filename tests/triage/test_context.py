"""The ConText-style scoper: a modifier reaches a target within its window and direction, and
its scope stops at a terminator ("but", ";") or at its own stopping points."""

from triage.extractors.context import ContextRule, Modifier, Scoper

NEGATION = ContextRule.of(Modifier.NEGATED, r"\bnot\b", "forward", 4)
HISTORY = ContextRule.of(Modifier.HISTORIC, r"\bin \d{4}\b", "both", 6, stops_at=",")
PSEUDO = ContextRule.of(Modifier.PSEUDO, r"\bnot only\b")


def modifiers(text: str, target: str, *rules: ContextRule) -> set[Modifier]:
    start = text.index(target)
    return Scoper(text, rules).modifiers(start, start + len(target))


def test_a_modifier_reaches_a_target_within_its_window_and_direction():
    assert modifiers("The house is not listed.", "listed", NEGATION) == {Modifier.NEGATED}
    assert modifiers("Listed, the house is not.", "Listed", NEGATION) == set()
    too_far = "The house is not, as the records of the council show, listed."
    assert modifiers(too_far, "listed", NEGATION) == set()


def test_scope_stops_at_a_terminator():
    text = "The house is not listed, but the terrace opposite is listed."
    start = text.rindex("listed")
    assert Scoper(text, (NEGATION,)).modifiers(start, start + 6) == set()


def test_a_rule_can_stop_at_its_own_boundaries():
    text = "Albion Works, a warehouse built in 1898, will become nine new homes."
    assert modifiers(text, "warehouse", HISTORY) == {Modifier.HISTORIC}
    assert modifiers(text, "nine new homes", HISTORY) == set()


def test_a_pseudo_modifier_cancels_the_one_it_contains():
    assert modifiers("It is not only listed but also old.", "listed", NEGATION, PSEUDO) == set()
