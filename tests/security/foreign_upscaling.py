"""Upscaling pages with arguments: a pool entry outside the role's scope (its page and its screening), the list
imports and reports (by kind: they only ever show the user's own scope, nothing foreign), and the background
import jobs (only their uploader follows them)."""

from portal.notifications.models import TaskRun
from upscaling import imports
from upscaling.models import PoolEntry, Screening

from ._objects import Own, memo

# The enterprise whose pool entry each role may not reach (None: the province reaches every entry).
OUTSIDE = {"province": None, "city": "e_jiangning", "other_city": "e_haian", "county": "e_rugao",
           "other_county": "e_haian"}


def _entry(world, enterprise) -> PoolEntry:
    return memo(world, ("pool-entry", enterprise.pk), lambda: PoolEntry.objects.create(
        enterprise=enterprise, region_path=enterprise.region_path, on_tax_list=True))


def _foreign_entry(world, role):
    name = OUTSIDE.get(role, "e_haian")
    return None if name is None else {"pk": _entry(world, getattr(world, name)).pk}


def _nothing_foreign(world, role):
    return None


def _run(world, owner):
    return memo(world, ("upscaling-job", owner.pk), lambda: TaskRun.objects.create(
        task=imports.IMPORT_TASK, task_id=f"import-upscaling-{owner.pk}", args={"owner": owner.pk},
        counts={"progress": 40}))


def _foreign_job(world, role):
    return {"task_id": _run(world, world.users["city" if role == "province" else "province"]).task_id}


FOREIGN = {
    "upscaling:entry": _foreign_entry,
    "upscaling:screen": _foreign_entry,
    "upscaling:import_upload": _nothing_foreign,
    "upscaling:import_map": _nothing_foreign,
    "upscaling:report": _nothing_foreign,
    "upscaling:import_job": _foreign_job,
    "upscaling:import_job_status": _foreign_job,
}

POST_DATA = {
    "upscaling:entry": lambda world, role: {"act": "note", "note-problems": "问题", "note-responsible": "某人",
                                            "note-follow_up_on": "2999-01-01"},
    "upscaling:screen": lambda world, role: {"tier": "", "reason": "越权筛选"},
}


def _own_entry(world):
    entry = _entry(world, world.e_haian)
    return [Own("county", {"pk": entry.pk}, world.e_haian.name), Own("city", {"pk": entry.pk}, world.e_haian.name),
            Own("county", {"pk": entry.pk}, method="post", data={"act": "note", "note-problems": "缺少订单",
                                                                   "note-responsible": "吴", "note-follow_up_on": "2999-01-01"},
                status=302)]


def _own_screen(world):
    entry = _entry(world, world.e_haian)
    assert entry.screening == Screening.CANDIDATE
    return [Own("county", {"pk": entry.pk}, method="post", data={"tier": "0"}, status=302)]


OWN = {
    "upscaling:entry": _own_entry,
    "upscaling:screen": _own_screen,
    "upscaling:import_upload": lambda world: [Own("county", {"kind": "tax"}, "税务部门应税销售名单")],
    "upscaling:import_map": lambda world: [Own("city", {"kind": "stats"}, "统计部门退统企业名单")],
    "upscaling:report": lambda world: [Own("city", {"kind": "quarter"}, "季度调度报告")],
    "upscaling:import_job": lambda world: [
        Own("county", {"task_id": _run(world, world.users["county"]).task_id}, 'aria-valuenow="40"')],
    "upscaling:import_job_status": lambda world: [
        Own("county", {"task_id": _run(world, world.users["county"]).task_id}, '"progress": 40')],
}
