"""Analysis of the month, computed live from the filings (no nightly job): indicator totals by region,
industry and size class with year-on-year growth on the same set of enterprises (同口径), and the
survey's diffusion index per question and composite, per region and month.

Every function is a handful of GROUP BY queries, independent of the number of enterprises.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum

from monitoring.indicators import INDICATORS, SURVEY, Kind
from monitoring.models import Filing, FilingStatus, Period
from monitoring.selectors import monthly_value
from portal.accounts.scoping import Viewer, within
from portal.core.periods import month_code
from portal.enterprises.models import Industry, SizeClass
from portal.regions.models import Region, RegionLevel

# Weights of the composite index (as the PMI weights its sub-indices). Costs rising is bad news for an
# enterprise, so its sub-index enters the composite inverted (100 − DI).
COMPOSITE_WEIGHTS = {"overall": Decimal("0.25"), "orders": Decimal("0.20"), "sales": Decimal("0.20"),
                     "profit": Decimal("0.15"), "financing": Decimal("0.05"), "labour": Decimal("0.10"),
                     "costs": Decimal("0.05")}
INVERTED = {"costs"}
COUNTED = (FilingStatus.SUBMITTED, FilingStatus.APPROVED)  # a returned filing is being corrected
CODES = [i.code for i in INDICATORS]


def counted_filings(*, user: Viewer, period: Period | None = None, region: Region | None = None) -> Any:
    qs = Filing.objects.visible_to(user).filter(status__in=COUNTED)
    if period is not None:
        qs = qs.filter(period_id=period.pk)
    if region is not None:
        qs = within(qs, region)
    return qs


GROUPS: dict[str, str | None] = {"region": None, "industry": "industry_code", "size": "size_class"}


@dataclass
class TotalsRow:
    key: str
    label: str
    filings: int = 0
    values: dict = field(default_factory=dict)  # code -> current total (all filings)
    growth: dict = field(default_factory=dict)  # code -> % growth on the same enterprises (or None)
    region_code: str = ""  # by region: the child region's code, for the drill-down link


def _child_key(region: Region) -> str:
    return "county_id" if region.level == 2 else ("city_id" if region.level == 1 else "county_id")


def comparable_sums(*, user: Viewer, period: Period, region: Region, key: str | None) -> tuple[dict, dict]:
    """The one definition of year-on-year growth on the same enterprises (同口径): the enterprises with a counted
    filing in both this period and the same month last year, attributed to where they filed now (``key``: the
    current filing's ``county_id``, ``city_id``, ``industry_code`` or ``size_class``; None for one total).

    Returns (now, then): per key, each indicator's sum this year and last year over that set. Last year's filings
    are read with the enterprise's history (``history_visible_to``): an enterprise that moved since compares with
    its own past and is counted where it is now, on every page, sheet and bulletin alike. Two queries."""
    sums = {c: Sum(c) for c in CODES}
    current = counted_filings(user=user, period=period, region=region)
    last_year = Filing.objects.history_visible_to(user).filter(status__in=COUNTED, period__year=period.year - 1,
                                                              period__month=period.month)
    now_qs = current.filter(Exists(last_year.filter(enterprise=OuterRef("enterprise"))))
    then_qs = last_year.annotate(now_key=Subquery(current.filter(enterprise=OuterRef("enterprise"))
                                                  .values(key or "id")[:1])).filter(now_key__isnull=False)
    if key is None:
        return {None: now_qs.aggregate(**sums)}, {None: then_qs.aggregate(**sums)}
    now = {r[key]: r for r in now_qs.values(key).annotate(**sums).order_by()}
    then = {r["now_key"]: r for r in then_qs.values("now_key").annotate(**sums).order_by()}
    return now, then


def growth_of(now: dict | None, then: dict | None) -> dict:
    """Each indicator's growth from a pair of ``comparable_sums`` rows."""
    return {c: growth((now or {}).get(c), (then or {}).get(c)) for c in CODES}


@dataclass
class FigureRow:
    """One indicator of one filing as the reviewer reads it: the value filed (year to date for a flow), the
    month's own value (a flow), 环比 (month on month: the month's own value of a flow, the value of a stock,
    against last month's) and 同比 (year on year: the same enterprise's value a year before, year to date for a
    flow, as ``comparable_sums`` compares), and whether a warning of the filing points at it."""

    indicator: Any
    value: Any
    month_value: Any = None
    previous: Any = None  # last month's value as filed
    last_year: Any = None  # the same month last year, as filed
    mom: Decimal | None = None
    yoy: Decimal | None = None
    warnings: list = field(default_factory=list)

    @property
    def is_flow(self) -> bool:
        return self.indicator.kind == Kind.FLOW


def _month_before(year: int, month: int) -> tuple[int, int]:
    return (year, month - 1) if month > 1 else (year - 1, 12)


def filing_figures(*, user: Viewer, filing: Filing) -> list[FigureRow]:
    """Each indicator of ``filing`` with its month's own value, 环比 and 同比 (``growth``, the one formula), read
    from the enterprise's own submitted filings of the last two months and of the same month last year (with its
    history, wherever it filed then). One query."""
    year, month = filing.period.year, filing.period.month
    prev = _month_before(year, month)
    before_prev = _month_before(*prev)
    last_year = (year - 1, month)
    wanted = {prev, before_prev, last_year}
    rows = (Filing.objects.history_visible_to(user).submitted().filter(enterprise_id=filing.enterprise_id)
            .filter(period__year__in={y for y, _m in wanted}, period__month__in={m for _y, m in wanted})
            .values("period__year", "period__month", *CODES))
    by_month = {(r["period__year"], r["period__month"]): r for r in rows
                if (r["period__year"], r["period__month"]) in wanted}
    p, pp, ly = by_month.get(prev, {}), by_month.get(before_prev, {}), by_month.get(last_year, {})
    flagged: dict[str, list] = {}
    for w in filing.warnings or []:
        flagged.setdefault(w.get("field") or w.get("code"), []).append(w)
    out = []
    for ind in INDICATORS:
        value = getattr(filing, ind.code)
        row = FigureRow(indicator=ind, value=value, previous=p.get(ind.code), last_year=ly.get(ind.code),
                        warnings=flagged.get(ind.code, []))
        if ind.kind == Kind.FLOW:
            row.month_value = monthly_value(ind, value, p.get(ind.code), same_year=month > 1)
            previous_month = monthly_value(ind, p.get(ind.code), pp.get(ind.code), same_year=prev[1] > 1)
            row.mom = growth(row.month_value, previous_month)
        else:
            row.mom = growth(value, p.get(ind.code))
        row.yoy = growth(value, ly.get(ind.code))
        out.append(row)
    return out


def indicator_totals(*, user: Viewer, period: Period, region: Region, by: str = "region") -> tuple[list[TotalsRow], TotalsRow]:
    """Totals of every indicator grouped by child region / industry / size class, plus the grand total.

    Growth compares this month's year-to-date totals with last year's same month over the enterprises that
    filed in both (同口径); enterprises new this year or gone since do not distort it.
    """
    current = counted_filings(user=user, period=period, region=region)
    if by == "region":
        key = _child_key(region)
        children = list(Region.objects.visible_to(user).filter(parent=region).order_by("sort_order", "code"))
        labels = {r.id: r.name for r in children}
        codes = {r.id: r.code for r in children}
    else:
        key = cast(str, GROUPS[by])  # only "region" maps to None, and it took the branch above
        labels = _labels(by)
    sums = {c: Sum(c) for c in CODES}
    rows: dict = {}
    for row in current.values(key).annotate(n=Count("id"), **sums).order_by(key):
        rows[row[key]] = TotalsRow(key=str(row[key]), label=str(labels.get(row[key], row[key])), filings=row["n"],
                                   values={i.code: exact(row[i.code], i) for i in INDICATORS},
                                   region_code=codes.get(row[key], "") if by == "region" else "")
    now, then = comparable_sums(user=user, period=period, region=region, key=key)
    for k, row in rows.items():
        row.growth = growth_of(now.get(k), then.get(k))
    total = TotalsRow(key="total", label="合计", filings=sum(r.filings for r in rows.values()))
    total.values = {i.code: exact(sum((r.values[i.code] or 0) for r in rows.values()), i) for i in INDICATORS}
    now_all, then_all = comparable_sums(user=user, period=period, region=region, key=None)
    total.growth = growth_of(now_all[None], then_all[None])
    order = list(labels) if by == "region" else sorted(rows)
    return [rows[k] for k in order if k in rows], total


def exact(value: Any, indicator: Any) -> Any:
    """Sums come back with the backend's own scale (SQLite: many digits); values are kept to one decimal."""
    if value is None:
        return None
    return int(value) if indicator.integer else Decimal(value).quantize(indicator.quantum)


def growth(now: Any, then: Any) -> Decimal | None:
    if now is None or not then:
        return None
    return ((Decimal(now) - Decimal(then)) / abs(Decimal(then)) * 100).quantize(Decimal("0.1"))


def _labels(by: str) -> dict:
    if by == "size":

        return dict(SizeClass.choices)

    return dict(Industry.objects.values_list("code", "name"))


# ---------------------------------------------------------------------------------------------
# Diffusion index
# ---------------------------------------------------------------------------------------------

def diffusion(up: int, same: int, total: int) -> Decimal | None:
    """DI = 100 × (share "increase" + ½ share "unchanged"); 50 is the boom/bust line."""
    if not total:
        return None
    return (Decimal(100) * (Decimal(up) + Decimal(same) / 2) / Decimal(total)).quantize(Decimal("0.1"))


def composite(indices: dict) -> Decimal | None:
    parts = [(w, (100 - indices[q]) if q in INVERTED else indices[q])
             for q, w in COMPOSITE_WEIGHTS.items() if indices.get(q) is not None]
    if not parts:
        return None
    weight = sum(w for w, _v in parts)
    return (sum(w * v for w, v in parts) / weight).quantize(Decimal("0.1"))


def _counts() -> Any:
    agg = {}
    for q in SURVEY:
        agg[f"{q.code}_up"] = Count("id", filter=Q(**{q.field_name: "up"}))
        agg[f"{q.code}_same"] = Count("id", filter=Q(**{q.field_name: "same"}))
        agg[f"{q.code}_n"] = Count("id", filter=~Q(**{q.field_name: ""}))
    return agg


def _indices(row: Any) -> dict:
    out = {q.code: diffusion(row[f"{q.code}_up"], row[f"{q.code}_same"], row[f"{q.code}_n"]) for q in SURVEY}
    out["composite"] = composite(out)
    return out


def diffusion_by_region(*, user: Viewer, period: Period, region: Region) -> tuple[list[dict], dict]:
    """Each child region's indices for the month, and the region's own. Two queries."""
    key = _child_key(region)
    # A county's filings are keyed by the county itself: its one row is named after it, not its id.
    named = Q(pk=region.pk) if region.level == RegionLevel.COUNTY else Q(parent=region)
    names = {r.id: r.name for r in Region.objects.visible_to(user).filter(named)}
    qs = counted_filings(user=user, period=period, region=region)
    rows = [{"region": names.get(r[key], r[key]), "n": r["overall_n"], **_indices(r)}
            for r in qs.values(key).annotate(**_counts()).order_by(key)]
    own = qs.aggregate(**_counts())
    return sorted(rows, key=lambda r: str(r["region"])), {"n": own["overall_n"], **_indices(own)}


def diffusion_trend(*, user: Viewer, region: Region, until: Period, months: int = 24) -> list[dict]:
    """The region's indices for each of the last ``months`` months up to ``until``. One query."""
    first = until.year * 12 + until.month - months
    qs = (counted_filings(user=user, region=region)
          .filter(Q(period__year__gt=first // 12) | Q(period__year=first // 12, period__month__gt=first % 12))
          .filter(Q(period__year__lt=until.year) | Q(period__year=until.year, period__month__lte=until.month)))
    rows = qs.values("period__year", "period__month").annotate(**_counts()).order_by("period__year", "period__month")
    return [{"label": month_code(r["period__year"], r["period__month"]), "n": r["overall_n"], **_indices(r)}
            for r in rows]
