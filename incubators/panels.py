"""Dashboard panels and menu entries of the startup bases, and their stored files."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.roles import Role
from portal.accounts.scoping import scope_for
from portal.core.navigation import register_nav, register_panel
from portal.core.registry import register_stored_file

from . import selectors
from .models import SelfCheckItem


def manager_panel(user):
    """The manager's base: the self-check deadline and state, tenants, growth plans due, visits."""
    if user.role != Role.BASE_MANAGER:
        return None
    today = timezone.localdate()
    rows = selectors.self_checks(user=user, year=today.year, today=today)
    items = []
    for row in rows[:3]:
        base = row.base
        items.append({"label": _("%(b)s:%(y)d年自查表(%(d)s前上报)") % {"b": base.name, "y": today.year,
                                                                       "d": row.due_on.strftime("%m-%d")},
                      "url": reverse("incubators:self_check", args=[base.pk, today.year]),
                      "count": row.check.get_status_display() if row.check else row.state_label,
                      "level": "ok" if row.state == "filed" else "err" if row.flagged else "warn"})
        due = selectors.plans_due(user=user, base=base, today=today)
        items.append({"label": _("待制定或跟进的帮扶成长计划"), "url": reverse("incubators:detail", args=[base.pk]),
                      "count": len(due), "level": "warn" if due else "ok"})
        items.append({"label": _("在孵企业"), "url": reverse("incubators:detail", args=[base.pk]),
                      "count": base.tenant_count, "level": ""})
    if not items:
        return None
    return {"title": _("创业基地"), "items": items}


def official_panel(user):
    if not user.is_official:
        return None
    today = timezone.localdate()
    rows = selectors.self_checks(user=user, year=today.year, today=today)
    if not rows:
        return None
    flagged = sum(1 for r in rows if r.flagged)
    return {"title": _("小企业创业基地"), "items": [
        {"label": _("创业基地(目标与完成)"), "url": reverse("incubators:list"), "count": len(rows), "level": ""},
        {"label": _("自查表逾期未报或逾期上报"), "url": reverse("incubators:self_checks"), "count": flagged,
         "level": "err" if flagged else "ok"},
    ]}


def _bases_menu(user) -> bool:
    return user.is_authenticated and (user.is_official or user.role == Role.BASE_MANAGER)


def evidence_name(item) -> str:
    return item.file_name or "evidence"


def register():
    register_panel(manager_panel, order=8)
    register_panel(official_panel, order=30)
    register_nav(gettext_lazy("创业基地"), "incubators:list", _bases_menu, order=40)
    register_nav(gettext_lazy("基地自查"), "incubators:self_checks", lambda u: u.is_official, order=41)
    register_nav(gettext_lazy("基地目标"), "incubators:targets", lambda u: scope_for(u).may_manage_bases, order=42)
    register_stored_file(SelfCheckItem, filename=evidence_name)
