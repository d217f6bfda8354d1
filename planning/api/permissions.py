from rest_framework.permissions import SAFE_METHODS, BasePermission

from planning.api.authentication import CouncilSystem

READ_ONLY_MESSAGE = (
    "This API key is read-only: it may read the council's applications, not change them."
)


class IsCouncilSystem(BasePermission):
    """Only a council's system, holding a live key; a read-only key only reads.

    Which applications it may touch is decided by planning.access, from the key's council.
    A write addressed to one application is refused for a read-only key only once the
    application is found (has_object_permission), so another council's application is a
    404 whatever the key, and nothing about its existence is told.
    """

    message = "Send a council API key: Authorization: Bearer <key>."

    def has_permission(self, request, view) -> bool:
        if not isinstance(request.user, CouncilSystem):
            return False
        if self._refused_write(request) and not getattr(view, "writes_to_an_object", False):
            self.message = READ_ONLY_MESSAGE
            return False
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        if self._refused_write(request):
            self.message = READ_ONLY_MESSAGE
            return False
        return True

    @staticmethod
    def _refused_write(request) -> bool:
        return request.method not in SAFE_METHODS and request.user.key.read_only
