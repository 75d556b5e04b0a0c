"""Notification routes with arguments, and the bulletins' (bulletins:*).

A message belongs to its recipient alone: another user's message is foreign to every role, the province too.
A job's progress belongs to whoever queued it. A bulletin is seen by the officials of its region, of the levels
above and below it (drafts by province staff only); for everyone else it is foreign, and only province staff
publish (None for the province: it may see and publish every bulletin).
"""

from django.core.files.base import ContentFile
from django.urls import reverse

from monitoring.bulletins.services import KIND, title_of
from portal.bulletins.models import Bulletin
from portal.notifications.models import Notification, TaskRun
from tests import factories as f

from ._objects import Own, memo, outsider

# Whose region's bulletin each official may not see.
OTHER_CITY = {"city": "nanjing", "other_city": "nantong", "county": "nanjing", "other_county": "nanjing"}


def _message(world, role):
    owner = outsider(world, role)
    note = memo(world, ("notification", owner.pk), lambda: Notification.objects.create(
        recipient=owner, key="security-probe", title="别人的消息", body="不应被看到"))
    return {"pk": note.pk}


def _job(world, role):
    owner = world.users["city" if role == "province" else "province"]
    run = memo(world, ("job", owner.pk), lambda: TaskRun.objects.create(
        task="portal.bulletins.tasks.generate_bulletins", task_id=f"probe-{owner.pk}", args={"owner": owner.pk}))
    return {"task_id": run.task_id}


def _bulletin_of(world, region):
    def make():
        bulletin = Bulletin(kind=KIND, region=region, period="2025-Q4", title=title_of(region, 2025, 4),
                            status=Bulletin.Status.PUBLISHED,
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
    "bulletins:job": _job,
    "bulletins:detail": _bulletin,
    "bulletins:publish": _bulletin,
}


# -- the same routes for the role that may reach the object ------------------------------------------------
def _own_job(world):
    owner = world.users["province"]
    run = memo(world, ("job", owner.pk), lambda: TaskRun.objects.create(
        task="portal.bulletins.tasks.generate_bulletins", task_id=f"probe-{owner.pk}", args={"owner": owner.pk}))
    run.counts = {"bulletin": _bulletin_of(world, world.nanjing).pk}
    run.save()
    return [Own("province", {"task_id": run.task_id}, reverse("bulletins:detail", args=[run.counts["bulletin"]]),
                method="post")]


def _own_bulletin(world, **kwargs):
    nantong = _bulletin_of(world, world.nantong)
    return [Own(role, {"pk": nantong.pk}, **kwargs) for role in ("city", "county")]


OWN = {
    "notifications:detail": lambda world: [Own(role, {"pk": world.messages[role].pk}, world.messages[role].title)
                                           for role in ("enterprise", "platform_operator", "audit_admin")],
    "notifications:mark_read": lambda world: [Own("county", {"pk": world.messages["county"].pk}, method="post",
                                                  status=302)],
    "bulletins:job": _own_job,
    "bulletins:detail": lambda world: _own_bulletin(world, marker="南通市2025年第4季度"),  # its title
    "bulletins:publish": lambda world: [Own("province", {"pk": f.BulletinFactory(
        region=world.nanjing, year=2025, quarter=3, status="draft", published_at=None).pk}, method="post", status=302)],
}
