"""Importing the departments' lists into the pool, and the tax bureau's monthly figures.

Each list arrives in its own layout: the official maps its columns once (remembered per region and list kind),
previews the first rows, the counts and the errors (a dry run of the same function), then imports all of it or
nothing. A county imports only its own rows (another county's are refused with their row numbers), the city
all of its counties'. Rows are matched to the registry by credit code; enterprises not registered yet are
created there as not monitored with the size class "unknown" (the lists give neither employees nor assets).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.models import User
from portal.accounts.scoping import Viewer, scope_for
from portal.audit import context as audit_context
from portal.audit import services as audit
from portal.core import jobs, uploads
from portal.core.db import analyze
from portal.enterprises.credit_code import validate_credit_code
from portal.enterprises.models import Enterprise, Industry, SizeClass
from portal.enterprises.standards import current_standard
from portal.notifications.models import TaskRun
from portal.notifications.tasking import queue_tracked
from portal.regions.models import Region, RegionLevel

from .models import BAND_LOW, THRESHOLD, ColumnMapping, ListKind, MonthlySales, MonthlySource, PoolEntry

MAX_ROWS = 200_000
IMPORT_TASK = "upscaling.tasks.import_list"
PREVIEW_ROWS = 10
DEFAULT_INDUSTRY = "C"  # 制造业, when the list names no industry


@dataclass(frozen=True)
class Field:
    key: str
    label: Any
    required: bool = True


FIELDS: dict[str, tuple[Field, ...]] = {
    ListKind.TAX: (
        Field("credit_code", gettext_lazy("统一社会信用代码")), Field("name", gettext_lazy("企业名称")),
        Field("county", gettext_lazy("所在县(市、区)")), Field("sales", gettext_lazy("应税销售额(元)")),
        Field("industry", gettext_lazy("行业代码"), required=False)),
    ListKind.STATS: (
        Field("credit_code", gettext_lazy("统一社会信用代码")), Field("name", gettext_lazy("企业名称")),
        Field("county", gettext_lazy("所在县(市、区)")), Field("left_year", gettext_lazy("退统年度")),
        Field("industry", gettext_lazy("行业代码"), required=False)),
    ListKind.MONTHLY: (
        Field("credit_code", gettext_lazy("统一社会信用代码")), Field("county", gettext_lazy("所在县(市、区)")),
        Field("sales", gettext_lazy("当月销售额(元)")), Field("taxes", gettext_lazy("当月税收(元)"), required=False)),
}


@dataclass
class ImportResult(jobs.ImportResult):
    # created / updated / unchanged: pool entries (or months) added, already there and updated, unchanged
    registered: int = 0    # registry entries created
    outside_band: int = 0  # tax list rows outside 500–2,000 万
    skipped: int = 0       # monthly rows of enterprises not in the pool or monitored (read from their filings)
    duplicates: int = 0    # rows whose credit code came earlier in the file
    preview: list[dict] = field(default_factory=list)


# -- reading -------------------------------------------------------------------------------------------------

def read_rows(fileobj: Any) -> tuple[list[str], list[tuple[int, list]]]:
    """The header (first non-empty row) and the data rows of the first sheet, after the upload checks."""
    rows = uploads.read_sheets(fileobj, {0: MAX_ROWS})[0]
    if not rows:
        raise ValidationError(_("文件为空。"))
    header = [str(v).strip() if v is not None else "" for v in rows[0][1]]
    return header, rows[1:]


def last_mapping(*, user: Any, kind: str) -> dict[str, str]:
    row = ColumnMapping.objects.visible_to(user).filter(region_id=user.region_id, kind=kind).first()
    return dict(row.mapping) if row else {}


def guess_mapping(header: list[str], kind: str, remembered: dict[str, str]) -> dict[str, str]:
    """The remembered column for each field when the header still has it, else a header naming the field."""
    out = {}
    for f in FIELDS[kind]:
        if remembered.get(f.key) in header:
            out[f.key] = remembered[f.key]
        else:
            out[f.key] = next((h for h in header if h and (h == str(f.label) or h in str(f.label))), "")
    return out


# -- the import ----------------------------------------------------------------------------------------------

def _frame(header: list[str], rows: list[tuple[int, list]], kind: str, mapping: dict[str, str]) -> pd.DataFrame:
    missing = [str(f.label) for f in FIELDS[kind] if f.required and mapping.get(f.key) not in header]
    if missing:
        raise ValidationError(_("请为以下项目选择对应的列:%(f)s。") % {"f": "、".join(missing)})
    data: dict[str, list[Any]] = {"row": [n for n, _v in rows]}
    for f in FIELDS[kind]:
        col = header.index(mapping[f.key]) if mapping.get(f.key) in header else None
        data[f.key] = [(v[col] if col is not None and col < len(v) else None) for _n, v in rows] if col is not None \
            else [None] * len(rows)
    return pd.DataFrame(data)


def _text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if v is None else str(v).strip())


def _codes(df: pd.DataFrame, errors: list[str]) -> pd.Series:
    def check(row_no: int, raw: str) -> str | None:
        try:
            return validate_credit_code(raw)
        except ValidationError as exc:
            errors.append(_("第%(row)d行:%(msg)s") % {"row": row_no, "msg": exc.messages[0]})
            return None
    return pd.Series([check(r, c) for r, c in zip(df["row"], _text(df["credit_code"]), strict=True)], index=df.index)


def _counties(actor: Any) -> dict[str, Region]:
    """Counties the actor may import for, by code and by name."""
    mine = {}
    for r in Region.objects.visible_to(actor).filter(level=RegionLevel.COUNTY):
        mine[r.code] = mine[r.name] = r
    return mine


def _resolve_counties(df: pd.DataFrame, actor: Any, errors: list[str]) -> pd.Series:
    mine = _counties(actor)
    raw = _text(df["county"]).map(lambda v: v.split(".")[0])
    regions = raw.map(mine)
    for row_no, value, region in zip(df["row"], raw, regions, strict=True):
        if region is None or (isinstance(region, float) and np.isnan(region)):
            errors.append(_("第%(row)d行:所在地区“%(v)s”不在您的管辖范围内,不能导入。") % {"row": row_no, "v": value})
    return regions


def _numbers(df: pd.DataFrame, key: str, label: str, errors: list[str], *, required: bool) -> pd.Series:
    values = pd.to_numeric(df[key], errors="coerce")
    blank = df[key].isna() | (_text(df[key]) == "")
    bad = (values.isna() & ~blank) | (values < 0) | (values >= 1e14)
    if required:
        bad |= blank
    for row_no in df.loc[bad, "row"]:
        errors.append(_("第%(row)d行“%(col)s”应为非负数字。") % {"row": row_no, "col": label})
    return values


def import_list(*, actor: Any, kind: str, fileobj: Any, mapping: dict[str, str], year: int, month: int | None = None,
                dry_run: bool = False, progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Import a list (``kind``) mapped by ``mapping`` ({field: header}); ``year`` is the tax list's base year,
    the year of the 退统 list or of the monthly file (with ``month``). All or nothing."""
    report = progress or (lambda done, total: None)
    if not scope_for(actor).is_official or scope_for(actor).is_province:
        raise PermissionDenied(_("只有市、县级主管部门可以导入培育库名单。"))
    result = ImportResult()
    try:
        header, rows = read_rows(fileobj)
        df = _frame(header, rows, kind, mapping)
    except ValidationError as exc:
        result.errors.extend(exc.messages)
        return result
    report(30, 100)
    errors: list[str] = []
    df["code"] = _codes(df, errors)
    df["region"] = _resolve_counties(df, actor, errors)
    if kind == ListKind.STATS:
        df["left_year"] = _numbers(df, "left_year", str(FIELDS[kind][3].label), errors, required=True)
    else:
        df["sales"] = _numbers(df, "sales", str(FIELDS[kind][3 if kind == ListKind.TAX else 2].label), errors,
                               required=True) / 10000
    if kind == ListKind.MONTHLY:
        df["taxes"] = _numbers(df, "taxes", str(FIELDS[kind][3].label), errors, required=False).fillna(0) / 10000
    if kind != ListKind.MONTHLY:
        for row_no in df.loc[_text(df["name"]) == "", "row"]:
            errors.append(_("第%(row)d行“企业名称”不能为空。") % {"row": row_no})
    dup = df["code"].notna() & df.duplicated("code", keep="first")
    result.duplicates = int(dup.sum())
    df = df[~dup]
    result.preview = [{"row": r.row, "code": r.code or "", "name": getattr(r, "name", "") or "",
                       "county": r.region.name if isinstance(r.region, Region) else "",
                       "value": getattr(r, "sales", None) if kind != ListKind.STATS else getattr(r, "left_year", None)}
                      for r in df.head(PREVIEW_ROWS).itertuples()]
    valid = df[df["code"].notna()]
    existing = _existing(valid["code"].tolist())
    _foreign(actor, valid, existing, errors)
    if errors:
        result.errors = sorted(errors, key=_row_of)
        return result
    if kind == ListKind.TAX:
        in_band = (df["sales"] >= BAND_LOW) & (df["sales"] < THRESHOLD)
        result.outside_band = int((~in_band).sum())
        df = df[in_band]
    report(60, 100)
    if kind == ListKind.MONTHLY:
        _plan_months(actor, df, year, month or 1, result, dry_run)
    else:
        _plan_pool(actor, df, kind, year, result, dry_run)
    if result.errors:
        result.created = result.updated = result.unchanged = result.registered = 0
    elif not dry_run:
        _remember(actor, kind, mapping)
    report(100, 100)
    return result


def _existing(codes: list[str]) -> dict[str, tuple[int, str, bool]]:
    """The registry's enterprises by credit code: (id, region path, monitored now)."""
    out: dict[str, tuple[int, str, bool]] = {}
    for start in range(0, len(codes), 5000):
        for code, pk, path, since, until in Enterprise.objects.filter(
                credit_code__in=codes[start:start + 5000]).values_list(
                "credit_code", "id", "region_path", "monitored_from", "monitored_until"):
            out[code] = (pk, path, since is not None and until is None)
    return out


def _row_of(message: str) -> int:
    digits = "".join(ch for ch in message.split("行")[0] if ch.isdigit())
    return int(digits) if digits else 0


def _foreign(actor: Any, df: pd.DataFrame, existing: dict, errors: list[str]) -> None:
    """Rows of enterprises registered in another county: refused with their row numbers."""
    scope = scope_for(actor)
    for row_no, code in zip(df["row"], df["code"], strict=True):
        hit = existing.get(code)
        if hit and not scope.path_in_scope(hit[1]):
            errors.append(_("第%(row)d行:该企业登记在其他地区,不能导入。") % {"row": row_no})


def _plan_pool(actor: Any, df: pd.DataFrame, kind: str, year: int, result: ImportResult, dry_run: bool) -> None:
    codes = df["code"].tolist()
    existing = _existing(codes)
    new = df[~df["code"].isin(list(existing))]
    result.registered = len(new)
    entries = {e.enterprise_id: e for start in range(0, len(codes), 5000)
               for e in PoolEntry.objects.filter(enterprise__credit_code__in=codes[start:start + 5000])}
    known = [existing[c][0] for c in codes if c in existing]
    result.updated = sum(1 for pk in known if pk in entries)
    result.created = len(df) - result.updated
    if dry_run:
        return
    with transaction.atomic():
        ids = _register(actor, new)
        ids.update({c: existing[c][0] for c in codes if c in existing})
        _write_entries(df, kind, year, ids, entries)
        audit.record(actor=actor, action=_("导入培育库名单"), model="upscaling.PoolEntry",
                     object_repr=str(ListKind(kind).label), region_path=actor.region.path,
                     changes={"rows": [None, len(df)], "registered": [None, result.registered]})
    analyze(PoolEntry, rows=len(df))


def _register(actor: Any, new: pd.DataFrame) -> dict[str, int]:
    """Registry entries for the list's enterprises not registered yet: not monitored, size class unknown."""
    if new.empty:
        return {}
    industries = dict(Industry.objects.values_list("code", "id"))
    fallback = industries[DEFAULT_INDUSTRY]
    standard = current_standard()
    rows = [Enterprise(credit_code=r.code, name=str(r.name).strip()[:128], region=r.region, region_path=r.region.path,
                       industry_id=industries.get(str(r.industry or "").strip(), fallback), employees=None,
                       revenue=Decimal(str(round(getattr(r, "sales", 0) or 0, 2))), assets=None,
                       size_class=SizeClass.UNKNOWN, size_standard=standard)
            for r in new.itertuples()]
    Enterprise.objects.bulk_create(rows, batch_size=2000)
    ids = dict(Enterprise.objects.filter(credit_code__in=[r.credit_code for r in rows]).values_list("credit_code", "id")) \
        if len(rows) <= 5000 else _ids_by_code([r.credit_code for r in rows])
    audit.record_many(audit.entry(actor=actor, action=_("从培育库名单新增企业"), model="enterprises.Enterprise",
                                  object_id=str(ids[e.credit_code]), object_repr=e.name, region_path=e.region_path,
                                  enterprise_id=ids[e.credit_code]) for e in rows)
    return ids


def _ids_by_code(codes: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for start in range(0, len(codes), 5000):
        out.update(Enterprise.objects.filter(credit_code__in=codes[start:start + 5000]).values_list("credit_code", "id"))
    return out


def _write_entries(df: pd.DataFrame, kind: str, year: int, ids: dict[str, int], entries: dict) -> None:
    to_create: list[PoolEntry] = []
    to_update: list[PoolEntry] = []
    for r in df.itertuples():
        pk = ids[r.code]
        entry = entries.get(pk) or PoolEntry(enterprise_id=pk, region_path=r.region.path)
        if kind == ListKind.TAX:
            entry.on_tax_list, entry.base_year = True, year
            entry.base_sales = Decimal(str(round(r.sales, 2)))
        else:
            entry.on_stats_list, entry.left_stats_year = True, int(r.left_year)
        (to_update if entry.pk else to_create).append(entry)
    PoolEntry.objects.bulk_create(to_create, batch_size=2000)
    PoolEntry.objects.bulk_update(to_update, ["on_tax_list", "base_year", "base_sales", "on_stats_list",
                                              "left_stats_year"], batch_size=2000)


def _plan_months(actor: Any, df: pd.DataFrame, year: int, month: int, result: ImportResult, dry_run: bool) -> None:
    existing = _existing(df["code"].tolist())
    pooled = set(PoolEntry.objects.filter(enterprise_id__in=[v[0] for v in existing.values()])
                 .values_list("enterprise_id", flat=True))
    keep = df["code"].map(lambda c: c in existing and existing[c][0] in pooled and not existing[c][2])
    result.skipped = int((~keep).sum())
    df = df[keep]
    ids = [existing[c][0] for c in df["code"]]
    current = {m.enterprise_id: m for m in MonthlySales.objects.filter(enterprise_id__in=ids, year=year, month=month)}
    result.updated = len(current)
    result.created = len(df) - len(current)
    if dry_run:
        return
    to_create: list[MonthlySales] = []
    to_update: list[MonthlySales] = []
    for pk, r in zip(ids, df.itertuples(), strict=True):
        row = current.get(pk) or MonthlySales(enterprise_id=pk, region_path=existing[r.code][1], year=year, month=month)
        row.sales, row.taxes = Decimal(str(round(r.sales, 2))), Decimal(str(round(r.taxes, 2)))
        row.source = MonthlySource.TAX
        (to_update if row.pk else to_create).append(row)
    with transaction.atomic():
        MonthlySales.objects.bulk_create(to_create, batch_size=2000)
        MonthlySales.objects.bulk_update(to_update, ["sales", "taxes", "source"], batch_size=2000)
        audit.record(actor=actor, action=_("导入月度销售与税收"), model="upscaling.MonthlySales",
                     object_repr=f"{year}-{month:02d}", region_path=actor.region.path,
                     changes={"rows": [None, len(df)]})


def _remember(actor: Any, kind: str, mapping: dict[str, str]) -> None:
    ColumnMapping.objects.update_or_create(region_id=actor.region_id, kind=kind,
                                           defaults={"mapping": mapping, "region_path": actor.region.path})


# -- lists too large for a request: a background job the uploader follows -------------------------------------

def queue_import(*, actor: Any, kind: str, spooled: str, mapping: dict[str, str], year: int,
                 month: int | None) -> TaskRun:
    """Import an already spooled list in the background (same checks, all or nothing)."""
    if not scope_for(actor).is_official or scope_for(actor).is_province:
        raise PermissionDenied(_("只有市、县级主管部门可以导入培育库名单。"))
    uploads.spooled_path(spooled)  # only a name the spool made
    return queue_tracked(IMPORT_TASK, owner=actor, spooled=spooled, user_id=actor.pk,
                         ip_address=audit_context.current().ip_address, kind=kind, mapping=mapping, year=year,
                         month=month)


def run_import_job(*, spooled: str, user_id: int, ip_address: str | None, kind: str, mapping: dict[str, str],
                   year: int, month: int | None, progress: Any = None) -> dict:
    """What the task runs: the queued import as its uploader, audited as channel "import"."""
    actor = User.objects.select_related("region").get(pk=user_id)
    return jobs.run_import(spooled=spooled, ip_address=ip_address, act=lambda fh: import_list(
        actor=actor, kind=kind, fileobj=fh, mapping=mapping, year=year, month=month, progress=progress))


def import_job(*, user: Viewer, task_id: str) -> jobs.ImportJob | None:
    return jobs.import_job(user=user, task_id=task_id, task=IMPORT_TASK)
