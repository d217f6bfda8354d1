"""Spatial facts for a run, from our own constraint layers (the geo app). They are facts, not
claims: document text can never change them."""

from geo import services as geo_services
from geo.services import ConstraintHit
from planning.models import PlanningApplication
from triage.schemas import FindingDraft, SpatialEvidence
from triage.vocabulary import Origin, Strength

ENGINE = "spatial"
RELATION_WORDS = {
    "site-inside": "The site is inside",
    "feature-inside": "The site contains",
    "overlaps": "The site overlaps",
    "nearby": "Near the site:",
}


def site_hits(application: PlanningApplication) -> list[ConstraintHit]:
    if application.site is None:
        return []
    return geo_services.check_site(application.site)


def layer_names() -> list[tuple[str, str]]:
    return geo_services.layer_names()


def hit_finding(hit: ConstraintHit) -> FindingDraft:
    label = hit.dataset.replace("-", " ")
    name = hit.name or hit.reference or hit.entity
    grade = hit.attributes.get("grade")
    what = f"{label} {name}" + (f" (grade {grade})" if grade else "")
    if hit.relation == "nearby":
        detail = f"{hit.distance_m:.0f} m from the site boundary."
    else:
        detail = f"Overlap {hit.overlap_area_m2:.1f} m², {hit.site_share_pct:.1f}% of the site."
    if hit.grazes:
        detail += " The overlap is tiny: probably the neighbour's land, check before relying on it."
    return FindingDraft(
        code=f"spatial.{hit.dataset}",
        value=hit.relation,
        attributes={k: str(v) for k, v in hit.attributes.items() if v not in (None, "")}
        | ({"name": hit.name} if hit.name else {}),
        title=f"{RELATION_WORDS.get(hit.relation, hit.relation)} {what}"[:300],
        detail=detail,
        source="spatial",
        origin=Origin.SPATIAL,
        engine=ENGINE,
        strength=Strength.MAP_EDGE if hit.grazes or hit.relation == "nearby" else Strength.MAP,
        spatial=SpatialEvidence(
            dataset=hit.dataset,
            layer_source=hit.source,
            entity=str(hit.entity)[:200],
            feature_name=(hit.name or "")[:500],
            relation=hit.relation,  # type: ignore[arg-type]  # pydantic checks the value
            overlap_area_m2=hit.overlap_area_m2,
            site_share_pct=hit.site_share_pct,
            distance_m=hit.distance_m,
            grazes=hit.grazes,
        ),
    )
