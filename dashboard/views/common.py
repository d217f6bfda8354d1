"""What every page view shares: who may use the pages, and the council's officers."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.forms import MultiWidget

from planning.access import works_on_applications
from planning.models import User
from planning.services import officers_of


def require_council_user(view):
    """The pages are for a council's people (and the platform's superusers)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not works_on_applications(request.user):
            raise PermissionDenied("Your account does not belong to a council.")
        return view(request, *args, **kwargs)

    return wrapped


def council_officers(user):
    """The officers of the user's council (nobody for a platform user without one)."""
    if user.council_id is None:
        return User.objects.none()
    return officers_of(user.council)


def summary_errors(form) -> list[tuple[str, str]]:
    """(anchor, message) pairs for the GOV.UK error summary: each links to its field (the
    first box of a date), and errors about the whole form to its first field."""
    errors = []
    first = next(iter(form.visible_fields()), None)
    for name, messages in form.errors.items():
        bound = form[name] if name in form.fields else first
        if bound is None or bound.is_hidden:
            anchor = ""
        else:
            anchor = bound.auto_id + ("_0" if isinstance(bound.field.widget, MultiWidget) else "")
        errors.extend((anchor, message) for message in messages)
    return errors
