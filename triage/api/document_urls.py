"""Triage's paths under an application's documents, mounted under /api/v1/ by config/urls.py
(planning's API cannot name them: planning knows nothing of triage)."""

from django.urls import path

from triage.api import documents

app_name = "triage-documents-api"

urlpatterns = [
    path(
        "applications/<int:pk>/documents/<int:document_id>/text",
        documents.DocumentTextView.as_view(),
        name="application-document-text",
    ),
]
