import uuid

from django.conf import settings
from django.db import models

from planning.models import Council


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    READY = "ready", "Ready to download"
    FAILED = "failed", "Could not be made"
    EXPIRED = "expired", "Expired"


def export_upload_to(export: "Export", filename: str) -> str:
    return f"exports/{export.council.code}/{export.pk}/{filename}"


class Export(models.Model):
    """A download too large to make inside a web request (dashboard.exports): made by a
    worker, kept in the shared document storage until `expires_at`, for the managers of its
    council. Its id is random, so one export's address tells nothing of another's."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    table = models.CharField(max_length=30)  # dashboard.exports.TABLES
    file_format = models.CharField(max_length=4)  # csv or xlsx
    # The download's query string (quarter, period, where), as the page sent it.
    parameters = models.JSONField(default=dict)
    filename = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_upload_to, max_length=300, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent_done(self) -> int:
        if self.status == ExportStatus.READY:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(100 * self.rows_written / self.rows_total))
