"""Article 4 directions (the council's, from policies.library): a direction bites only where the
proposal would otherwise use the permitted development right it removes, not wherever the site
lies in its area.

- A prior approval relies on the class its type names (`pa.part3.classMA` on Schedule 2 Part 3
  Class MA): where the direction removes that class, the application cannot succeed as made, a
  conflict that blocks it.
- A lawful development certificate for proposed works or a use relies on permitted development:
  where the works or the change are those the direction names, the same.
- A planning application for the very change the direction names (from one of its uses to one of
  its uses; the demolition or alteration of what it protects) needs permission because of the
  direction: the direction is engaged, and its reasons weigh.
Anything else in the direction's area (a new house where the pubs' direction runs, a side
extension in a Class MA area) is not its business.
"""

import re
from dataclasses import dataclass

from policies.library import PolicyEntry, PolicyLibrary
from triage.case import Case, Evidence, demolishes_a_building

PRIOR_APPROVAL = ("pa.",)
CERTIFICATE_OF_PROPOSED = ("ldc.proposed",)
PLANNING = ("pp.",)
# The works an "alteration" direction covers.
EXTERNAL_WORKS = ("alteration", "extension", "basement")


@dataclass(frozen=True)
class DirectionBite:
    direction: PolicyEntry
    constraint: Evidence
    proposal: Evidence
    right: str  # the right the proposal would use, in words: "Schedule 2 Part 3 Class MA"
    relies_on_it: bool  # a prior approval or certificate that needs the removed right


def _direction_names(evidence: Evidence) -> str:
    finding = evidence.finding
    if finding is None:
        return ""
    parts = [finding.attributes.get("name", ""), finding.attributes.get("area", "")]
    if finding.spatial is not None:
        parts.append(finding.spatial.feature_name)
    if finding.evidence is not None:
        parts.append(finding.evidence.quote)
    return " ".join(parts).lower()


def _site_evidence(direction: PolicyEntry, case: Case) -> Evidence | None:
    names = [name.lower() for name in direction.conditions["article_4"]["layer_names"]]
    for evidence in case.constraints.get("article-4", []):
        if any(name in _direction_names(evidence) for name in names):
            return evidence
    return None


def matching_directions(case: Case, library: PolicyLibrary) -> list[PolicyEntry]:
    """The council's directions whose area the site is in (by our layer or a document)."""
    return [d for d in library.article_4_directions() if _site_evidence(d, case) is not None]


def _mentions(text: str, words: list[str]) -> bool:
    lowered = text.lower()
    return any(
        re.search(rf"(?<![a-z0-9]){re.escape(word.lower())}(?![a-z0-9])", lowered) for word in words
    )


# "Change of use of X from A to B", "change of use of A to B", "conversion of A into B".
_FROM_TO = re.compile(r"\bfrom\b(?P<before>.*?)\b(?:to|into)\b(?P<after>.*)", re.I | re.S)
_TO = re.compile(r"(?P<before>.*?)\b(?:to|into)\b(?P<after>.*)", re.I | re.S)


def _sides(text: str) -> tuple[str, str]:
    """What a change of use is from and what it is to, as the words say it."""
    match = _FROM_TO.search(text) or _TO.search(text)
    return (match["before"], match["after"]) if match else (text, "")


# "Change of use of the property to an HMO": nothing said of the use it is from.
_NO_USE = re.compile(
    r"^\W*(?:(?:prior approval for )?(?:the )?(?:change of use|conversion)\b)?\W*"
    r"(?:of\s+(?:the\s+|a\s+)?(?:property|premises|building|site|land)?)?\W*$",
    re.I,
)


def _from_ok(before: str, uses: list[str]) -> bool:
    """The change is from one of the direction's uses, or the words do not say what from (the
    direction's area says what is there)."""
    return not uses or _mentions(before, uses) or bool(_NO_USE.match(before))


def _change_of_use(case: Case, rules: dict) -> Evidence | None:
    """The change of use the direction names: from one of its uses, to one of its uses."""
    for evidence in case.proposal.get("change-of-use", []):
        finding = evidence.finding
        if finding is not None:
            before = finding.attributes.get("from", "")
            after = finding.attributes.get("to", "")
            if finding.evidence is not None and not (before and after):
                more_before, more_after = _sides(finding.evidence.quote)
                before, after = f"{before} {more_before}", f"{after} {more_after}"
        else:
            before, after = _sides(evidence.description)
        from_ok = _from_ok(before, rules["from_uses"])
        to_ok = not rules["to_uses"] or _mentions(after, rules["to_uses"])
        if from_ok and to_ok:
            return evidence
    return None


def _about(case: Case, evidence: Evidence, uses: list[str]) -> bool:
    """Whether works are to what the direction protects (a pub): the description or the
    evidence names it. A direction with no uses covers every building in its area."""
    if not uses:
        return True
    quote = (
        evidence.finding.evidence.quote if evidence.finding and evidence.finding.evidence else ""
    )
    return _mentions(f"{case.description} {evidence.description} {quote}", uses)


def _demolition(case: Case, rules: dict) -> Evidence | None:
    for evidence in case.proposal.get("demolition", []):
        if not demolishes_a_building(evidence) or not _about(case, evidence, rules["from_uses"]):
            continue
        # A demolition right that is for rebuilding (Class ZA) needs what it is rebuilt as.
        if rules["to_uses"] and not _mentions(case.description, rules["to_uses"]):
            continue
        return evidence
    return None


def _alteration(case: Case, rules: dict) -> Evidence | None:
    for fact in EXTERNAL_WORKS:
        for evidence in case.proposal.get(fact, []):
            if _about(case, evidence, rules["from_uses"]):
                return evidence
    return None


_REMOVED = {"change-of-use": _change_of_use, "demolition": _demolition, "alteration": _alteration}
_CLASS = re.compile(r"part\s*(\d+)\W*class\s*([a-z]+)\b", re.I)


def _class_key(text: str) -> tuple[str, str] | None:
    match = _CLASS.search(text)
    return (match[1], match[2].lower()) if match else None


def _prior_approval_class(case: Case, direction: PolicyEntry) -> str:
    """The class of the direction that a prior approval relies on, or ""."""
    wanted = _class_key(case.application_type.replace(".", " "))
    for name in direction.conditions["article_4"].get("gpdo_classes", []):
        if wanted is not None and _class_key(name) == wanted:
            return name
    return ""


def _classes(direction: PolicyEntry) -> str:
    return "; ".join(direction.conditions["article_4"].get("gpdo_classes", []))


def direction_bites(case: Case, library: PolicyLibrary) -> list[DirectionBite]:
    """Every direction that bites on this case (see the module's docstring)."""
    bites: list[DirectionBite] = []
    for direction in matching_directions(case, library):
        constraint = _site_evidence(direction, case)
        assert constraint is not None
        rules = direction.conditions["article_4"]
        if case.type_is(PRIOR_APPROVAL):
            right = _prior_approval_class(case, direction)
            if right:
                proposal = Evidence(note=f"the application is for prior approval under {right}")
                bites.append(DirectionBite(direction, constraint, proposal, right, True))
            continue
        relies = case.type_is(CERTIFICATE_OF_PROPOSED)
        if not relies and not case.type_is(PLANNING):
            continue  # listed building consent, adverts, existing uses: not what it removes
        for removed in rules["removes"]:
            found = _REMOVED[removed](case, rules)
            if found is not None:
                right = _classes(direction) or removed
                bites.append(DirectionBite(direction, constraint, found, right, relies))
                break
    return bites
