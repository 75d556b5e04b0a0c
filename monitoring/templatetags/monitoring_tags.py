from django import template

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
