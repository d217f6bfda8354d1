"""Prometheus metrics for the whole service (decision record 0023): HTTP requests here, triage's
own in triage.metrics, all exported from `/metrics` on the web hosts and from a small exporter
inside each Celery worker (WORKER_METRICS_BIND).

Not public: with no METRICS_TOKEN the endpoint does not exist (404), and a scrape must send
`Authorization: Bearer <METRICS_TOKEN>`. A deployment may also keep the port off the public
network; the token holds either way.

Several processes per host (gunicorn workers, Celery's prefork children) each count their
own: with PROMETHEUS_MULTIPROC_DIR set (an empty folder per host, emptied when the service
starts) prometheus_client keeps the counts in files there and the exporter adds them up.
"""

import hmac
import logging
import os
import threading
import time
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from triage.metrics import SECONDS, TriageStateCollector

logger = logging.getLogger(__name__)

HTTP_REQUESTS = Counter(
    "http_requests_total",
    "HTTP requests answered, by method, URL pattern (never the path: no ids) and status.",
    ["method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "http_request_duration_seconds",
    "Seconds to answer an HTTP request, by method and URL pattern.",
    ["method", "route"],
    buckets=SECONDS,
)
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class HttpMetricsMiddleware:
    """Counts and times every request by its URL pattern ("api/v1/applications/<int:pk>/"),
    so the series stay few and carry no ids."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.monotonic()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = (match.route or match.view_name) if match else "unmatched"
        method = request.method if request.method in KNOWN_METHODS else "other"
        HTTP_REQUESTS.labels(method, route, str(response.status_code)).inc()
        HTTP_SECONDS.labels(method, route).observe(time.monotonic() - started)
        return response


def exposition() -> bytes:
    """This host's metrics (every process's, in multiprocess mode) and where runs and the
    triage queue stand."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        processes = generate_latest(registry)
    else:
        processes = generate_latest(REGISTRY)
    state = CollectorRegistry(auto_describe=False)
    state.register(TriageStateCollector())
    return processes + generate_latest(state)


def token_matches(authorization: str) -> bool:
    token = settings.METRICS_TOKEN
    return bool(token) and hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode())


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        raise Http404("metrics are not enabled")
    if not token_matches(request.headers.get("Authorization", "")):
        response = HttpResponse("a bearer token is needed\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(exposition(), content_type=CONTENT_TYPE_LATEST)


def _exporter_app(environ, start_response):
    if environ.get("PATH_INFO") != "/metrics":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]
    if not token_matches(environ.get("HTTP_AUTHORIZATION", "")):
        start_response(
            "401 Unauthorized",
            [("Content-Type", "text/plain"), ("WWW-Authenticate", 'Bearer realm="metrics"')],
        )
        return [b"a bearer token is needed\n"]
    try:
        body = exposition()
    finally:
        # The exporter's thread lives as long as the worker: it holds no connection between
        # scrapes.
        connection.close()
    start_response("200 OK", [("Content-Type", CONTENT_TYPE_LATEST)])
    return [body]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # one line per scrape would drown the worker's log
        pass


def start_worker_exporter(bind: str) -> WSGIServer:
    """Serve this worker host's metrics on `bind` ("host:port") from a daemon thread; the
    server is returned so that a test can shut it down."""
    if not settings.METRICS_TOKEN:
        raise ImproperlyConfigured(
            "WORKER_METRICS_BIND needs METRICS_TOKEN: metrics are not public"
        )
    host, _, port = bind.rpartition(":")
    server = make_server(host, int(port), _exporter_app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="metrics-exporter", daemon=True)
    thread.start()
    logger.info("worker metrics on %s", bind)
    return server
