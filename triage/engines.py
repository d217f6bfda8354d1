"""The extraction engines by name: the one place that knows which engines exist."""

from triage import spatial
from triage.extractors.base import Extractor
from triage.extractors.llm import LLMExtractor
from triage.extractors.rules import RulesExtractor, gazetteer_from_layers
from triage.llm_client import LLMClient

ENGINES = ("rules", "llm")


def check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"Unknown extraction engine {engine!r}: use 'rules' or 'llm'.")
    return engine


def build_extractor(engine: str) -> Extractor:
    """The named engine, configured from settings. The rules engine's gazetteer comes from the
    names of the loaded constraint layers."""
    if check_engine(engine) == "rules":
        return RulesExtractor(gazetteer=gazetteer_from_layers(spatial.layer_names()))
    return LLMExtractor(client=LLMClient.from_settings())
