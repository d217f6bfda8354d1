"""What every page needs: the service's name, the council's brand, and the navigation."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from planning.access import is_manager

# Pages for managers only: (label, URL name).
MANAGER_PAGES: list[tuple[str, str]] = [("Statistics", "dashboard:statistics")]


def service(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    council = getattr(user, "council", None) if user is not None else None
    signed_in = bool(user and user.is_authenticated)
    navigation = []
    if signed_in:
        path = request.path
        navigation.append(("Applications", reverse("dashboard:queue"), path == "/"))
        if is_manager(user):
            for label, name in MANAGER_PAGES:
                url = reverse(name)
                navigation.append((label, url, path.startswith(url)))
        if user.is_staff:
            navigation.append(("Administration", reverse("admin:index"), False))
    return {
        "service_name": settings.SERVICE_NAME,
        "council": council,
        "brand_colour": (council.brand_colour if council else "") or settings.DEFAULT_BRAND_COLOUR,
        "logo_url": reverse("dashboard:council-logo", args=[council.code])
        if council is not None and council.logo
        else "",
        "navigation": navigation,
    }
