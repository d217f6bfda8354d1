"""The managers' pages: the backlog, the speed of decisions, the PS1 and PS2 returns, the AI
review figures, the applications behind any figure, and their downloads as CSV and XLSX.

For managers and administrators of a council, about their own council only: an officer is
shown a page saying so (403). The figures are counted by planning.statistics and
triage.review_statistics; the downloads are planning.exports' and triage.exports' tables.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from dashboard import exports as large_exports
from dashboard import statistics_pages as pages
from dashboard.models import ExportStatus
from dashboard.queue import type_label
from dashboard.views.common import council_officers, summary_errors
from planning import deadlines, downloads, exports, statistics
from planning.access import is_manager
from planning.stored_files import StoredFileMissing, open_stored
from triage.review_statistics import FILTER_LOOKUPS, backlog_by_lane, review_statistics

LIST_PAGE_SIZE = 50
LABEL_MAX_LENGTH = 200


def require_manager(view):
    """Managers and administrators of a council; anyone else signed in is told why not."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not is_manager(user) or user.council_id is None:
            reason = (
                "The statistics are kept per council, and your account does not belong to one."
                if is_manager(user)
                else "The statistics pages are for managers. Ask a manager in your team if you "
                "need the figures."
            )
            return render(
                request, "dashboard/statistics/forbidden.html", {"reason": reason}, status=403
            )
        return view(request, *args, **kwargs)

    return wrapped


council_applications = large_exports.council_applications


def _problem(request, title: str, message: str, status: int = 400):
    return render(
        request,
        "dashboard/statistics/problem.html",
        {"title": title, "message": message},
        status=status,
    )


# --- pages ---------------------------------------------------------------------------------------


@require_GET
@require_manager
def statistics_home(request):
    visible = council_applications(request.user)
    today = statistics.london_today()
    return render(
        request,
        "dashboard/statistics/index.html",
        {
            "summary": statistics.backlog_summary(visible, today=today),
            "last_quarter": statistics.Quarter.last_complete(today),
            "at_risk_days": deadlines.at_risk_days(),
        },
    )


@require_GET
@require_manager
def backlog_page(request):
    user = request.user
    visible = council_applications(user)
    today = statistics.london_today()
    backlog = statistics.backlog(visible, today=today)
    lanes = backlog_by_lane(visible, today=today)
    officers = set(council_officers(user).values_list("pk", flat=True))
    return render(
        request,
        "dashboard/statistics/backlog.html",
        pages.backlog_context(backlog, lanes, officers),
    )


@require_GET
@require_manager
def speed_page(request):
    today = statistics.london_today()
    form = pages.QuarterForm(request.GET, today=today, label="Period ending with the quarter")
    if not form.is_valid():
        return _form_error(request, "dashboard/statistics/speed.html", form)
    speed = statistics.speed_of_decisions(council_applications(request.user), last=form.chosen)
    return render(
        request, "dashboard/statistics/speed.html", {"form": form, **pages.speed_context(speed)}
    )


@require_GET
@require_manager
def ps1_page(request):
    form = pages.QuarterForm(request.GET, today=statistics.london_today())
    if not form.is_valid():
        return _form_error(request, "dashboard/statistics/ps1.html", form)
    result = statistics.ps1(council_applications(request.user), form.chosen)
    return render(
        request, "dashboard/statistics/ps1.html", {"form": form, **pages.ps1_context(result)}
    )


@require_GET
@require_manager
def ps2_page(request):
    form = pages.QuarterForm(request.GET, today=statistics.london_today())
    if not form.is_valid():
        return _form_error(request, "dashboard/statistics/ps2.html", form)
    result = statistics.ps2(council_applications(request.user), form.chosen)
    return render(
        request, "dashboard/statistics/ps2.html", {"form": form, **pages.ps2_context(result)}
    )


@require_GET
@require_manager
def reviews_page(request):
    form = pages.PeriodForm(request.GET, today=statistics.london_today())
    if not form.is_valid():
        return _form_error(request, "dashboard/statistics/reviews.html", form)
    period = form.chosen
    figures = review_statistics(period.applications(council_applications(request.user)))
    return render(
        request,
        "dashboard/statistics/reviews.html",
        {"form": form, "period": period, "figures": figures},
    )


def _form_error(request, template: str, form):
    """The page with GOV.UK's error summary and the field's message, and no figures."""
    return render(request, template, {"form": form, "errors": summary_errors(form)}, status=400)


@require_GET
@require_manager
def figure_applications(request):
    """The applications behind a figure, from the filter its link carries."""
    try:
        where = statistics.decode_where(request.GET.get("where", ""), FILTER_LOOKUPS)
    except ValueError:
        return _problem(
            request,
            "This list cannot be shown",
            "The link does not name a figure from the statistics pages. Go back to the "
            "statistics and follow the link beside the figure again.",
        )
    label = request.GET.get("label", "").replace("\x00", "")[:LABEL_MAX_LENGTH]
    label = label or "Applications behind a figure"
    found = (
        statistics.applications(council_applications(request.user), where)
        .select_related("assigned_officer")
        .order_by(F("determination_deadline").asc(nulls_last=True), "received_date", "id")
    )
    paginator = Paginator(found, LIST_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [
        {"application": application, "type": type_label(application.application_type)}
        for application in page.object_list
    ]
    return render(
        request,
        "dashboard/statistics/applications.html",
        {
            "label": label,
            "rows": rows,
            "page": page,
            "paginator": paginator,
            "page_numbers": list(
                paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
            ),
            "download_query": _without_page(request),
        },
    )


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- downloads ----------------------------------------------------------------------------------


@require_GET
@require_manager
def download(request, name: str, file_format: str):
    """A table as CSV or XLSX: made here, or, above EXPORT_BACKGROUND_ROWS, by a worker while
    the manager watches its progress (dashboard.exports)."""
    if file_format not in large_exports.FORMATS or name not in downloads.names():
        raise Http404("No such download.")
    user = request.user
    parameters = request.GET.dict()
    try:
        made = large_exports.download_for(name, parameters, council_applications(user))
    except downloads.ChoiceInvalid as bad:
        return _problem(request, "This download cannot be made", bad.message)
    if large_exports.in_background(made, file_format):
        export = large_exports.start_export(user, name, file_format, parameters, made)
        return redirect("dashboard:statistics-export", export_id=export.pk)
    filename = f"{user.council.code}-{made.stem}.{file_format}"
    if file_format == "csv":
        return exports.csv_response(made.table, filename, byte_order_mark=True)
    return exports.xlsx_response(made.table, filename)


@require_GET
@require_manager
def export_page(request, export_id):
    """How far a large download has got; the page refreshes itself until it is ready."""
    export = large_exports.export_for(request.user, export_id)
    if export is None:
        raise Http404("No such download.")
    return render(
        request,
        "dashboard/statistics/export.html",
        {"export": export, "expired": large_exports.is_expired(export)},
    )


@require_GET
@require_manager
def export_file(request, export_id):
    export = large_exports.export_for(request.user, export_id)
    if export is None:
        raise Http404("No such download.")
    if large_exports.is_expired(export) or export.status != ExportStatus.READY:
        return redirect("dashboard:statistics-export", export_id=export.pk)
    try:
        handle = open_stored(export.file, f"download {export.pk}")
    except StoredFileMissing:
        raise Http404("The file is no longer kept.") from None
    content_type = (
        exports.CSV_CONTENT_TYPE if export.file_format == "csv" else exports.XLSX_CONTENT_TYPE
    )
    return FileResponse(
        handle, as_attachment=True, filename=export.filename, content_type=content_type
    )
