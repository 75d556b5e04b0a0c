"""The monthly report's indicators and survey questions, declared once.

Everything else is generated from these declarations: the Filing model's columns (one column per
indicator, so aggregation is plain SQL), the form fields, the API serializer fields, validation,
aggregation and spreadsheet columns. Adding an indicator is one entry here plus a migration.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    FLOW = "flow"  # reported cumulative for the year to date (1–N月累计); the month's value is derived
    STOCK = "stock"  # value at the end of the period


class Applies(StrEnum):
    ALL = "all"
    INDUSTRIAL = "industrial"  # GB/T 4754 sections B–D


@dataclass(frozen=True)
class Indicator:
    code: str
    label: str
    label_en: str
    unit: str
    kind: Kind
    integer: bool = False
    applies: Applies = Applies.ALL
    allow_negative: bool = False
    yoy_check: bool = False  # soft warning when year-on-year change exceeds YOY_LIMIT

    def applies_to(self, industry) -> bool:
        return self.applies == Applies.ALL or bool(industry.is_industrial)

    def model_field(self) -> models.Field:
        label = f"{self.label}({self.unit})"
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
    Indicator("revenue", "营业收入", "Operating revenue", MONEY, Kind.FLOW, yoy_check=True),
    Indicator("operating_cost", "营业成本", "Operating cost", MONEY, Kind.FLOW),
    Indicator("total_profit", "利润总额", "Total profit", MONEY, Kind.FLOW, allow_negative=True),
    Indicator("taxes", "应交税金总额", "Taxes payable", MONEY, Kind.FLOW),
    Indicator("export_value", "出口交货值", "Export delivery value", MONEY, Kind.FLOW),
    Indicator("industrial_output", "工业总产值", "Gross industrial output", MONEY, Kind.FLOW,
              applies=Applies.INDUSTRIAL, yoy_check=True),
    Indicator("employees", "从业人员期末人数", "Employees at period end", "人", Kind.STOCK, integer=True),
    Indicator("receivables", "应收账款", "Accounts receivable", MONEY, Kind.STOCK),
    Indicator("finished_goods", "产成品存货", "Finished-goods inventory", MONEY, Kind.STOCK),
    Indicator("total_assets", "资产总计", "Total assets", MONEY, Kind.STOCK),
    Indicator("total_liabilities", "负债合计", "Total liabilities", MONEY, Kind.STOCK),
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
    label: str
    label_en: str
    choices: type[models.TextChoices]

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
