"""Notification routes with arguments, and the quarterly bulletins' (monitoring:bulletin_*).

A message belongs to its recipient alone: another user's message is foreign to every role, the province too.
A job's progress belongs to whoever queued it. A bulletin is seen by the officials of its region, of the levels
above and below it (drafts by province staff only); for everyone else it is foreign, and only province staff
publish (None for the province: it may see and publish every bulletin).
"""

from django.core.files.base import ContentFile

from ._objects import memo, outsider

# Whose region's bulletin each official may not see.
OTHER_CITY = {"city": "nanjing", "other_city": "nantong", "county": "nanjing", "other_county": "nanjing"}


def _message(world, role):
    from portal.notifications.models import Notification

    owner = outsider(world, role)
    note = memo(world, ("notification", owner.pk), lambda: Notification.objects.create(
        recipient=owner, key="security-probe", title="别人的消息", body="不应被看到"))
    return {"pk": note.pk}


def _job(world, role):
    from portal.notifications.models import TaskRun

    owner = world.users["city" if role == "province" else "province"]
    run = memo(world, ("job", owner.pk), lambda: TaskRun.objects.create(
        task="monitoring.tasks.generate_bulletins", task_id=f"probe-{owner.pk}", args={"owner": owner.pk}))
    return {"task_id": run.task_id}


def _bulletin_of(world, region):
    from monitoring.models import Bulletin

    def make():
        bulletin = Bulletin(region=region, year=2025, quarter=4, status=Bulletin.Status.PUBLISHED,
                            figures=[{"code": "x", "name": "江宁丙企业所在地区", "rank": 1}])
        bulletin.file.save(f"probe-{region.code}.xlsx", ContentFile(b"PK"), save=False)
        bulletin.save()
        return bulletin

    return memo(world, ("bulletin", region.code), make)


def _bulletin(world, role):
    if role == "province":
        return None
    region = getattr(world, OTHER_CITY[role]) if role in OTHER_CITY else world.province
    return {"pk": _bulletin_of(world, region).pk}


FOREIGN = {
    "notifications:detail": _message,
    "notifications:mark_read": _message,
    "monitoring:bulletin_job": _job,
    "monitoring:bulletin_detail": _bulletin,
    "monitoring:bulletin_xlsx": _bulletin,
    "monitoring:bulletin_publish": _bulletin,
}
