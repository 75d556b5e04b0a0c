"""``{% load numformat %}``: the one filter for every number the portal shows people.

``{{ value|num }}`` → ``1,234,567.8`` (``—`` for nothing); ``{{ value|num:1 }}`` with one decimal."""

from typing import Any

from django import template

from portal.core.numbers import grouped

register = template.Library()


@register.filter
def num(value: Any, places: Any = None) -> str:
    try:
        digits = int(places) if places not in (None, "") else None
    except (TypeError, ValueError):
        digits = None
    return grouped(value, digits)
