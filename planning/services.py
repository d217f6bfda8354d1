"""The verbs of the planning app. Views, commands and tasks call these."""

import datetime
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils import timezone

from planning.models import ApplicationStatus, Council, PlanningApplication, Role, User
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


def ensure_user(username: str, *, council: Council, role: str, password: str) -> User:
    """Create or reset a council user in the group of their role. Admins get the Django admin."""
    user, _ = User.objects.get_or_create(username=username, defaults={"council": council})
    user.council = council
    user.role = role
    user.is_staff = role == Role.ADMIN
    user.set_password(password)
    user.save()
    user.groups.set([ensure_role_groups()[role]])
    return user


def record_document_text(
    document, *, status: str, reason: str = "", page_count: int | None = None
) -> None:
    """Record how reading a document's text went (the text itself is kept by triage)."""
    document.text_status = status
    document.text_status_reason = reason[:500]
    document.page_count = page_count
    document.save(update_fields=["text_status", "text_status_reason", "page_count"])


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
    return application.decision_date is not None or application.status in (
        ApplicationStatus.DETERMINED,
        ApplicationStatus.WITHDRAWN,
    )


class UpdateRefused(Exception):
    """A change the application's state does not allow. `field` names the change."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class UpdateInvalid(UpdateRefused):
    """A change whose value is wrong for this application (a date before another one)."""


@transaction.atomic
def update_application(
    application: PlanningApplication,
    *,
    valid_date: datetime.date | None = None,
    extension_of_time_until: datetime.date | None = None,
    withdrawn: bool = False,
) -> PlanningApplication:
    """The limited changes a council's system may make: record the valid date, an agreed
    extension of time, or a withdrawal. Nothing else about an application changes here.

    Invariants: a withdrawn or decided application changes no more (withdrawing it again is
    harmless); an extension of time needs a valid date, must end after the statutory
    deadline, and is recorded before a decision (DMPO 2015 art. 34).
    """
    # Locked, so two updates at once see each other's result, not the same starting point.
    application = PlanningApplication.objects.select_for_update().get(pk=application.pk)
    if application.status == ApplicationStatus.WITHDRAWN:
        if withdrawn and valid_date is None and extension_of_time_until is None:
            return application
        raise UpdateRefused("The application was withdrawn; it cannot be changed.", "withdrawn")
    if _closed(application):
        field = (
            "withdrawn"
            if withdrawn
            else ("extension_of_time_until" if extension_of_time_until else "valid_date")
        )
        raise UpdateRefused(
            "A decision is recorded for this application; it cannot be changed.", field
        )

    changed = []
    if valid_date is not None:
        if valid_date < application.received_date:
            raise UpdateInvalid(
                f"The valid date cannot be before the received date "
                f"({application.received_date.isoformat()}).",
                "valid_date",
            )
        if valid_date > timezone.localdate():
            raise UpdateInvalid("The valid date cannot be in the future.", "valid_date")
        application.valid_date = valid_date
        changed.append("valid_date")
        if application.status in (ApplicationStatus.RECEIVED, ApplicationStatus.INVALID):
            application.status = ApplicationStatus.VALID
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
                f"({statutory.isoformat()}).",
                "extension_of_time_until",
            )
        application.extension_of_time_until = extension_of_time_until
        changed.append("extension_of_time_until")
    if withdrawn:
        application.status = ApplicationStatus.WITHDRAWN
        changed.append("status")
    if changed:
        application.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    return application
