"""The site's own error views (handler400 and handler500 in config.urls).

Under /api/ an error is an RFC 9457 problem even when it happened outside DRF (in a
middleware, say), since councils' systems parse the answer; elsewhere it is Django's plain
page from templates/400.html or 500.html, which show no settings, paths or exception text.
"""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults

from planning.api.problems import PROBLEM_CONTENT_TYPE, UNEXPECTED_DETAIL, problem_body


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return JsonResponse(
            problem_body(500, UNEXPECTED_DETAIL), status=500, content_type=PROBLEM_CONTENT_TYPE
        )
    return defaults.server_error(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if _is_api(request):
        # The exception's text may echo a hostname or header; the status says enough.
        return JsonResponse(
            problem_body(400, "The request could not be accepted as sent."),
            status=400,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    return defaults.bad_request(request, exception)
