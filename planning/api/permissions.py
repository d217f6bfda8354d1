from rest_framework.permissions import BasePermission

from planning.api.authentication import CouncilSystem


class IsCouncilSystem(BasePermission):
    """Only a council's system, holding a live key. Which applications it may touch is
    decided by planning.access, from the key's council."""

    message = "Send a council API key: Authorization: Bearer <key>."

    def has_permission(self, request, view) -> bool:
        return isinstance(request.user, CouncilSystem)
