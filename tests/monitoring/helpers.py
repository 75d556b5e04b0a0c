"""Valid filing data for tests; each test changes what it is about."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from monitoring import periods
from monitoring.indicators import SURVEY


def valid_data(**overrides) -> dict:
    data = {
        "revenue": Decimal("1200.0"), "operating_cost": Decimal("900.0"), "total_profit": Decimal("80.0"),
        "taxes": Decimal("40.0"), "export_value": Decimal("100.0"), "industrial_output": Decimal("1300.0"),
        "employees": 120, "receivables": Decimal("300.0"), "finished_goods": Decimal("150.0"),
        "total_assets": Decimal("5000.0"), "total_liabilities": Decimal("2500.0"),
        **{q.field_name: "same" for q in SURVEY},
        "difficulties": ["orders"], "difficulties_text": "", "explanations": {},
        "products": [{"name": "齿轮", "unit": "件", "production": Decimal("1000"), "sales": Decimal("900"),
                      "inventory": Decimal("300")}],
    }
    data.update(overrides)
    return data


def past_period(year: int, month: int):
    """A specific ended month with deadlines still ahead (so nothing is late or locked by accident)."""
    today = timezone.localdate()
    period = periods.open_period(year, month)
    period.enterprise_deadline = today + timedelta(days=5)
    period.review_deadline = today + timedelta(days=7)
    period.save()
    return period


def open_period(months_back: int = 1):
    """A period whose month has ended, deadlines in the future unless a test moves them."""
    today = timezone.localdate()
    year, month = today.year, today.month - months_back
    while month < 1:
        year, month = year - 1, month + 12
    period = periods.open_period(year, month)
    period.enterprise_deadline = today + timedelta(days=5)
    period.review_deadline = today + timedelta(days=7)
    period.save()
    return period
