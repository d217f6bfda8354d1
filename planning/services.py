"""The verbs of the planning app. Views, commands and tasks call these."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from planning import lifecycle
from planning.errors import DomainError
from planning.models import (
    CLOSED_STATUSES,
    ApplicationEvent,
    ApplicationStatus,
    Council,
    DecisionLevel,
    DecisionOutcome,
    PlanningApplication,
    Role,
    User,
)
from planning.site_history.ours import record_in_history
from planning.statutory import Category, categorise, statutory_clock

# What each role may do through Django's permission system (the admin and the pages).
# Which council's records they may touch is decided separately, in planning.access.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OFFICER: [
        "planning.view_planningapplication",
        "planning.change_planningapplication",
        "planning.view_document",
        "planning.add_document",
    ],
    Role.MANAGER: ["planning.view_planningapplication", "planning.view_document"],
    Role.ADMIN: [
        "planning.view_planningapplication",
        "planning.change_planningapplication",
        "planning.view_document",
        "planning.view_user",
        "planning.add_user",
        "planning.change_user",
        # Their council's validation list, and the policy library to read.
        "policies.view_validationrequirement",
        "policies.add_validationrequirement",
        "policies.change_validationrequirement",
        "policies.delete_validationrequirement",
        # Their council's consultation list.
        "policies.view_consultationrule",
        "policies.add_consultationrule",
        "policies.change_consultationrule",
        "policies.delete_consultationrule",
        "policies.view_policyframework",
        "policies.view_policy",
    ],
}


def ensure_role_groups() -> dict[str, Group]:
    """One Django group per role, holding exactly that role's permissions."""
    groups = {}
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=Role(role).label)
        permissions = []
        for code in codes:
            app_label, codename = code.split(".")
            permissions.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(permissions)
        groups[role] = group
    return groups


@transaction.atomic
def ensure_council(code: str, name: str) -> Council:
    council, created = Council.objects.get_or_create(code=code, defaults={"name": name})
    if not created and council.name != name:
        council.name = name
        council.save(update_fields=["name"])
    return council


def ensure_user(
    username: str,
    *,
    council: Council,
    role: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create or reset a council user in the group of their role. Admins get the Django admin."""
    user, _ = User.objects.get_or_create(username=username, defaults={"council": council})
    user.council = council
    user.role = role
    if first_name or last_name:
        user.first_name, user.last_name = first_name, last_name
    user.is_staff = role == Role.ADMIN
    user.set_password(password)
    user.save()
    user.groups.set([ensure_role_groups()[role]])
    return user


def record_document_text(
    document, *, status: str, reason: str = "", page_count: int | None = None
) -> None:
    """Record how reading a document's text went (the text itself is kept by triage).

    `page_count` None leaves the count read at upload as it was: a failed read says nothing
    about how many pages the file has.
    """
    document.text_status = status
    document.text_status_reason = reason[:500]
    fields = ["text_status", "text_status_reason"]
    if page_count is not None:
        document.page_count = page_count
        fields.append("page_count")
    document.save(update_fields=fields)


def statutory_facts(
    application: PlanningApplication, *, today: datetime.date | None = None
) -> dict[str, Any]:
    """The PS1/PS2 category and the statutory clock of an application, as the API shows them.

    `days_remaining` counts from today in Europe/London (negative once the deadline has
    passed); it is None before the application is valid and once it is decided or withdrawn,
    because the clock no longer runs.
    """
    category = _category(application)
    clock = statutory_clock(
        application.valid_date,
        category=category,
        eia_required=application.eia_required,
        extension_of_time_until=application.extension_of_time_until,
    )
    deadline = clock.determination_deadline
    today = today or timezone.localdate()
    # The clock stops once the application is decided or withdrawn.
    days_remaining = (
        (deadline - today).days if deadline is not None and not _closed(application) else None
    )
    return {
        "category": category.category,
        "scale": category.scale,
        "ps2_code": category.ps2_code,
        "category_reason": category.reason,
        "period_weeks": clock.period_weeks,
        "statutory_deadline": clock.statutory_deadline,
        "determination_deadline": clock.determination_deadline,
        "days_remaining": days_remaining,
        "extended": clock.extended,
    }


def _category(application: PlanningApplication) -> Category:
    return categorise(
        application.application_type,
        dwellings=application.proposed_dwellings,
        floorspace_m2=application.floorspace_m2,
        site_area_m2=application.site_area_m2,
        project_types=application.project_types or (),
    )


def _closed(application: PlanningApplication) -> bool:
    return application.decision_date is not None or application.status in CLOSED_STATUSES


class UpdateRefused(DomainError):
    """A change the application's state does not allow. `field` names the change."""

    problem = "update-refused"
    status_code = 409

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class UpdateInvalid(UpdateRefused):
    """A change whose value is wrong for this application (a date before another one)."""

    problem = "invalid-request"
    status_code = 400


class StaleChange(UpdateRefused):
    """Someone else changed the application after the form was drawn: nothing was saved."""

    def __init__(self, application: PlanningApplication):
        super().__init__(
            f"Someone else changed {application.reference} while you were working on it "
            f"({application.last_activity or 'an update'}). Nothing was saved: check the "
            "application as it is now, then try again.",
            "revision",
        )
        self.application = application


@dataclass(frozen=True)
class Actor:
    """Who makes a change: a signed-in person, or a council's system by its key's name."""

    name: str
    user: User | None = None

    @classmethod
    def of(cls, user: User) -> "Actor":
        return cls(user.get_full_name() or user.username, user)


SYSTEM = Actor("a council system")


def record_event(
    application: PlanningApplication,
    kind: str,
    summary: str,
    *,
    actor: Actor | None = None,
    detail: dict[str, Any] | None = None,
) -> ApplicationEvent:
    """Add to the application's timeline and make it the application's latest activity.

    Runs in the caller's transaction, so an event exists exactly when its change does.
    """
    event = ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        summary=summary[:300],
        actor=actor.user if actor else None,
        actor_name=(actor.name if actor else "")[:200],
        detail=detail or {},
    )
    PlanningApplication.objects.filter(pk=application.pk).update(
        last_activity_at=event.at, last_activity=event.summary
    )
    return event


def _lock(application: PlanningApplication, expected_revision: int | None) -> PlanningApplication:
    """The application, locked for this transaction, checked against the revision the caller
    saw (None: the caller does not say, as the API's PATCH does not)."""
    locked = PlanningApplication.objects.select_for_update().get(pk=application.pk)
    if expected_revision is not None and locked.revision != expected_revision:
        raise StaleChange(locked)
    return locked


def _refuse_when_closed(application: PlanningApplication, field: str) -> None:
    if application.status == ApplicationStatus.WITHDRAWN:
        raise UpdateRefused("The application was withdrawn; it cannot be changed.", field)
    if _closed(application):
        raise UpdateRefused(
            "A decision is recorded for this application; it cannot be changed.", field
        )


@transaction.atomic
def update_application(
    application: PlanningApplication,
    *,
    valid_date: datetime.date | None = None,
    extension_of_time_until: datetime.date | None = None,
    withdrawn: bool = False,
    performance_agreement: bool | None = None,
    actor: Actor = SYSTEM,
    expected_revision: int | None = None,
) -> PlanningApplication:
    """The limited changes to an application's dates: record the valid date, an agreed
    extension of time, or a withdrawal. A decision is recorded by `record_decision`.

    Invariants: a withdrawn or decided application changes no more (withdrawing it again is
    harmless); an extension of time needs a valid date, must end after the statutory
    deadline, and is recorded before a decision (DMPO 2015 art. 34).
    """
    # Locked, so two updates at once see each other's result, not the same starting point.
    application = _lock(application, expected_revision)
    if valid_date is None and extension_of_time_until is None and not withdrawn:
        return application  # nothing asked of this verb (a decision alone, say)
    withdrawing_again = withdrawn and valid_date is None and extension_of_time_until is None
    if application.status == ApplicationStatus.WITHDRAWN and withdrawing_again:
        return application
    field = (
        "withdrawn"
        if withdrawn
        else ("extension_of_time_until" if extension_of_time_until else "valid_date")
    )
    _refuse_when_closed(application, field)

    changed = []
    events: list[tuple[str, str]] = []
    if valid_date is not None:
        if valid_date < application.received_date:
            raise UpdateInvalid(
                f"The valid date cannot be before the received date "
                f"({application.received_date:%-d %B %Y}).",
                "valid_date",
            )
        if valid_date > timezone.localdate():
            raise UpdateInvalid("The valid date cannot be in the future.", "valid_date")
        if valid_date != application.valid_date:
            application.valid_date = valid_date
            changed.append("valid_date")
            events.append(("valid_date", f"Made valid from {valid_date:%-d %B %Y}"))
        if application.status in (ApplicationStatus.RECEIVED, ApplicationStatus.INVALID):
            lifecycle.move(application, ApplicationStatus.VALID)
            changed.append("status")
    if extension_of_time_until is not None:
        if application.valid_date is None:
            raise UpdateInvalid(
                "Record the valid date first: the statutory clock, which an extension of time "
                "extends, starts from it.",
                "extension_of_time_until",
            )
        statutory = statutory_clock(
            application.valid_date,
            category=_category(application),
            eia_required=application.eia_required,
            extension_of_time_until=None,
        ).statutory_deadline
        assert statutory is not None  # a valid date always starts a clock
        if extension_of_time_until <= statutory:
            raise UpdateInvalid(
                f"An extension of time must end after the statutory deadline "
                f"({statutory:%-d %B %Y}).",
                "extension_of_time_until",
            )
        agreement = (
            application.performance_agreement
            if performance_agreement is None
            else performance_agreement
        )
        if (extension_of_time_until, agreement) != (
            application.extension_of_time_until,
            application.performance_agreement,
        ):
            application.extension_of_time_until = extension_of_time_until
            application.performance_agreement = agreement
            changed += ["extension_of_time_until", "performance_agreement"]
            kind = "a planning performance agreement" if agreement else "an extension of time"
            events.append(
                (
                    "extension_of_time",
                    f"Determination date agreed by {kind}: {extension_of_time_until:%-d %B %Y}",
                )
            )
    if withdrawn:
        lifecycle.move(application, ApplicationStatus.WITHDRAWN)
        application.withdrawn_date = timezone.localdate()
        changed += ["status", "withdrawn_date"]
        events.append(("withdrawn", "Withdrawn by the applicant"))
    if changed:
        application.revision += 1
        application.save(update_fields=[*dict.fromkeys(changed), "revision", "updated_at"])
        for kind, summary in events:
            record_event(application, kind, summary, actor=actor)
    if withdrawn:
        record_in_history(application)
    return application


@transaction.atomic
def record_decision(
    application: PlanningApplication,
    *,
    outcome: str,
    decision_date: datetime.date,
    level: str = DecisionLevel.DELEGATED,
    actor: Actor = SYSTEM,
    expected_revision: int | None = None,
) -> PlanningApplication:
    """Record the council's decision: granted or refused, on a date, by officers under
    delegated powers or by the planning committee. Final: nothing changes afterwards.

    Invariants: only a valid application is decided; the decision date is on or after the
    valid date and not in the future.
    """
    application = _lock(application, expected_revision)
    _refuse_when_closed(application, "decision")
    if outcome not in DecisionOutcome.values:
        raise UpdateInvalid("Say whether the application is granted or refused.", "decision")
    if level not in DecisionLevel.values:
        raise UpdateInvalid(
            "Say whether it was decided under delegated powers or by committee.",
            "decision_level",
        )
    if application.valid_date is None:
        raise UpdateInvalid(
            "Record the valid date first: only a valid application can be decided.",
            "decision_date",
        )
    if decision_date < application.valid_date:
        raise UpdateInvalid(
            f"The decision date cannot be before the valid date "
            f"({application.valid_date:%-d %B %Y}).",
            "decision_date",
        )
    if decision_date > timezone.localdate():
        raise UpdateInvalid("The decision date cannot be in the future.", "decision_date")
    application.decision = outcome
    application.decision_date = decision_date
    application.decision_level = level
    lifecycle.move(application, ApplicationStatus.DETERMINED)
    application.revision += 1
    application.save(
        update_fields=[
            "decision",
            "decision_date",
            "decision_level",
            "status",
            "revision",
            "updated_at",
        ]
    )
    record_event(
        application,
        "decided",
        f"{DecisionOutcome(outcome).label} on {decision_date:%-d %B %Y} "
        f"({DecisionLevel(level).label.lower()})",
        actor=actor,
        detail={"outcome": outcome, "date": decision_date.isoformat(), "level": level},
    )
    # The next application on this site sees this decision in the site's history.
    record_in_history(application)
    return application


class AssignmentRefused(UpdateRefused):
    """An assignment the person asking may not make."""

    def __init__(self, message: str):
        super().__init__(message, "assigned_officer")


def can_reassign(user: User) -> bool:
    """Managers and administrators hand work out; officers only take unassigned work."""
    return user.is_superuser or user.role in (Role.MANAGER, Role.ADMIN)


def officers_of(council: Council):
    """The people an application of this council can be assigned to."""
    return User.objects.filter(council=council, is_active=True, role=Role.OFFICER).order_by(
        "first_name", "last_name", "username"
    )


@transaction.atomic
def assign_application(
    application: PlanningApplication,
    officer: User | None,
    *,
    by: User,
    expected_revision: int | None = None,
) -> PlanningApplication:
    """Give the application to `officer` (None: nobody).

    An officer may take an unassigned application for themselves; managers and administrators
    may assign or unassign anyone of their council. The officer must belong to the
    application's council.
    """
    application = _lock(application, expected_revision)
    if officer is not None and officer.council_id != application.council_id:
        raise AssignmentRefused("That officer does not work for this council.")
    if officer is not None and not officer.is_active:
        raise AssignmentRefused("That officer's account is not active.")
    if not can_reassign(by):
        if officer is None or officer.pk != by.pk:
            raise AssignmentRefused("Only a manager can assign work to someone else.")
        if application.assigned_officer_id not in (None, by.pk):
            holder = application.assigned_officer
            raise AssignmentRefused(
                f"{application.reference} is already assigned to "
                f"{holder.get_full_name() or holder.username if holder else 'someone else'}; "
                "ask a manager to reassign it."
            )
    if application.assigned_officer_id == (officer.pk if officer else None):
        return application
    application.assigned_officer = officer
    application.revision += 1
    application.save(update_fields=["assigned_officer", "revision", "updated_at"])
    summary = (
        f"Assigned to {officer.get_full_name() or officer.username}" if officer else "Unassigned"
    )
    record_event(application, "assigned", summary, actor=Actor.of(by))
    return application
