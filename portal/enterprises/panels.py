"""Dashboard panels and menu entries of the enterprise registry."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.navigation import register_nav, register_panel

from . import selectors


def registry_panel(user):
    role = selectors.registry_role(user=user)
    if role == "enterprise":
        return {"title": _("本企业信息"), "items": [
            {"label": _("查看本企业信息"), "url": reverse("enterprises:mine"), "count": None, "level": ""},
        ]}
    if role != "official":
        return None
    counts = selectors.registry_counts(user=user)
    list_url = reverse("enterprises:list")
    items = [{"label": _("企业名录"), "url": list_url, "count": counts["total"], "level": ""}]
    if user.is_county_official:
        missing = counts["missing_contact"]
        items.append({"label": _("缺少监测联系人的企业"), "url": f"{list_url}?{urlencode({'contact': 'missing'})}",
                      "count": missing, "level": "warn" if missing else "ok"})
    items.append({"label": _("批量导入企业名录"), "url": reverse("enterprises:import"), "count": None, "level": ""})
    return {"title": _("企业名录"), "items": items}


def register():
    register_panel(registry_panel, order=20)
    register_nav(gettext_lazy("企业名录"), "enterprises:list",
                 lambda u: selectors.registry_role(user=u) == "official", order=20)
    register_nav(gettext_lazy("本企业信息"), "enterprises:mine",
                 lambda u: selectors.registry_role(user=u) == "enterprise", order=20)
