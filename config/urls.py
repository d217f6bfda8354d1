from django.contrib import admin
from django.urls import include, path, re_path

from config.health import healthz
from config.metrics import metrics_view
from planning.api.problems import not_found
from triage.api.consultees import ConsulteesCsvView

admin.site.site_header = "Planning triage administration"

handler400 = "config.errors.bad_request"
handler500 = "config.errors.server_error"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Only with METRICS_TOKEN set, and only for a scrape that sends it.
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    # Triage's statistics CSVs sit beside planning's (planning cannot import triage).
    path("api/v1/statistics/", include("triage.api.urls")),
    # Triage's consultees of one application, beside planning's application paths.
    path(
        "api/v1/applications/<int:pk>/consultees.csv",
        ConsulteesCsvView.as_view(),
        name="api-application-consultees",
    ),
    # A document's extracted text, beside planning's document paths.
    path("api/v1/", include("triage.api.document_urls")),
    path("api/v1/", include("planning.api.urls")),
    # Another version or a mistyped path under /api/ is a problem document, not an HTML page.
    re_path(r"^api/", not_found),
    path("", include("dashboard.urls")),
]
# Stored documents are never served from a public path: only through the access-checked
# view behind the application page's document links, for someone who may see the application.
