"""How each constraint dataset is checked against a site: the distance within which a
feature that does not overlap still matters, and what counts as a mere graze.

The defaults are in code so they are reviewed like code; a deployment may override any of
them with the GEO_DATASET_RULES setting, e.g. {"listed-building": {"buffer_m": 30}}.
"""

from dataclasses import dataclass, replace

import pydantic
from django.conf import settings

# The national planning data platform's slugs (our vocabulary), plus a few local layers
# that councils publish and officers find useful, marked as such.
NATIONAL_DATASETS = {
    "conservation-area": "Conservation area",
    "listed-building": "Listed building",
    "listed-building-outline": "Listed building outline",
    "article-4-direction-area": "Article 4 direction area",
    "tree-preservation-zone": "Tree preservation zone",
    "tree": "Protected tree",
    "flood-risk-zone": "Flood risk zone",
    "green-belt": "Green belt",
    "site-of-special-scientific-interest": "Site of special scientific interest",
    "scheduled-monument": "Scheduled monument",
    "area-of-outstanding-natural-beauty": "National landscape (AONB)",
    "national-park": "National park",
    "world-heritage-site": "World heritage site",
    "world-heritage-site-buffer-zone": "World heritage site buffer zone",
    "park-and-garden": "Registered park and garden",
    "ancient-woodland": "Ancient woodland",
    "ramsar": "Ramsar site",
    "special-area-of-conservation": "Special area of conservation",
    "special-protection-area": "Special protection area",
    "archaeological-priority-area": "Archaeological priority area",
    "brownfield-land": "Brownfield land",
    "battlefield": "Registered battlefield",
    "local-nature-reserve": "Local nature reserve",
}
LOCAL_DATASETS = {
    "greenspace": "Public green space (OS Open Greenspace)",
    "woodland": "Woodland (OS)",
}
# Layers the national agencies publish outside the platform, which consultation rules read
# (policies' consultation lists): the Environment Agency's statutory main rivers, Natural
# England's SSSI impact risk zones.
AGENCY_DATASETS = {
    "main-river": "Main river (Environment Agency)",
    "sssi-impact-risk-zone": "SSSI impact risk zone (Natural England)",
}
KNOWN_DATASETS = {**NATIONAL_DATASETS, **LOCAL_DATASETS, **AGENCY_DATASETS}


@dataclass(frozen=True)
class DatasetRule:
    # A feature within this distance of the site is reported as "nearby".
    buffer_m: float = 0.0
    # An overlap is a graze (likely the neighbour's land, or two surveys of one boundary
    # disagreeing) when it is a small share of the site AND either tiny in area or a thin
    # sliver: narrower on average than graze_max_width_m. Title plans and council layers
    # drawn on different base maps commonly differ by half a metre or so along a fence.
    # The share test keeps a real, if narrow, strip of a small plot from being waved away.
    graze_max_share_pct: float = 5.0
    graze_max_area_m2: float = 5.0
    graze_max_width_m: float = 1.0


# A point has no area to overlap: without a distance rule a listed building recorded as a
# point would be missed by every site but the one its point falls in.
POINT_MIN_BUFFER_M = 10.0

DEFAULT_RULE = DatasetRule()
RULES: dict[str, DatasetRule] = {
    # Development next to a listed building or monument affects its setting (NPPF 200-213).
    "listed-building": DatasetRule(buffer_m=50.0),
    "listed-building-outline": DatasetRule(buffer_m=50.0),
    "scheduled-monument": DatasetRule(buffer_m=50.0),
    # Natural England's standing advice: a buffer of at least 15 m from ancient woodland.
    "ancient-woodland": DatasetRule(buffer_m=15.0),
    # The largest root protection area in BS 5837 has a 15 m radius.
    "tree": DatasetRule(buffer_m=15.0),
}


class RuleOverride(pydantic.BaseModel):
    """What GEO_DATASET_RULES may say about one dataset: any of DatasetRule's fields.

    The bounds keep a typing slip from reaching the database: a buffer of kilometres makes
    every site's lookup scan a district.
    """

    model_config = pydantic.ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)

    buffer_m: float = pydantic.Field(default=0.0, ge=0.0, le=2000.0)
    graze_max_share_pct: float = pydantic.Field(default=0.0, ge=0.0, le=100.0)
    graze_max_area_m2: float = pydantic.Field(default=0.0, ge=0.0, le=10_000.0)
    graze_max_width_m: float = pydantic.Field(default=0.0, ge=0.0, le=100.0)


RULE_OVERRIDES_EXAMPLE = '{"listed-building": {"buffer_m": 30}}'


def parse_rule_overrides(raw: dict) -> dict[str, dict[str, float]]:
    """GEO_DATASET_RULES checked: known datasets, known keys, numbers in range.

    Raises ValueError naming the dataset and key at fault; returns only the keys given, so
    the rest of each rule keeps its default.
    """
    overrides: dict[str, dict[str, float]] = {}
    for dataset, rule in raw.items():
        if dataset not in KNOWN_DATASETS:
            raise ValueError(
                f"unknown dataset {dataset!r}: use the planning data platform's names "
                f"({', '.join(sorted(KNOWN_DATASETS))}), e.g. {RULE_OVERRIDES_EXAMPLE}."
            )
        if not isinstance(rule, dict):
            raise ValueError(
                f"the rule for {dataset!r} must be an object of "
                f"{', '.join(RuleOverride.model_fields)}, e.g. {RULE_OVERRIDES_EXAMPLE}."
            )
        try:
            checked = RuleOverride.model_validate(rule)
        except pydantic.ValidationError as error:
            problem = error.errors(include_url=False)[0]
            key = ".".join(str(part) for part in problem["loc"])
            if problem["type"] == "extra_forbidden":
                message = f"unknown key {key!r}"
            else:
                message = f"{key}={problem.get('input')!r}: {problem['msg'].lower()}"
            raise ValueError(
                f"in the rule for {dataset!r}, {message}. A rule may set "
                f"{', '.join(RuleOverride.model_fields)} (metres, m² and per cent, as "
                f"numbers), e.g. {RULE_OVERRIDES_EXAMPLE}."
            ) from None
        overrides[dataset] = checked.model_dump(exclude_unset=True)
    return overrides


def rule_for(dataset: str) -> DatasetRule:
    rule = RULES.get(dataset, DEFAULT_RULE)
    overrides = getattr(settings, "GEO_DATASET_RULES", {}).get(dataset)
    return replace(rule, **overrides) if overrides else rule


def datasets_with_rules() -> set[str]:
    return set(RULES) | set(getattr(settings, "GEO_DATASET_RULES", {}))
