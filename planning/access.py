"""Who may see which applications. Every query for applications made on behalf of
a person or a council's key goes through this module; nowhere else decides it."""

from django.db.models import QuerySet

from planning.models import Council, PlanningApplication, User


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
