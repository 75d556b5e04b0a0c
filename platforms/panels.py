"""The platforms' menu entries, dashboard panel and stored files (registered from AppConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.scoping import scope_for
from portal.core.navigation import register_nav, register_panel
from portal.core.registry import register_stored_file

from . import selectors
from .models import Activity


def may_visit(user) -> bool:
    """Operators with a platform, officials, and the compiling city platform's operator."""
    return scope_for(user).is_official or bool(selectors.own_platforms(user=user))


def operator_panel(user):
    if scope_for(user).is_official:
        return None
    own = selectors.own_platforms(user=user)
    if not own:
        return None
    quarter = selectors.current_quarter()
    items = [{"label": _("%(p)s · 本季度服务记录") % {"p": p.name}, "url": reverse("platforms:records") + f"?platform={p.pk}",
              "count": None, "level": ""} for p in own]
    items.insert(0, {"label": _("平台工作台(%(q)s)") % {"q": quarter.code}, "url": reverse("platforms:dashboard"),
                     "count": None, "level": ""})
    return {"title": _("服务平台"), "items": items}


def activity_name(activity: Activity) -> str:
    return activity.original_name or activity.title


def register() -> None:
    register_panel(operator_panel, order=8)
    register_nav(gettext_lazy("服务平台"), "platforms:dashboard", may_visit, order=40)
    register_nav(gettext_lazy("服务记录"), "platforms:records", may_visit, order=41)
    register_stored_file(Activity, filename=activity_name)
