"""Menu entry and dashboard panel of the upscaling work: for city and county officials."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.scoping import scope_for
from portal.core.navigation import register_nav, register_panel

from . import selectors


def works_here(user) -> bool:
    """City and county officials (the province reads the city's pages through its own scope)."""
    return scope_for(user).is_official


def official_panel(user):
    scope = scope_for(user)
    if not (scope.is_county or scope.is_city):
        return None
    counts = selectors.pool_counts(user=user)
    due = len(selectors.notes_due(user=user, day=timezone.localdate()))
    return {"title": _("小微工业企业列规增收"), "items": [
        {"label": _("待筛选企业"), "url": reverse("upscaling:pool") + "?screening=candidate",
         "count": counts["candidate"], "level": "warn" if counts["candidate"] else "ok"},
        {"label": _("到期调度事项"), "url": reverse("upscaling:index"), "count": due, "level": "warn" if due else "ok"},
        {"label": _("月度分析"), "url": reverse("upscaling:analysis"), "count": None, "level": ""},
    ]}


def register() -> None:
    register_nav(gettext_lazy("列规增收"), "upscaling:index", works_here, order=40)
    register_panel(official_panel, order=40)
