"""Triage's API paths, mounted under /api/v1/statistics/ by config/urls.py (planning's API
cannot name them: planning knows nothing of triage)."""

from django.urls import path

from triage.api import statistics

app_name = "triage-api"

urlpatterns = [
    path("reviews.csv", statistics.ReviewFiguresCsvView.as_view(), name="statistics-reviews"),
    path("findings.csv", statistics.FindingsCsvView.as_view(), name="statistics-findings"),
]
