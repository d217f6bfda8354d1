"""Numbers on the managers' pages: counts with thousands separators, each linked to the
applications behind it (dashboard.statistics_pages.Linked)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


@register.simple_tag
def figure(linked) -> str:
    """A count as a link to its applications; nought is not a link (there is nothing to see)."""
    if not linked.count:
        return mark_safe('<span class="app-figure-zero">0</span>')
    return format_html('<a class="govuk-link" href="{}">{}</a>', linked.href, f"{linked.count:,}")
