"""Dashboard panels and menu entries of the notices app."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.models import ADMIN_ROLES, Role
from portal.core.navigation import register_nav, register_panel

from . import selectors


def manage_panel(user):
    """Province staff: drafts waiting to be published, scheduled items, a new notice."""
    if not selectors.can_manage(user):
        return None
    counts = selectors.manage_counts(user=user)
    manage = reverse("notices:manage")
    return {"title": _("资讯公告发布"), "items": [
        {"label": _("待发布的草稿"), "url": f"{manage}?status=draft", "count": counts["drafts"],
         "level": "warn" if counts["drafts"] else "ok"},
        {"label": _("定时发布"), "url": f"{manage}?status=scheduled", "count": counts["scheduled"], "level": ""},
        {"label": _("发布新的通知公告"), "url": reverse("notices:create"), "count": None, "level": ""},
    ]}


def latest_panel(user):
    """Everyone with a working role: the latest published notices."""
    if user.role in ADMIN_ROLES or user.role == Role.NONE:
        return None
    items = [{"label": n.title, "url": reverse("notices:detail", args=[n.pk]), "count": None, "level": "",
              "date": n.published_at} for n in selectors.latest(user=user)]
    if not items:
        return None
    items.append({"label": _("更多通知公告"), "url": reverse("notices:list"), "count": None, "level": ""})
    return {"title": _("最新通知公告"), "items": items}


def register():
    register_panel(manage_panel, order=20)
    register_panel(latest_panel, order=900)
    register_nav(gettext_lazy("公告管理"), "notices:manage", selectors.can_manage, order=85)
