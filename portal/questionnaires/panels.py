"""The officer's 待填问卷 panel and the menu entries of the questionnaire engine."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.scoping import scope_for
from portal.core.navigation import register_nav, register_panel

from . import selectors


def may_answer(user) -> bool:
    return scope_for(user).is_enterprise


def may_read_campaigns(user) -> bool:
    return scope_for(user).is_official


def pending_panel(user):
    if not may_answer(user):
        return None
    n = selectors.open_count(user=user)
    return {"title": _("待填问卷"), "items": [
        {"label": _("待填写的问卷"), "url": reverse("questionnaires:pending"), "count": n, "level": "warn" if n else "ok"},
    ]}


def register():
    register_panel(pending_panel, order=15)
    register_nav(gettext_lazy("待填问卷"), "questionnaires:pending", may_answer, order=30)
    register_nav(gettext_lazy("问卷调查"), "questionnaires:campaigns", may_read_campaigns, order=80)
    register_nav(gettext_lazy("问卷管理"), "questionnaires:list", may_read_campaigns, order=81)
