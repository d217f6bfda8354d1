"""What a document is, in Open Digital Planning's words (its `FileType` values).

A bounded vocabulary, so an officer's list of documents and triage's search for required
ones (a location plan, a heritage statement) rest on names from one list. `other` is for a
document that fits none. The list follows the ODP schema's file types; a new ODP type is
added here when a council's portal starts sending it. People read a type in words
(`document_type_label`): "designAndAccessStatement" is a "Design and access statement".
"""

import re

DOCUMENT_TYPES: frozenset[str] = frozenset(
    {
        "other",
        "locationPlan",
        "sitePlan.existing",
        "sitePlan.proposed",
        "blockPlan.existing",
        "blockPlan.proposed",
        "floorPlan.existing",
        "floorPlan.proposed",
        "elevations.existing",
        "elevations.proposed",
        "sections.existing",
        "sections.proposed",
        "roofPlan.existing",
        "roofPlan.proposed",
        "usePlan.existing",
        "usePlan.proposed",
        "unitPlan.existing",
        "unitPlan.proposed",
        "photographs.existing",
        "photographs.proposed",
        "streetScene",
        "visualisations",
        "otherDrawing",
        "joinerySections",
        "designAndAccessStatement",
        "planningStatement",
        "heritageStatement",
        "floodRiskAssessment",
        "treeSurvey",
        "treesReport",
        "treeConditionReport",
        "arboriculturistReport",
        "ecologyReport",
        "biodiversityNetGain",
        "noiseAssessment",
        "sunlightAndDaylightReport",
        "transportAssessment",
        "travelPlan",
        "parkingPlan",
        "energyStatement",
        "sustainabilityStatement",
        "landContaminationAssessment",
        "contaminationReport",
        "affordableHousingStatement",
        "viabilityAppraisal",
        "statementOfCommunityInvolvement",
        "environmentalImpactAssessment",
        "basementImpactStatement",
        "fireSafetyReport",
        "lightingAssessment",
        "ventilationStatement",
        "wasteAndRecyclingStrategy",
        "methodStatement",
        "constructionInvoice",
        "councilTaxBill",
        "utilityBill",
        "bankStatement",
        "tenancyAgreement",
        "buildingControlCertificate",
        "technicalEvidence",
        "necessaryInformation",
        "relevantInformation",
        "otherEvidence",
        "otherDocument",
        "otherSupporting",
    }
)

_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")


def document_type_label(code: str) -> str:
    """A document type in words: "sitePlan.proposed" is "Site plan (proposed)"; a code not
    in the list is shown as it is."""
    if code not in DOCUMENT_TYPES:
        return code
    name, _, state = code.partition(".")
    words = " ".join(word.lower() for word in _WORD.findall(name))
    label = words[:1].upper() + words[1:]
    return f"{label} ({state})" if state else label
