from django import template

from portal.core import registry
from portal.core.numbers import grouped

register = template.Library()


@register.filter
def cell(row: dict, column) -> str:
    """A bulletin's cell as printed: "—" for nothing to count, rates with %, thousands separated."""
    value = row.get(column.key)
    if value is None or value == "":
        return "" if column.kind == "text" else "—"
    if column.kind == "text":
        return str(value)
    if column.kind == "pct":
        return f"{value:.1f}%"
    if column.kind == "float":
        return grouped(value, 1)
    return grouped(value)


@register.filter
def kind_label(key: str) -> str:
    kind = registry.bulletin_kind(key)
    return str(kind.label) if kind is not None else key
