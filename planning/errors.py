"""Errors the planning services raise for a person and a program alike. Each carries its own
mapping: the message is for people, `problem` names the API's problem type
(planning.api.problems.PROBLEM_TYPES), `status_code` the HTTP status, `field` the input at
fault, and `problem_extra()` any members a program acts on. The API's one exception handler
turns any of them into a problem, so no view maps errors itself (zulip's JsonableError)."""

from typing import Any


class DomainError(Exception):
    problem = "invalid-request"
    status_code = 400
    field = ""

    def problem_extra(self) -> dict[str, Any]:
        return {}
