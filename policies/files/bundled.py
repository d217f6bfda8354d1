"""The files shipped with the code (policies/data): the NPPF, councils' sample policies, and
the national validation and consultation lists with councils' samples. Each list of files
names the national one first."""

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data"
NPPF_FILE = DATA / "NPPF_December_2024.md"
LOCAL_POLICY_FILES = [
    DATA / "southwark-plan-2022.toml",
    DATA / "southwark-article-4-directions.toml",
    DATA / "trafford-core-strategy-2012.toml",
]
VALIDATION_FILES = [
    DATA / "validation-national.toml",
    DATA / "validation-southwark.toml",
    DATA / "validation-trafford.toml",
]
CONSULTATION_FILES = [
    DATA / "consultations-national.toml",
    DATA / "consultations-southwark.toml",
    DATA / "consultations-trafford.toml",
]
