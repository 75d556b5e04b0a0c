"""Every write to news, notices and policies: by province staff, each with its audit row."""
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import services as audit
from portal.audit.models import AuditEntry

from .models import Notice, NoticeKind
from .selectors import can_manage

FIELDS = ("kind", "title", "source", "body", "published_at")
AUDITED = (*FIELDS, "is_published")


def _check(actor: Any) -> None:
    if not can_manage(actor):
        raise PermissionDenied(_("只有省级主管部门可以发布和管理资讯公告。"))


def _region_path(actor: Any) -> str:
    return actor.region.path


def _clean(data: dict) -> dict:
    data = {name: data[name] for name in FIELDS if name in data}
    if "title" in data:
        data["title"] = (data["title"] or "").strip()
        if not data["title"]:
            raise ValidationError({"title": _("请填写标题。")})
    if "body" in data and not (data["body"] or "").strip():
        raise ValidationError({"body": _("请填写正文。")})
    if "kind" in data and data["kind"] not in NoticeKind.values:
        raise ValidationError({"kind": _("请选择栏目。")})
    if "published_at" in data and data["published_at"] is None:
        data.pop("published_at")
    return data


@transaction.atomic
def create_notice(*, actor: Any, data: dict, publish: bool = False) -> Notice:
    """A draft, or published at once (``publish``); a future publication time schedules it."""
    _check(actor)
    notice = Notice(author=actor, is_published=publish, **_clean(data))
    notice.full_clean(exclude=["author"])
    notice.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=notice, region_path=_region_path(actor),
                 changes=audit.diff({}, audit.snapshot(notice, AUDITED)))
    return notice


@transaction.atomic
def update_notice(*, actor: Any, notice: Notice, data: dict) -> Notice:
    _check(actor)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    before = audit.snapshot(notice, AUDITED)
    for name, value in _clean(data).items():
        setattr(notice, name, value)
    notice.full_clean(exclude=["author"])
    notice.save()
    changes = audit.diff(before, audit.snapshot(notice, AUDITED))
    if changes:
        audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=notice, region_path=_region_path(actor),
                     changes=changes)
    return notice


@transaction.atomic
def publish_notice(*, actor: Any, notice: Notice) -> Notice:
    """Publish now; a notice scheduled for later keeps its time."""
    _check(actor)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if notice.is_published:
        raise ValidationError(_("该条目已发布。"))
    before = audit.snapshot(notice, AUDITED)
    now = timezone.now()
    notice.is_published = True
    if notice.published_at <= now:
        notice.published_at = now
    notice.save(update_fields=["is_published", "published_at"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=notice, region_path=_region_path(actor),
                 changes=audit.diff(before, audit.snapshot(notice, AUDITED)), note=_("发布"))
    return notice


@transaction.atomic
def unpublish_notice(*, actor: Any, notice: Notice) -> Notice:
    """Withdraw from the portal; the item stays as a draft."""
    _check(actor)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    if not notice.is_published:
        raise ValidationError(_("该条目尚未发布。"))
    notice.is_published = False
    notice.save(update_fields=["is_published"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=notice, region_path=_region_path(actor),
                 changes={"is_published": [True, False]}, note=_("撤回"))
    return notice


@transaction.atomic
def delete_notice(*, actor: Any, notice: Notice) -> None:
    _check(actor)
    snapshot = audit.diff(audit.snapshot(notice, AUDITED), {name: None for name in AUDITED})
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, obj=notice, region_path=_region_path(actor),
                 changes=snapshot)
    notice.delete()


def record_view(*, notice: Notice) -> None:
    """Count a reader of a published item (not audited: nothing changes but the counter)."""
    if notice.is_published:
        Notice.objects.filter(pk=notice.pk).update(views=F("views") + 1)
