"""Monitoring pages with arguments: for each role of the `world`, a filing / enterprise / county report
it may NOT reach.

- file (year/month): the page only ever shows the user's own enterprise: nothing foreign (None);
- file_on_behalf: an enterprise outside the role's subtree (the province sees all);
- filing_detail: a filing of an enterprise outside the role's scope;
- return_report: a county's report up of a county outside the role's subtree;
- withdraw, request_unlock (year/month): act on the user's own enterprise only: nothing foreign (None);
- decide_unlock: an unlock request of an enterprise outside the role's scope.
"""

from django.utils import timezone

from monitoring import services
from monitoring.models import Filing, RegionReport, UnlockRequest
from portal.core.periods import month_code
from tests import factories as f
from tests.monitoring.helpers import open_period, valid_data

from ._objects import Own, memo

# The enterprise outside each role's scope (None: the role sees every enterprise).
OUTSIDE = {
    "province": None,
    "city": "e_jiangning",
    "other_city": "e_haian",
    "county": "e_rugao",
    "other_county": "e_haian",
    "enterprise": "e_rugao",
    "other_enterprise": "e_haian",
}


def _enterprise(world, role):
    name = OUTSIDE.get(role, "e_haian")
    return None if name is None else getattr(world, name)


def _filing(world, enterprise) -> Filing:
    period = open_period()
    existing = Filing.objects.filter(enterprise=enterprise, period=period).first()
    if existing:
        return existing
    return services.file_one(actor=world.users["province"], enterprise=enterprise, period=period,
                             data=valid_data(), submit=True).filing


def _file_on_behalf(world, role):
    enterprise = _enterprise(world, role)
    if enterprise is None:
        return None
    period = open_period()
    return {"period": period, "enterprise_id": enterprise.pk}


def _filing_detail(world, role):
    enterprise = _enterprise(world, role)
    return None if enterprise is None else {"pk": _filing(world, enterprise).pk}


def _county_report(world, role):
    enterprise = _enterprise(world, role)
    if enterprise is None:
        return None
    period = open_period()
    report, _created = RegionReport.objects.get_or_create(
        region=enterprise.region, period=period,
        defaults={"status": RegionReport.Status.REPORTED, "first_reported_at": timezone.now(),
                  "reported_at": timezone.now(), "on_time": True,
                  "reported_by": world.users["county"]})
    return {"pk": report.pk}


def _month(world, role):
    return None


def _unlock_request(world, enterprise) -> UnlockRequest:
    return memo(world, ("unlock_request", enterprise.pk), lambda: f.UnlockRequestFactory(
        enterprise=enterprise, period=open_period(), requested_by=world.users["province"]))


def _foreign_unlock_request(world, role):
    enterprise = _enterprise(world, role)
    return None if enterprise is None else {"pk": _unlock_request(world, enterprise).pk}


def _approved_for_unlock(world):
    """e_rugao's filing approved, so its officer may ask for an unlock."""
    filing = _filing(world, world.e_rugao)
    if filing.status != "approved":
        services.approve_filing(actor=world.users["other_county"], filing=filing)
    return _period_kwargs(world)


FOREIGN = {
    "monitoring:file": _month,
    "monitoring:old_file": _month,
    "monitoring:file_on_behalf": _file_on_behalf,
    "monitoring:filing_detail": _filing_detail,
    "monitoring:return_report": _county_report,
    "monitoring:withdraw": _month,
    "monitoring:request_unlock": _month,
    "monitoring:decide_unlock": _foreign_unlock_request,
}

POST_DATA = {
    "monitoring:filing_detail": lambda world, role: {"action": "approve"},
    "monitoring:return_report": lambda world, role: {"reason": "退回测试"},
    "monitoring:decide_unlock": lambda world, role: {"action": "approve"},
}


# -- the same routes for a role that may reach the object -------------------------------------------------
def _period_kwargs(world):
    period = open_period()
    return {"period": month_code(period.year, period.month)}


OWN = {
    "monitoring:file": lambda world: [Own("enterprise", _period_kwargs(world), "海安甲齿轮"),
                                      Own("other_enterprise", _period_kwargs(world), "如皋乙轴承")],
    "monitoring:file_on_behalf": lambda world: [
        Own("county", {**_period_kwargs(world), "enterprise_id": world.e_haian.pk}, "海安甲齿轮"),
        Own("other_city", {**_period_kwargs(world), "enterprise_id": world.e_jiangning.pk}, "江宁丙阀门")],
    "monitoring:filing_detail": lambda world: [
        Own("county", {"pk": _filing(world, world.e_haian).pk}, "海安甲齿轮"),
        Own("enterprise", {"pk": _filing(world, world.e_haian).pk}, "海安甲齿轮"),
        Own("province", {"pk": _filing(world, world.e_jiangning).pk}, "江宁丙阀门"),
        Own("county", {"pk": _filing(world, world.e_haian).pk}, method="post", data={"action": "approve"},
            status=302)],
    "monitoring:return_report": lambda world: [
        Own("city", _county_report(world, "other_county"), method="post", data={"reason": "数据不全"}, status=302)],
    "monitoring:withdraw": lambda world: [Own("enterprise", _period_kwargs(world), method="post", status=302)],
    "monitoring:request_unlock": lambda world: [
        Own("other_enterprise", _approved_for_unlock(world), method="post", data={"unlock-reason": "需更正"},
            status=302)],
    "monitoring:decide_unlock": lambda world: [
        Own("city", {"pk": _unlock_request(world, world.e_haian).pk}, method="post",
            data={"action": "refuse", "reason": "数据无误"}, status=302)],
}
