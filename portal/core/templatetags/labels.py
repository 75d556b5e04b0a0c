"""``{% colon %}`` after a label: "状态:已通过" in Chinese, "Status: Approved" in English (a colon with no
space is Chinese typesetting; English wants the space). Loaded for every template (settings.TEMPLATES'
builtins), so a label is written ``{% translate "状态" %}{% colon %}{{ value }}``."""

from django import template
from django.utils.translation import pgettext

from portal.core.periods import month_label, quarter_label

register = template.Library()


@register.simple_tag
def colon() -> str:
    # Translators: what follows a label before its value; English: a colon and a space.
    return pgettext("after a label", ":")


@register.simple_tag
def month_name(year, month) -> str:
    """``{% month_name 2026 11 %}`` → "2026年11月", in English "November 2026"."""
    try:
        return month_label(int(year), int(month))
    except (TypeError, ValueError):
        return ""


@register.simple_tag
def quarter_name(year, quarter) -> str:
    """``{% quarter_name 2026 3 %}`` → "2026年第3季度", in English "Q3 2026"."""
    try:
        return quarter_label(int(year), int(quarter))
    except (TypeError, ValueError):
        return ""
