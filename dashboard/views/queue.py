"""The officers' queue: tabs, filters with counts, search, sort and pages."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from dashboard import queue
from dashboard.views.common import council_officers, require_council_user
from planning import deadlines
from planning.access import application_for_user, applications_visible_to_user
from planning.services import UpdateRefused, assign_application


@login_required
@require_council_user
def queue_page(request):
    user = request.user
    tab = request.GET.get("tab") or ("mine" if user.assigned_applications.exists() else "open")
    if tab not in queue.TAB_BY_SLUG:
        raise Http404("No such tab.")
    visible = applications_visible_to_user(user)
    # The decided tab's period (an unknown one is reported and the default shown).
    period, period_invalid = None, False
    if tab == "decided":
        period = queue.chosen_period(request.GET.get("decided"))
        period_invalid = period is None
        period = period or queue.DEFAULT_PERIOD
    base = queue.tab_queryset(visible, tab, user, period or queue.DEFAULT_PERIOD)
    search = queue.QueueFilter({"q": request.GET.get("q", "")}, queryset=base, choices=_NO_CHOICES)
    searched = search.qs if search.is_valid() else base
    rows = queue.combinations(searched)
    choices = queue.facet_choices(rows, council_officers(user))
    filterset = queue.QueueFilter(request.GET, queryset=base, choices=choices)
    errors = queue.form_errors(filterset)
    if period_invalid:
        errors.insert(0, ("filter-decided", queue.PERIOD_ERROR))
    chosen = queue.chosen_filters(filterset)
    facets, total = queue.facet_counts(rows, chosen, choices)
    sort = request.GET.get("sort") or queue.TAB_BY_SLUG[tab].default_sort
    if sort.lstrip("-") not in queue.SORTS:
        sort = queue.TAB_BY_SLUG[tab].default_sort
    paginator = CountedPaginator(total, settings.QUEUE_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = queue.page_of(filterset.qs, sort, page.number, settings.QUEUE_PAGE_SIZE)
    today = timezone.localdate()
    table = [
        {
            "application": application,
            "type": queue.type_label(application.application_type),
            "days_left": queue.days_left(application, today),
            "summary": getattr(application, "triage", None),
        }
        for application in page.object_list
    ]
    return render(
        request,
        "dashboard/queue.html",
        {
            "tab": queue.TAB_BY_SLUG[tab],
            "period": period,
            "periods": queue.PERIODS,
            "period_invalid": period_invalid,
            "period_error": queue.PERIOD_ERROR,
            "tabs": queue.TABS,
            "tab_counts": queue.tab_counts(visible, user),
            "rows": table,
            "page": page,
            "paginator": paginator,
            "facets": facets,
            "any_selected": any(facet.selected for facet in facets),
            "filterset": filterset,
            "errors": errors,
            "search": request.GET.get("q", ""),
            "sort": sort,
            "at_risk_days": deadlines.at_risk_days(),
            "columns": COLUMNS,
            "sort_label": _sort_label(sort),
            "page_numbers": list(
                paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
            ),
        },
    )


# The search alone needs no filter choices.
_NO_CHOICES: dict[str, list] = {"type": [], "dataset": [], "officer": []}


class CountedPaginator(Paginator):
    """Pages over a count already known (from the filters' counts): no COUNT(*) query. The
    page's rows are fetched by queue.page_of, which finds their ids first."""

    def __init__(self, count: int, per_page: int):
        super().__init__(range(count), per_page)


# (sort key, heading) for the table; sortable by the server, so every page agrees.
COLUMNS = [
    ("reference", "Reference"),
    ("address", "Address"),
    ("type", "Type"),
    ("lane", "Lane"),
    ("score", "Score"),
    ("days", "Days left"),
    ("officer", "Officer"),
    ("status", "Triage"),
]


def _sort_label(sort: str) -> str:
    column = sort.lstrip("-")
    if column == "priority":
        return "lane, then score, then days left"
    if column in ("updated", "decided"):
        words = "latest change" if column == "updated" else "decision date"
    else:
        words = dict(COLUMNS).get(column, column).lower()
    return f"{words}, {'descending' if sort.startswith('-') else 'ascending'}"


@login_required
@require_council_user
@require_POST
def assign_to_me(request, pk: int):
    """An officer takes an unassigned application from the queue."""
    application = application_for_user(request.user, pk)
    try:
        assign_application(application, request.user, by=request.user)
    except UpdateRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{application.reference} is now assigned to you.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    return redirect(back or "/")
