"""Typed shapes of what engines produce. Everything is validated with pydantic and extra="forbid":
an engine's output that does not fit is rejected, never half-read.

`FindingDraft` is what every engine (rules, llm, the spatial check, cross-checks) hands to the
run; `ModelExtraction` is the JSON the model server must return (its JSON schema, every string
and array bounded, is sent with the request so constrained decoding enforces it).
"""

import copy
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from triage.vocabulary import FindingCode, Origin, Strength

ShortText = Annotated[str, StringConstraints(max_length=200)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SpatialEvidence(Strict):
    dataset: str = Field(max_length=100)
    layer_source: str = Field(max_length=100)
    entity: str = Field(max_length=200)
    feature_name: str = Field(max_length=500)
    relation: Literal["site-inside", "feature-inside", "overlaps", "nearby"]
    overlap_area_m2: float = Field(ge=0)
    site_share_pct: float = Field(ge=0)
    distance_m: float = Field(ge=0)
    grazes: bool


class DocumentEvidence(Strict):
    # The document's key in the run: its database id as text, or a file name in evaluation.
    document: str = Field(max_length=255)
    page: int = Field(ge=1)
    quote: str = Field(min_length=1, max_length=1000)


class PolicyEvidence(Strict):
    """The policy a conflict finding cites: the row it was judged against (None when read from
    a file, in evaluation) and the words in it that bite, verified to be in its text."""

    policy_id: int | None = None
    key: str = Field(max_length=64)
    citation: str = Field(max_length=300)
    quote: str = Field(min_length=1, max_length=1000)


class FindingDraft(Strict):
    code: str = Field(max_length=64)
    value: str = Field(default="", max_length=64)
    attributes: dict[str, str] = Field(default_factory=dict)
    title: str = Field(max_length=300)
    detail: str = Field(default="", max_length=2000)
    source: Literal["spatial", "document", "check"]
    origin: Origin
    engine: str = Field(max_length=200)
    strength: Strength
    spatial: SpatialEvidence | None = None
    evidence: DocumentEvidence | None = None
    policy: PolicyEvidence | None = None

    def key(self) -> tuple[str, str, str]:
        """What makes two findings the same claim: code, value and the document it is in."""
        return (self.code, self.value, self.evidence.document if self.evidence else "")


# --- What the model must return -----------------------------------------------------------

DOCUMENT_CODES = tuple(code.value for code in FindingCode)


class ModelFinding(Strict):
    code: Literal[DOCUMENT_CODES]  # type: ignore[valid-type]
    value: str = Field(max_length=24)
    page: int = Field(ge=1, le=10000)
    quote: str = Field(max_length=300)
    name: str = Field(max_length=120)
    grade: Literal["", "I", "II*", "II"]
    zone: Literal["", "1", "2", "3"]
    from_use: str = Field(max_length=60)
    to_use: str = Field(max_length=60)


class ModelExtraction(Strict):
    findings: list[ModelFinding] = Field(max_length=25)


def strict_json_schema(model: type[BaseModel]) -> dict:
    """The model's JSON schema in the strict form servers expect: references inlined, every
    property required, no additional properties; bounds (maxLength, maxItems, enum) kept."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def resolve(node):
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].split("/")[-1]
                return resolve(copy.deepcopy(definitions[name]))
            node = {
                key: resolve(value)
                for key, value in node.items()
                if not (key == "title" and isinstance(value, str))
            }
            if node.get("type") == "object" and "properties" in node:
                node["required"] = list(node["properties"])
                node["additionalProperties"] = False
            return node
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


# --- What the model must return when judging policy conflicts ------------------------------


class ModelConflict(Strict):
    # The policy's key as given in the prompt; the request's schema narrows it to an enum.
    policy: str = Field(max_length=64)
    conflicts: Literal["yes", "no", "unclear"]
    # Verbatim from the policy's text as given.
    policy_quote: str = Field(max_length=300)
    # The document's key as given in the prompt, or "description"; narrowed to an enum too.
    document: str = Field(max_length=255)
    page: int = Field(ge=0, le=10000)
    # Verbatim from that page (or from the description of development).
    application_quote: str = Field(max_length=300)
    reason: str = Field(max_length=300)


class ModelConflicts(Strict):
    conflicts: list[ModelConflict] = Field(max_length=8)
