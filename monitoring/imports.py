"""A month's filings from the downloadable xlsx template, for enterprises that cannot file online.

Sheet 1 holds one row per enterprise (indicators, survey, difficulties, explanations); sheet 2 the
products, keyed by credit code. Every row goes through the same parse → validate → file_batch path as
the form and the API; the upload is all or nothing.
"""

from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from monitoring import services
from monitoring.indicators import INDICATORS, PRODUCT_FIELDS, SURVEY, Difficulty
from monitoring.models import Period
from monitoring.validation import MAX_PRODUCTS, parse_payload
from portal.accounts.models import User
from portal.core import jobs, uploads
from portal.enterprises.models import Enterprise
from portal.notifications.models import TaskRun

MAIN_SHEET, PRODUCT_SHEET = "月度报表", "主要产品"
HEAD = [("credit_code", "统一社会信用代码"), ("name", "企业名称(仅供核对)")]
# The template's headers are its contract with the counties' files: always the declarations' Chinese labels.
HEAD += [(i.code, f"{i.label_zh}({i.unit_zh})") for i in INDICATORS]
HEAD += [(q.field_name, f"{q.label_zh}(增加/持平/减少)") for q in SURVEY]
HEAD += [("difficulties", "主要困难(逗号分隔)"), ("difficulties_text", "其他困难说明"), ("explanations", "预警说明")]
with translation.override("zh-hans"):
    PRODUCT_HEAD = [("credit_code", "统一社会信用代码"), *((key, str(label)) for key, label in PRODUCT_FIELDS)]
WORDS = {"增加": "up", "良好": "up", "持平": "same", "一般": "same", "减少": "down", "不佳": "down"}
DIFFICULTY_WORDS = {str(label): value for value, label in Difficulty.choices}
IMPORT_TASK = "monitoring.tasks.import_filings"


class _Rollback(Exception):
    pass


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        return len(self.errors)


def row_limits(actor) -> dict[str | int, int]:
    """The most rows a file of ``actor`` may have: one per enterprise in their scope (never more than
    FILING_IMPORT_MAX_ROWS), and up to MAX_PRODUCTS products for each."""
    cap = min(settings.FILING_IMPORT_MAX_ROWS, Enterprise.objects.visible_to(actor).count())
    return {MAIN_SHEET: cap, PRODUCT_SHEET: cap * MAX_PRODUCTS}


def write_template(fileobj, *, enterprises) -> None:
    wb = xlsxwriter.Workbook(fileobj, {"in_memory": True, "strings_to_formulas": False})
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True})
    text = wb.add_format({"num_format": "@"})
    ws = wb.add_worksheet(MAIN_SHEET)
    for c, (_key, label) in enumerate(HEAD):
        ws.write_string(0, c, label, head)
        ws.set_column(c, c, 14, text if c < 2 else None)
    for r, e in enumerate(enterprises, start=1):
        ws.write_string(r, 0, e.credit_code)
        ws.write_string(r, 1, e.name)
    ws.freeze_panes(1, 2)
    ps = wb.add_worksheet(PRODUCT_SHEET)
    for c, (_key, label) in enumerate(PRODUCT_HEAD):
        ps.write_string(0, c, label, head)
        ps.set_column(c, c, 16)
    wb.close()


def _rows(rows: list[tuple[int, list]], title: str, expected_head):
    header = [str(v).strip() if v is not None else "" for v in (rows[0][1] if rows and rows[0][0] == 1 else [])]
    labels = [label for _k, label in expected_head]
    if header[: len(labels)] != labels:
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
