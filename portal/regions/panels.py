"""Dashboard panel and menu entry of the region overview."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.navigation import register_nav, register_panel

from . import selectors


def overview_panel(user):
    if not selectors.can_see_overview(user=user):
        return None
    summary = selectors.monitored_summary(user=user)
    total, quota = summary["total"], summary["quota"]
    label = _("本地区监测企业(配额 %(quota)s 家)") % {"quota": quota} if quota is not None else _("本地区监测企业")
    level = "" if quota is None else ("ok" if total >= quota else "warn")
    return {"title": _("监测企业配额与结构"), "items": [
        {"label": label, "url": reverse("regions:overview"), "count": total, "level": level},
    ]}


def register():
    register_panel(overview_panel, order=25)
    register_nav(gettext_lazy("监测企业配额与结构"), "regions:overview",
                 lambda u: selectors.can_see_overview(user=u), order=25)
