"""Small helpers the GOV.UK templates use: dates in words, tags, links that keep filters."""

import datetime

from django import template
from django.http import QueryDict
from django.utils import timezone

from planning import deadlines
from planning.document_types import document_type_label
from planning.models import ApplicationStatus
from triage.models import NOT_TRIAGED, TEAM_WORDS, Lane

register = template.Library()

# A lane's colour; its words are triage's (Lane, TEAM_WORDS).
LANE_COLOURS = {
    "needs-attention": "govuk-tag--red",
    "specialist": "govuk-tag--turquoise",
    "standard": "govuk-tag--blue",
    "fast-track": "govuk-tag--green",
}
LANE_WORDS = dict(Lane.choices)
RUN_STATUS_TAGS = {
    "queued": ("Queued", "govuk-tag--grey"),
    "running": ("In progress", "govuk-tag--light-blue"),
    "succeeded": ("Triaged", "govuk-tag--green"),
    "failed": ("Failed", "govuk-tag--red"),
}
# An application's status: its words are planning's (ApplicationStatus), its colour ours.
STATUS_COLOURS = {
    "received": "govuk-tag--grey",
    "invalid": "govuk-tag--orange",
    "valid": "govuk-tag--blue",
    "determined": "govuk-tag--purple",
    "withdrawn": "govuk-tag--grey",
}
REVIEW_TAGS = {
    "accepted": ("Accepted", "govuk-tag--green"),
    "rejected": ("Rejected", "govuk-tag--red"),
    "amended": ("Amended", "govuk-tag--yellow"),
}

# An earlier application's decision (planning.PastDecision): refusals in red stand out.
HISTORY_TAGS = {
    "granted": "govuk-tag--green",
    "refused": "govuk-tag--red",
    "withdrawn": "govuk-tag--grey",
    "not-required": "govuk-tag--blue",
    "declined": "govuk-tag--yellow",
    "split": "govuk-tag--yellow",
}


@register.filter
def document_type(code: str) -> str:
    """An ODP document type in words ("Design and access statement")."""
    return document_type_label(code)


@register.filter
def history_tag(decision: str) -> str:
    return HISTORY_TAGS.get(decision, "govuk-tag--grey")


@register.filter
def long_date(value: datetime.date | datetime.datetime | None) -> str:
    """2 November 2026, as GOV.UK writes dates."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {value:%B %Y}"


@register.filter
def date_time(value: datetime.datetime | None) -> str:
    """2 November 2026 at 3:04pm."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    hour = local.hour % 12 or 12
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


@register.inclusion_tag("govuk/tag.html")
def lane_tag(lane: str, team: str = ""):
    """The lane, and for a specialist case the team it goes to: "Specialist: heritage"."""
    text, css = LANE_WORDS.get(lane, NOT_TRIAGED), LANE_COLOURS.get(lane, "govuk-tag--grey")
    if lane == "specialist" and team:
        text = f"{text}: {TEAM_WORDS.get(team, team)}"
    return {"text": text, "css": css}


@register.inclusion_tag("govuk/tag.html")
def run_status_tag(status: str):
    text, css = RUN_STATUS_TAGS.get(status, ("Not started", "govuk-tag--grey"))
    return {"text": text, "css": css}


@register.inclusion_tag("govuk/tag.html")
def status_tag(status: str):
    labels = dict(ApplicationStatus.choices)
    return {
        "text": labels.get(status, status),
        "css": STATUS_COLOURS.get(status, "govuk-tag--grey"),
    }


@register.inclusion_tag("govuk/tag.html")
def review_tag(decision: str):
    text, css = REVIEW_TAGS.get(decision, ("Not reviewed", "govuk-tag--grey"))
    return {"text": text, "css": css}


@register.inclusion_tag("govuk/tag.html")
def days_left_tag(days: int | None, at_risk_days: int | None = None):
    """Calendar days to the determination deadline: red once overdue, orange when at risk
    (planning.deadlines)."""
    if at_risk_days is None:
        at_risk_days = deadlines.at_risk_days()
    if days is None:
        return {"text": "", "css": ""}
    if days < 0:
        overdue = -days
        return {
            "text": f"{overdue} day{'s' if overdue != 1 else ''} overdue",
            "css": "govuk-tag--red",
        }
    if days == 0:
        return {"text": "Due today", "css": "govuk-tag--red"}
    css = "govuk-tag--orange" if days < at_risk_days else "govuk-tag--grey"
    return {"text": f"{days} day{'s' if days != 1 else ''}", "css": css}


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current page's query string with some parameters changed (None removes one).
    Changing anything but the page goes back to the first page."""
    query: QueryDict = context["request"].GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value not in (None, ""):
            query[name] = value
    if "page" not in changes:
        query.pop("page", None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def plural(count: int, words: str) -> str:
    """`{{ n|plural:"application,applications" }}` -> "1 application", "2 applications"."""
    one, many = words.split(",")
    return f"{count:,} {one if count == 1 else many}"


@register.simple_tag(takes_context=True)
def remove_filter(context, name: str, value: str) -> str:
    """The current page's link without one chosen filter option."""
    query: QueryDict = context["request"].GET.copy()
    query.setlist(name, [chosen for chosen in query.getlist(name) if chosen != value])
    query.pop("page", None)
    return f"?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def sort_link(context, column: str) -> str:
    """Sort by a column; the column already sorted on flips direction."""
    current = context.get("sort", "")
    target = f"-{column}" if current == column else column
    return query_with(context, sort=target)
