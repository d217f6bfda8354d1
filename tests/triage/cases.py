"""Hand-built cases for the checks, conflict rules and priority: findings as the spatial check
and the engines would make them, and the policy library read from the bundled files."""

import datetime
import functools

from policies.files import DATA, parse_nppf, parse_policy_file, parse_requirements_file
from policies.library import PolicyLibrary
from triage.case import CaseInput, build_case
from triage.recognition import DocumentSummary
from triage.schemas import DocumentEvidence, FindingDraft, SpatialEvidence
from triage.text import PageText
from triage.vocabulary import Origin, Strength

SOUTHWARK_FILES = ("southwark-plan-2022.toml", "southwark-article-4-directions.toml")
TRAFFORD_FILES = ("trafford-core-strategy-2012.toml",)


@functools.cache
def national():
    return tuple(parse_nppf().policies)


@functools.cache
def library(council: str = "southwark") -> PolicyLibrary:
    files = SOUTHWARK_FILES if council == "southwark" else TRAFFORD_FILES
    local = [entry for name in files for entry in parse_policy_file(DATA / name).policies]
    return PolicyLibrary(national=national(), local=tuple(local))


@functools.cache
def requirements(council: str = "southwark"):
    rows = list(parse_requirements_file(DATA / "validation-national.toml").requirements)
    rows += parse_requirements_file(DATA / f"validation-{council}.toml").requirements
    return tuple(rows)


def hit(dataset, name, relation="site-inside", *, grazes=False, distance=0.0, **attributes):
    inside = relation != "nearby"
    return FindingDraft(
        code=f"spatial.{dataset}",
        value=relation,
        attributes={"name": name, **attributes},
        title=f"The site is inside {dataset.replace('-', ' ')} {name}"
        if inside
        else f"Near the site: {dataset.replace('-', ' ')} {name}",
        detail="Overlap 600.0 m², 100.0% of the site." if inside else f"{distance:.0f} m away.",
        source="spatial",
        origin=Origin.SPATIAL,
        engine="spatial",
        strength=Strength.MAP_EDGE if grazes or not inside else Strength.MAP,
        spatial=SpatialEvidence(
            dataset=dataset,
            layer_source="test",
            entity=f"{dataset}-1",
            feature_name=name,
            relation=relation,
            overlap_area_m2=600.0 if inside else 0.0,
            site_share_pct=100.0 if inside else 0.0,
            distance_m=distance,
            grazes=grazes,
        ),
    )


def said(
    code, value, quote, document="statement.pdf", page=1, strength=Strength.DIRECT, **attributes
):
    """A document's finding, as the rules engine makes it."""
    return FindingDraft(
        code=code,
        value=value,
        attributes=attributes,
        title=f"{document}: {code} = {value}",
        source="document",
        origin=Origin.RULES,
        engine="rules",
        strength=strength,
        evidence=DocumentEvidence(document=document, page=page, quote=quote),
    )


def case(findings=(), application_type="pp.full.householder", description="", **fields):
    return build_case(
        list(findings),
        CaseInput(application_type=application_type, description=description, **fields),
    )


TODAY = datetime.date(2026, 12, 1)


def document(name, document_type="other", *pages):
    """A document as the validation check reads it: its pages' text, one string a page."""
    return DocumentSummary(
        name, name, document_type, tuple(PageText(n, text) for n, text in enumerate(pages, 1))
    )
