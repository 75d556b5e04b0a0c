"""Dashboard panels and menu entries of the monthly monitoring: what needs doing now, per role."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import periods, selectors
from monitoring.bulletins.services import ReportingBulletin
from monitoring.figures import register_figures
from monitoring.models import Filing, FilingStatus
from portal.accounts.scoping import scope_for
from portal.core.navigation import register_nav, register_panel
from portal.core.registry import register_bulletin_kind


def enterprise_panel(user):
    if not scope_for(user).is_enterprise:
        return None

    period = periods.current_filing_period()
    filing = Filing.objects.visible_to(user).filter(period_id=period.pk).only("status").first()
    status = filing.get_status_display() if filing else _("未填报")
    level = "ok" if filing and filing.status in (FilingStatus.SUBMITTED, FilingStatus.APPROVED) else "warn"
    if filing and filing.status == FilingStatus.RETURNED:
        level = "err"
    return {"title": _("月度填报"), "items": [
        {"label": _("%(p)s报表(%(d)s前报送)") % {"p": period, "d": period.enterprise_deadline.strftime("%m-%d")},
         "url": reverse("monitoring:file", args=[period]), "count": status, "level": level},
        {"label": _("历史报表"), "url": reverse("monitoring:my_filings"), "count": None, "level": ""},
    ]}


def official_panel(user):
    if not user.is_official:
        return None

    period = periods.current_filing_period()
    q = f"?period={periods.code(period)}"
    waiting = selectors.review_queue(user=user, period=period, status=FilingStatus.SUBMITTED).count()
    own = selectors.region_totals(user=user, period=period, region=user.region)
    expected, submitted = own.expected, own.submitted
    scope = scope_for(user)
    rows = [] if scope.is_county else selectors.status_by_child(user=user, period=period)[1]
    items = [
        {"label": _("待审核报表"), "url": reverse("monitoring:review_queue") + q, "count": waiting,
         "level": "warn" if waiting else "ok"},
        {"label": _("本期报送情况(已报/应报)"), "url": reverse("monitoring:status") + q,
         "count": f"{submitted}/{expected}", "level": ""},
    ]
    if scope.is_city and rows:
        not_reported = sum(1 for r in rows if not (r.report and r.report.status == "reported"))
        items.append({"label": _("未上报的县(市、区)"), "url": reverse("monitoring:status") + q,
                      "count": not_reported, "level": "warn" if not_reported else "ok"})
    items.append({"label": _("导出汇总表(xlsx)"), "url": reverse("monitoring:exports"), "count": None, "level": ""})
    items.append({"label": _("季度分析报告"), "url": reverse("monitoring:reports"), "count": None, "level": ""})
    if scope.may_adjust_deadlines:
        items.append({"label": _("报告期与截止日期"), "url": reverse("monitoring:periods"), "count": None, "level": ""})
    return {"title": _("%(p)s运行监测") % {"p": period}, "items": items}


def register():
    register_panel(enterprise_panel, order=5)
    register_panel(official_panel, order=5)
    register_nav(gettext_lazy("月度填报"), "monitoring:my_filings", lambda u: scope_for(u).is_enterprise, order=10)
    register_nav(gettext_lazy("报表审核"), "monitoring:review_queue", lambda u: u.is_official, order=10)
    register_nav(gettext_lazy("报送情况"), "monitoring:status", lambda u: u.is_official, order=20)
    register_nav(gettext_lazy("解锁申请"), "monitoring:unlock_requests", lambda u: scope_for(u).may_unlock_filings,
                 order=22)
    register_nav(gettext_lazy("运行分析"), "monitoring:analysis", lambda u: u.is_official, order=25)
    register_bulletin_kind(ReportingBulletin())
    register_figures()
