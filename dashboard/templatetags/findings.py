"""Helpers for showing findings: a policy's text with the words a finding cites marked."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from triage.quotes import quote_span

register = template.Library()


@register.simple_tag
def policy_text(text: str, quote: str) -> SafeString:
    """The policy's text, escaped, line breaks kept, and `quote` marked where it is."""
    span = quote_span(quote, text) if quote else None
    if span is None:
        html = str(escape(text))
    else:
        start, end = span
        html = (
            f'{escape(text[:start])}<mark class="app-highlight">{escape(text[start:end])}</mark>'
            f"{escape(text[end:])}"
        )
    return mark_safe(html.replace("\n", "<br>"))
