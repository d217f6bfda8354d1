"""Who may see which applications. Every query for applications made on behalf of
a person or a council's key goes through this module; nowhere else decides it."""

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from planning.models import Council, PlanningApplication, Role, User

M = TypeVar("M", bound=Model)


def applications_visible_to_user(user: User) -> QuerySet[PlanningApplication]:
    """A council's people see their own council's applications; platform superusers see all."""
    if not user.is_authenticated or not user.is_active:
        return PlanningApplication.objects.none()
    if user.is_superuser:
        return PlanningApplication.objects.all()
    if user.council_id is None:
        return PlanningApplication.objects.none()
    return PlanningApplication.objects.filter(council_id=user.council_id)


def applications_visible_to_council(council: Council) -> QuerySet[PlanningApplication]:
    return PlanningApplication.objects.filter(council=council)


def application_for_user(user: User, pk: int) -> PlanningApplication:
    """One application the person may see. Another council's is "not found" (Http404), never
    "forbidden": a page must not confirm that a reference exists elsewhere."""
    application = applications_visible_to_user(user).select_related("council").filter(pk=pk).first()
    if application is None:
        raise Http404("No such application.")
    return application


def is_manager(user: User) -> bool:
    """Managers (and administrators) see the statistics and hand out work."""
    return user.is_authenticated and (
        user.is_superuser or getattr(user, "role", None) in (Role.MANAGER, Role.ADMIN)
    )


def works_on_applications(user: User) -> bool:
    """Officers, managers and administrators of a council all work on its applications."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.council_id is not None)
    )


def rows_visible_to_user(queryset: QuerySet[M], user: User, council_field: str) -> QuerySet[M]:
    """The rows of `queryset` that belong to the person's council (`council_field` is the
    lookup from the row to its council, e.g. "application__council"); all of them for a
    platform superuser, none for anyone else without a council.

    For the admin screens: what a council's administrator may see of users, keys, runs,
    findings and reviews is decided here, as applications_visible_to_user does for
    applications.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    if user.council_id is None:
        return queryset.none()
    return queryset.filter(**{f"{council_field}_id": user.council_id})


def rows_visible_or_national(queryset: QuerySet[M], user: User, council_field: str) -> QuerySet[M]:
    """Like rows_visible_to_user, and the rows of no council as well: national data every
    council reads (the NPPF, the national validation list) beside its own."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    own = Q(**{f"{council_field}__isnull": True})
    if user.council_id is not None:
        own |= Q(**{f"{council_field}_id": user.council_id})
    return queryset.filter(own)
