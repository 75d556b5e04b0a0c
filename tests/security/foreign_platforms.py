"""Service-platform routes with arguments: for each role, a platform (and its records, activities) it may NOT
reach. Officials read platforms by region; an operator only the platform granted to it; other roles none.
Honour routes (enterprises:honour_*) follow the enterprise."""

from datetime import timedelta

from django.utils import timezone

from platforms.models import Activity, ServiceRecord
from portal.enterprises.models import Honour, HonourKind
from tests import factories as f

from ._objects import Own, memo
from .foreign_enterprises import _foreign_enterprise

FOREIGN_PLATFORM = {
    "province": None, "city": "other", "other_city": "own", "county": "other", "other_county": "own",
    "platform_operator": "other",
}


def _platform(world, role):
    which = FOREIGN_PLATFORM.get(role, "own")
    if which is None:
        return None
    return world.platform if which == "own" else world.other_platform


def _record(world, platform):
    return memo(world, ("service-record", platform.pk), lambda: ServiceRecord.objects.create(
        platform=platform, credit_code=f.next_credit_code(), enterprise_name=f"服务对象{platform.pk}", area="testing",
        served_on=timezone.localdate(), description="记录"))


def _activity(world, platform):
    return memo(world, ("activity", platform.pk), lambda: Activity.objects.create(
        platform=platform, kind="news", happened_on=timezone.localdate(), title=f"平台活动{platform.pk}",
        link="https://example.cn/a"))


def _platform_kwargs(world, role):
    p = _platform(world, role)
    return None if p is None else {"pk": p.pk}


def _record_kwargs(world, role):
    p = _platform(world, role)
    return None if p is None else {"pk": _record(world, p).pk}


def _activity_kwargs(world, role):
    p = _platform(world, role)
    return None if p is None else {"pk": _activity(world, p).pk}


def _job_kwargs(world, role):
    p = _platform(world, role)
    return None if p is None else {"pk": p.pk, "task_id": "import-platforms-none"}


def _honour(world, enterprise):
    return memo(world, ("honour", enterprise.pk), lambda: Honour.objects.create(
        enterprise=enterprise, kind=HonourKind.SPECIALIZED, granted_on=timezone.localdate() - timedelta(days=30)))


def _honour_kwargs(world, role):
    kwargs = _foreign_enterprise(world, role)
    if kwargs is None:
        return None
    enterprise = next(e for e in (world.e_haian, world.e_rugao, world.e_jiangning) if e.pk == kwargs["pk"])
    return {"pk": enterprise.pk, "honour_pk": _honour(world, enterprise).pk}


FOREIGN = {
    "platforms:detail": _platform_kwargs,
    "platforms:activities": _platform_kwargs,
    "platforms:recognition_add": _platform_kwargs,
    "platforms:operator_replace": _platform_kwargs,
    "platforms:record_add": _platform_kwargs,
    "platforms:record_import": _platform_kwargs,
    "platforms:import_template": _platform_kwargs,
    "platforms:import_job": _job_kwargs,
    "platforms:import_job_status": _job_kwargs,
    "platforms:record_edit": _record_kwargs,
    "platforms:record_delete": _record_kwargs,
    "platforms:activity_delete": _activity_kwargs,
    "platforms_api:service-records": _platform_kwargs,
    "enterprises:honour_add": _foreign_enterprise,
    "enterprises:honour_revoke": _honour_kwargs,
}

POST_DATA = {
    "platforms:record_add": lambda world, role: {"credit_code": world.e_haian.credit_code, "area": "testing",
                                                 "served_on": timezone.localdate().isoformat(), "charging": "free"},
    "enterprises:honour_add": lambda world, role: {"honour-kind": "specialized",
                                                   "honour-granted_on": timezone.localdate().isoformat()},
}


def _op(world):
    return {"pk": world.platform.pk}


OWN = {
    "platforms:detail": lambda w: [Own("platform_operator", _op(w), w.platform.name),
                                   Own("county", _op(w), w.platform.name)],
    "platforms:activities": lambda w: [Own("platform_operator", _op(w), _activity(w, w.platform).title)],
    "platforms:recognition_add": lambda w: [Own("county", _op(w), method="post", status=302, data={
        "rec-level": "provincial", "rec-recognised_by": "省工信厅", "rec-granted_on": "2025-01-01"})],
    "platforms:operator_replace": lambda w: [Own("county", _op(w), method="post", status=302, data={
        "op-operator_name": "新运营单位", "op-on": timezone.localdate().isoformat(), "op-reason": "更换"})],
    "platforms:record_add": lambda w: [Own("platform_operator", _op(w), w.platform.name)],
    "platforms:record_import": lambda w: [Own("platform_operator", _op(w), w.platform.name)],
    "platforms:import_template": lambda w: [Own("platform_operator", _op(w), "统一社会信用代码")],
    "platforms:import_job": lambda w: [Own("platform_operator", {"pk": w.platform.pk, "task_id": memo(
        w, "platform-import-run", lambda: f.TaskRunFactory(task="platforms.tasks.import_records",
                                                           task_id="import-platforms-own",
                                                           args={"owner": w.users["platform_operator"].pk},
                                                           counts={"progress": 40})).task_id}, 'aria-valuenow="40"')],
    "platforms:import_job_status": lambda w: [Own("platform_operator", {"pk": w.platform.pk, "task_id": memo(
        w, "platform-import-run", lambda: f.TaskRunFactory(task="platforms.tasks.import_records",
                                                           task_id="import-platforms-own",
                                                           args={"owner": w.users["platform_operator"].pk},
                                                           counts={"progress": 40})).task_id}, '"progress": 40',
        method="post")],
    "platforms:record_edit": lambda w: [Own("platform_operator", {"pk": _record(w, w.platform).pk},
                                            _record(w, w.platform).enterprise_name)],
    "platforms:record_delete": lambda w: [Own("platform_operator", {"pk": _record(w, w.platform).pk},
                                              method="post", status=302)],
    "platforms:activity_delete": lambda w: [Own("platform_operator", {"pk": _activity(w, w.platform).pk},
                                                method="post", status=302)],
    # Form data is no JSON body: the platform is reached (no 404) and the body refused with its reason.
    "platforms_api:service-records": lambda w: [Own("platform_operator", _op(w), "items", method="post", status=400)],
    "enterprises:honour_add": lambda w: [Own("county", {"pk": w.e_haian.pk}, method="post", status=302, data={
        "honour-kind": "little_giant", "honour-level": "national", "honour-granted_on": "2025-06-01"})],
    "enterprises:honour_revoke": lambda w: [Own("county", {"pk": w.e_haian.pk, "honour_pk": _honour(
        w, w.e_haian).pk}, method="post", status=302)],
}
