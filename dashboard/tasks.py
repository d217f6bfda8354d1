"""Celery tasks of the pages: large downloads made by a worker (dashboard.exports)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from dashboard import exports


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=30,
    max_retries=20,
)
def make_export(export_id: str) -> str:
    return exports.make_export(export_id)


@shared_task(acks_late=True)
def purge_expired_exports() -> int:
    return exports.purge_expired_exports()
