"""``{% unlock_requests_panel %}``: the unlock requests waiting for the signed-in official, shown in their
review queue (the full list and the decisions are on the unlock requests page); ``{% unlock_term %}``: how long
an unlock lasts (``services.unlock_term``)."""

from typing import Any

from django import template

from monitoring.unlocks import selectors, services

register = template.Library()

SHOWN = 5


@register.inclusion_tag("monitoring/_unlock_requests_panel.html", takes_context=True)
def unlock_requests_panel(context: Any) -> dict:
    user = context["request"].user
    return {"pending": selectors.pending_for(user=user, limit=SHOWN), "count": selectors.pending_count(user=user)}


@register.simple_tag
def unlock_term() -> str:
    return services.unlock_term()
