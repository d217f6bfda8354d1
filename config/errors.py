"""The site's own error views (handler400 and handler500 in config.urls), and the page
for a fault that passes.

Under /api/ an error is an RFC 9457 problem even when it happened outside DRF (in a
middleware, say), since councils' systems parse the answer; elsewhere it is Django's plain
page from templates/400.html or 500.html, which show no settings, paths or exception text.

A database or document storage that does not answer (a restart, a network blip) is not a
bug: on the officers' pages it is a 503 with Retry-After and a page that says to try again
in a few seconds (templates/503.html), as the API answers it with a problem.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views import defaults

from planning.api.problems import (
    DATABASE_RETRY_AFTER_SECONDS,
    PROBLEM_CONTENT_TYPE,
    UNEXPECTED_DETAIL,
    problem_body,
    unavailable_body,
)
from planning.stored_files import STORAGE_RETRY_AFTER_SECONDS, StorageUnavailable

logger = logging.getLogger(__name__)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so it is still at hand: a fault that
    # passes, raised before a view ran (the session or user lookup in a middleware), is a 503.
    fault = sys.exc_info()[1]
    if isinstance(fault, Exception):
        unavailable = transient_fault_response(request, fault)
        if unavailable is not None:
            return unavailable
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


class TransientFaultMiddleware:
    """A page whose database or document storage did not answer is a 503 that says to try
    again, not a 500 that says something is broken (the API's own handler does the same)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if _is_api(request):
            return None  # the API's exception handler answers with a problem
        return transient_fault_response(request, exception)


def transient_fault_response(request: HttpRequest, exception: Exception) -> HttpResponse | None:
    """A 503 (a problem under /api/, templates/503.html elsewhere) when `exception` is a
    database or document storage that did not answer; None for anything else."""
    if isinstance(exception, OperationalError | InterfaceError):
        what, retry_after = "database", DATABASE_RETRY_AFTER_SECONDS
    elif isinstance(exception, StorageUnavailable):
        what, retry_after = "document storage", STORAGE_RETRY_AFTER_SECONDS
    else:
        return None
    logger.warning("answered 503, the %s did not answer: %s", what, exception)
    if _is_api(request):
        response: HttpResponse = JsonResponse(
            unavailable_body(f"The {what} did not answer.", retry_after),
            status=503,
            content_type=PROBLEM_CONTENT_TYPE,
        )
    else:
        # A plain template: no context processors, which might ask the database again.
        body = loader.get_template("503.html").render({"retry_after": retry_after})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(retry_after)
    return response
