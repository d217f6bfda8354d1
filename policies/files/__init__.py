"""Reading policy files and councils' lists (formats: docs/policy-files.md). Pure parsing:
nothing here touches the database, so triage_eval reads the same files the loaders load.

The package, by job: `bundled` (the files shipped in policies/data), `reading` (what every
reader shares: the error naming the place, checked TOML values), `nppf` (the NPPF converted to
Markdown), `frameworks` (a council's policies and Article 4 directions, in TOML),
`council_lists` (a list each council keeps beside a national one, whatever its entries) and
the two kinds of such list, `validation_lists` and `consultation_lists`. Their public names
are here too.
"""

from policies.files.bundled import (
    CONSULTATION_FILES,
    DATA,
    LOCAL_POLICY_FILES,
    NPPF_FILE,
    VALIDATION_FILES,
)
from policies.files.consultation_lists import ParsedConsultations, parse_consultations_file
from policies.files.council_lists import ParsedList
from policies.files.frameworks import ParsedFramework, parse_policy_file
from policies.files.nppf import parse_nppf
from policies.files.reading import PolicyFileError
from policies.files.validation_lists import ParsedRequirements, parse_requirements_file

__all__ = [
    "CONSULTATION_FILES",
    "DATA",
    "LOCAL_POLICY_FILES",
    "NPPF_FILE",
    "VALIDATION_FILES",
    "ParsedConsultations",
    "ParsedFramework",
    "ParsedList",
    "ParsedRequirements",
    "PolicyFileError",
    "parse_consultations_file",
    "parse_nppf",
    "parse_policy_file",
    "parse_requirements_file",
]
