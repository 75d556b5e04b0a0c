from django import template
from django.utils.html import format_html

from monitoring import states
from portal.core import periods

register = template.Library()


@register.filter
def dictget(mapping, key):
    """{{ row|dictget:code }}: a value of a dict or attribute by a variable key."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return getattr(mapping, key, None)


@register.filter
def month_code(period) -> str:
    """{{ period|month_code }} → "2026-01", the one spelling of a month in links and query strings."""
    return periods.month_code(period)


@register.filter
def quarter_code(value) -> str:
    """{{ q|quarter_code }} → "2026-Q3" (a Quarter, or anything with ``year`` and ``quarter``)."""
    return periods.quarter_code(value)


@register.simple_tag
def timeliness_badge(filing) -> str:
    """{% timeliness_badge filing %}: the report's timeliness as a badge (``states.timeliness``), or nothing
    for a report that is not filed (nothing yet, a draft, a withdrawn submission)."""
    shown = states.timeliness(filing)
    if shown is None:
        return ""
    return format_html('<span class="badge {}" data-testid="timeliness">{}</span>', shown.level, shown.label)
