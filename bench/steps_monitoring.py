"""Filings per second through the data-exchange API (POST /api/v1/filings/batch/), with full validation.

``api_filings_per_s(client_factory, ...)`` is the measurement: batches of 1,000 valid filings (indicators,
survey, difficulties, two products, a few soft warnings with their explanation) for two consecutive months,
so that the second month is validated against the first (year-to-date flows, employees, inventories).
Only the HTTP requests are timed: building and JSON-encoding the bodies is the other system's work.

The step ``api_filings_per_s`` (order 400) runs it as a region's exchange system authenticated with its
token, for up to ``MAX_ENTERPRISES`` enterprises, in the two months before the ones the filings step
generates, so that both steps' data stay apart. ``bench/steps/monitoring_api.py`` imports this module so
that ``bench.steps.load_all`` registers the step.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone
from rest_framework.authtoken.models import Token

from bench.registry import Context, Skip, step
from monitoring import periods
from monitoring.models import Filing, FilingEvent, FilingProduct
from portal.accounts import services as account_services
from portal.audit.context import origin
from portal.audit.models import AuditEntry
from portal.core.db import analyze
from portal.core.periods import month_code
from portal.enterprises.models import Enterprise

BATCH_SIZE = 1000
MAX_ENTERPRISES = 5000  # per month; the rate does not depend on the province's size
BATCH_PATH = "/api/v1/filings/batch/"
ANSWERS = ("up", "same", "same", "down")
WARNING_SHARE = 0.05  # filings whose profit exceeds revenue, explained


@dataclass
class ApiRun:
    filings: int  # accepted (created or updated)
    rejected: int
    seconds: float
    batches: int
    first_errors: list

    @property
    def per_s(self) -> float:
        return self.filings / self.seconds if self.seconds else 0.0


def filing_items(enterprises: list[tuple[str, bool]], *, month_index: int, seed: int) -> list[dict]:
    """Valid, deterministic filings; month_index 1, 2, ... makes year-to-date flows grow month by month."""
    items = []
    for code, industrial in enterprises:
        rng = random.Random(f"{seed}:{code}")  # noqa: S311 - synthetic data; the same base every month
        monthly = rng.randint(200, 20000)
        employees = rng.randint(10, 400)
        month_rng = random.Random(f"{seed}:{code}:{month_index}")  # noqa: S311
        revenue = Decimal(monthly * month_index)
        warn = month_rng.random() < WARNING_SHARE
        item = {
            "credit_code": code,
            "revenue": str(revenue),
            "operating_cost": str((revenue * Decimal("0.8")).quantize(Decimal("0.1"))),
            "total_profit": str(revenue * 2 if warn else (revenue * Decimal("0.06")).quantize(Decimal("0.1"))),
            "taxes": str((revenue * Decimal("0.03")).quantize(Decimal("0.1"))),
            "export_value": str((revenue * Decimal("0.1")).quantize(Decimal("0.1"))),
            "industrial_output": str((revenue * Decimal("1.05")).quantize(Decimal("0.1"))) if industrial else None,
            "employees": employees + month_rng.randint(-1, 1) * (employees // 20),  # within ±5%: no warning
            "receivables": str(monthly * 2),
            "finished_goods": str(monthly),
            "total_assets": str(monthly * 30),
            "total_liabilities": str(monthly * 14),
            **{f"q_{q}": month_rng.choice(ANSWERS)
               for q in ("overall", "orders", "sales", "costs", "financing", "labour", "profit")},
            "difficulties": month_rng.sample(["labour_cost", "financing", "materials", "orders", "competition"], 2),
            "difficulties_text": "",
            "explanations": {"profit_over_revenue": "本月处置资产取得收益"} if warn else {},
            "products": [
                {"name": f"产品{i}", "unit": "件", "production": 1000 + 10 * i, "sales": 900 + 10 * i, "inventory": 100}
                for i in (1, 2)
            ],
        }
        items.append(item)
    return items


def api_filings_per_s(client_factory: Callable, *, user, enterprises: list[tuple[str, bool]], periods: list,
                      batch_size: int = BATCH_SIZE, seed: int = 2026) -> ApiRun:
    """File every enterprise in each period through POST /api/v1/filings/batch/ in batches of ``batch_size``.

    ``client_factory(user)`` returns a django.test.Client (or anything with ``post``) authenticated as
    ``user``; ``enterprises`` are (credit code, is industrial) pairs; ``periods`` are Period objects, filed
    in order. Returns the accepted count, the rejected count and the timed seconds (requests only).
    """

    client = client_factory(user)
    bodies = []
    for index, period in enumerate(periods, start=1):
        items = filing_items(enterprises, month_index=index, seed=seed)
        label = month_code(period)
        for start in range(0, len(items), batch_size):
            bodies.append(json.dumps({"period": label, "submit": True, "items": items[start:start + batch_size]},
                                     ensure_ascii=False).encode())
    accepted = rejected = 0
    errors: list = []
    seconds = 0.0
    for data in bodies:
        started = time.perf_counter()
        response = client.post(BATCH_PATH, data=data, content_type="application/json")
        seconds += time.perf_counter() - started
        if response.status_code != 200:
            raise AssertionError(f"POST {BATCH_PATH} answered {response.status_code}: {response.content[:500]!r}")
        summary = response.json()
        accepted += summary["created"] + summary["updated"]
        rejected += summary["rejected"]
        if summary["rejected"] and len(errors) < 3:
            errors += [r for r in summary["results"] if r["outcome"] == "rejected"][:3]
    return ApiRun(filings=accepted, rejected=rejected, seconds=seconds, batches=len(bodies), first_errors=errors)


def token_client_factory(user):
    """A test client that authenticates as an exchange system does: ``Authorization: Token <key>``."""

    token, _created = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


def _periods_before_generated(ctx: Context) -> list:
    """Two consecutive ended months of one year, before the ``ctx.months`` months the filings step generates."""

    last = periods.current_filing_period()
    year, month = last.year, last.month - ctx.months  # the month before the generated ones
    while month < 1:
        year, month = year - 1, month + 12
    if month == 1:  # January has no earlier month of its year to compare with: take November and December
        year, month = year - 1, 12
    # The measurement is of filing within the deadline: a period whose review deadline has passed is closed
    # (only an unlock reopens its filings), so these two months get deadlines ahead, as if just extended.
    opened = [periods.open_period(year, month - 1), periods.open_period(year, month)]
    today = timezone.localdate()
    for period in opened:
        period.enterprise_deadline, period.review_deadline = today + timedelta(days=5), today + timedelta(days=7)
        period.save(update_fields=["enterprise_deadline", "review_deadline"])
    return opened


@step("api_filings_per_s", order=400, needs=("generate_enterprises_s",))
def api_filings(ctx: Context) -> None:
    """Filings per second through POST /api/v1/filings/batch/ (batches of 1,000, full validation, token auth)."""

    try:
        resolve(BATCH_PATH)
    except Resolver404:
        raise Skip(f"{BATCH_PATH} is not routed") from None
    with origin("cli"):
        system, _token = account_services.create_exchange_system(name="bench-exchange", region=ctx.province)
    enterprises = list(Enterprise.objects.order_by("id").values_list("credit_code", "industry__is_industrial")
                       [:MAX_ENTERPRISES])
    run = api_filings_per_s(token_client_factory, user=system, enterprises=enterprises,
                            periods=_periods_before_generated(ctx), seed=ctx.seed)
    if run.rejected:
        ctx.note("api_filings_per_s", f"{run.rejected} filings rejected, e.g. {run.first_errors[:1]}")
    analyze(Filing, FilingProduct, FilingEvent, AuditEntry)  # what it wrote, before the later steps read it
    ctx.record("api_filings", run.filings)
    ctx.record("api_filings_s", run.seconds)
    ctx.record("api_filings_per_s", run.per_s)
