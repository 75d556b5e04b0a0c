"""The monthly report's indicators and survey questions, declared once.

Everything else is generated from these declarations: the Filing model's columns (one column per
indicator, so aggregation is plain SQL), the form fields, the API serializer fields, validation,
aggregation and spreadsheet columns. Adding an indicator is one entry here plus a migration.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import models
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_language(zh: str, en: str) -> str:
    """The declaration's own label in the active language (the English one when English is active)."""
    return en if (get_language() or "").startswith("en") else zh


class Kind(StrEnum):
    FLOW = "flow"  # reported cumulative for the year to date (1–N月累计); the month's value is derived
    STOCK = "stock"  # value at the end of the period


class Applies(StrEnum):
    ALL = "all"
    INDUSTRIAL = "industrial"  # GB/T 4754 sections B–D


UNITS_EN = {"千元": "thousand yuan", "人": "persons"}


@dataclass(frozen=True)
class Indicator:
    code: str
    label_zh: str
    label_en: str
    unit_zh: str
    kind: Kind
    integer: bool = False
    applies: Applies = Applies.ALL
    allow_negative: bool = False
    yoy_check: bool = False  # soft warning when year-on-year change exceeds YOY_LIMIT
    example: int | float = 0  # a plausible value, for the API's documented example

    @property
    def label(self) -> str:
        return in_language(self.label_zh, self.label_en)

    @property
    def unit(self) -> str:
        return in_language(self.unit_zh, UNITS_EN.get(self.unit_zh, self.unit_zh))

    @property
    def heading(self) -> str:
        """Label and unit, as a column or a form field is headed: 营业收入(千元)."""
        return f"{self.label}({self.unit})"

    def applies_to(self, industrial: bool) -> bool:
        """Filled by this enterprise: every indicator by all, industrial ones (sections B–D) by industry only."""
        return self.applies == Applies.ALL or industrial

    def model_field(self) -> models.Field:
        label = lazy(lambda: self.heading, str)()
        if self.integer:
            return models.IntegerField(label, null=True, blank=True)
        return models.DecimalField(label, max_digits=16, decimal_places=1, null=True, blank=True)

    @property
    def quantum(self) -> Decimal:
        return Decimal(1) if self.integer else Decimal("0.1")


MONEY = "千元"
YOY_LIMIT = Decimal("0.5")  # ±50%
EMPLOYEE_CHANGE_LIMIT = Decimal(1) / Decimal(3)

INDICATORS: tuple[Indicator, ...] = (
    Indicator("revenue", "营业收入", "Operating revenue", MONEY, Kind.FLOW, yoy_check=True, example=1200.0),
    Indicator("operating_cost", "营业成本", "Operating cost", MONEY, Kind.FLOW, example=900.0),
    Indicator("total_profit", "利润总额", "Total profit", MONEY, Kind.FLOW, allow_negative=True, example=80.0),
    Indicator("taxes", "应交税金总额", "Taxes payable", MONEY, Kind.FLOW, example=40.0),
    Indicator("export_value", "出口交货值", "Export delivery value", MONEY, Kind.FLOW, example=100.0),
    Indicator("industrial_output", "工业总产值", "Gross industrial output", MONEY, Kind.FLOW,
              applies=Applies.INDUSTRIAL, yoy_check=True, example=1300.0),
    Indicator("employees", "从业人员期末人数", "Employees at period end", "人", Kind.STOCK, integer=True,
              example=120),
    Indicator("receivables", "应收账款", "Accounts receivable", MONEY, Kind.STOCK, example=300.0),
    Indicator("finished_goods", "产成品存货", "Finished-goods inventory", MONEY, Kind.STOCK, example=150.0),
    Indicator("total_assets", "资产总计", "Total assets", MONEY, Kind.STOCK, example=5000.0),
    Indicator("total_liabilities", "负债合计", "Total liabilities", MONEY, Kind.STOCK, example=2500.0),
)
BY_CODE = {i.code: i for i in INDICATORS}
FLOWS = tuple(i for i in INDICATORS if i.kind == Kind.FLOW)


class Trend(models.TextChoices):
    UP = "up", _("增加")
    SAME = "same", _("持平")
    DOWN = "down", _("减少")


class Judgement(models.TextChoices):
    GOOD = "up", _("良好")
    NORMAL = "same", _("一般")
    POOR = "down", _("不佳")


@dataclass(frozen=True)
class Question:
    code: str
    label_zh: str
    label_en: str
    choices: type[models.TextChoices]

    @property
    def label(self) -> str:
        return in_language(self.label_zh, self.label_en)

    @property
    def field_name(self) -> str:
        return f"q_{self.code}"


# Stored values are up/same/down for every question, so the diffusion index is one formula:
# DI = 100 × (share "up" + ½ share "same"). "Good/normal/poor" map onto the same three values.
SURVEY: tuple[Question, ...] = (
    Question("overall", "总体经营状况", "Overall operation", Judgement),
    Question("orders", "订单", "Orders", Trend),
    Question("sales", "销售", "Sales", Trend),
    Question("costs", "成本", "Costs", Trend),
    Question("financing", "融资", "Financing", Trend),
    Question("labour", "用工", "Labour", Trend),
    Question("profit", "利润", "Profit", Trend),
)


class Difficulty(models.TextChoices):
    LABOUR_COST = "labour_cost", _("用工成本上升")
    RECRUITING = "recruiting", _("招工难")
    FINANCING = "financing", _("融资难、融资贵")
    MATERIALS = "materials", _("原材料价格上涨")
    ORDERS = "orders", _("订单不足")
    RECEIVABLES = "receivables", _("应收账款回收难")
    TAXES = "taxes", _("税费负担重")
    COMPETITION = "competition", _("市场竞争激烈")
    ENERGY = "energy", _("用能成本高")
    OTHER = "other", _("其他")


# The main products table of the report (up to MAX_PRODUCTS rows): its fields, in order.
PRODUCT_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", _("产品名称")), ("unit", _("计量单位")), ("production", _("产量")), ("sales", _("销量")),
    ("inventory", _("期末库存")),
)
PRODUCT_QUANTITIES = ("production", "sales", "inventory")


def field_labels() -> dict[str, str]:
    """Every field of the report by name, labelled in the active language: what a return points at, what a
    reminder names, what the review page shows."""
    return {**{i.code: i.label for i in INDICATORS}, **{q.field_name: q.label for q in SURVEY},
            "difficulties": str(_("主要困难")), "difficulties_text": str(_("其他困难和问题")),
            "products": str(_("主要产品")), "explanations": str(_("预警说明"))}


def return_field_choices() -> list[tuple[str, str]]:
    """What a reviewer may point at when returning a filing (every indicator, question, the products)."""
    labels = field_labels()
    return [(i.code, labels[i.code]) for i in INDICATORS] + [(q.field_name, labels[q.field_name]) for q in SURVEY] + [
        ("products", labels["products"])]
