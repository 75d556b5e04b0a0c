"""Every write to the enterprise registry. Each function owns its transaction and its audit rows."""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import xlsxwriter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.scoping import Viewer, scope_for
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core import bounds, jobs, uploads
from portal.core.db import analyze
from portal.core.jobs import ImportResult
from portal.notifications.models import TaskRun
from portal.regions.models import Region, RegionLevel

from .credit_code import validate_credit_code
from .models import HONOUR_FIELDS, HONOUR_FLAGS, Enterprise, Honour, HonourKind, Industry
from .selectors import category_labels
from .standards import Classifier, UnknownCategory, current_standard, finer_industries

# Fields an official may set; the size class is derived, never typed.
EDITABLE_FIELDS = (
    "credit_code", "name", "region", "industry", "employees", "revenue", "assets",
    "above_designated_size", *HONOUR_FIELDS,
    "monitored_from", "monitored_until", "contact_name", "contact_phone", "contact_email", "address",
)
AUDITED_FIELDS = (*EDITABLE_FIELDS, "size_class")
# What an information officer may change about their own enterprise.
OFFICER_FIELDS = ("contact_name", "contact_phone", "contact_email", "address")


def _check_region(actor: Any, region: Region) -> None:
    if region.level != RegionLevel.COUNTY:
        raise ValidationError({"region": _("企业须登记在县(市、区)级地区。")})
    if not scope_for(actor).region_in_scope(region):
        raise PermissionDenied(_("不能在您管辖范围以外的地区登记企业。"))


def _credit_code(code: str) -> str:
    """The normalised code; a format error is reported on the credit code field."""
    try:
        return validate_credit_code(code)
    except ValidationError as exc:
        raise ValidationError({"credit_code": exc.messages}) from exc


# More precise codes than this are listed by code alone in a message.
MAX_NAMED_CODES = 6


def coarse_industry_message(industry: Industry, table: Any=None) -> str:
    """Why an enterprise cannot be filed under a code spanning several categories, and what to file instead."""
    finer = finer_industries(industry, Industry.objects.all() if table is None else table)
    if len(finer) <= MAX_NAMED_CODES:
        choices = _("、").join(str(i) for i in finer)
    else:
        choices = _("、").join(i.code for i in finer)
    return _("行业“%(industry)s”在《中小企业划型标准规定》中分属不同的行业类别,无法据以划型,"
             "请改选更细的行业代码:%(choices)s。") % {"industry": industry, "choices": choices}


def validate_industry(industry: Industry, *, table: Any=None) -> None:
    """An enterprise is filed under a code of one category of the size standard (or outside it), never a coarser one."""
    if industry.spans_categories:
        raise ValidationError({"industry": coarse_industry_message(industry, table)})


def _classify(enterprise: Enterprise, classifier: Classifier) -> None:
    try:
        enterprise.size_class = classifier.classify(
            enterprise.industry.size_category,
            employees=enterprise.employees,
            revenue=enterprise.revenue,
            assets=enterprise.assets,
        )
    except UnknownCategory as exc:
        raise ValidationError({"industry": _(
            "行业“%(industry)s”的划型类别“%(category)s”不在现行划型标准中,无法划型,请联系系统管理员。"
        ) % {"industry": enterprise.industry, "category": exc.args[0]}}) from exc
    enterprise.size_standard = classifier.standard


def _apply(enterprise: Enterprise, data: dict, classifier: Classifier, *, industries: Any=None) -> None:
    out_of_bounds = bounds.field_errors(Enterprise, data)  # what the columns hold, on every database
    if out_of_bounds:
        raise out_of_bounds
    for name, value in data.items():
        setattr(enterprise, name, value)
    enterprise.region_path = enterprise.region.path
    if enterprise.monitored_until and enterprise.monitored_from and enterprise.monitored_until < enterprise.monitored_from:
        raise ValidationError({"monitored_until": _("退出监测日期不能早于纳入监测日期。")})
    if enterprise.monitored_until and not enterprise.monitored_from:
        raise ValidationError({"monitored_from": _("填写退出监测日期前须先填写纳入监测日期。")})
    if "industry" in data:
        validate_industry(enterprise.industry, table=industries)
    if not enterprise.industry.spans_categories:
        _classify(enterprise, classifier)
    # else: a contact-only change of an enterprise filed under a coarse code before finer codes were
    # required; its size class stays as it was until an official files the finer code.
    if enterprise.above_designated_size and not enterprise.industry.is_industrial:
        raise ValidationError({"above_designated_size": _("“规模以上工业企业”只适用于工业企业。")})


@transaction.atomic
def create_enterprise(*, actor: Any, data: dict) -> Enterprise:
    _check_region(actor, data["region"])
    data = {**data, "credit_code": _credit_code(data["credit_code"])}
    if Enterprise.objects.filter(credit_code=data["credit_code"]).exists():
        raise ValidationError({"credit_code": _("该统一社会信用代码已登记。")})
    enterprise = Enterprise()
    _apply(enterprise, data, Classifier(current_standard()))
    enterprise.full_clean(exclude=["size_standard"])
    enterprise.save()
    sync_honour_records([(enterprise, {})])
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=enterprise,
        enterprise_id=enterprise.pk,
        changes=audit.diff({}, audit.snapshot(enterprise, AUDITED_FIELDS)),
    )
    return enterprise


@transaction.atomic
def update_enterprise(*, actor: Any, enterprise: Enterprise, data: dict) -> Enterprise:
    scope = scope_for(actor)
    if not scope.changeable_enterprises(Enterprise.objects.filter(pk=enterprise.pk)).exists():
        raise PermissionDenied(_("无权修改该企业。"))
    if scope.is_enterprise and set(data) - set(OFFICER_FIELDS):
        raise PermissionDenied(_("企业信息员只能修改联系信息。"))
    if "region" in data and data["region"].pk != enterprise.region_id:
        _check_region(actor, data["region"])
    if "credit_code" in data:
        data = {**data, "credit_code": _credit_code(data["credit_code"])}
        if Enterprise.objects.filter(credit_code=data["credit_code"]).exclude(pk=enterprise.pk).exists():
            raise ValidationError({"credit_code": _("该统一社会信用代码已登记。")})
    before = audit.snapshot(enterprise, AUDITED_FIELDS)
    _apply(enterprise, data, Classifier(current_standard()))
    enterprise.full_clean(exclude=["size_standard"])
    enterprise.save()
    sync_honour_records([(enterprise, before)])
    changes = audit.diff(before, audit.snapshot(enterprise, AUDITED_FIELDS))
    if changes:
        audit.record(
            actor=actor, action=AuditEntry.Action.UPDATE, obj=enterprise, enterprise_id=enterprise.pk, changes=changes
        )
    return enterprise


@transaction.atomic
def reclassify_all(*, actor: Any, standard: Any=None) -> int:
    """Re-derive every enterprise's size class after a revised standard is loaded. Audited in bulk."""
    standard = standard or current_standard()
    classifier = Classifier(standard)
    categories = dict(Industry.objects.values_list("id", "size_category"))
    changed = []
    rows = Enterprise.objects.only("id", "name", "industry_id", "employees", "revenue", "assets", "size_class",
                                   "size_standard_id", "region_path")
    for e in rows.iterator(chunk_size=5000):
        if categories[e.industry_id] == Industry.SPANS_CATEGORIES:
            continue  # filed under a coarse code: classed again once an official files a finer one
        new = classifier.classify(categories[e.industry_id], employees=e.employees, revenue=e.revenue, assets=e.assets)
        if new != e.size_class or e.size_standard_id != standard.pk:
            changed.append((e, e.size_class, new))
            e.size_class, e.size_standard_id = new, standard.pk
    Enterprise.objects.bulk_update([e for e, _o, _n in changed], ["size_class", "size_standard"], batch_size=2000)
    audit.record_many(_audit_row(actor, AuditEntry.Action.BULK_UPDATE, e, {"size_class": [old, new]},
                                 note=standard.code) for e, old, new in changed if old != new)
    return len(changed)


def _audit_row(actor: Any, action: Any, enterprise: Enterprise, changes: Any, note: Any="") -> Any:
    return audit.entry(actor=actor, action=action, model="enterprises.Enterprise", object_id=str(enterprise.pk),
                       object_repr=str(enterprise)[:200], region_path=enterprise.region_path,
                       enterprise_id=enterprise.pk, changes=changes, note=note)


# ---------------------------------------------------------------------------------------------
# Bulk import from the xlsx template
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True
    kind: str = "text"  # text | int | decimal | bool | date | email
    example: object = ""


IMPORT_COLUMNS = (
    Column("credit_code", "统一社会信用代码", example="91320600MA1MXXXXXX"),
    Column("name", "企业名称", example="南通示例机械有限公司"),
    Column("region", "所在县(市、区)代码", example="320685"),
    Column("industry", "行业代码", example="34"),
    Column("employees", "从业人员(人)", kind="int", example=120),
    Column("revenue", "营业收入(万元)", kind="decimal", example="8500.00"),
    Column("assets", "资产总额(万元)", kind="decimal", example="6200.00"),
    Column("above_designated_size", "规模以上工业企业(是/否)", required=False, kind="bool", example="是"),
    Column("is_specialized", "专精特新(是/否)", required=False, kind="bool", example="否"),
    Column("is_little_giant", "专精特新“小巨人”(是/否)", required=False, kind="bool", example="否"),
    Column("is_single_champion", "制造业单项冠军(是/否)", required=False, kind="bool", example="否"),
    Column("is_high_tech", "高新技术企业(是/否)", required=False, kind="bool", example="是"),
    Column("monitored_from", "纳入监测日期", required=False, kind="date", example="2026-01-01"),
    Column("contact_name", "监测联系人", required=False, example="张三"),
    Column("contact_phone", "联系电话", required=False, example="13800000000"),
    Column("contact_email", "电子邮箱", required=False, kind="email", example="zhangsan@example.com"),
    Column("address", "地址", required=False, example="海安市城东镇示例路1号"),
)
TRUE_WORDS = {"是", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "n", "no", "false", "0", ""}
IMPORT_TASK = "portal.enterprises.tasks.import_enterprises"


def _parse_int(raw: Any) -> int:
    value = Decimal(str(raw))
    if value != value.to_integral_value() or value < 0:
        raise ValueError
    return int(value)


def _parse_decimal(raw: Any) -> Decimal:
    value = Decimal(str(raw)).quantize(Decimal("0.01"))
    if value < 0:
        raise ValueError
    return value


def _parse_bool(raw: Any) -> bool:
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError


def _parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    return date.fromisoformat(str(raw).replace("/", "-"))


def _parse_email(raw: Any) -> str:
    validate_email(str(raw))
    return str(raw)


# A column's kind → its parser, which raises ValueError, InvalidOperation or ValidationError on a bad cell.
CELL_PARSERS = {"int": _parse_int, "decimal": _parse_decimal, "bool": _parse_bool, "date": _parse_date,
                "email": _parse_email}


def _cell(col: Column, raw: Any, errors: list[str], row_no: int) -> Any:
    if isinstance(raw, str):
        raw = raw.strip()
    if raw in (None, ""):
        if col.required:
            errors.append(_("第%(row)d行“%(col)s”不能为空。") % {"row": row_no, "col": col.header})
            return None
        # Blank optional cells: text columns are stored as "", never NULL.
        return {"bool": False, "text": "", "email": ""}.get(col.kind)
    try:
        return CELL_PARSERS.get(col.kind, str)(raw)
    except (ValueError, InvalidOperation, ValidationError):
        hint = {
            "int": _("应为非负整数"),
            "decimal": _("应为非负数字"),
            "bool": _("应填“是”或“否”"),
            "date": _("应为日期,如 2026-01-31"),
            "email": _("应为有效的电子邮箱"),
        }.get(col.kind, _("格式不正确"))
        errors.append(
            _("第%(row)d行“%(col)s”填写为“%(value)s”,%(hint)s。")
            % {"row": row_no, "col": col.header, "value": raw, "hint": hint}
        )
        return None


def read_import_rows(fileobj: Any) -> list[tuple[int, list]]:
    """Rows of the first sheet as (row number, values). The file is checked first (portal.core.uploads: size,
    zip bomb, macros, structure) and refused beyond ENTERPRISE_IMPORT_MAX_ROWS rows."""
    rows = uploads.read_sheets(fileobj, {0: settings.ENTERPRISE_IMPORT_MAX_ROWS})[0]
    if not rows:
        raise ValidationError(_("文件为空。"))
    (header_no, header), data_rows = rows[0], rows[1:]
    headers = [str(v).strip() if v is not None else "" for v in header[: len(IMPORT_COLUMNS)]]
    expected = [c.header for c in IMPORT_COLUMNS]
    if header_no != 1 or headers != expected:
        raise ValidationError(_("表头与模板不一致,请使用本平台提供的模板(第1行应为:%(h)s)。") % {
            "h": _("、").join(expected)})
    return data_rows


def import_enterprises(*, actor: Any, fileobj: Any, dry_run: bool = False,
                       progress: Any = None) -> ImportResult:
    """Validate every row; save all of them or none. Errors name the row and the column. ``progress(done,
    total)``, when given, is told how far the reading and checking have come (the save is one transaction)."""
    report = progress or (lambda done, total: None)
    result = ImportResult()
    scope = scope_for(actor)
    if not scope.is_official:
        raise PermissionDenied(_("只有主管部门可以批量导入企业名录。"))
    try:
        rows = read_import_rows(fileobj)
    except ValidationError as exc:
        result.errors.extend(exc.messages)
        return result
    report(30, 100)
    lookup = _ImportLookup(
        regions={r.code: r for r in Region.objects.visible_to(actor).filter(level=RegionLevel.COUNTY)},
        industries={i.code: i for i in Industry.objects.all()},
    )
    parsed: list[tuple[int, dict]] = []
    for i, (row_no, values) in enumerate(rows, start=1):
        data, errors = _parse_import_row(row_no, values, lookup)
        result.errors.extend(errors)
        if not errors:
            parsed.append((row_no, data))
        if i % 5000 == 0:
            report(30 + 40 * i // len(rows), 100)
    report(70, 100)
    to_create, to_update = _plan_import(scope, parsed, lookup, result)
    if result.errors:
        result.created = result.updated = result.unchanged = 0
        return result
    result.created, result.updated = len(to_create), len(to_update)
    if dry_run:
        return result
    report(85, 100)
    _save_import(actor, to_create, to_update)
    # Thousands of new rows are read at once by the next job (a reminder, the status pages): analysed now, not
    # when autovacuum gets to it (a no-op on SQLite and after a small import).
    analyze(Enterprise, rows=len(to_create) + len(to_update))
    return result


def queue_import(*, actor: Any, upload: Any) -> TaskRun:
    """A large file: import it in the background (same checks, all or nothing); the uploader follows its progress."""
    if not scope_for(actor).is_official:
        raise PermissionDenied(_("只有主管部门可以批量导入企业名录。"))
    return jobs.queue_import(task=IMPORT_TASK, actor=actor, upload=upload)


def run_import_job(*, spooled: str, user_id: int, ip_address: str | None, progress: Any = None) -> dict:
    """What the task runs: the queued import as its uploader, audited as channel "import"."""
    actor = User.objects.select_related("region").get(pk=user_id)
    return jobs.run_import(spooled=spooled, ip_address=ip_address,
                           act=lambda fh: import_enterprises(actor=actor, fileobj=fh, progress=progress))


def import_job(*, user: Viewer, task_id: str) -> jobs.ImportJob | None:
    return jobs.import_job(user=user, task_id=task_id, task=IMPORT_TASK)


@dataclass
class _ImportLookup:
    """What the rows of one import are checked against: the actor's counties, the industries, the codes seen."""

    regions: dict
    industries: dict
    codes_in_file: dict[str, int] = field(default_factory=dict)

    @property
    def industry_table(self) -> list:
        return list(self.industries.values())


def _parse_import_row(row_no: int, values: list, lookup: _ImportLookup) -> tuple[dict, list[str]]:
    """One row's typed data and its errors."""
    errors: list[str] = []
    values = values + [None] * (len(IMPORT_COLUMNS) - len(values))
    data = {c.key: _cell(c, values[i], errors, row_no) for i, c in enumerate(IMPORT_COLUMNS)}
    if data["credit_code"]:
        _check_import_credit_code(row_no, data, lookup.codes_in_file, errors)
    if data["region"] is not None:
        code = str(data["region"]).split(".")[0]
        data["region"] = lookup.regions.get(code)
        if data["region"] is None:
            errors.append(_("第%(row)d行:地区代码“%(code)s”不是您管辖范围内的县(市、区)。") % {
                "row": row_no, "code": code})
    if data["industry"] is not None:
        _resolve_import_industry(row_no, data, lookup, errors)
    # The registry's bounds (lengths, numbers, dates), reported with the row's other errors.
    out_of_bounds = bounds.field_errors(Enterprise, {k: v for k, v in data.items() if k != "credit_code"})
    for messages in (out_of_bounds.message_dict.values() if out_of_bounds else ()):
        errors.extend(_("第%(row)d行:%(msg)s") % {"row": row_no, "msg": msg} for msg in messages)
    return data, errors


def _check_import_credit_code(row_no: int, data: dict, codes_in_file: dict[str, int], errors: list[str]) -> None:
    try:
        data["credit_code"] = validate_credit_code(data["credit_code"])
    except ValidationError as exc:
        errors.append(_("第%(row)d行:%(msg)s") % {"row": row_no, "msg": exc.messages[0]})
    else:
        if data["credit_code"] in codes_in_file:
            errors.append(_("第%(row)d行:统一社会信用代码与第%(other)d行重复。") % {
                "row": row_no, "other": codes_in_file[data["credit_code"]]})
        codes_in_file.setdefault(data["credit_code"], row_no)


def _resolve_import_industry(row_no: int, data: dict, lookup: _ImportLookup, errors: list[str]) -> None:
    code = str(data["industry"]).split(".")[0].upper()
    if code.isdigit() and len(code) == 1:  # a division typed as a number loses its leading zero
        code = "0" + code
    data["industry"] = lookup.industries.get(code)
    if data["industry"] is None:
        errors.append(_("第%(row)d行:行业代码“%(code)s”不存在(请填写《国民经济行业分类》的门类字母、"
                        "大类或中类代码,见模板的“代码表”)。") % {"row": row_no, "code": code})
    elif data["industry"].spans_categories:
        errors.append(_("第%(row)d行:%(msg)s") % {
            "row": row_no, "msg": coarse_industry_message(data["industry"], lookup.industry_table)})


def _plan_import(scope: Any, parsed: list[tuple[int, dict]], lookup: _ImportLookup,
                 result: ImportResult) -> tuple[list, list]:
    """The enterprises to create and to update, each with its audit diff; counts the unchanged ones."""
    existing = {
        e.credit_code: e
        for e in Enterprise.objects.filter(credit_code__in=[d["credit_code"] for _r, d in parsed]).select_related(
            "industry", "region"
        )
    }
    changeable = set(
        scope.changeable_enterprises(Enterprise.objects.filter(credit_code__in=existing)).values_list("id", flat=True)
    )
    classifier = Classifier(current_standard())
    industry_table = lookup.industry_table
    to_create, to_update = [], []
    for row_no, data in parsed:
        current = existing.get(data["credit_code"])
        if current is not None and current.pk not in changeable:
            result.errors.append(_("第%(row)d行:该统一社会信用代码已由其他地区登记,请联系上级主管部门。") % {"row": row_no})
            continue
        enterprise = current or Enterprise()
        before = audit.snapshot(enterprise, AUDITED_FIELDS) if current else {}
        try:
            _apply(enterprise, data, classifier, industries=industry_table)
        except ValidationError as exc:
            for msg in exc.messages:
                result.errors.append(_("第%(row)d行:%(msg)s") % {"row": row_no, "msg": msg})
            continue
        changes = audit.diff(before, audit.snapshot(enterprise, AUDITED_FIELDS))
        if current is None:
            to_create.append((enterprise, changes))
        elif changes:
            to_update.append((enterprise, changes))
        else:
            result.unchanged += 1
    return to_create, to_update


def _save_import(actor: Any, to_create: list, to_update: list) -> None:
    with transaction.atomic():
        Enterprise.objects.bulk_create([e for e, _c in to_create], batch_size=2000)
        if not all(e.pk for e, _c in to_create):  # backends without RETURNING: fetch ids by code
            ids = dict(Enterprise.objects.filter(credit_code__in=[e.credit_code for e, _c in to_create]).values_list(
                "credit_code", "id"))
            for e, _c in to_create:
                e.pk = ids[e.credit_code]
        Enterprise.objects.bulk_update(
            [e for e, _c in to_update], [*EDITABLE_FIELDS, "size_class", "size_standard", "region_path"],
            batch_size=2000,
        )
        sync_honour_records([(e, {}) for e, _c in to_create]
                            + [(e, {k: old for k, (old, _new) in c.items()}) for e, c in to_update])
        audit_rows = [_audit_row(actor, AuditEntry.Action.BULK_CREATE, e, c, note=_("批量导入"))
                      for e, c in to_create]
        audit_rows += [_audit_row(actor, AuditEntry.Action.BULK_UPDATE, e, c, note=_("批量导入"))
                       for e, c in to_update]
        audit.record_many(audit_rows)


def write_import_template(fileobj: Any, *, regions: Any=None) -> None:
    """The downloadable template: headers, one example row, and a sheet of valid codes.

    ``regions`` limits the code sheet to the counties the downloading official may import into.
    """

    wb = xlsxwriter.Workbook(fileobj, {"in_memory": True, "strings_to_formulas": False})
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True})
    ws = wb.add_worksheet("企业名录")
    for i, col in enumerate(IMPORT_COLUMNS):
        ws.write_string(0, i, col.header, head)
        ws.set_column(i, i, max(12, len(col.header) * 2))
        note = _("示例:%(example)s") % {"example": col.example}
        ws.write_comment(0, i, note + (_("(必填)") if col.required else _("(选填)")))
    ws.freeze_panes(1, 0)
    ref = wb.add_worksheet("代码表")
    ref.write_row(0, 0, ["县(市、区)代码", "名称", "", "行业代码", "行业名称", "划型行业类别"], head)
    if regions is None:
        regions = Region.objects.filter(level=RegionLevel.COUNTY)
    for r, region in enumerate(regions.order_by("path"), start=1):
        ref.write_string(r, 0, region.code)
        ref.write_string(r, 1, region.name)

    labels = category_labels()
    for r, ind in enumerate(Industry.objects.order_by("code"), start=1):
        ref.write_string(r, 3, ind.code)
        ref.write_string(r, 4, ind.name)
        if ind.spans_categories:
            ref.write_string(r, 5, "须填写更细的行业代码")
        elif ind.outside_standard:
            ref.write_string(r, 5, "不适用划型标准")
        else:
            ref.write_string(r, 5, labels.get(ind.size_category, ind.size_category))
    ref.set_column(0, 5, 18)
    wb.close()


# ---------------------------------------------------------------------------------------------
# Dated honours: the records, and the registry flags kept as their cache
# ---------------------------------------------------------------------------------------------

FLAG_KINDS = {flag: kind for kind, flag in HONOUR_FLAGS.items()}


def sync_honour_records(changed: list[tuple[Enterprise, dict]]) -> None:
    """Records for flags an official ticked or cleared on the form or in the import (the flags are the
    records' cache, so a tick is an honour granted on a day nobody typed, a cleared flag revokes today).

    ``changed``: each saved enterprise with its flags before the change (``{}`` for a new one; a flag absent
    from the dict was unchanged, unless the dict is empty). Three queries whatever the number."""
    wanted: list[Honour] = []
    revoke: list[tuple[int, str]] = []
    for enterprise, before in changed:
        for flag, kind in FLAG_KINDS.items():
            now = bool(getattr(enterprise, flag))
            was = bool(before.get(flag, now if before else False))
            if now and not was:
                wanted.append(Honour(enterprise_id=enterprise.pk, kind=kind, note=_("登记时标记,认定日期未知")))
            elif was and not now:
                revoke.append((enterprise.pk, kind))
    if wanted:
        held = set(Honour.objects.current().filter(enterprise_id__in={h.enterprise_id for h in wanted})
                   .values_list("enterprise_id", "kind"))
        Honour.objects.bulk_create([h for h in wanted if (h.enterprise_id, h.kind) not in held], batch_size=2000)
    if revoke:
        today = timezone.localdate()
        for kind in {k for _e, k in revoke}:
            Honour.objects.current().filter(kind=kind, enterprise_id__in=[e for e, k in revoke if k == kind]) \
                .update(revoked_on=today)


def _honour_snapshot(honour: Honour) -> dict:
    return audit.snapshot(honour, ("kind", "level", "granted_on", "document_no", "expires_on", "revoked_on"))


def _refresh_flag(enterprise: Enterprise, kind: str) -> None:
    flag = HONOUR_FLAGS[kind]
    held = Honour.objects.current().filter(enterprise=enterprise, kind=kind).exists()
    if getattr(enterprise, flag) != held:
        setattr(enterprise, flag, held)
        Enterprise.objects.filter(pk=enterprise.pk).update(**{flag: held})


def _check_may_manage_honours(actor: Any, enterprise: Enterprise) -> None:
    if not scope_for(actor).may_manage_honours(enterprise):
        raise PermissionDenied(_("无权维护该企业的荣誉认定。"))


@transaction.atomic
def grant_honour(*, actor: Any, enterprise: Enterprise, kind: str, level: str = "", granted_on: date | None,
                 document_no: str = "", expires_on: date | None = None) -> Honour:
    """Record an honour granted to ``enterprise`` (an official over its region); its flag follows."""
    _check_may_manage_honours(actor, enterprise)
    if kind not in HonourKind.values:
        raise ValidationError({"kind": _("请选择荣誉类别。")})
    if granted_on is not None and granted_on > timezone.localdate():
        raise ValidationError({"granted_on": _("认定日期不能晚于今天。")})
    if expires_on is not None and granted_on is not None and expires_on < granted_on:
        raise ValidationError({"expires_on": _("有效期不能早于认定日期。")})
    honour = Honour(enterprise=enterprise, kind=kind, level=level, granted_on=granted_on,
                    document_no=document_no.strip(), expires_on=expires_on)
    honour.full_clean()
    honour.save()
    _refresh_flag(enterprise, kind)
    audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=honour, enterprise_id=enterprise.pk,
                 region_path=enterprise.region_path, changes=audit.diff({}, _honour_snapshot(honour)))
    return honour


@transaction.atomic
def revoke_honour(*, actor: Any, honour: Honour, revoked_on: date | None = None, reason: str = "") -> Honour:
    """Revoke an honour (撤销) from a day; the enterprise's flag follows."""
    enterprise = honour.enterprise
    _check_may_manage_honours(actor, enterprise)
    if honour.revoked_on is not None:
        raise ValidationError(_("该荣誉已撤销。"))
    revoked_on = revoked_on or timezone.localdate()
    if honour.granted_on is not None and revoked_on < honour.granted_on:
        raise ValidationError({"revoked_on": _("撤销日期不能早于认定日期。")})
    before = _honour_snapshot(honour)
    honour.revoked_on = revoked_on
    honour.save(update_fields=["revoked_on"])
    _refresh_flag(enterprise, honour.kind)
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=honour, enterprise_id=enterprise.pk,
                 region_path=enterprise.region_path, changes=audit.diff(before, _honour_snapshot(honour)),
                 note=reason[:200])
    return honour
