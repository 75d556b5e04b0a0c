"""Every read of the upscaling pages: scoped through ``visible_to(user)``, a bounded number of queries."""

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Q

from monitoring.analysis import monthly_revenue
from portal.accounts.scoping import Viewer
from portal.regions.models import Region, RegionLevel

from .models import DispatchNote, MonthlySales, PoolEntry, Screening, Stage
from .projection import Backtest, backtest, project

LIST_LIMIT = 200


def pool(*, user: Viewer, screening: str = "", stage: str = "", q: str = "", limit: int = LIST_LIMIT) -> list[PoolEntry]:
    qs = PoolEntry.objects.visible_to(user).select_related("enterprise", "enterprise__region")
    if screening in Screening.values:
        qs = qs.filter(screening=screening)
    if stage in Stage.values:
        qs = qs.filter(stage=stage, screening=Screening.IN_POOL)
    if q:
        qs = qs.filter(Q(enterprise__name__contains=q) | Q(enterprise__credit_code=q.upper()))
    return list(qs.order_by("region_path", "-base_sales", "pk")[:limit])


def pool_counts(*, user: Viewer) -> dict[str, int]:
    rows = PoolEntry.objects.visible_to(user).values_list("screening", "stage")
    counts = {s: 0 for s in Screening.values} | {s: 0 for s in Stage.values} | {"refuses": 0}
    for screening, stage in rows.iterator():
        counts[screening] += 1
        if screening == Screening.IN_POOL:
            counts[stage] += 1
    counts["refuses"] = PoolEntry.objects.visible_to(user).filter(refuses_entry=True).count()
    return counts


def entry(*, user: Viewer, pk: int) -> PoolEntry | None:
    return PoolEntry.objects.visible_to(user).select_related("enterprise", "enterprise__region").filter(pk=pk).first()


def notes(*, user: Viewer, entry: PoolEntry) -> list[DispatchNote]:
    return list(DispatchNote.objects.visible_to(user).filter(entry_id=entry.pk).select_related("author"))


def notes_due(*, user: Viewer, day: Any, limit: int = 50) -> list[DispatchNote]:
    return list(DispatchNote.objects.visible_to(user).filter(done=False, follow_up_on__lte=day)
                .select_related("entry__enterprise").order_by("follow_up_on")[:limit])


def months_of(*, user: Viewer, entry: PoolEntry, year: int) -> list[dict]:
    """An enterprise's months of ``year`` and last year, wherever they come from."""
    frame = monthly_frame(user=user, entries=[entry], years=[year - 1, year])
    return [{"month": m, "sales": frame.get((entry.enterprise_id, year, m)), "last": frame.get(
        (entry.enterprise_id, year - 1, m))} for m in range(1, 13)]


def monthly_frame(*, user: Viewer, entries: list[PoolEntry], years: list[int]) -> dict[tuple[int, int, int], float]:
    """{(enterprise, year, month): sales in 万元}: the tax bureau's and the county's months, and the monitored
    enterprises' own filings (revenue in 千元, read through monitoring)."""
    ids = [e.enterprise_id for e in entries]
    out: dict[tuple[int, int, int], float] = {}
    for start in range(0, len(ids), 5000):
        out.update(((e, y, m), float(s)) for e, y, m, s in MonthlySales.objects.visible_to(user).filter(
            enterprise_id__in=ids[start:start + 5000], year__in=years).values_list("enterprise_id", "year", "month",
                                                                                  "sales").iterator())
    monitored = [e.enterprise_id for e in entries if e.enterprise.monitored_from and not e.enterprise.monitored_until]
    if monitored:
        out.update({k: float(v) / 10 for k, v in monthly_revenue(user=user, enterprise_ids=monitored,
                                                                 years=years).items()})
    return out


def matrix(values: dict[tuple[int, int, int], float], ids: list[int], year: int) -> np.ndarray:
    m = np.full((len(ids), 12), np.nan)
    row = {pk: i for i, pk in enumerate(ids)}
    for (e, y, mo), v in values.items():
        if y == year and e in row:
            m[row[e], mo - 1] = v
    return m


@dataclass
class Analysis:
    year: int
    month: int
    table: pd.DataFrame  # one row per pool enterprise
    by_county: list[dict]
    crossers: list[dict]
    others: list[dict]
    backtest: Backtest


def analysis(*, user: Viewer, year: int, month: int, limit: int = LIST_LIMIT) -> Analysis:
    """一月一统计、一月一分析: per county YTD sales, month-on-month, year-on-year; the projection of every pool
    enterprise, the likely crossers with their month, and the distance to the line for the others."""
    entries = list(PoolEntry.objects.visible_to(user).filter(screening=Screening.IN_POOL)
                   .exclude(stage__in=[Stage.ENTERED, Stage.LEFT]).select_related("enterprise", "enterprise__region"))
    ids = [e.enterprise_id for e in entries]
    values = monthly_frame(user=user, entries=entries, years=[year - 2, year - 1, year])
    this, last, before = matrix(values, ids, year), matrix(values, ids, year - 1), matrix(values, ids, year - 2)
    table = project(this, last, month, index=pd.Index(ids))
    table["entry"] = entries
    table["county"] = [e.enterprise.region.name for e in entries]
    table["county_path"] = [e.region_path for e in entries]
    table["month_sales"] = this[:, month - 1]
    table["prev_sales"] = this[:, month - 2] if month > 1 else last[:, 11]
    table["last_ytd"] = np.nansum(last[:, :month], axis=1)
    by_county = []
    for name, g in table.groupby("county", sort=False):
        ytd, last_ytd = g["ytd"].sum(), g["last_ytd"].sum()
        cur, prev = np.nansum(g["month_sales"]), np.nansum(g["prev_sales"])
        by_county.append({"county": name, "enterprises": len(g), "ytd": ytd,
                          "mom": (cur / prev - 1) * 100 if prev else None,
                          "yoy": (ytd / last_ytd - 1) * 100 if last_ytd else None,
                          "crossers": int((g["cross_month"] > 0).sum())})
    crossing = table[table["cross_month"] > 0].sort_values(["cross_month", "projected"], ascending=[True, False])
    rest = table[table["cross_month"] == 0].sort_values("distance")
    return Analysis(year=year, month=month, table=table, by_county=by_county,
                    crossers=_rows(crossing, limit), others=_rows(rest, limit), backtest=backtest(last, before))


def _rows(frame: pd.DataFrame, limit: int) -> list[dict]:
    return [{"entry": r.entry, "county": r.county, "ytd": r.ytd, "projected": r.projected,
             "cross_month": int(r.cross_month), "distance": r.distance,
             "trend": None if np.isnan(r.trend) else r.trend} for r in frame.head(limit).itertuples()]


def counties(*, user: Viewer) -> list[Region]:
    return list(Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY).order_by("sort_order", "code"))
