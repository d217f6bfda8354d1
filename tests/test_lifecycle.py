"""An application's status moves only along the lifecycle's transitions (planning.lifecycle),
and only through it: the services call it, nothing else sets a status."""

import ast
import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from planning import lifecycle
from planning.lifecycle import StatusChangeRefused
from planning.models import ApplicationStatus, DecisionOutcome
from planning.services import UpdateRefused, record_decision, update_application
from tests.factories import PlanningApplicationFactory

ROOT = Path(__file__).resolve().parents[1]
APPS = ("planning", "geo", "policies", "triage", "dashboard", "demo", "benchmarks")
S = ApplicationStatus


@pytest.mark.parametrize(
    ("current", "to", "allowed"),
    [
        (S.RECEIVED, S.VALID, True),
        (S.RECEIVED, S.INVALID, True),
        (S.INVALID, S.VALID, True),
        (S.VALID, S.DETERMINED, True),
        (S.VALID, S.WITHDRAWN, True),
        (S.RECEIVED, S.DETERMINED, False),
        (S.VALID, S.RECEIVED, False),
        (S.DETERMINED, S.WITHDRAWN, False),
        (S.WITHDRAWN, S.VALID, False),
        (S.DETERMINED, S.DETERMINED, True),
    ],
)
def test_it_allows_only_the_lifecycles_moves(current, to, allowed):
    assert lifecycle.can_move(current, to) is allowed


def test_a_move_it_does_not_allow_is_refused_whatever_the_caller_checked():
    application = PlanningApplicationFactory.build(status=S.WITHDRAWN)
    with pytest.raises(StatusChangeRefused, match="withdrawn cannot become valid"):
        lifecycle.move(application, S.VALID)
    assert application.status == S.WITHDRAWN


def test_the_services_move_an_application_through_its_life(db):
    received = timezone.localdate() - datetime.timedelta(days=20)
    application = PlanningApplicationFactory(status=S.RECEIVED, received_date=received)
    valid = update_application(application, valid_date=received)
    assert valid.status == S.VALID
    decided = record_decision(
        valid, outcome=DecisionOutcome.GRANTED, decision_date=timezone.localdate()
    )
    assert decided.status == S.DETERMINED
    with pytest.raises(UpdateRefused):
        update_application(decided, withdrawn=True)


def _another_records_status(value: ast.expr) -> bool:
    """`RunStatus.FAILED`, `ExportStatus.READY`: a triage run's or an export's own status."""
    return (
        isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and value.value.id.endswith("Status")
        and value.value.id != "ApplicationStatus"
    )


def _status_assignments(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        targets = node.targets if isinstance(node, ast.Assign) else []
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == "status":
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "update"
            and any(
                keyword.arg == "status" and not _another_records_status(keyword.value)
                for keyword in node.keywords
            )
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_nothing_but_the_lifecycle_sets_an_applications_status():
    setters = [
        place
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts and path != ROOT / "planning" / "lifecycle.py"
        for place in _status_assignments(path)
    ]
    assert setters == []
