"""The verbs of the policies app: load a policy framework or a council's list from its file,
and give triage the current policies, validation requirements and consultation rules for a
council as plain data (policies.library).

The package, by job: `frameworks` (policies, versioned), `council_lists` (the lists each
council keeps beside a national one: validation requirements and consultation rules) and
`loading` (what every load from a file shares). Their public names are here too.
"""

from policies.services.council_lists import (
    CONSULTATION_LISTS,
    NATIONAL_LIST,
    VALIDATION_LISTS,
    CouncilList,
    ListLoadSummary,
    consultation_rules_for,
    requirements_for,
)
from policies.services.frameworks import (
    LoadSummary,
    library_for,
    load_framework,
    local_plan_names,
)
from policies.services.loading import UnknownCouncil, council_named, source_label

__all__ = [
    "CONSULTATION_LISTS",
    "NATIONAL_LIST",
    "VALIDATION_LISTS",
    "CouncilList",
    "ListLoadSummary",
    "LoadSummary",
    "UnknownCouncil",
    "consultation_rules_for",
    "council_named",
    "library_for",
    "load_framework",
    "local_plan_names",
    "requirements_for",
    "source_label",
]
