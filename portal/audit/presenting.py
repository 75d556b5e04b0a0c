"""The audit trail as people read it: a model's label as its verbose name, a field's as its verbose name,
stored choice values as their labels, booleans as 是/否, nested values as readable text, and the channel
in words. Models are found in the app registry by their label (``monitoring.Filing``), so the portal
imports no domain app.
"""

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

# Keys of ``changes`` that are not a model's field (counts, passwords, generated figures, grants), and fields
# declared without a verbose name (Django would show "reviewed by").
EXTRA_FIELDS = {
    "enterprise": _("企业"),
    "period": _("报告期"),
    "region": _("地区"),
    "county": _("县(市、区)"),
    "city": _("市"),
    "region_path": _("地区"),
    "reviewed_by": _("审核人"),
    "filed_by": _("填报人"),
    "returned_version": _("退回时的版本"),
    "content_hash": _("内容摘要"),
    "updated_at": _("更新时间"),
    "created_at": _("创建时间"),
    "password": _("密码"),
    "failures": _("失败次数"),
    "addresses": _("来源地址数"),
    "figures": _("通报数据"),
    "original_name": _("原文件名"),
    "grantee": _("授权用户"),
    "quota": _("监测企业配额"),
    "reopened": _("已解锁"),
    "locked_at": _("锁定时间"),
    "file": _("文件"),
    "enterprise_code": _("统一社会信用代码"),
}
CHANNELS = {"web": _("网页"), "api": _("接口"), "cli": _("命令行"), "task": _("定时任务"), "import": _("导入"),
            "system": _("系统")}
NOTHING = "—"


@dataclass
class Change:
    label: str
    old: str
    new: str


def model_for(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_label(label: str) -> str:
    """``monitoring.Filing`` → 月度报表; an unknown label as it is."""
    model = model_for(label)
    return str(model._meta.verbose_name) if model is not None else label


def channel_label(channel: str) -> str:
    """``web`` → 网页, ``task:monitoring.tasks.lock_periods`` → 定时任务, ``api:系统名`` → 接口 · 系统名."""
    kind, _sep, rest = (channel or "").partition(":")
    name = CHANNELS.get(kind)
    if name is None:
        return channel
    return f"{name} · {rest}" if rest and kind == "api" else str(name)


def _field(model: type[models.Model] | None, key: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def field_label(model: type[models.Model] | None, key: str) -> str:
    field = _field(model, key)
    named = field is not None and hasattr(field, "verbose_name")
    if named and str(field.verbose_name) != key.replace("_", " "):  # declared, not derived from the name
        return str(field.verbose_name)
    if key in EXTRA_FIELDS:
        return str(EXTRA_FIELDS[key])
    return str(field.verbose_name) if named else key


def value_text(value: Any, field: Any = None, model: type[models.Model] | None = None) -> str:
    """A stored value as people read it."""
    if value is None or value == "":
        return NOTHING
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if field is not None and getattr(field, "choices", None):
        labels = {str(k): v for k, v in field.flatchoices}
        if str(value) in labels:
            return str(labels[str(value)])
    if isinstance(value, dict):
        return ";".join(f"{field_label(model, str(k))}:{value_text(v, _field(model, str(k)), model)}"
                        for k, v in value.items()) or NOTHING
    if isinstance(value, (list, tuple)):
        return _("、").join(value_text(v, field, model) for v in value) or NOTHING
    return str(value)


def readable_changes(model_name: str, changes: Any) -> list[Change]:
    """``{field: [old, new]}`` as one ``Change`` per field; a value of another shape is shown whole."""
    model = model_for(model_name)
    if not isinstance(changes, dict):
        return [Change(label=str(_("变更内容")), old=NOTHING, new=value_text(changes, None, model))]
    out = []
    for key, pair in changes.items():
        field = _field(model, key)
        if isinstance(pair, (list, tuple)) and len(pair) == 2:
            old, new = pair
        else:
            old, new = None, pair
        out.append(Change(label=field_label(model, key), old=value_text(old, field, model),
                          new=value_text(new, field, model)))
    return out
