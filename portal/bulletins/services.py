"""A bulletin's life, for every kind (see kinds.py): draft or redraft, publish as a notice, send to the regions.

- ``generate_bulletin``: one region's bulletin of one kind for a period. A published bulletin is left as it
  is; an unchanged draft is not written again.
- ``generate_all``: every level's bulletin of a kind for a period (one transaction each), with progress; a level
  with nothing to report (``kind.has_figures``) is skipped and named (``describe_run``).
- ``generate_due``: the scheduled run: each kind drafts the period due today and tells the managers.
- ``publish_bulletin``: a reviewed draft becomes a notice (通知公告); the officials of its region and of each
  region it lists are told (inbox, and email/SMS by their preferences).
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Role, User
from portal.accounts.scoping import system_viewer
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core import registry
from portal.core.exceptions import Conflict, NotFound
from portal.notices import services as notice_services
from portal.notices.models import NoticeKind
from portal.notifications import services as notifications
from portal.regions.models import Region, RegionLevel

from .kinds import BulletinKind
from .models import Bulletin
from .workbook import workbook

RECIPIENT_FIELDS = ("id", "email", "phone", "notification_preference__email", "notification_preference__sms")


def kind_of(key: str) -> BulletinKind:
    kind = registry.bulletin_kind(key)
    if kind is None:
        raise NotFound(key)
    return kind


def province_viewer() -> Any:
    """The portal acting for the province (the scheduled drafts): the system scope of portal.accounts.scoping."""
    return system_viewer(Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code").first())


def actor_by_id(pk: int) -> User:
    """For tasks, which carry ids: the official who asked (an inactive one is refused by ``may_manage``)."""
    return User.objects.select_related("region").get(pk=pk)


def _acting(kind: BulletinKind, actor: User | None) -> Any:
    """The viewer whose scope the figures are read through: the official who asked, or the province."""
    if actor is not None and actor.pk:
        if not kind.may_manage(actor):
            raise PermissionDenied(_("只有省级主管部门可以生成通报。"))
        return actor
    return province_viewer()


@transaction.atomic
def generate_bulletin(*, kind: BulletinKind, region: Region, period: str,
                      actor: User | None = None) -> tuple[Bulletin, str]:
    """Draft (or redraft) ``region``'s bulletin of ``kind`` for ``period``. Returns (bulletin, "created" |
    "updated" | "unchanged" | "published")."""
    period = kind.clean_period(period, timezone.localdate())
    viewer = _acting(kind, actor)
    bulletin = (Bulletin.objects.select_for_update()
                .filter(kind=kind.key, region=region, period=period).first())
    if bulletin is not None and bulletin.status == Bulletin.Status.PUBLISHED:
        return bulletin, "published"
    table = kind.compute(viewer=viewer, region=region, period=period)
    if bulletin is not None and bulletin.figures == table.rows and bulletin.totals == table.total and bulletin.file:
        return bulletin, "unchanged"
    outcome = "created" if bulletin is None else "updated"
    bulletin = bulletin or Bulletin(kind=kind.key, region=region, period=period)
    bulletin.title = kind.title(region, period)
    bulletin.figures, bulletin.totals = table.rows, table.total
    bulletin.generated_by = actor if actor is not None and actor.pk else None
    bulletin.generated_at = timezone.now()
    if bulletin.file:
        bulletin.file.delete(save=False)
    bulletin.file.save(f"bulletin-{region.code}-{period}.xlsx", ContentFile(workbook(bulletin, kind)), save=False)
    bulletin.save()
    audit.record(actor=actor if actor is not None and actor.pk else None,
                 action=AuditEntry.Action.CREATE if outcome == "created" else AuditEntry.Action.UPDATE,
                 obj=bulletin, region_path=region.path, object_repr=bulletin.title,
                 changes={"figures": [None, f"{len(table.rows)} rows"]}, note=_("生成通报"))
    return bulletin, outcome


def generate_all(*, kind: BulletinKind, period: str, actor: User | None = None,
                 progress: Callable[[int, int], None] | None = None) -> dict:
    """Every level's bulletin of ``kind`` for ``period``, one transaction each (a retry redoes only what changed)."""
    period = kind.clean_period(period, timezone.localdate())
    viewer = _acting(kind, actor)
    regions = kind.levels(viewer)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "published": 0}
    skipped: list[str] = []  # the levels with nothing to report (``kind.has_figures``), by name
    first = None
    for i, region in enumerate(regions, start=1):
        if kind.has_figures(viewer=viewer, region=region, period=period):
            bulletin, outcome = generate_bulletin(kind=kind, region=region, period=period, actor=actor)
            first = first or bulletin
            counts[outcome] += 1
        else:
            skipped.append(region.name)
        if progress:
            progress(i, len(regions))
    return {**counts, "skipped": skipped, "kind": kind.key, "bulletin": first.pk if first else None}


def describe_run(counts: dict) -> str:
    """What a generation did, in words, for the page that ran it and the managers' notice: how many bulletins
    were drafted, and which levels were skipped and why."""
    drafted = sum(counts.get(k, 0) for k in ("created", "updated", "unchanged"))
    text = _("已生成 %(n)d 份通报草稿(新建 %(created)d、更新 %(updated)d、未变 %(unchanged)d)。") % {
        "n": drafted, **{k: counts.get(k, 0) for k in ("created", "updated", "unchanged")}}
    if counts.get("published"):
        text += _("已发布的 %(n)d 份保持不变。") % {"n": counts["published"]}
    if counts.get("skipped"):
        kind = registry.bulletin_kind(counts.get("kind", ""))
        reason = str(kind.skip_reason) if kind is not None and kind.skip_reason else _("没有可通报的数据")
        text += _("未生成通报的地区(%(reason)s):%(names)s。") % {"reason": reason, "names": "、".join(counts["skipped"])}
    return text


def _messages(users: Any, *, title: str, body: str, link: str) -> list[notifications.Message]:
    out = []
    for row in users.values(*RECIPIENT_FIELDS).order_by("id"):
        email, phone = notifications.personal_addresses(
            email=row["email"], phone=row["phone"], wants_email=row["notification_preference__email"],
            wants_sms=row["notification_preference__sms"])
        out.append(notifications.Message(recipient_id=row["id"], title=title, body=body, link=link,
                                         email=email, phone=phone))
    return out


def generate_due(*, today: date | None = None) -> dict:
    """The scheduled run: every kind whose draft is due today drafts it, and the province staff who manage it
    are told it awaits review."""
    today = today or timezone.localdate()
    out: dict[str, Any] = {"due": 0}
    province = province_viewer().region
    for kind in registry.bulletin_kinds():
        period = kind.due(today)
        if period is None:
            continue
        counts = generate_all(kind=kind, period=period)
        out["due"] += 1
        out[kind.key] = counts
        if province is None:
            continue
        title = _("%(title)s已生成,请审核发布") % {"title": kind.title(province, period)}
        body = _("%(kind)s(%(period)s)的草稿已生成,请审核后发布。") % {
            "kind": kind.label, "period": kind.describe_period(period)} + describe_run(counts)
        staff = User.objects.filter(role=Role.OFFICIAL, is_active=True, region=province)
        messages = [m for m in _messages(staff, title=title, body=body, link=reverse("bulletins:list"))]
        counts["notified"] = notifications.notify(key=f"bulletin-draft:{kind.key}:{period}",
                                                  messages=messages)["created"]
    return out


@transaction.atomic
def publish_bulletin(*, actor: User, bulletin: Bulletin) -> Bulletin:
    """Publish a reviewed draft: a Notice (通知公告) on the portal, and a message to the officials of the
    bulletin's region and of each region it lists."""
    kind = kind_of(bulletin.kind)
    if not kind.may_manage(actor):
        raise PermissionDenied(_("只有省级主管部门可以发布通报。"))
    bulletin = Bulletin.objects.select_for_update().select_related("region").get(pk=bulletin.pk)
    if bulletin.status == Bulletin.Status.PUBLISHED:
        raise Conflict(_("该通报已发布。"))
    lines = kind.notice_lines(region=bulletin.region, period=bulletin.period, rows=bulletin.figures,
                              total=bulletin.totals)
    notice = notice_services.create_notice(actor=actor, publish=True, data={
        "kind": NoticeKind.NOTICE, "title": bulletin.title, "source": _("省工业和信息化厅"), "body": "\n".join(lines)})
    bulletin.status, bulletin.published_at, bulletin.notice = Bulletin.Status.PUBLISHED, timezone.now(), notice
    bulletin.save(update_fields=["status", "published_at", "notice"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=bulletin, region_path=bulletin.region.path,
                 object_repr=bulletin.title, changes={"status": [Bulletin.Status.DRAFT, Bulletin.Status.PUBLISHED]},
                 note=_("发布通报"))
    regions = [bulletin.region.pk, *Region.objects.filter(parent=bulletin.region).values_list("pk", flat=True)]
    body = _("%(title)s已发布,请查阅本地区的情况和排名。") % {"title": bulletin.title}
    officials = User.objects.filter(role=Role.OFFICIAL, is_active=True, region_id__in=regions).exclude(pk=actor.pk)
    notifications.notify(key=f"bulletin:{bulletin.pk}", messages=_messages(
        officials, title=bulletin.title, body=body, link=reverse("bulletins:detail", args=[bulletin.pk])))
    return bulletin
