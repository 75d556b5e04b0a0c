"""Statistics-office validation of a filing, shared by the browser form, the API and xlsx imports.

Hard errors block submission and name the field and the reason. Soft warnings may be kept only
with a written explanation, which the reviewer sees. Comparisons use last month's filing of the
same year (year-to-date flows never shrink) and the same month of last year (year-on-year change).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache

from django.utils.translation import gettext as _

from monitoring.indicators import (
    EMPLOYEE_CHANGE_LIMIT,
    INDICATORS,
    PRODUCT_FIELDS,
    PRODUCT_QUANTITIES,
    SURVEY,
    YOY_LIMIT,
    Difficulty,
    Kind,
    field_labels,
)
from monitoring.models import Filing, FilingProduct
from portal.core import bounds

MAX_PRODUCTS = 10
MAX_VALUE = Decimal("999999999999999")  # no column holds more; larger input is refused before any arithmetic
PRODUCT_QUANTUM = Decimal("0.01")  # FilingProduct quantities have two decimals, as the form
# Computed once: an enum's ``values`` is rebuilt on every access, which shows in batches of 1,000.
_ANSWERS = {q.field_name: frozenset(q.choices.values) for q in SURVEY}
_DIFFICULTIES = frozenset(Difficulty.values)


@dataclass
class Context:
    """What validation compares with. Built in bulk by the services (one query per kind per batch)."""

    industrial: bool
    previous: Mapping | None = None  # last month's values, same year (None in January or when absent)
    previous_employees: int | None = None  # last month's employees, even across the year boundary
    last_year: Mapping | None = None  # same month last year
    previous_inventory: Mapping | None = None  # product name -> last month's closing inventory


@dataclass
class Result:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[dict] = field(default_factory=list)

    def error(self, field_name: str, message: str) -> None:
        self.errors.setdefault(field_name, []).append(message)

    def warn(self, code: str, field_name: str, message: str) -> None:
        self.warnings.append({"code": code, "field": field_name, "message": message})

    @property
    def ok(self) -> bool:
        return not self.errors

    def unexplained(self, explanations: Mapping) -> list[dict]:
        return [w for w in self.warnings if not str(explanations.get(w["code"], "")).strip()]


@cache
def column_limits(name: str, *, product: bool = False) -> bounds.Limits:
    """What the Filing (or FilingProduct) column ``name`` holds, on every database."""
    return bounds.limits((FilingProduct if product else Filing)._meta.get_field(name))


def parse_number(raw, *, integer: bool, quantum: Decimal = Decimal("0.1"),
                 limits: bounds.Limits | None = None) -> Decimal | int | None:
    """Parse user input; raise ValueError with a user-facing reason. Decimals are rounded to ``quantum``;
    a value outside ``limits`` (its column's) is refused with the bound it passes."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(_("应为数字"))
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("应为数字")) from None
    if not value.is_finite():
        raise ValueError(_("应为数字"))
    # Before any rounding (a huge exponent would not round): the column's bound, a sane maximum without one.
    reason = limits.problem(value) if limits is not None else None
    if reason:
        raise ValueError(reason)
    if abs(value) > MAX_VALUE:
        raise ValueError(_("数值过大"))
    if integer:
        if value != value.to_integral_value():
            raise ValueError(_("应为整数"))
        return int(value)
    return value.quantize(quantum)


def parse_payload(raw: Mapping) -> tuple[dict, Result]:
    """Turn raw API/import input into typed data. Type errors are hard errors."""
    result = Result()
    data: dict = {"products": [], "difficulties": [], "difficulties_text": "", "explanations": {}}
    _parse_indicators(raw, data, result)
    _parse_survey(raw, data, result)
    _parse_difficulties(raw, data, result)
    _parse_explanations(raw, data, result)
    _parse_products(raw, data, result)
    return data, result


def _parse_indicators(raw: Mapping, data: dict, result: Result) -> None:
    for ind in INDICATORS:
        try:
            data[ind.code] = parse_number(raw.get(ind.code), integer=ind.integer, limits=column_limits(ind.code))
        except ValueError as exc:
            result.error(ind.code, _("%(label)s%(reason)s。") % {"label": ind.label, "reason": exc})
            data[ind.code] = None


def _parse_survey(raw: Mapping, data: dict, result: Result) -> None:
    for q in SURVEY:
        value = raw.get(q.field_name, raw.get(q.code))
        value = (value or "").strip() if isinstance(value, str) else value
        if value and (not isinstance(value, str) or value not in _ANSWERS[q.field_name]):
            result.error(q.field_name, _("“%(label)s”的选项应为:%(choices)s。") % {
                "label": q.label, "choices": "、".join(f"{v}({lbl})" for v, lbl in q.choices.choices)})
            value = ""
        data[q.field_name] = value or ""


def _parse_difficulties(raw: Mapping, data: dict, result: Result) -> None:
    difficulties = raw.get("difficulties") or []
    if isinstance(difficulties, str):
        difficulties = [d.strip() for d in difficulties.replace(",", ",").split(",") if d.strip()]
    if not isinstance(difficulties, list | tuple):
        result.error("difficulties", _("主要困难格式不正确。"))
        difficulties = []
    bad = [d for d in difficulties if not isinstance(d, str) or d not in _DIFFICULTIES]
    if bad:
        result.error("difficulties", _("未知的困难选项:%(bad)s。") % {"bad": "、".join(map(str, bad))})
    data["difficulties"] = [d for d in difficulties if isinstance(d, str) and d in _DIFFICULTIES]
    data["difficulties_text"] = str(raw.get("difficulties_text") or "")[:2000]


def _parse_explanations(raw: Mapping, data: dict, result: Result) -> None:
    explanations = raw.get("explanations") or {}
    if not isinstance(explanations, Mapping):
        result.error("explanations", _("预警说明格式不正确。"))
        explanations = {}
    data["explanations"] = {str(k): ("" if v is None else str(v))[:1000] for k, v in explanations.items()}


def _parse_products(raw: Mapping, data: dict, result: Result) -> None:
    products = raw.get("products") or []
    if not isinstance(products, list):
        result.error("products", _("主要产品格式不正确。"))
        products = []
    for i, row in enumerate(products, start=1):
        if not isinstance(row, Mapping):
            result.error("products", _("第%(i)d个产品格式不正确。") % {"i": i})
            continue
        item = {"name": str(row.get("name") or "").strip()[:64], "unit": str(row.get("unit") or "").strip()[:16]}
        for key, label in PRODUCT_FIELDS:
            if key not in PRODUCT_QUANTITIES:
                continue
            try:
                item[key] = parse_number(row.get(key), integer=False, quantum=PRODUCT_QUANTUM,
                                         limits=column_limits(key, product=True))
            except ValueError as exc:
                result.error("products", _("第%(i)d个产品的%(label)s%(reason)s。") % {"i": i, "label": label, "reason": exc})
                item[key] = None
        data["products"].append(item)


def check_storable(data: Mapping, result: Result) -> Result:
    """What the filing's columns hold, checked by the filing core for every channel and act (drafts too):
    numbers within their column on every database, text without characters no column stores."""
    for ind in INDICATORS:
        reason = column_limits(ind.code).problem(data.get(ind.code))
        if reason and ind.code not in result.errors:
            result.error(ind.code, _("%(label)s%(reason)s。") % {"label": ind.label, "reason": reason})
    for i, product in enumerate(data.get("products") or [], start=1):
        for key, label in PRODUCT_FIELDS:
            reason = bounds.problem(FilingProduct._meta.get_field(key), product.get(key))
            if reason:
                result.error("products", _("第%(i)d个产品的%(label)s%(reason)s。") % {
                    "i": i, "label": label, "reason": reason})
    texts = [("difficulties_text", data.get("difficulties_text") or "")]
    texts += [("explanations", str(text)) for pair in (data.get("explanations") or {}).items() for text in pair]
    for name, text in texts:
        reason = bounds.text_problem(text)
        if reason and name not in result.errors:
            result.error(name, _("%(label)s%(reason)s。") % {"label": field_labels()[name], "reason": reason})
    return result


def validate(data: Mapping, ctx: Context, result: Result | None = None) -> Result:
    """Hard rules and soft warnings on typed data."""
    result = result or Result()
    _check_indicators(data, ctx, result)
    for q in SURVEY:
        if not data.get(q.field_name):
            result.error(q.field_name, _("请选择“%(label)s”。") % {"label": q.label})
    _check_products(data, result)
    if data.get("difficulties") and "other" in data["difficulties"] and not str(
            data.get("difficulties_text", "")).strip():
        result.error("difficulties_text", _("选择“其他”时请说明具体困难。"))
    if result.errors:
        return result
    _soft_rules(data, ctx, result)
    return result


def _check_indicators(data: Mapping, ctx: Context, result: Result) -> None:
    for ind in INDICATORS:
        value = data.get(ind.code)
        if not ind.applies_to(ctx.industrial):
            if value not in (None, 0):
                result.error(ind.code, _("%(label)s仅由工业企业填报。") % {"label": ind.label})
            continue
        if value is None:
            if ind.code not in result.errors:
                result.error(ind.code, _("请填写%(label)s。") % {"label": ind.label})
            continue
        if value < 0 and not ind.allow_negative:
            result.error(ind.code, _("%(label)s不能为负数。") % {"label": ind.label})
            continue
        if ind.kind == Kind.FLOW and not ind.allow_negative and ctx.previous:
            before = ctx.previous.get(ind.code)
            if before is not None and value < before:
                result.error(ind.code, _(
                    "%(label)s为1月至本月累计值,不能小于上月累计值 %(before)s %(unit)s。") % {
                    "label": ind.label, "before": before, "unit": ind.unit})


def _check_products(data: Mapping, result: Result) -> None:
    products = data.get("products") or []
    if len(products) > MAX_PRODUCTS:
        result.error("products", _("主要产品最多填写%(n)d种。") % {"n": MAX_PRODUCTS})
    names = set()
    for i, p in enumerate(products, start=1):
        if not p.get("name") or not p.get("unit"):
            result.error("products", _("第%(i)d个产品须填写名称和计量单位。") % {"i": i})
        if p.get("name") in names:
            result.error("products", _("产品“%(name)s”重复填写。") % {"name": p.get("name")})
        names.add(p.get("name"))
        for key in PRODUCT_QUANTITIES:
            if p.get(key) is None:
                result.error("products", _("第%(i)d个产品须填写产量、销量和期末库存。") % {"i": i})
                break
            if p[key] < 0:
                result.error("products", _("第%(i)d个产品的数量不能为负数。") % {"i": i})
                break


def _soft_rules(data: Mapping, ctx: Context, result: Result) -> None:
    revenue = data.get("revenue")
    if ctx.last_year:
        for ind in INDICATORS:
            if not ind.yoy_check or data.get(ind.code) is None:
                continue
            before = ctx.last_year.get(ind.code)
            if before:
                change = (Decimal(data[ind.code]) - Decimal(before)) / abs(Decimal(before))
                if abs(change) > YOY_LIMIT:
                    result.warn(f"yoy_{ind.code}", ind.code, _(
                        "%(label)s同比变化 %(pct)s%%,超过±50%%(去年同期 %(before)s %(unit)s),请说明原因。") % {
                        "label": ind.label, "pct": f"{change * 100:+.1f}", "before": before, "unit": ind.unit})
    if revenue is not None and data.get("total_profit") is not None and data["total_profit"] > revenue:
        result.warn("profit_over_revenue", "total_profit", _("利润总额大于营业收入,请说明原因。"))
    if revenue is not None and data.get("taxes") is not None and data["taxes"] > revenue:
        result.warn("taxes_over_revenue", "taxes", _("应交税金总额大于营业收入,请说明原因。"))
    opening = ctx.previous_inventory or {}
    for p in data.get("products") or []:
        available = p["production"] + Decimal(opening.get(p["name"], 0))
        if p["sales"] > available:
            result.warn(f"product_sales_{p['name']}", "products", _(
                "产品“%(name)s”销量 %(sales)s 大于产量与上月库存之和 %(available)s,请说明原因。") % {
                "name": p["name"], "sales": p["sales"], "available": available})
    employees, before = data.get("employees"), ctx.previous_employees
    if employees is not None and before:
        change = Decimal(employees - before) / Decimal(before)
        if abs(change) > EMPLOYEE_CHANGE_LIMIT:
            result.warn("employees_change", "employees", _(
                "从业人员期末人数较上月变化 %(pct)s%%,超过三分之一(上月 %(before)s 人),请说明原因。") % {
                "pct": f"{change * 100:+.1f}", "before": before})
