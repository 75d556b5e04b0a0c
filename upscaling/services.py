"""Every write of the upscaling work: targets, screening, the funnel, months entered by the county, dispatch notes.
One function per act, keyword-only, the acting user, one transaction, one audit record."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.scoping import scope_for
from portal.audit import services as audit
from portal.core.exceptions import NotFound
from portal.regions.models import Region, RegionLevel

from .models import (
    MATERIALS,
    CountyTarget,
    DispatchNote,
    MonthlySales,
    MonthlySource,
    PoolEntry,
    Screening,
    Stage,
    Tier,
)

MATERIAL_KEYS = [k for k, _label in MATERIALS]
# The funnel's moves: from each stage, where an official may take an enterprise.
MOVES = {
    Stage.POOL: {Stage.NEAR, Stage.APPLYING},
    Stage.NEAR: {Stage.POOL, Stage.APPLYING},
    Stage.APPLYING: {Stage.NEAR, Stage.ENTERED},
    Stage.ENTERED: {Stage.LEFT},
    Stage.LEFT: set(),
}


def _changeable_entry(actor: Any, entry: PoolEntry) -> PoolEntry:
    row = PoolEntry.objects.changeable_by(actor).select_for_update().filter(pk=entry.pk).first()
    if row is None or not scope_for(actor).is_official:
        raise NotFound(_("找不到该企业。"))
    return row


def set_target(*, actor: Any, region: Region, year: int, new_enterprises: int, new_output: Decimal) -> CountyTarget:
    scope = scope_for(actor)
    if not scope.may_set_upscaling_targets or not scope.region_in_scope(region) or region.level != RegionLevel.COUNTY:
        raise PermissionDenied(_("只有市级主管部门可以设定各县(市、区)的列规纳统目标。"))
    if new_enterprises < 0 or new_output < 0:
        raise ValidationError(_("目标不能为负数。"))
    with transaction.atomic():
        target = CountyTarget.objects.changeable_by(actor).select_for_update().filter(region=region, year=year).first()
        before = [target.new_enterprises, str(target.new_output)] if target else [None, None]
        if target is None:
            target = CountyTarget(region=region, region_path=region.path, year=year)
        target.new_enterprises, target.new_output = new_enterprises, new_output
        target.full_clean()
        target.save()
        audit.record(actor=actor, action=_("设定列规纳统目标"), obj=target,
                     changes={"new_enterprises": [before[0], new_enterprises],
                              "new_output": [before[1], str(new_output)]})
    return target


def screen(*, actor: Any, entry: PoolEntry, tier: int | None = None, reason: str = "",
           year: int | None = None) -> PoolEntry:
    """Take a candidate into the pool with a tier (this year / next / the year after) or leave it out with a reason."""
    reason = (reason or "").strip()
    if tier is None and not reason:
        raise ValidationError(_("未纳入培育库的,请填写原因。"))
    if tier is not None and tier not in Tier.values:
        raise ValidationError(_("请选择培育梯度。"))
    with transaction.atomic():
        row = _changeable_entry(actor, entry)
        before = [row.screening, row.tier]
        if tier is None:
            row.screening, row.tier, row.tier_year, row.out_reason = Screening.OUT, None, None, reason[:200]
        else:
            row.screening, row.tier, row.out_reason = Screening.IN_POOL, tier, ""
            row.tier_year = year or timezone.localdate().year
        row.save(update_fields=["screening", "tier", "tier_year", "out_reason", "updated_at"])
        audit.record(actor=actor, action=_("筛选培育库企业"), obj=row, enterprise_id=row.enterprise_id,
                     changes={"screening": [before[0], row.screening], "tier": [before[1], row.tier]},
                     note=row.out_reason)
    return row


def move(*, actor: Any, entry: PoolEntry, stage: str, on: date | None = None) -> PoolEntry:
    """Move an enterprise along the funnel: near the line, applying (入库申报), entered, left (退规)."""
    with transaction.atomic():
        row = _changeable_entry(actor, entry)
        if row.screening != Screening.IN_POOL:
            raise ValidationError(_("请先将该企业纳入培育库。"))
        if stage not in MOVES[Stage(row.stage)]:
            raise ValidationError(_("“%(a)s”的企业不能直接转为“%(b)s”。") % {
                "a": Stage(row.stage).label, "b": Stage(stage).label if stage in Stage.values else stage})
        if stage == Stage.ENTERED and set(MATERIAL_KEYS) - set(row.materials):
            raise ValidationError(_("入库申报材料尚未齐全,不能登记为已纳入统计。"))
        before = row.stage
        day = on or timezone.localdate()
        row.stage = stage
        if stage == Stage.ENTERED:
            row.entered_on, row.refuses_entry = day, False
        if stage == Stage.LEFT:
            row.left_on = day
        row.save(update_fields=["stage", "entered_on", "left_on", "refuses_entry", "updated_at"])
        audit.record(actor=actor, action=_("更新升规进度"), obj=row, enterprise_id=row.enterprise_id,
                     changes={"stage": [before, stage]})
    return row


def set_materials(*, actor: Any, entry: PoolEntry, materials: list[str], refuses_entry: bool) -> PoolEntry:
    """The 入库申报 checklist, and whether the enterprise meets the standard but does not want to enter."""
    unknown = set(materials) - set(MATERIAL_KEYS)
    if unknown:
        raise ValidationError(_("未知的申报材料。"))
    with transaction.atomic():
        row = _changeable_entry(actor, entry)
        before = [list(row.materials), row.refuses_entry]
        row.materials = [k for k in MATERIAL_KEYS if k in materials]
        row.refuses_entry = refuses_entry and row.stage != Stage.ENTERED
        row.save(update_fields=["materials", "refuses_entry", "updated_at"])
        audit.record(actor=actor, action=_("更新入库申报材料"), obj=row, enterprise_id=row.enterprise_id,
                     changes={"materials": [before[0], row.materials], "refuses_entry": [before[1], row.refuses_entry]})
    return row


def record_month(*, actor: Any, entry: PoolEntry, year: int, month: int, sales: Decimal, taxes: Decimal,
                 monitored: bool) -> MonthlySales:
    """A month entered by the county. A monitored enterprise's months come from its filings, never typed twice."""
    if monitored:
        raise ValidationError(_("该企业为监测企业,月度数据取自其月报,无需重复录入。"))
    if not 1 <= month <= 12 or sales < 0 or taxes < 0:
        raise ValidationError(_("请填写有效的月份和非负的金额。"))
    with transaction.atomic():
        row = _changeable_entry(actor, entry)
        month_row, created = MonthlySales.objects.update_or_create(
            enterprise_id=row.enterprise_id, year=year, month=month,
            defaults={"sales": sales, "taxes": taxes, "source": MonthlySource.COUNTY, "region_path": row.region_path})
        audit.record(actor=actor, action=_("录入月度销售与税收"), obj=row, enterprise_id=row.enterprise_id,
                     changes={f"{year}-{month:02d}": [None if created else "…", str(sales)]})
    return month_row


def add_note(*, actor: Any, entry: PoolEntry, problems: str, help_given: str, responsible: str,
             follow_up_on: date) -> DispatchNote:
    if not problems.strip() or not responsible.strip():
        raise ValidationError(_("请填写存在问题和责任人。"))
    if follow_up_on < timezone.localdate():
        raise ValidationError(_("跟进日期不能早于今天。"))
    with transaction.atomic():
        row = _changeable_entry(actor, entry)
        note = DispatchNote.objects.create(entry=row, problems=problems.strip(), help_given=help_given.strip(),
                                           responsible=responsible.strip()[:64], follow_up_on=follow_up_on,
                                           author=actor)
        audit.record(actor=actor, action=_("记录调度情况"), obj=row, enterprise_id=row.enterprise_id,
                     changes={"follow_up_on": [None, str(follow_up_on)]}, note=note.problems[:200])
    return note


def close_note(*, actor: Any, note: DispatchNote) -> DispatchNote:
    with transaction.atomic():
        row = DispatchNote.objects.changeable_by(actor).select_for_update().filter(pk=note.pk).first()
        if row is None or not scope_for(actor).is_official:
            raise NotFound(_("找不到该调度记录。"))
        row.done = True
        row.save(update_fields=["done"])
        audit.record(actor=actor, action=_("调度事项已跟进"), obj=row.entry, changes={"done": [False, True]})
    return row
