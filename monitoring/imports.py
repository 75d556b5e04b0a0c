"""A month's filings from the downloadable xlsx template, for enterprises that cannot file online.

Sheet 1 holds one row per enterprise (indicators, survey, difficulties, explanations); sheet 2 the
products, keyed by credit code. Every row goes through the same parse → validate → file_batch path as
the form and the API; the upload is all or nothing.
"""

from typing import Any

import xlsxwriter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from monitoring import services
from monitoring.indicators import (
    INDICATORS,
    PRODUCT_FIELDS,
    PRODUCT_QUANTITIES,
    SURVEY,
    Difficulty,
    Question,
    Trend,
)
from monitoring.models import Period
from monitoring.validation import MAX_PRODUCTS, parse_payload
from portal.accounts.models import User
from portal.core import jobs, uploads
from portal.core.jobs import ImportResult
from portal.enterprises.models import Enterprise
from portal.notifications.models import TaskRun

MAIN_SHEET, PRODUCT_SHEET = "月度报表", "主要产品"


def _labels(choices) -> list[str]:
    """A question's (or the difficulties') choices as the report form words them, in Chinese."""
    with translation.override("zh-hans"):
        return [str(label) for _value, label in choices.choices]


def _survey_header(question: Question, choices=None) -> str:
    return f"{question.label_zh}({'/'.join(_labels(choices or question.choices))})"


HEAD = [("credit_code", "统一社会信用代码"), ("name", "企业名称(仅供核对)")]
# The template's headers are its contract with the counties' files: always the declarations' Chinese labels,
# each question with its own choices as the form offers them (总体经营状况: 良好/一般/不佳).
HEAD += [(i.code, f"{i.label_zh}({i.unit_zh})") for i in INDICATORS]
HEAD += [(q.field_name, _survey_header(q)) for q in SURVEY]
HEAD += [("difficulties", "主要困难(逗号分隔)"), ("difficulties_text", "其他困难说明"), ("explanations", "预警说明")]
# Templates downloaded before every question offered its own choices headed each one with 增加/持平/减少.
FORMER_HEADERS = {q.field_name: _survey_header(q, Trend) for q in SURVEY}
with translation.override("zh-hans"):
    PRODUCT_HEAD = [("credit_code", "统一社会信用代码"), *((key, str(label)) for key, label in PRODUCT_FIELDS)]
# Any question's word (the template's drop-downs, as earlier templates' words) → the stored value; the stored
# values themselves (up/same/down) pass through as they are.
WORDS = {label: value for choices in dict.fromkeys(q.choices for q in SURVEY)
         for value, label in zip(choices.values, _labels(choices), strict=True)}
DIFFICULTY_WORDS = dict(zip(_labels(Difficulty), Difficulty.values, strict=True))
WIDTHS = {"credit_code": 22, "name": 30, "difficulties": 30, "difficulties_text": 30, "explanations": 36}
IMPORT_TASK = "monitoring.tasks.import_filings"


class _Rollback(Exception):
    pass


def row_limits(actor) -> dict[str | int, int]:
    """The most rows a file of ``actor`` may have: one per enterprise in their scope (never more than
    FILING_IMPORT_MAX_ROWS), and up to MAX_PRODUCTS products for each."""
    cap = min(settings.FILING_IMPORT_MAX_ROWS, Enterprise.objects.visible_to(actor).count())
    return {MAIN_SHEET: cap, PRODUCT_SHEET: cap * MAX_PRODUCTS}


def template_name(period_code: str) -> str:
    """The template's download name: 月度报表导入模板-2026-11.xlsx."""
    return f"{MAIN_SHEET}导入模板-{period_code}.xlsx"


def _number_check(indicator) -> dict:
    """The template's check of an indicator's cells: a number (a whole one for counts), not below zero unless
    the indicator may be negative."""
    check: dict[str, Any] = {"validate": "integer" if indicator.integer else "decimal", "ignore_blank": True,
                             "error_title": _("数值有误"), "input_title": indicator.label[:32]}
    if indicator.allow_negative:
        check.update(criteria="between", minimum=-1e15, maximum=1e15,
                     error_message=_("请填写数字(单位:%(unit)s)。") % {"unit": indicator.unit})
    else:
        message = _("请填写不小于 0 的整数(单位:%(unit)s)。") if indicator.integer else _(
            "请填写不小于 0 的数字(单位:%(unit)s)。")
        check.update(criteria=">=", value=0, error_message=message % {"unit": indicator.unit})
    return check


def _main_sheet_checks(ws, last_row: int) -> None:
    """Drop-downs of each question's choices, number checks of the indicators, hints for the free columns."""
    columns = {key: c for c, (key, _label) in enumerate(HEAD)}
    for indicator in INDICATORS:
        c = columns[indicator.code]
        ws.data_validation(1, c, last_row, c, _number_check(indicator))
    for q in SURVEY:
        c = columns[q.field_name]
        choices = _labels(q.choices)
        ws.data_validation(1, c, last_row, c, {
            "validate": "list", "source": choices, "ignore_blank": True, "input_title": q.label[:32],
            "input_message": _("从下拉列表中选择:%(choices)s") % {"choices": "/".join(choices)},
            "error_title": _("选项有误"), "error_message": _("请从下拉列表中选择:%(choices)s") % {
                "choices": "/".join(choices)}})
    c = columns["difficulties"]
    ws.data_validation(1, c, last_row, c, {
        "validate": "any", "input_title": _("主要困难"),
        "input_message": (_("可多选,用逗号分隔:%(choices)s") % {"choices": "、".join(_labels(Difficulty))})[:255]})
    c = columns["explanations"]
    ws.data_validation(1, c, last_row, c, {
        "validate": "any", "input_title": _("预警说明"),
        "input_message": _("上传后提示需要说明的指标时填写,格式:指标代码:说明;多条用分号分隔。")})


def write_template(fileobj, *, enterprises) -> None:
    """The filing template: the enterprises still to file, the form's labels as headers, drop-downs for the
    questions (their choices from the declarations, as the form offers them), number checks, readable widths."""
    wb = xlsxwriter.Workbook(fileobj, {"in_memory": True, "strings_to_formulas": False})
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True, "valign": "vcenter",
                          "align": "center"})
    text = wb.add_format({"num_format": "@"})
    last_row = settings.FILING_IMPORT_MAX_ROWS  # the checks reach every row a file may have
    ws = wb.add_worksheet(MAIN_SHEET)
    for c, (key, label) in enumerate(HEAD):
        ws.write_string(0, c, label, head)
        width = WIDTHS.get(key) or max(12, min(24, 2 * len(label.split("(")[0]) + 4))
        ws.set_column(c, c, width, text if key in ("credit_code", "name", "difficulties_text", "explanations")
                      else None)
    ws.set_row(0, 45)
    for r, e in enumerate(enterprises, start=1):
        ws.write_string(r, 0, e.credit_code)
        ws.write_string(r, 1, e.name)
    _main_sheet_checks(ws, last_row)
    ws.freeze_panes(1, 2)
    ps = wb.add_worksheet(PRODUCT_SHEET)
    for c, (key, label) in enumerate(PRODUCT_HEAD):
        ps.write_string(0, c, label, head)
        ps.set_column(c, c, 22 if key in ("credit_code", "name") else 12, text if key == "credit_code" else None)
        if key in PRODUCT_QUANTITIES:
            ps.data_validation(1, c, last_row * MAX_PRODUCTS, c, {
                "validate": "decimal", "criteria": ">=", "value": 0, "ignore_blank": True,
                "error_title": _("数值有误"), "error_message": _("请填写不小于 0 的数字(最多两位小数)。")})
    ps.set_row(0, 30)
    ps.freeze_panes(1, 1)
    wb.close()


def _rows(rows: list[tuple[int, list]], title: str, expected_head):
    header = [str(v).strip() if v is not None else "" for v in (rows[0][1] if rows and rows[0][0] == 1 else [])]
    labels = [label for _k, label in expected_head]
    former = [FORMER_HEADERS.get(k, label) for k, label in expected_head]
    if header[: len(labels)] not in (labels, former):
        raise ValidationError(_("工作表“%(s)s”的表头与模板不一致,请重新下载模板。") % {"s": title})
    keys = [k for k, _l in expected_head]
    for n, values in rows[1:]:
        yield n, dict(zip(keys, values, strict=False))


def import_filings(*, actor, period: Period, fileobj, submit: bool = True, progress: Any = None) -> ImportResult:
    """Every row filed, or none (one transaction). ``progress(done, total)``, when given, is told how far the
    reading and checking have come."""
    report = progress or (lambda done, total: None)
    result = ImportResult()
    sheets = _read_sheets(actor, fileobj, result)
    if sheets is None:
        return result
    report(40, 100)
    raw_rows, product_rows = sheets
    products: dict[str, list] = {}
    for n, row in product_rows:
        code = str(row.get("credit_code") or "").strip().upper()
        products.setdefault(code, []).append((n, row))
    items, row_of = _parse_rows(actor, raw_rows, products, result)
    for code, rows in products.items():
        for n, _row in rows:
            result.errors.append(_("“主要产品”第%(n)d行:统一社会信用代码“%(c)s”不在月度报表中。") % {"n": n, "c": code})
    if not items:
        return result
    report(60, 100)
    try:
        with transaction.atomic():
            outcomes = services.file_batch(actor=actor, period=period, items=items, submit=submit)
            _count_outcomes(outcomes, row_of, result)
            if result.errors:
                raise _Rollback
    except _Rollback:
        result.created = result.updated = result.unchanged = 0
    return result


def _read_sheets(actor, fileobj, result: ImportResult) -> tuple[list, list] | None:
    """Both sheets' rows, or None with the reason in ``result.errors``. The file is checked first
    (portal.core.uploads: size, zip bomb, macros, structure, rows)."""
    try:
        sheets = uploads.read_sheets(fileobj, row_limits(actor))
        raw_rows = list(_rows(sheets[MAIN_SHEET], MAIN_SHEET, HEAD))
        product_rows = list(_rows(sheets[PRODUCT_SHEET], PRODUCT_SHEET, PRODUCT_HEAD))
    except ValidationError as exc:
        result.errors.extend(exc.messages)
        return None
    if not raw_rows:
        result.errors.append(_("模板中没有企业数据。"))
        return None
    return raw_rows, product_rows


def queue_import(*, actor, period: Period, upload) -> TaskRun:
    """A large file: file it in the background (same checks, all or nothing); the uploader follows its progress."""
    return jobs.queue_import(task=IMPORT_TASK, actor=actor, upload=upload, period_id=period.pk)


def run_import_job(*, spooled: str, user_id: int, period_id: int, ip_address: str | None, progress: Any = None) -> dict:
    """What the task runs: the queued import as its uploader, audited as channel "import"."""
    actor = User.objects.select_related("region").get(pk=user_id)
    period = Period.objects.get(pk=period_id)
    return jobs.run_import(spooled=spooled, ip_address=ip_address, act=lambda fh: import_filings(
        actor=actor, period=period, fileobj=fh, progress=progress))


def import_job(*, user, task_id: str) -> jobs.ImportJob | None:
    return jobs.import_job(user=user, task_id=task_id, task=IMPORT_TASK)


def _parse_rows(actor, raw_rows: list, products: dict[str, list], result: ImportResult) -> tuple[list, dict]:
    """The batch's items for the enterprises in the actor's scope, and each enterprise's row number.

    Takes each enterprise's products out of ``products``: what is left there names no enterprise of the sheet.
    """
    codes = [str(r.get("credit_code") or "").strip().upper() for _n, r in raw_rows]
    enterprises = {e.credit_code: e for e in Enterprise.objects.visible_to(actor).filter(credit_code__in=codes)
                   .select_related("industry", "region")}
    items, row_of = [], {}
    for n, row in raw_rows:
        code = str(row.get("credit_code") or "").strip().upper()
        enterprise = enterprises.get(code)
        if enterprise is None:
            result.errors.append(_("第%(n)d行:统一社会信用代码“%(c)s”不是您管辖范围内的企业。") % {"n": n, "c": code})
            continue
        if enterprise.id in row_of:
            result.errors.append(_("第%(n)d行:企业与第%(m)d行重复。") % {"n": n, "m": row_of[enterprise.id]})
            continue
        row_of[enterprise.id] = n
        for q in SURVEY:
            value = str(row.get(q.field_name) or "").strip()
            row[q.field_name] = WORDS.get(value, value)
        row["difficulties"] = [DIFFICULTY_WORDS.get(d.strip(), d.strip())
                               for d in str(row.get("difficulties") or "").replace(",", ",").split(",") if d.strip()]
        row["explanations"] = _explanations(row.get("explanations"))
        row["products"] = [dict(p) for _pn, p in products.pop(code, [])]
        data, parsed = parse_payload(row)
        items.append((enterprise, data, parsed))
    return items, row_of


def _count_outcomes(outcomes, row_of: dict, result: ImportResult) -> None:
    """Each row's errors (with its row number) and the counts of created, updated and unchanged filings."""
    for out in outcomes:
        n = row_of[out.enterprise.id]
        for key, msgs in out.errors.items():
            hint = _("(在“预警说明”列填写 %(code)s:说明)") % {"code": key.split(".", 1)[1]} if key.startswith(
                "explanations.") else ""
            for msg in msgs:
                result.errors.append(_("第%(n)d行(%(name)s):%(msg)s%(hint)s") % {
                    "n": n, "name": out.enterprise.name, "msg": msg, "hint": hint})
        if out.outcome in ("created", "updated", "unchanged"):
            setattr(result, out.outcome, getattr(result, out.outcome) + 1)


def _explanations(value) -> dict:
    """"code:text; code:text" → {code: text}. Codes are shown in the warning messages of a failed upload."""
    out = {}
    for part in str(value or "").replace(";", ";").split(";"):
        if ":" in part.replace(":", ":"):
            code, text = part.replace(":", ":").split(":", 1)
            out[code.strip()] = text.strip()
    return out
