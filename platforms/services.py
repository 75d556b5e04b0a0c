"""Every write of the service platforms: registry acts (recognitions, operator replacement, the platform's
API account), service records through every channel (page, xlsx import, API), activities, reminders.

One batch core serves the import and the API: ``plan_records`` types and checks items in a handful of queries
(the enterprises by code, the platform's existing records by its own id), ``write_records`` saves the plan in
bulk with one audit row per record. The browser's single record goes through the same checks.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.scoping import grant_object, grantees, is_granted
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core import bounds
from portal.core.exceptions import NotFound
from portal.enterprises.credit_code import validate_credit_code
from portal.enterprises.models import Enterprise
from portal.notifications.services import Message, notify_many

from .models import Activity, OperatorTerm, Platform, Recognition, ServiceRecord
from .rules import (
    MAX_BATCH,
    RECOGNITION_YEARS,
    RECORD_GRACE_DAYS,
    REREVIEW_REMINDER_DAYS,
    ActivityKind,
    Channel,
    Charging,
    ServiceArea,
)

RECORD_FIELDS = ("credit_code", "enterprise_name", "area", "served_on", "charging", "description", "external_id")
ACTIVITY_FIELDS = ("kind", "happened_on", "title", "link")


# ------------------------------------------------------------------------------------------------
# Who may write, and when
# ------------------------------------------------------------------------------------------------

def changeable_platform(actor: Any, platform: Platform) -> Platform:
    """``platform`` if ``actor`` may change its records (its operator, an official over it), else NotFound."""
    found = Platform.objects.changeable_by(actor).filter(pk=platform.pk).select_related("region").first()
    if found is None:
        raise NotFound(_("未找到该服务平台,或无权维护其数据。"))
    return found


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def first_open_day(today: date | None = None) -> date:
    """The first day records may still be written for: this quarter's first day, or the last quarter's while
    its grace period (RECORD_GRACE_DAYS after it ends) runs."""
    today = today or timezone.localdate()
    this_quarter = quarter_start(today)
    if today <= this_quarter + timedelta(days=RECORD_GRACE_DAYS - 1):
        return this_quarter - relativedelta(months=3)
    return this_quarter


def check_open(day: date, *, field_name: str = "served_on", today: date | None = None) -> None:
    today = today or timezone.localdate()
    if day > today:
        raise ValidationError({field_name: _("日期不能晚于今天。")})
    if day < first_open_day(today):
        raise ValidationError({field_name: _("%(day)s所在季度已结束,不能再新增、修改或删除该季度的记录。") % {
            "day": day.isoformat()}})


# ------------------------------------------------------------------------------------------------
# Service records: typing and checking items (one batch core for the page, the import and the API)
# ------------------------------------------------------------------------------------------------

AREA_BY_WORD = {**{v: v for v in ServiceArea.values}, **{str(label): v for v, label in ServiceArea.choices}}
CHARGING_BY_WORD = {**{v: v for v in Charging.values}, **{str(label): v for v, label in Charging.choices}}


@dataclass
class ItemOutcome:
    """One item of a batch: what would happen (created, updated, unchanged, rejected) and why not."""

    index: int
    external_id: str
    outcome: str = "rejected"
    errors: dict = field(default_factory=dict)
    record: ServiceRecord | None = None
    changes: dict = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(str(message))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _day(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(_text(value).replace("/", "-"))


def _type_item(raw: dict, out: ItemOutcome, today: date) -> dict:
    """The item's typed values; errors into ``out`` by field."""
    data: dict[str, Any] = {}
    try:
        data["credit_code"] = validate_credit_code(_text(raw.get("credit_code")))
    except ValidationError as exc:
        out.add("credit_code", exc.messages[0])
    data["enterprise_name"] = _text(raw.get("enterprise_name"))
    area = AREA_BY_WORD.get(_text(raw.get("area")))
    if area is None:
        out.add("area", _("服务领域应为:%(areas)s。") % {"areas": "、".join(str(a.label) for a in ServiceArea)})
    data["area"] = area
    charging = CHARGING_BY_WORD.get(_text(raw.get("charging")) or Charging.FREE)
    if charging is None:
        out.add("charging", _("应填“公益”或“收费”。"))
    data["charging"] = charging
    try:
        data["served_on"] = _day(raw.get("served_on"))
    except (TypeError, ValueError):
        out.add("served_on", _("服务日期应为日期,如 2026-10-08。"))
    else:
        try:
            check_open(data["served_on"], today=today)
        except ValidationError as exc:
            for msg in exc.message_dict["served_on"]:
                out.add("served_on", msg)
    data["description"] = _text(raw.get("description"))
    data["external_id"] = _text(raw.get("external_id"))
    for name, messages in (bounds.field_errors(ServiceRecord, {k: v for k, v in data.items() if v is not None})
                           or ValidationError({})).message_dict.items():
        for msg in messages:
            out.add(name, msg)
    return data


def plan_records(*, platform: Platform, items: list[dict], require_external_id: bool = False,
                 record: ServiceRecord | None = None) -> list[ItemOutcome]:
    """Each item typed, checked and matched: a new record, an update of the platform's record with the same
    own id (``external_id``), unchanged, or rejected with its errors. Three queries whatever the number."""
    today = timezone.localdate()
    outs = [ItemOutcome(index=i, external_id=_text(raw.get("external_id"))) for i, raw in enumerate(items)]
    typed = [_type_item(raw, out, today) for raw, out in zip(items, outs, strict=True)]
    codes = {d["credit_code"] for d in typed if d.get("credit_code")}
    enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=codes).only("id", "name",
                                                                                                  "credit_code")}
    own_ids = [d["external_id"] for d in typed if d["external_id"]]
    existing = {r.external_id: r for r in ServiceRecord.objects.filter(platform=platform, external_id__in=own_ids)}
    seen: dict[str, int] = {}
    for data, out in zip(typed, outs, strict=True):
        _match(platform, data, out, enterprises, existing, seen, record=record, require_external_id=require_external_id)
    return outs


def _match(platform, data, out, enterprises, existing, seen, *, record, require_external_id) -> None:
    own = data["external_id"]
    if require_external_id and not own:
        out.add("external_id", _("须填写平台自己的记录编号,重复推送时据此更新而不重复登记。"))
    if own and own in seen:
        out.add("external_id", _("记录编号与第%(n)d条重复。") % {"n": seen[own] + 1})
    if own:
        seen.setdefault(own, out.index)
    enterprise = enterprises.get(data.get("credit_code"))
    if enterprise is not None:
        data["enterprise_name"] = enterprise.name
    elif not data["enterprise_name"] and data.get("credit_code"):
        out.add("enterprise_name", _("该企业不在企业名录中,须填写企业名称。"))
    if out.errors:
        return
    current = record or (existing.get(own) if own else None)
    if record is not None and own and own in existing and existing[own].pk != record.pk:
        out.add("external_id", _("该记录编号已被本平台的另一条记录使用。"))
        return
    if current is not None and current.served_on < first_open_day():
        out.add("served_on", _("原记录所在季度已结束,不能再修改。"))
        return
    target = current or ServiceRecord(platform=platform)
    before = audit.snapshot(target, RECORD_FIELDS) if current else {}
    for name in RECORD_FIELDS:
        setattr(target, name, data[name])
    target.enterprise = enterprise
    out.changes = audit.diff(before, audit.snapshot(target, RECORD_FIELDS))
    out.record = target
    out.outcome = "created" if current is None else ("updated" if out.changes else "unchanged")


def write_records(*, actor: Any, platform: Platform, outcomes: list[ItemOutcome], channel: str) -> None:
    """Save the planned records in bulk (those not rejected), one audit row each."""
    to_create = [o.record for o in outcomes if o.outcome == "created" and o.record is not None]
    to_update = [o.record for o in outcomes if o.outcome == "updated" and o.record is not None]
    now = timezone.now()
    for r in to_create:
        r.channel = channel
    for r in to_update:
        r.updated_at = now
    ServiceRecord.objects.bulk_create(to_create, batch_size=1000)
    if to_create and not all(r.pk for r in to_create):  # backends without RETURNING
        ids = dict(ServiceRecord.objects.filter(platform=platform, external_id__in=[r.external_id for r in to_create])
                   .values_list("external_id", "pk"))
        for r in to_create:
            r.pk = ids.get(r.external_id)
    ServiceRecord.objects.bulk_update(to_update, [*RECORD_FIELDS, "enterprise", "updated_at"], batch_size=1000)
    audit.record_many(
        audit.entry(actor=actor, action=AuditEntry.Action.BULK_CREATE if o.outcome == "created"
                    else AuditEntry.Action.BULK_UPDATE, model="platforms.ServiceRecord",
                    object_id=str(o.record.pk or ""), object_repr=str(o.record)[:200],
                    region_path=platform.region.path, changes=o.changes)
        for o in outcomes if o.outcome in ("created", "updated") and o.record is not None)


@dataclass
class BatchResult:
    outcomes: list[ItemOutcome]
    dry_run: bool

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)


@transaction.atomic
def push_records(*, actor: Any, platform: Platform, items: list[dict], dry_run: bool = False) -> BatchResult:
    """The API's batch (up to MAX_BATCH): idempotent by the platform's own record id — a re-push updates the
    record or changes nothing, never a duplicate; rejected items are answered, the others written (unless a
    dry run, which writes nothing)."""
    platform = changeable_platform(actor, platform)
    if len(items) > MAX_BATCH:
        raise ValidationError({"items": _("每批最多%(n)d条。") % {"n": MAX_BATCH}})
    # One push at a time per platform: two pushes of the same new id would both plan a create.
    Platform.objects.select_for_update().filter(pk=platform.pk).first()
    outcomes = plan_records(platform=platform, items=items, require_external_id=True)
    if not dry_run:
        write_records(actor=actor, platform=platform, outcomes=outcomes, channel=Channel.API)
    return BatchResult(outcomes=outcomes, dry_run=dry_run)


def _raise_errors(out: ItemOutcome) -> None:
    if out.errors:
        raise ValidationError(out.errors)


@transaction.atomic
def add_record(*, actor: Any, platform: Platform, data: dict) -> ServiceRecord:
    """One record entered in the browser."""
    platform = changeable_platform(actor, platform)
    (out,) = plan_records(platform=platform, items=[data])
    _raise_errors(out)
    if out.outcome != "created":
        raise ValidationError({"external_id": _("该记录编号已登记,请编辑原记录。")})
    write_records(actor=actor, platform=platform, outcomes=[out], channel=Channel.WEB)
    assert out.record is not None
    return out.record


@transaction.atomic
def update_record(*, actor: Any, record: ServiceRecord, data: dict) -> ServiceRecord:
    platform = changeable_platform(actor, record.platform)
    (out,) = plan_records(platform=platform, items=[data], record=record)
    _raise_errors(out)
    write_records(actor=actor, platform=platform, outcomes=[out], channel=record.channel)
    return record


@transaction.atomic
def delete_record(*, actor: Any, record: ServiceRecord) -> None:
    platform = changeable_platform(actor, record.platform)
    check_open(record.served_on)
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, obj=record, region_path=platform.region.path,
                 changes=audit.diff(audit.snapshot(record, RECORD_FIELDS), {}))
    record.delete()


# ------------------------------------------------------------------------------------------------
# Activities
# ------------------------------------------------------------------------------------------------

@transaction.atomic
def add_activity(*, actor: Any, platform: Platform, kind: str, happened_on: date, title: str, link: str = "",
                 upload: Any = None) -> Activity:
    """An activity with its evidence: a link, an uploaded file (checked by the form's UploadField), or both."""
    platform = changeable_platform(actor, platform)
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("请选择类别。")})
    check_open(happened_on, field_name="happened_on")
    if not link and upload is None:
        raise ValidationError({"link": _("请填写链接或上传佐证材料。")})
    activity = Activity(platform=platform, kind=kind, happened_on=happened_on, title=title.strip(), link=link)
    if upload is not None:
        activity.file = upload
        activity.original_name = getattr(upload, "name", "")[:200]
    activity.full_clean(exclude=["file"])
    activity.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=activity, region_path=platform.region.path,
                 changes=audit.diff({}, audit.snapshot(activity, ACTIVITY_FIELDS)))
    return activity


@transaction.atomic
def delete_activity(*, actor: Any, activity: Activity) -> None:
    platform = changeable_platform(actor, activity.platform)
    check_open(activity.happened_on, field_name="happened_on")
    audit.record(actor=actor, action=AuditEntry.Action.DELETE, obj=activity, region_path=platform.region.path,
                 changes=audit.diff(audit.snapshot(activity, ACTIVITY_FIELDS), {}))
    activity.file.delete(save=False)
    activity.delete()


# ------------------------------------------------------------------------------------------------
# The registry: recognitions, the operating unit, the platform's system account
# ------------------------------------------------------------------------------------------------

def _check_official_over(actor: Any, platform: Platform) -> Platform:
    from_scope = Platform.objects.visible_to(actor).filter(pk=platform.pk).select_related("region").first()
    if from_scope is None:
        raise NotFound(_("未找到该服务平台。"))
    if not getattr(actor, "is_official", False):
        raise PermissionDenied(_("只有主管部门可以维护平台认定和运营单位。"))
    return from_scope


@transaction.atomic
def add_recognition(*, actor: Any, platform: Platform, level: str, recognised_by: str, granted_on: date,
                    document_no: str = "", valid_until: date | None = None) -> Recognition:
    """A demonstration recognition; valid three years unless the document says otherwise."""
    platform = _check_official_over(actor, platform)
    if granted_on > timezone.localdate():
        raise ValidationError({"granted_on": _("认定日期不能晚于今天。")})
    valid_until = valid_until or granted_on + relativedelta(years=RECOGNITION_YEARS)
    if valid_until <= granted_on:
        raise ValidationError({"valid_until": _("有效期应晚于认定日期。")})
    recognition = Recognition(platform=platform, level=level, recognised_by=recognised_by.strip(),
                              granted_on=granted_on, valid_until=valid_until, document_no=document_no.strip())
    recognition.full_clean()
    recognition.save()
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=recognition, region_path=platform.region.path,
                 changes=audit.diff({}, audit.snapshot(recognition, ("level", "recognised_by", "granted_on",
                                                                     "valid_until", "document_no"))))
    return recognition


@transaction.atomic
def replace_operator(*, actor: Any, platform: Platform, operator_name: str, on: date, reason: str) -> OperatorTerm:
    """The operating unit replaced (更换运营单位) from ``on``, with its reason: the current term ends the day
    before, the new one starts; the platform's operator follows. Audited."""
    platform = _check_official_over(actor, platform)
    operator_name, reason = operator_name.strip(), reason.strip()
    if not operator_name:
        raise ValidationError({"operator_name": _("请填写新的运营单位。")})
    if not reason:
        raise ValidationError({"reason": _("请填写更换原因。")})
    if operator_name == platform.operator_name:
        raise ValidationError({"operator_name": _("新运营单位与现运营单位相同。")})
    current = OperatorTerm.objects.select_for_update().filter(platform=platform, ended_on__isnull=True).first()
    if current is not None:
        if current.started_on and on <= current.started_on:
            raise ValidationError({"on": _("更换日期应晚于现运营单位的起始日期。")})
        current.ended_on = on - timedelta(days=1)
        current.save(update_fields=["ended_on"])
    term = OperatorTerm.objects.create(platform=platform, operator_name=operator_name, started_on=on,
                                       reason=reason[:500], recorded_by=actor)
    before = platform.operator_name
    platform.operator_name = operator_name
    platform.save(update_fields=["operator_name"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=platform, region_path=platform.region.path,
                 changes={"operator_name": [before, operator_name]}, note=_("更换运营单位:%(r)s") % {"r": reason[:150]})
    return term


@transaction.atomic
def create_platform_system(*, platform: Platform, name: str) -> tuple[User, Token]:
    """The account of a platform's own system, which pushes its service records through the API: an operator
    account without a usable password, granted this one platform, with its own token (replaced on rotation)."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ValidationError({"name": _("系统名称应为1至60个字符。")})
    UnicodeUsernameValidator()(name)
    user = User.objects.filter(username__iexact=name).first()
    if user is None:
        user = User(username=name, full_name=(_("%(p)s数据接口") % {"p": platform.name})[:150],
                    role=Role.PLATFORM_OPERATOR)
        user.set_unusable_password()
        user.save()
        grant_object(user, platform)
    elif user.role != Role.PLATFORM_OPERATOR or user.has_usable_password():
        raise ValidationError({"name": _("该名称已被使用。")})
    elif not is_granted(user, platform):  # another platform's system: its token must keep working
        raise ValidationError({"name": _("该名称已是另一服务平台的数据接口,请换一个名称。")})
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit.record(actor=None, action=AuditEntry.Action.CREATE, model="authtoken.Token", object_id=str(user.pk),
                 object_repr=_("%(user)s 的 API 令牌") % {"user": user.get_username()},
                 region_path=platform.region.path, note=_("服务平台数据接口"))
    return user, token


# ------------------------------------------------------------------------------------------------
# Reminders
# ------------------------------------------------------------------------------------------------

def remind_recognition_reviews(*, today: date | None = None) -> dict:
    """Recognitions lapsing within REREVIEW_REMINDER_DAYS: the platform's operators and the officials of its
    region are told once (the recognition remembers the day; the inbox key is unique too)."""
    today = today or timezone.localdate()
    due = list(Recognition.objects.filter(reminded_on__isnull=True, valid_until__gte=today,
                                          valid_until__lte=today + timedelta(days=REREVIEW_REMINDER_DAYS))
               .select_related("platform", "platform__region"))
    messages = []
    for rec in due:
        platform = rec.platform
        title = _("%(p)s的%(level)s认定将于%(d)s到期,请准备复核") % {
            "p": platform.name, "level": rec.get_level_display(), "d": rec.valid_until.isoformat()}
        body = _("认定部门:%(by)s;认定日期:%(g)s。请在到期前提交复核材料。") % {
            "by": rec.recognised_by, "g": rec.granted_on.isoformat()}
        link = reverse("platforms:detail", args=[platform.pk])
        users = list(grantees(platform).filter(is_active=True)) + list(
            User.objects.filter(role=Role.OFFICIAL, region=platform.region, is_active=True))
        messages += [Message(recipient_id=u.pk, title=title, body=body, link=link, email=u.email,
                             key=f"platforms.rereview.{rec.pk}") for u in users]
    counts = notify_many(messages=messages) if messages else {"created": 0}
    Recognition.objects.filter(pk__in=[r.pk for r in due]).update(reminded_on=today)
    return {"recognitions": len(due), "messages": counts.get("created", 0)}
