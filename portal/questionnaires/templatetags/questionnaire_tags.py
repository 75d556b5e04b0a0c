"""``{{ rate|pct }}``: a fraction (0.8333) as a percentage with one decimal (83.3%), "—" for none."""

from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
