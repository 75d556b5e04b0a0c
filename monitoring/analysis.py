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
from portal.core.i18n import in_language
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


def _matched(*, user: Viewer, current: Any, key: str | None) -> tuple[Any, Any]:
    """The two sides of a same-enterprise comparison: ``current``'s filings whose enterprise has a counted filing
    in the same month a year before, and those filings of a year before, each carrying where its enterprise
    filed now (``now_key``: its ``key``)."""
    history = Filing.objects.history_visible_to(user).filter(status__in=COUNTED)
    now_qs = current.filter(Exists(history.filter(enterprise=OuterRef("enterprise"),
                                                  period__year=OuterRef("period__year") - 1,
                                                  period__month=OuterRef("period__month"))))
    later = current.filter(enterprise=OuterRef("enterprise"), period__year=OuterRef("period__year") + 1,
                           period__month=OuterRef("period__month"))
    then_qs = (history.annotate(now_key=Subquery(later.values(key or "id")[:1]))
               .filter(now_key__isnull=False))
    return now_qs, then_qs


def comparable_sums(*, user: Viewer, period: Period, region: Region, key: str | None) -> tuple[dict, dict]:
    """The one definition of year-on-year growth on the same enterprises (同口径): the enterprises with a counted
    filing in both this period and the same month last year, attributed to where they filed now (``key``: the
    current filing's ``county_id``, ``city_id``, ``industry_code`` or ``size_class``; None for one total).

    Returns (now, then): per key, each indicator's sum this year and last year over that set. Last year's filings
    are read with the enterprise's history (``history_visible_to``): an enterprise that moved since compares with
    its own past and is counted where it is now, on every page, sheet and bulletin alike. Two queries."""
    sums = {c: Sum(c) for c in CODES}
    current = counted_filings(user=user, period=period, region=region)
    now_qs, then_qs = _matched(user=user, current=current, key=key)
    then_qs = then_qs.filter(period__year=period.year - 1, period__month=period.month)
    if key is None:
        return {None: now_qs.aggregate(**sums)}, {None: then_qs.aggregate(**sums)}
    now = {r[key]: r for r in now_qs.values(key).annotate(**sums).order_by()}
    then = {r["now_key"]: r for r in then_qs.values("now_key").annotate(**sums).order_by()}
    return now, then


def comparable_sums_by_month(*, user: Viewer, region: Region, until: Period, months: int) -> dict:
    """``comparable_sums`` (key None) for each of the last ``months`` months up to ``until``, in two queries:
    {(year, month): (now, then)} for the months with any comparable enterprise."""
    sums = {c: Sum(c) for c in CODES}
    current = _month_window(counted_filings(user=user, region=region), until=(until.year, until.month), months=months)
    now_qs, then_qs = _matched(user=user, current=current, key=None)
    then_qs = _month_window(then_qs, until=(until.year - 1, until.month), months=months)
    month = ("period__year", "period__month")
    now = {(r["period__year"], r["period__month"]): r for r in now_qs.values(*month).annotate(**sums).order_by()}
    then = {(r["period__year"] + 1, r["period__month"]): r
            for r in then_qs.values(*month).annotate(**sums).order_by()}
    return {ym: (now[ym], then.get(ym)) for ym in now}


def _month_window(qs: Any, *, until: tuple[int, int], months: int) -> Any:
    """``qs`` narrowed to the ``months`` months ending with ``until`` (year, month)."""
    (year, month), first = until, until[0] * 12 + until[1] - months
    return (qs.filter(Q(period__year__gt=first // 12) | Q(period__year=first // 12, period__month__gt=first % 12))
            .filter(Q(period__year__lt=year) | Q(period__year=year, period__month__lte=month)))


def month_window(until: Period, months: int) -> list[tuple[int, int]]:
    """The (year, month) pairs of the ``months`` months ending with ``until``, oldest first."""
    last = until.year * 12 + until.month - 1
    return [((n // 12), n % 12 + 1) for n in range(last - months + 1, last + 1)]


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


def _children(*, user: Viewer, region: Region) -> tuple[str, list[Region]]:
    """The regions a region's figures break down into, in the tree's order, and the filing column naming them:
    a province's cities, a city's counties; a county is not broken down, its one row is itself."""
    if region.is_county:
        return "county_id", [region]
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("sort_order", "code"))
    return ("city_id" if region.level == RegionLevel.PROVINCE else "county_id"), children


def indicator_totals(*, user: Viewer, period: Period, region: Region, by: str = "region") -> tuple[list[TotalsRow], TotalsRow]:
    """Totals of every indicator grouped by child region (in the tree's order) / industry (by code) / size class
    (largest first), plus the grand total.

    Growth compares this month's year-to-date totals with last year's same month over the enterprises that
    filed in both (同口径); enterprises new this year or gone since do not distort it.
    """
    current = counted_filings(user=user, period=period, region=region)
    codes: dict = {}
    if by == "region":
        key, children = _children(user=user, region=region)
        labels = {r.id: r.name for r in children}
        codes = {r.id: r.code for r in children if r.pk != region.pk}
    else:
        key = cast(str, GROUPS[by])  # only "region" maps to None, and it took the branch above
        labels = _labels(by)
    sums = {c: Sum(c) for c in CODES}
    rows: dict = {}
    for row in current.values(key).annotate(n=Count("id"), **sums).order_by(key):
        rows[row[key]] = TotalsRow(key=str(row[key]), label=str(labels.get(row[key], row[key])), filings=row["n"],
                                   values={i.code: exact(row[i.code], i) for i in INDICATORS},
                                   region_code=codes.get(row[key], ""))
    now, then = comparable_sums(user=user, period=period, region=region, key=key)
    for k, row in rows.items():
        row.growth = growth_of(now.get(k), then.get(k))
    total = TotalsRow(key="total", label="合计", filings=sum(r.filings for r in rows.values()))
    total.values = {i.code: exact(sum((r.values[i.code] or 0) for r in rows.values()), i) for i in INDICATORS}
    now_all, then_all = comparable_sums(user=user, period=period, region=region, key=None)
    total.growth = growth_of(now_all[None], then_all[None])
    order = list(labels) if by in ("region", "size") else sorted(rows)
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
        return dict(SizeClass.choices)  # the standard's order: 大型, 中型, 小型, 微型, 不适用
    return {code: in_language(name, english)
            for code, name, english in Industry.objects.values_list("code", "name", "name_en")}


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
    """Each child region's indices for the month, in the tree's order and named, and the region's own. A county
    has no child rows: its own row is all there is. Two queries (three with the child regions)."""
    own = counted_filings(user=user, period=period, region=region).aggregate(**_counts())
    if region.is_county:
        return [], {"n": own["overall_n"], **_indices(own)}
    key, children = _children(user=user, region=region)
    qs = counted_filings(user=user, period=period, region=region)
    found = {r[key]: r for r in qs.values(key).annotate(**_counts()).order_by(key)}
    rows = [{"region": child.name, "code": child.code, "n": found[child.pk]["overall_n"], **_indices(found[child.pk])}
            for child in children if child.pk in found]
    return rows, {"n": own["overall_n"], **_indices(own)}


def diffusion_trend(*, user: Viewer, region: Region, until: Period, months: int = 24) -> list[dict]:
    """The region's indices for each month from the first with filings among the last ``months`` up to ``until``;
    a month without filings in between is kept, with no index (None). One query."""
    qs = _month_window(counted_filings(user=user, region=region), until=(until.year, until.month), months=months)
    rows = qs.values("period__year", "period__month").annotate(**_counts()).order_by("period__year", "period__month")
    found = {(r["period__year"], r["period__month"]): r for r in rows}
    window = month_window(until, months)
    first = next((i for i, ym in enumerate(window) if ym in found), len(window))
    empty = {"overall_n": 0, **{f"{q.code}_{part}": 0 for q in SURVEY for part in ("up", "same", "n")}}
    return [{"label": month_code(*ym), "n": found.get(ym, empty)["overall_n"], **_indices(found.get(ym, empty))}
            for ym in window[first:]]


def growth_trend(*, user: Viewer, region: Region, until: Period, months: int = 12) -> list[dict]:
    """Each indicator's year-on-year growth on the same enterprises (``comparable_sums``, ``growth``) for each
    month from the first with a comparable enterprise among the last ``months`` up to ``until``; a month without
    one has no growth (None). Two queries."""
    pairs = comparable_sums_by_month(user=user, region=region, until=until, months=months)
    window = month_window(until, months)
    first = next((i for i, ym in enumerate(window) if ym in pairs), len(window))
    return [{"label": month_code(*ym), "growth": growth_of(*pairs.get(ym, (None, None)))} for ym in window[first:]]


def latest_year_to_date(*, enterprise_ids: list[int], year: int, upto_month: int, codes: list[str]) -> dict[int, dict]:
    """Each enterprise's latest counted filing of ``year`` up to ``upto_month``: {enterprise id: {code: value}}.

    A year-to-date flow counts once: the year so far is the latest filing's value, never a sum of the months'
    cumulative values; a stock is the latest period-end value. For other apps' figures (the startup bases'
    tenants), who pass the ids of the enterprises they read. Enterprises without a counted filing are absent.
    """
    unknown = set(codes) - set(CODES)
    if unknown:
        raise ValueError(f"not indicators: {sorted(unknown)}")
    rows = (Filing.objects.filter(enterprise_id__in=enterprise_ids, status__in=COUNTED, period__year=year,
                                  period__month__lte=upto_month)
            .order_by("enterprise_id", "-period__month").values("enterprise_id", *codes))
    out: dict[int, dict] = {}
    for row in rows:
        out.setdefault(row.pop("enterprise_id"), row)
    return out


def monthly_revenue(*, user: Viewer, enterprise_ids: list[int], years: list[int]) -> dict[tuple[int, int, int], Decimal]:
    """Each enterprise's own monthly revenue (千元, the month's value of the year-to-date flow) from its counted
    filings in ``years``: {(enterprise id, year, month): value}. Read by other apps that track these enterprises
    (upscaling), so the figures are never typed twice. Months whose previous month is missing are left out."""
    ytd: dict[tuple[int, int, int], Decimal] = {}
    for start in range(0, len(enterprise_ids), 5000):
        rows = Filing.objects.history_visible_to(user).filter(
            status__in=COUNTED, enterprise_id__in=enterprise_ids[start:start + 5000], period__year__in=years,
        ).values_list("enterprise_id", "period__year", "period__month", "revenue")
        ytd.update({(e, y, m): v for e, y, m, v in rows if v is not None})
    out = {}
    for (e, y, m), value in ytd.items():
        own = monthly_value(None, value, ytd.get((e, y, m - 1)), m > 1)
        if own is not None:
            out[(e, y, m)] = own
    return out
