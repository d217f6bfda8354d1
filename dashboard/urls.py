from django.urls import path

from dashboard.views import application, auth, documents, queue, statistics

app_name = "dashboard"

urlpatterns = [
    path("", queue.queue_page, name="queue"),
    path("sign-in/", auth.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth.SignOutView.as_view(), name="sign-out"),
    path("councils/<str:code>/logo", auth.council_logo, name="council-logo"),
    path("applications/<int:pk>/", application.application_detail, name="application"),
    path("applications/<int:pk>/assign-to-me", queue.assign_to_me, name="assign-to-me"),
    path("applications/<int:pk>/assign", application.assign, name="assign"),
    path("applications/<int:pk>/valid-date", application.record_valid_date, name="valid-date"),
    path("applications/<int:pk>/extension", application.record_extension, name="extension"),
    path("applications/<int:pk>/decision", application.record_decision_view, name="decision"),
    path("applications/<int:pk>/rerun", application.rerun, name="rerun"),
    path("applications/<int:pk>/triage-status", application.triage_status, name="triage-status"),
    path("applications/<int:pk>/findings/new", application.add_finding, name="add-finding"),
    path(
        "applications/<int:pk>/findings/<int:finding_id>/review",
        application.review,
        name="review",
    ),
    path("applications/<int:pk>/map.geojson", documents.application_map, name="application-map"),
    path(
        "applications/<int:pk>/consultees.csv",
        application.consultees_csv,
        name="consultees-csv",
    ),
    path(
        "applications/<int:pk>/documents/<int:document_id>/pages/<int:number>/",
        documents.document_page,
        name="document-page",
    ),
    path(
        "applications/<int:pk>/documents/<int:document_id>/file",
        documents.document_file,
        name="document-file",
    ),
    path("statistics/", statistics.statistics_home, name="statistics"),
    path("statistics/backlog/", statistics.backlog_page, name="statistics-backlog"),
    path("statistics/speed/", statistics.speed_page, name="statistics-speed"),
    path("statistics/ps1/", statistics.ps1_page, name="statistics-ps1"),
    path("statistics/ps2/", statistics.ps2_page, name="statistics-ps2"),
    path("statistics/reviews/", statistics.reviews_page, name="statistics-reviews"),
    path(
        "statistics/applications/",
        statistics.figure_applications,
        name="statistics-applications",
    ),
    path(
        "statistics/exports/<uuid:export_id>/",
        statistics.export_page,
        name="statistics-export",
    ),
    path(
        "statistics/exports/<uuid:export_id>/file",
        statistics.export_file,
        name="statistics-export-file",
    ),
    path(
        "statistics/<slug:name>.<slug:file_format>",
        statistics.download,
        name="statistics-download",
    ),
]
