"""`/healthz`: is each part this service depends on reachable right now?"""

import functools
import logging
import socket
import time
import urllib.error
import urllib.request

import boto3
import redis
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)
from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT PostGIS_Version()")
        cursor.fetchone()


def _check_redis() -> None:
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=settings.HEALTHCHECK_TIMEOUT_SECONDS,
        socket_timeout=settings.HEALTHCHECK_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()


def _check_model_server() -> None:
    # vLLM answers /health outside /v1 (no key needed) and 503s once its engine has died.
    root = settings.LLM_BASE_URL.rstrip("/").removesuffix("/v1")
    try:
        with urllib.request.urlopen(
            f"{root}/health", timeout=settings.HEALTHCHECK_TIMEOUT_SECONDS
        ) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise UnhealthyAnswer(f"answered HTTP {status}")


@functools.lru_cache(maxsize=4)
def storage_client(
    endpoint_url: str | None,
    region_name: str | None,
    access_key: str | None,
    secret_key: str | None,
    timeout: float,
):
    """One S3 client per process and settings: making one costs far more than the check."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region_name,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        config=Config(connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 1}),
    )


def _check_document_storage() -> None:
    """The bucket answers to this host's credentials (one quick request, no retries)."""
    options = settings.STORAGES["default"].get("OPTIONS", {})
    client = storage_client(
        options.get("endpoint_url"),
        options.get("region_name"),
        options.get("access_key"),
        options.get("secret_key"),
        settings.HEALTHCHECK_TIMEOUT_SECONDS,
    )
    try:
        client.head_bucket(Bucket=options["bucket_name"])
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
        raise UnhealthyAnswer(f"answered HTTP {status}") from error


def _uses_object_storage() -> bool:
    return settings.STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage"


def _run(check) -> dict:
    """The check's outcome, in words fit for anyone who can reach /healthz.

    The exception's text (which names hosts, ports, users and sometimes a URL with its
    password) goes to the log only; the answer says what kind of failure it was.
    """
    started = time.monotonic()
    try:
        check()
    except Exception as error:  # any failure of a dependency is reported, not raised
        logger.warning("health check %s failed", check.__name__, exc_info=error)
        return {"status": "error", "error": _kind(error)}
    return {"status": "ok", "ms": round((time.monotonic() - started) * 1000, 1)}


def _kind(error: Exception) -> str:
    timeouts = (TimeoutError, socket.timeout, redis.TimeoutError, ReadTimeoutError)
    if isinstance(error, (*timeouts, ConnectTimeoutError)):
        return "timed out"
    if isinstance(
        error,
        ConnectionError | redis.ConnectionError | urllib.error.URLError | EndpointConnectionError,
    ):
        return "unreachable"
    if isinstance(error, DatabaseError):
        return "database error"
    if isinstance(error, UnhealthyAnswer):
        return str(error)
    return "failed"


class UnhealthyAnswer(RuntimeError):
    """The dependency answered, but not healthy (its words are ours, safe to show)."""


@never_cache
@require_GET
def healthz(request):
    checks = {"database": _run(_check_database), "redis": _run(_check_redis)}
    if settings.LLM_BASE_URL:
        checks["model_server"] = _run(_check_model_server)
    else:
        checks["model_server"] = {"status": "not configured", "engine": "rules"}
    if _uses_object_storage():
        checks["document_storage"] = _run(_check_document_storage)
    else:
        # Files on this host's disk (or a mounted shared folder): nothing to reach.
        checks["document_storage"] = {"status": "ok", "kind": "filesystem"}
    failing = [name for name, result in checks.items() if result["status"] == "error"]
    body = {"status": "error" if failing else "ok", "failing": failing, "checks": checks}
    return JsonResponse(body, status=503 if failing else 200)
