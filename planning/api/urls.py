from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from planning.api import problems, views

app_name = "api"

urlpatterns = [
    path("applications/", views.ApplicationListView.as_view(), name="application-list"),
    path("applications/odp/", views.OdpApplicationView.as_view(), name="application-odp"),
    path(
        "applications/<int:pk>/", views.ApplicationDetailView.as_view(), name="application-detail"
    ),
    path(
        "applications/<int:pk>/documents/",
        views.DocumentListView.as_view(),
        name="application-documents",
    ),
    path("problems/<slug:slug>", problems.problem_type_view, name="problem-type"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: a client gets JSON, not an HTML page, for a path the API does not have.
    re_path(r"", problems.not_found),
]
