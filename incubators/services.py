"""Every write of the startup bases: one function per act, keyword-only, the acting user first, one transaction,
one audit record, ``ValidationError`` / ``NotFound`` / ``Conflict`` with messages for people."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.accounts.scoping import granted_users, scope_for
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core import jobs, uploads
from portal.core.exceptions import Conflict, NotFound
from portal.enterprises.credit_code import validate_credit_code
from portal.enterprises.models import Enterprise
from portal.notifications.models import TaskRun
from portal.notifications.services import Message, notify_many
from portal.regions.models import Region, RegionLevel

from .calendar import self_check_state
from .models import (
    FIVE_HAVES,
    BaseStatus,
    GrowthPlan,
    PlanNote,
    SelfCheck,
    SelfCheckItem,
    SelfCheckRound,
    SelfCheckStatus,
    StartupBase,
    StatusChange,
    Target,
    Tenant,
    TenantFigures,
    Visit,
)

Action = AuditEntry.Action
IMPORT_TASK = "incubators.tasks.import_tenants"
DEFAULT_DUE = (5, 30)  # seed 003 三(一): 5月30日前上报市局
REMIND_DAYS_BEFORE = (7, 3, 1)
REGISTRY_FIELDS = ("name", "manager_name", "floor_area", "level", "level_since", "level_until")
TARGET_FIELDS = ("revenue", "taxes", "tenants", "employees", "graduates")


def _changeable(actor: Any, base: StartupBase) -> StartupBase:
    found = StartupBase.objects.changeable_by(actor).filter(pk=base.pk).first()
    if found is None:
        raise NotFound(_("没有找到该创业基地。"))
    return found


def _diff(obj: Any, values: dict) -> dict:
    changes = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [str(old) if old is not None else None, str(value) if value is not None else None]
            setattr(obj, name, value)
    return changes


# -- registry -------------------------------------------------------------------------------------------

def update_base(*, actor: Any, base: StartupBase, **values: Any) -> StartupBase:
    """The city keeps the registry: name, managing organisation, floor area, recognised level and its dates."""
    base = _changeable(actor, base)
    if not scope_for(actor).may_manage_bases:
        raise NotFound(_("没有找到该创业基地。"))
    unknown = set(values) - set(REGISTRY_FIELDS)
    if unknown:
        raise ValueError(f"not registry fields: {sorted(unknown)}")
    if values.get("level_since") and values.get("level_until") and values["level_until"] < values["level_since"]:
        raise ValidationError({"level_until": _("认定有效期不能早于认定日期。")})
    with transaction.atomic():
        changes = _diff(base, values)
        if changes:
            base.full_clean()
            base.save()
            audit.record(actor=actor, action=Action.UPDATE, obj=base, changes=changes)
    return base


def change_status(*, actor: Any, base: StartupBase, status: str, on: date, reason: str) -> StatusChange:
    """A status act (在册 / 整改中 / 拟摘牌 / 已摘牌) with its date and reason; the history keeps every act."""
    base = _changeable(actor, base)
    if not scope_for(actor).may_manage_bases:
        raise NotFound(_("没有找到该创业基地。"))
    if status not in BaseStatus.values:
        raise ValidationError({"status": _("状态无效。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写状态变更的原因。")})
    if status == base.status:
        raise Conflict(_("基地已是该状态。"))
    with transaction.atomic():
        change = StatusChange.objects.create(base=base, old_status=base.status, new_status=status, on=on,
                                             reason=reason.strip(), actor=actor)
        audit.record(actor=actor, action=Action.UPDATE, obj=base, changes={"status": [base.status, status]},
                     note=reason.strip())
        base.status = status
        base.save(update_fields=["status"])
    return change


# -- tenants --------------------------------------------------------------------------------------------

def _enterprise_by_code(code: str) -> Enterprise | None:
    return Enterprise.objects.filter(credit_code=code).first()


def _check_tenant_dates(entered_on: date, exited_on: date | None) -> None:
    if exited_on is not None and exited_on < entered_on:
        raise ValidationError({"exited_on": _("出孵日期不能早于入孵日期。")})


def save_tenant(*, actor: Any, base: StartupBase, credit_code: str, name: str, entered_on: date,
                exited_on: date | None = None, tenant: Tenant | None = None) -> Tenant:
    """Add or change a tenant; linked to the registry's enterprise of the same credit code when there is one."""
    base = _changeable(actor, base)
    code = validate_credit_code(credit_code)
    _check_tenant_dates(entered_on, exited_on)
    enterprise = _enterprise_by_code(code)
    name = (name or "").strip() or (enterprise.name if enterprise else "")
    if not name:
        raise ValidationError({"name": _("请填写企业名称。")})
    with transaction.atomic():
        clash = Tenant.objects.filter(base=base, credit_code=code)
        if tenant is not None:
            clash = clash.exclude(pk=tenant.pk)
        if clash.exists():
            raise ValidationError({"credit_code": _("本基地已有该统一社会信用代码的入孵企业。")})
        if tenant is None:
            tenant = Tenant.objects.create(base=base, credit_code=code, name=name, enterprise=enterprise,
                                           entered_on=entered_on, exited_on=exited_on)
            audit.record(actor=actor, action=Action.CREATE, obj=tenant, region_path=base.region.path)
        else:
            if tenant.base_id != base.pk:
                raise NotFound(_("没有找到该入孵企业。"))
            changes = _diff(tenant, {"credit_code": code, "name": name, "enterprise": enterprise,
                                     "entered_on": entered_on, "exited_on": exited_on})
            if changes:
                tenant.save()
                audit.record(actor=actor, action=Action.UPDATE, obj=tenant, changes=changes,
                             region_path=base.region.path)
    return tenant


def _changeable_tenant(actor: Any, tenant: Tenant) -> Tenant:
    found = Tenant.objects.changeable_by(actor).select_related("base__region").filter(pk=tenant.pk).first()
    if found is None:
        raise NotFound(_("没有找到该入孵企业。"))
    return found


def graduate_tenant(*, actor: Any, tenant: Tenant, on: date, reason: str) -> Tenant:
    """孵化毕业: the date and reason; the tenant leaves the base that day unless it left already."""
    tenant = _changeable_tenant(actor, tenant)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写毕业原因。")})
    if on < tenant.entered_on:
        raise ValidationError({"on": _("毕业日期不能早于入孵日期。")})
    with transaction.atomic():
        changes = _diff(tenant, {"graduated_on": on, "graduation_reason": reason.strip(),
                                 "exited_on": tenant.exited_on or on})
        tenant.save()
        audit.record(actor=actor, action=Action.UPDATE, obj=tenant, changes=changes,
                     region_path=tenant.base.region.path)
    return tenant


def save_plan(*, actor: Any, tenant: Tenant, responsible: str, goals: str = "", licences: str = "",
              training: str = "", financing: str = "", recruitment: str = "",
              due_on: date | None = None) -> GrowthPlan:
    """The tenant's growth plan (帮扶成长计划) with its named responsible person."""
    tenant = _changeable_tenant(actor, tenant)
    if not (responsible or "").strip():
        raise ValidationError({"responsible": _("请填写责任人。")})
    values = {"responsible": responsible.strip(), "goals": goals, "licences": licences, "training": training,
              "financing": financing, "recruitment": recruitment, "due_on": due_on}
    with transaction.atomic():
        plan = GrowthPlan.objects.filter(tenant=tenant).first()
        if plan is None:
            plan = GrowthPlan.objects.create(tenant=tenant, **values)
            audit.record(actor=actor, action=Action.CREATE, obj=plan, object_repr=str(tenant),
                         region_path=tenant.base.region.path)
        else:
            changes = _diff(plan, values)
            if changes:
                plan.save()
                audit.record(actor=actor, action=Action.UPDATE, obj=plan, object_repr=str(tenant), changes=changes,
                             region_path=tenant.base.region.path)
    return plan


def add_plan_note(*, actor: Any, plan: GrowthPlan, on: date, text: str) -> PlanNote:
    tenant = _changeable_tenant(actor, plan.tenant)
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写进展情况。")})
    with transaction.atomic():
        note = PlanNote.objects.create(plan=plan, on=on, text=text.strip(), author=actor)
        audit.record(actor=actor, action=Action.CREATE, obj=note, object_repr=str(tenant),
                     region_path=tenant.base.region.path)
    return note


def save_tenant_figures(*, actor: Any, tenant: Tenant, year: int, quarter: int, revenue: Decimal, taxes: Decimal,
                        employees: int) -> TenantFigures:
    """A quarter's figures of a tenant that does not file monthly (a monitored one's come from its filings)."""
    tenant = _changeable_tenant(actor, tenant)
    if tenant.enterprise is not None and tenant.enterprise.monitored_from:
        raise Conflict(_("该企业是监测企业,其数据取自月度报表,无需重复填写。"))
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("季度无效。")})
    values = {"revenue": revenue, "taxes": taxes, "employees": employees}
    with transaction.atomic():
        row, created = TenantFigures.objects.get_or_create(tenant=tenant, year=year, quarter=quarter,
                                                           defaults=values)
        changes = {k: [None, str(v)] for k, v in values.items()} if created else _diff(row, values)
        if not created and changes:
            row.full_clean()
            row.save()
        if changes:
            audit.record(actor=actor, action=Action.CREATE if created else Action.UPDATE, obj=row,
                         object_repr=f"{tenant} {year}Q{quarter}", changes=changes,
                         region_path=tenant.base.region.path)
    return row


# -- tenant import (all or nothing) ---------------------------------------------------------------------

IMPORT_HEADERS = ("统一社会信用代码", "企业名称", "入孵日期", "出孵日期")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _cell_date(value: Any, row_no: int, header: str, errors: list[str]) -> date | None:
    if value in (None, ""):
        return None
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        errors.append(_("第%(row)d行:%(col)s“%(v)s”不是日期(应为 2026-01-31)。") % {
            "row": row_no, "col": header, "v": value})
        return None


def _parse_tenant_row(row_no: int, values: list, seen: dict[str, int]) -> tuple[dict, list[str]]:
    errors: list[str] = []
    values = list(values) + [None] * (len(IMPORT_HEADERS) - len(values))
    code = str(values[0] or "").strip()
    try:
        code = validate_credit_code(code)
    except ValidationError as exc:
        errors.append(_("第%(row)d行:%(msg)s") % {"row": row_no, "msg": " ".join(exc.messages)})
    if code in seen:
        errors.append(_("第%(row)d行:统一社会信用代码与第%(other)d行重复。") % {"row": row_no, "other": seen[code]})
    seen.setdefault(code, row_no)
    entered = _cell_date(values[2], row_no, IMPORT_HEADERS[2], errors)
    exited = _cell_date(values[3], row_no, IMPORT_HEADERS[3], errors)
    if entered is None and values[2] in (None, ""):
        errors.append(_("第%(row)d行:请填写入孵日期。") % {"row": row_no})
    if entered and exited and exited < entered:
        errors.append(_("第%(row)d行:出孵日期不能早于入孵日期。") % {"row": row_no})
    return {"credit_code": code, "name": str(values[1] or "").strip(), "entered_on": entered,
            "exited_on": exited}, errors


def read_tenant_rows(fileobj: Any) -> list[tuple[int, list]]:
    rows = uploads.read_sheets(fileobj, {0: settings.ENTERPRISE_IMPORT_MAX_ROWS})[0]
    if not rows:
        raise ValidationError(_("文件为空。"))
    (_header_no, header), data = rows[0], rows[1:]
    headers = tuple(str(v or "").strip() for v in header[:len(IMPORT_HEADERS)])
    if headers != IMPORT_HEADERS:
        raise ValidationError(_("表头应为:%(h)s。") % {"h": "、".join(IMPORT_HEADERS)})
    return [(n, v) for n, v in data if any(c not in (None, "") for c in v)]


def import_tenants(*, actor: Any, base: StartupBase, fileobj: Any, progress: Any = None) -> ImportResult:
    """Every row checked; all saved or none. Errors name the row. Known codes update the tenant."""
    base = _changeable(actor, base)
    result = ImportResult()
    try:
        rows = read_tenant_rows(fileobj)
    except ValidationError as exc:
        result.errors.extend(exc.messages)
        return result
    seen: dict[str, int] = {}
    parsed = []
    for row_no, values in rows:
        data, errors = _parse_tenant_row(row_no, values, seen)
        result.errors.extend(errors)
        parsed.append((row_no, data))
    if result.errors:
        return result
    enterprises = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=list(seen))}
    existing = {t.credit_code: t for t in Tenant.objects.filter(base=base, credit_code__in=list(seen))}
    for row_no, data in parsed:
        if not data["name"] and data["credit_code"] not in enterprises and data["credit_code"] not in existing:
            result.errors.append(_("第%(row)d行:请填写企业名称(企业名录中没有该统一社会信用代码)。") % {"row": row_no})
    if result.errors:
        return result
    with transaction.atomic():
        entries = []
        for _row_no, data in parsed:
            code = data["credit_code"]
            enterprise = enterprises.get(code)
            name = data["name"] or (enterprise.name if enterprise else existing[code].name)
            fields = {"name": name, "enterprise": enterprise, "entered_on": data["entered_on"],
                      "exited_on": data["exited_on"]}
            tenant = existing.get(code)
            if tenant is None:
                tenant = Tenant.objects.create(base=base, credit_code=code, **fields)
                result.created += 1
                entries.append(audit.entry(actor=actor, action=Action.BULK_CREATE, obj=tenant,
                                           region_path=base.region.path))
            else:
                changes = _diff(tenant, fields)
                if changes:
                    tenant.save()
                    result.updated += 1
                    entries.append(audit.entry(actor=actor, action=Action.BULK_UPDATE, obj=tenant, changes=changes,
                                               region_path=base.region.path))
                else:
                    result.unchanged += 1
        audit.record_many(entries)
    if progress:
        progress(100, 100)
    return result


def queue_import(*, actor: Any, base: StartupBase, upload: Any) -> TaskRun:
    base = _changeable(actor, base)
    return jobs.queue_import(task=IMPORT_TASK, actor=actor, upload=upload, base_id=base.pk)


def run_import_job(*, spooled: str, user_id: int, base_id: int, ip_address: str | None,
                   progress: Any = None) -> dict:
    actor = User.objects.select_related("region").get(pk=user_id)
    base = StartupBase(pk=base_id)
    return jobs.run_import(spooled=spooled, ip_address=ip_address,
                           act=lambda fh: import_tenants(actor=actor, base=base, fileobj=fh, progress=progress))


# -- targets --------------------------------------------------------------------------------------------

def _target_values(values: dict) -> dict:
    out = {}
    for name in TARGET_FIELDS:
        value = values.get(name) or 0
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise ValidationError({name: _("请输入数字。")}) from exc
        if number < 0:
            raise ValidationError({name: _("目标不能为负数。")})
        out[name] = number if name in ("revenue", "taxes") else int(number)
    return out


def set_target(*, actor: Any, year: int, base: StartupBase | None = None, region: Region | None = None,
               **values: Any) -> Target:
    """A yearly target (附表一): a base's by its county bureau, a county's by the city (the city's own by the
    province or the city itself)."""
    scope = scope_for(actor)
    if base is not None:
        base = _changeable(actor, base)
        if not scope.may_set_base_targets(base):
            raise NotFound(_("没有找到该创业基地。"))
        region, key = base.region, {"year": year, "base": base}
    else:
        if region is None:
            raise NotFound(_("没有找到该地区。"))
        allowed = region is not None and (scope.may_set_county_targets(region)
                                          or (region.level == RegionLevel.CITY and scope.may_manage_bases
                                              and scope.region_in_scope(region)))
        if not allowed:
            raise NotFound(_("没有找到该地区。"))
        key = {"year": year, "region": region, "base": None}
    numbers = _target_values(values)
    with transaction.atomic():
        target = Target.objects.filter(**key).first()
        if target is None:
            target = Target.objects.create(**{**key, "region": region, "region_path": region.path, **numbers})
            changes = {k: [None, str(v)] for k, v in numbers.items()}
            action = Action.CREATE
        else:
            changes = _diff(target, numbers)
            target.save()
            action = Action.UPDATE
        audit.record(actor=actor, action=action, obj=target, changes=changes,
                     object_repr=f"{year} {base or region}", region_path=region.path)
    return target


# -- self-check -----------------------------------------------------------------------------------------

def self_check_round(year: int) -> SelfCheckRound:
    """The year's round: its stored due date, else the seed's 30 May (unsaved; reads never write)."""
    found = SelfCheckRound.objects.filter(year=year).first()
    return found or SelfCheckRound(year=year, due_on=date(year, *DEFAULT_DUE))


def save_self_check(*, actor: Any, base: StartupBase, year: int, problems: str, measures: str,
                    items: dict[str, dict]) -> SelfCheck:
    """Prepare (draft) the year's self-check: the manager drafts, the county bureau may correct it before filing.
    ``items``: {key of the 五有: {"present": bool, "evidence": str, "file": an uploaded file or None}}."""
    base = _changeable(actor, base)
    scope = scope_for(actor)
    if not (scope.role == Role.BASE_MANAGER or scope.may_file_self_check(base)):
        raise NotFound(_("没有找到该创业基地。"))
    with transaction.atomic():
        check, _created = SelfCheck.objects.select_for_update().get_or_create(
            base=base, year=year, defaults={"prepared_by": actor})
        if check.status == SelfCheckStatus.FILED:
            raise Conflict(_("自查表已上报,不能再修改。"))
        changes = _diff(check, {"problems": problems, "measures": measures})
        check.prepared_by = actor
        check.save()
        current = {i.key: i for i in check.items.all()}
        for key, _label in FIVE_HAVES:
            data = items.get(key, {})
            item = current.get(key) or SelfCheckItem(check_form=check, key=key)
            if data.get("present") is not None:
                item.present = bool(data["present"])
            item.evidence = data.get("evidence", item.evidence) or ""
            upload = data.get("file")
            if upload:
                item.file_name = getattr(upload, "name", "")[:255]
                item.file.save(item.file_name or "evidence", upload, save=False)
            item.save()
            changes[key] = [None, f"{item.present} {item.evidence[:40]}"]
        audit.record(actor=actor, action=Action.UPDATE, obj=check, object_repr=f"{base} {year}",
                     changes=changes, region_path=base.region.path)
    return check


def file_self_check(*, actor: Any, check: SelfCheck) -> SelfCheck:
    """The county bureau files the prepared self-check to the city (on time or late, recorded)."""
    found = SelfCheck.objects.changeable_by(actor).select_related("base__region").filter(pk=check.pk).first()
    if found is None or not scope_for(actor).may_file_self_check(found.base):
        raise NotFound(_("没有找到该自查表。"))
    check = found
    if check.status == SelfCheckStatus.FILED:
        raise Conflict(_("自查表已上报。"))
    missing = [str(label) for key, label in FIVE_HAVES
               if not check.items.filter(key=key).exists()]
    if missing:
        raise ValidationError(_("请先填写“五有”各项:%(items)s。") % {"items": "、".join(missing)})
    with transaction.atomic():
        today = timezone.localdate()
        check.status, check.filed_by, check.filed_on = SelfCheckStatus.FILED, actor, today
        check.save(update_fields=["status", "filed_by", "filed_on", "updated_at"])
        state = self_check_state(filed_on=today, due_on=self_check_round(check.year).due_on, today=today)
        audit.record(actor=actor, action=Action.APPROVE, obj=check, object_repr=f"{check.base} {check.year}",
                     changes={"status": [SelfCheckStatus.DRAFT, SelfCheckStatus.FILED]}, note=state,
                     region_path=check.base.region.path)
    return check


def remind_self_checks(*, today: date | None = None) -> dict:
    """Daily: 7, 3 and 1 days before the due date, the managers and county bureaus of bases whose self-check is not
    filed; the day after it, the county and city bureaus of the bases still missing. Once per key."""
    today = today or timezone.localdate()
    due = self_check_round(today.year).due_on
    days_left = (due - today).days
    levels: tuple[int, ...]
    if days_left in REMIND_DAYS_BEFORE:
        stage, to_managers, levels = f"before-{days_left}", True, (RegionLevel.COUNTY,)
    elif today == due + timedelta(days=1):
        stage, to_managers, levels = "missing", False, (RegionLevel.COUNTY, RegionLevel.CITY)
    else:
        return {"messages": 0}
    filed = SelfCheck.objects.filter(year=today.year, status=SelfCheckStatus.FILED).values("base_id")
    bases = list(StartupBase.objects.exclude(pk__in=filed).exclude(status=BaseStatus.DELISTED)
                 .select_related("region__parent"))
    messages = []
    title = _("%(y)d年创业基地自查表将于%(d)s截止") % {"y": today.year, "d": due.isoformat()} if to_managers \
        else _("%(y)d年创业基地自查表逾期未报") % {"y": today.year}
    officials = User.objects.filter(role=Role.OFFICIAL, is_active=True, region__isnull=False)
    by_region: dict[int, list] = {}
    for user in officials:
        by_region.setdefault(user.region_id, []).append(user)
    for base in bases:
        body = _("%(b)s的%(y)d年自查表尚未上报(截止%(d)s)。") % {"b": base.name, "y": today.year, "d": due.isoformat()}
        recipients = list(granted_users(base)) if to_managers else []
        for level in levels:
            region = base.region if level == RegionLevel.COUNTY else base.region.parent
            recipients += by_region.get(region.pk, []) if region is not None else []
        messages += [Message(recipient_id=u.pk, title=title, body=body, link="/incubators/self-checks/",
                             email=u.email, key=f"incubators.self_check.{today.year}.{stage}.{base.pk}")
                     for u in recipients]
    return notify_many(messages=messages)


# -- supervision ----------------------------------------------------------------------------------------

def record_visit(*, actor: Any, base: StartupBase, visited_on: date, visitor: str, notes: str) -> Visit:
    """A supervision visit by the county bureau's leader (每旬至少一次)."""
    base = _changeable(actor, base)
    if not scope_for(actor).may_record_visit(base):
        raise NotFound(_("没有找到该创业基地。"))
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": _("检查日期不能晚于今天。")})
    if not (visitor or "").strip() or not (notes or "").strip():
        raise ValidationError(_("请填写检查人和检查指导情况。"))
    with transaction.atomic():
        visit = Visit.objects.create(base=base, visited_on=visited_on, visitor=visitor.strip(), notes=notes.strip(),
                                     recorded_by=actor)
        audit.record(actor=actor, action=Action.CREATE, obj=visit, object_repr=f"{base} {visited_on}",
                     region_path=base.region.path)
    return visit
