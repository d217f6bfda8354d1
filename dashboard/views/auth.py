"""Signing in and out (Django's sessions; django-axes locks a username out after repeated
failures) and the council's logo."""

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from dashboard.forms import SignInForm
from dashboard.views.common import summary_errors
from planning.models import Council

LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
}


class SignInView(auth_views.LoginView):
    template_name = "dashboard/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form_errors"] = summary_errors(context["form"])
        context["failure_limit"] = settings.AXES_FAILURE_LIMIT
        return context


class SignOutView(auth_views.LogoutView):
    pass


@require_GET
def council_logo(request, code: str):
    """A council's logo. Public (it is on the sign-in page of a council's own deployment),
    served with a type that stops an SVG from running script."""
    council = get_object_or_404(Council, code=code)
    if not council.logo:
        raise Http404("No logo.")
    content_type = LOGO_TYPES.get(PurePosixPath(council.logo.name).suffix.lower())
    if content_type is None:
        raise Http404("No logo.")
    response = FileResponse(council.logo.open("rb"), content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
