from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from planning.api import applications, documents, problems, statistics

app_name = "api"

urlpatterns = [
    path("applications/", applications.ApplicationListView.as_view(), name="application-list"),
    path("applications/odp/", applications.OdpApplicationView.as_view(), name="application-odp"),
    path(
        "applications/<int:pk>/",
        applications.ApplicationDetailView.as_view(),
        name="application-detail",
    ),
    path(
        "applications/<int:pk>/documents/",
        documents.DocumentListView.as_view(),
        name="application-documents",
    ),
    path(
        "applications/<int:pk>/documents/<int:document_id>/file",
        documents.DocumentFileView.as_view(),
        name="application-document-file",
    ),
    path("statistics/backlog.csv", statistics.BacklogCsvView.as_view(), name="statistics-backlog"),
    path("statistics/ps1.csv", statistics.Ps1CsvView.as_view(), name="statistics-ps1"),
    path("statistics/ps2.csv", statistics.Ps2CsvView.as_view(), name="statistics-ps2"),
    path("statistics/speed.csv", statistics.SpeedCsvView.as_view(), name="statistics-speed"),
    path("problems/<slug:slug>", problems.problem_type_view, name="problem-type"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: a client gets JSON, not an HTML page, for a path the API does not have.
    re_path(r"", problems.not_found),
]
