"""The one definition of a base's actual figures (附表一's indicators): what the pages, the dashboards and the
assessment read.

``compute(metric, base_ids, year, upto_month) -> {base_id: value}``, set-based (a few queries whatever the
number of bases). The caller passes the ids of the bases it may read (scoped by its selector).

- ``tenants``: tenants in the base at the end of ``upto_month`` (entered by then, not exited by then);
- ``graduates``: tenants graduated (孵化毕业) from 1 January to the end of ``upto_month``;
- ``revenue``, ``taxes`` (万元), ``employees``: over the tenants in the base at some time in the year up to
  then, each tenant counted once, from one source: a tenant whose enterprise has a counted monthly filing in
  the year contributes its latest filing (营业收入 and 应交税金总额 stand for the seed's 主营业务收入 and 税金总额;
  year to date, so never a sum of cumulative values; employees at period end), read through
  ``monitoring.analysis.latest_year_to_date``; every other tenant its latest quarterly figures entered by the
  base (``TenantFigures``) of a quarter ended by ``upto_month``. Nothing is typed twice or counted twice.
"""

import calendar
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from monitoring.analysis import latest_year_to_date

from .models import Tenant, TenantFigures

METRICS = ("revenue", "taxes", "tenants", "employees", "graduates")
FILING_CODES = {"revenue": "revenue", "taxes": "taxes", "employees": "employees"}
THOUSAND_TO_TEN_THOUSAND = Decimal("0.1")  # filings hold 千元, the bases' figures 万元


def _end(year: int, upto_month: int) -> date:
    return date(year, upto_month, calendar.monthrange(year, upto_month)[1])


def compute(metric: str, base_ids: list[int], year: int, upto_month: int) -> dict[int, Any]:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}")
    return compute_all(base_ids, year, upto_month, metrics=(metric,))[metric]


def compute_all(base_ids: list[int], year: int, upto_month: int,
                metrics: tuple[str, ...] = METRICS) -> dict[str, dict[int, Any]]:
    """Every metric asked for, {metric: {base_id: value}}; each base present (0 when it has nothing)."""
    ids = list(base_ids)
    end = _end(year, upto_month)
    out: dict[str, dict[int, Any]] = {}
    tenants = Tenant.objects.filter(base_id__in=ids)
    if "tenants" in metrics or "graduates" in metrics:
        counts: dict[int, Any] = {r["base_id"]: r for r in tenants.values("base_id").annotate(
            present=Count("id", filter=Q(entered_on__lte=end) & (Q(exited_on__isnull=True) | Q(exited_on__gt=end))),
            graduated=Count("id", filter=Q(graduated_on__gte=date(year, 1, 1), graduated_on__lte=end)))}
        out["tenants"] = {b: counts.get(b, {}).get("present", 0) for b in ids}
        out["graduates"] = {b: counts.get(b, {}).get("graduated", 0) for b in ids}
    flows = [m for m in metrics if m in FILING_CODES]
    if flows:
        out.update(_flows(tenants, ids, year, upto_month, end, flows))
    return {m: out[m] for m in metrics}


def _flows(tenants: Any, ids: list[int], year: int, upto_month: int, end: date, flows: list[str]) -> dict:
    active = list(tenants.filter(Q(entered_on__lte=end) & (Q(exited_on__isnull=True)
                                                           | Q(exited_on__gte=date(year, 1, 1))))
                  .values_list("id", "base_id", "enterprise_id"))
    filed = latest_year_to_date(enterprise_ids=sorted({e for _t, _b, e in active if e}), year=year,
                                upto_month=upto_month, codes=[FILING_CODES[m] for m in flows])
    entered_ids = [t for t, _b, e in active if e not in filed]
    entered: dict[int, dict] = {}
    for row in (TenantFigures.objects.filter(tenant_id__in=entered_ids, year=year, quarter__lte=upto_month // 3)
                .order_by("tenant_id", "-quarter").values("tenant_id", *flows)):
        entered.setdefault(row.pop("tenant_id"), row)
    totals: dict[str, dict[int, Any]] = {m: defaultdict(lambda: 0) for m in flows}
    for tenant_id, base_id, enterprise_id in active:
        if enterprise_id in filed:
            values = {m: _from_filing(m, filed[enterprise_id].get(FILING_CODES[m])) for m in flows}
        else:
            values = entered.get(tenant_id, {})
        for m in flows:
            totals[m][base_id] += values.get(m) or 0
    return {m: {b: totals[m][b] for b in ids} for m in flows}


def _from_filing(metric: str, value: Any) -> Any:
    if value is None:
        return 0
    if metric == "employees":
        return int(value)
    return Decimal(value) * THOUSAND_TO_TEN_THOUSAND
