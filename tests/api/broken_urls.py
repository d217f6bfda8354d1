"""A URLconf for tests: the site's own, plus paths that fail in ways no real path should."""

from django.urls import path

from config.urls import handler400, handler500
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler400", "handler500", "urlpatterns"]


def _broken(request):
    raise RuntimeError("postgres://triage:hunter2@db.internal/triage is down")


urlpatterns = [
    path("api/v1/broken", _broken),
    path("broken", _broken),
    *site_urlpatterns,
]
