"""Service records imported from the xlsx template: all or nothing, errors named by row and column.

The file passes ``portal.core.uploads`` first (the form's UploadField, again in ``read_sheets``); a file with
more rows than IMPORT_INLINE_MAX_ROWS is run by the task through ``portal.core.jobs`` as the registry import is.
The rows go through the same batch core as the API (``services.plan_records``)."""

from typing import Any

import xlsxwriter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.accounts.models import User
from portal.accounts.scoping import Viewer
from portal.core import jobs, uploads
from portal.core.jobs import ImportResult
from portal.notifications.models import TaskRun

from . import services
from .models import Platform
from .rules import Channel, Charging, ServiceArea

IMPORT_TASK = "platforms.tasks.import_records"
# (item key, header)
COLUMNS = (
    ("credit_code", "统一社会信用代码"),
    ("enterprise_name", "企业名称"),
    ("area", "服务领域"),
    ("served_on", "服务日期"),
    ("charging", "公益/收费"),
    ("description", "服务内容"),
    ("external_id", "平台记录编号"),
)
HEADERS = [h for _k, h in COLUMNS]
MAX_ROWS = 20000


def _rows(fileobj: Any) -> list:
    rows = uploads.read_sheets(fileobj, {0: MAX_ROWS})[0]
    if not rows:
        raise ValidationError(_("文件为空。"))
    (header_no, header), data = rows[0], rows[1:]
    got = [str(v).strip() if v is not None else "" for v in header[: len(COLUMNS)]]
    if header_no != 1 or got != HEADERS:
        raise ValidationError(_("表头与模板不一致,请使用本平台提供的模板(第1行应为:%(h)s)。") % {"h": "、".join(HEADERS)})
    return [(n, values) for n, values in data if any(v not in (None, "") for v in values)]


def import_records(*, actor: Any, platform: Platform, fileobj: Any, progress: Any = None) -> ImportResult:
    """Check every row; save all of them or none."""
    result = ImportResult()
    platform = services.changeable_platform(actor, platform)
    try:
        rows = _rows(fileobj)
    except ValidationError as exc:
        result.errors.extend(exc.messages)
        return result
    if not rows:
        result.errors.append(_("文件中没有数据行。"))
        return result
    items = [{key: (values[i] if i < len(values) else None) for i, (key, _h) in enumerate(COLUMNS)}
             for _n, values in rows]
    headers = dict(COLUMNS) | {"__all__": ""}
    with transaction.atomic():
        outcomes = services.plan_records(platform=platform, items=items)
        for (row_no, _values), out in zip(rows, outcomes, strict=True):
            for name, messages in out.errors.items():
                for msg in messages:
                    result.errors.append(_("第%(row)d行“%(col)s”:%(msg)s") % {
                        "row": row_no, "col": headers.get(name, name), "msg": msg})
        if result.errors:
            return result
        services.write_records(actor=actor, platform=platform, outcomes=outcomes, channel=Channel.IMPORT)
    result.created = sum(1 for o in outcomes if o.outcome == "created")
    result.updated = sum(1 for o in outcomes if o.outcome == "updated")
    result.unchanged = sum(1 for o in outcomes if o.outcome == "unchanged")
    return result


def queue_import(*, actor: Any, platform: Platform, upload: Any) -> TaskRun:
    platform = services.changeable_platform(actor, platform)
    return jobs.queue_import(task=IMPORT_TASK, actor=actor, upload=upload, platform_id=platform.pk)


def run_import_job(*, spooled: str, user_id: int, platform_id: int, ip_address: str | None,
                   progress: Any = None) -> dict:
    actor = User.objects.get(pk=user_id)
    platform = Platform.objects.get(pk=platform_id)
    return jobs.run_import(spooled=spooled, ip_address=ip_address,
                           act=lambda fh: import_records(actor=actor, platform=platform, fileobj=fh))


def import_job(*, user: Viewer, task_id: str) -> jobs.ImportJob | None:
    return jobs.import_job(user=user, task_id=task_id, task=IMPORT_TASK)


def needs_job(upload: Any) -> bool:
    return jobs.needs_job(upload.upload_check, (0,))


def write_template(fileobj: Any) -> None:
    """The template: headers with notes, drop-downs for the service area and 公益/收费, one example row."""
    wb = xlsxwriter.Workbook(fileobj, {"in_memory": True, "strings_to_formulas": False})
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1})
    ws = wb.add_worksheet(_("服务记录"))
    for i, header in enumerate(HEADERS):
        ws.write_string(0, i, header, head)
        ws.set_column(i, i, 22 if i != 5 else 40)
    ws.write_comment(0, 3, _("日期,如 2026-10-08;只能填写尚未结束的季度"))
    ws.write_comment(0, 6, _("选填:平台自己系统中的记录编号,再次导入时据此更新"))
    ws.data_validation(1, 2, settings.IMPORT_INLINE_MAX_ROWS, 2,
                       {"validate": "list", "source": [str(label) for _v, label in ServiceArea.choices]})
    ws.data_validation(1, 4, settings.IMPORT_INLINE_MAX_ROWS, 4,
                       {"validate": "list", "source": [str(label) for _v, label in Charging.choices]})
    ws.freeze_panes(1, 0)
    wb.close()

