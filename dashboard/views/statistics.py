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
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboard import statistics_pages as pages
from dashboard.queue import type_label
from dashboard.views.common import council_officers, summary_errors
from planning import deadlines, exports, statistics
from planning.access import applications_visible_to_user, is_manager
from planning.exports import Table
from triage import exports as triage_exports
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


def council_applications(user):
    """The manager's own council's applications (planning.access decides what is visible; a
    platform superuser with a council still sees only that council's figures here)."""
    return applications_visible_to_user(user).filter(council_id=user.council_id)


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
            "last_quarter": statistics.Quarter.containing(today).previous(),
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


class _BadChoice(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _quarter(request) -> statistics.Quarter:
    slug = request.GET.get("quarter")
    if not slug:
        return statistics.Quarter.containing(statistics.london_today()).previous()
    try:
        return statistics.Quarter.from_slug(slug)
    except ValueError:
        raise _BadChoice(
            f"“{slug[:40]}” is not a quarter. Choose a quarter such as 2026-q2 (the financial "
            "year it starts in, then q1 for April to June up to q4 for January to March)."
        ) from None


def _period(request) -> triage_exports.ReviewPeriod:
    slug = request.GET.get("period")
    try:
        return triage_exports.review_period(slug)
    except ValueError:
        raise _BadChoice(
            f"“{(slug or '')[:40]}” is not a period. Choose last-12-months or a quarter such "
            "as 2026-q2."
        ) from None


def _table(request, name: str, visible) -> tuple[Table, str]:
    """The table a download names, and the file name's part after the council's code."""
    today = statistics.london_today()
    if name == "backlog":
        return exports.backlog_table(visible, today=today), f"backlog-{today}"
    if name == "ps1":
        quarter = _quarter(request)
        return exports.ps1_table(visible, quarter), f"ps1-{quarter.slug}"
    if name == "ps2":
        quarter = _quarter(request)
        return exports.ps2_table(visible, quarter), f"ps2-{quarter.slug}"
    if name == "speed":
        quarter = _quarter(request)
        return exports.speed_table(visible, last=quarter), f"speed-to-{quarter.slug}"
    if name == "reviews":
        period = _period(request)
        table = triage_exports.review_figures_table(visible, period)
        return table, f"ai-review-figures-{period.slug}-{today}"
    if name == "findings":
        period = _period(request)
        table = triage_exports.findings_table(period.applications(visible))
        return table, f"findings-and-reviews-{period.slug}-{today}"
    if name == "applications":
        try:
            where = statistics.decode_where(request.GET.get("where", ""), FILTER_LOOKUPS)
        except ValueError:
            raise _BadChoice("The link does not name a figure from the statistics pages.") from None
        found = statistics.applications(visible, where)
        return exports.applications_table(found, today=today), f"applications-{today}"
    raise Http404("No such download.")


@require_GET
@require_manager
def download(request, name: str, file_format: str):
    if file_format not in ("csv", "xlsx"):
        raise Http404("No such download.")
    user = request.user
    try:
        table, stem = _table(request, name, council_applications(user))
    except _BadChoice as bad:
        return _problem(request, "This download cannot be made", bad.message)
    filename = f"{user.council.code}-{stem}.{file_format}"
    if file_format == "csv":
        return exports.csv_response(table, filename, byte_order_mark=True)
    return exports.xlsx_response(table, filename)
