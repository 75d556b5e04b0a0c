"""Every read of the startup bases' pages, dashboards and exports: scoped by the viewer, bounded query counts."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from portal.accounts.scoping import Viewer, scope_for, within
from portal.regions.models import Region, RegionLevel

from . import figures
from .calendar import CHECK_STATE_LABELS, TenDays, missing_ten_days, self_check_state
from .models import (
    FIVE_HAVES,
    SelfCheck,
    SelfCheckRound,
    StartupBase,
    StatusChange,
    Target,
    Tenant,
    TenantFigures,
    Visit,
)
from .services import DEFAULT_DUE, TARGET_FIELDS


def bases(*, user: Viewer, region: Region | None = None) -> Any:
    qs = StartupBase.objects.visible_to(user).select_related("region")
    if region is not None:
        qs = within(qs, region)
    today = timezone.localdate()
    return qs.annotate(tenant_count=Count("tenants", filter=Q(tenants__entered_on__lte=today) & (
        Q(tenants__exited_on__isnull=True) | Q(tenants__exited_on__gt=today))))


def base(*, user: Viewer, pk: int) -> StartupBase | None:
    return StartupBase.objects.visible_to(user).select_related("region__parent").filter(pk=pk).first()


def may_change(*, user: Viewer, base: StartupBase) -> bool:
    return StartupBase.objects.changeable_by(user).filter(pk=base.pk).exists()


def status_history(*, user: Viewer, base: StartupBase) -> list[StatusChange]:
    return list(StatusChange.objects.visible_to(user).filter(base=base).select_related("actor"))


def tenants(*, user: Viewer, base: StartupBase) -> list[Tenant]:
    return list(Tenant.objects.visible_to(user).filter(base=base).select_related("enterprise", "plan")
                .order_by("exited_on", "name"))


def tenant(*, user: Viewer, pk: int) -> Tenant | None:
    return (Tenant.objects.visible_to(user).select_related("base__region", "enterprise", "plan")
            .prefetch_related("plan__notes").filter(pk=pk).first())


def tenant_figures(*, user: Viewer, tenant: Tenant) -> list[TenantFigures]:
    return list(TenantFigures.objects.visible_to(user).filter(tenant=tenant).order_by("-year", "-quarter"))


def plans_due(*, user: Viewer, base: StartupBase, today: date) -> list[Tenant]:
    """Tenants in the base without a growth plan, or whose plan's follow-up date has come."""
    return [t for t in tenants(user=user, base=base) if t.exited_on is None
            and (not hasattr(t, "plan") or (t.plan.due_on is not None and t.plan.due_on <= today))]


# -- targets and actuals --------------------------------------------------------------------------------

@dataclass
class ProgressRow:
    label: str
    key: str
    target: dict = field(default_factory=dict)  # metric: value or None
    actual: dict = field(default_factory=dict)
    last_year: dict = field(default_factory=dict)
    children_target: dict = field(default_factory=dict)  # the sum of the level below's targets
    base: StartupBase | None = None
    region: Region | None = None

    def progress(self, metric: str) -> Decimal | None:
        target = self.target.get(metric)
        if not target:
            return None
        return (Decimal(self.actual.get(metric) or 0) * 100 / Decimal(target)).quantize(Decimal("0.1"))

    def growth(self, metric: str) -> Decimal | None:
        """The target's growth against last year's actual."""
        target, before = self.target.get(metric), self.last_year.get(metric)
        if target is None or not before:
            return None
        return ((Decimal(target) - Decimal(before)) * 100 / Decimal(before)).quantize(Decimal("0.1"))

    @property
    def cells(self) -> list[dict]:
        return [{"metric": m, "target": self.target.get(m), "actual": self.actual.get(m),
                 "children_target": self.children_target.get(m), "progress": self.progress(m),
                 "growth": self.growth(m)} for m in TARGET_FIELDS]


def _sum(rows: list[dict], metric: str) -> Any:
    return sum((r.get(metric) or 0 for r in rows), 0)


def _values(target: Target | None) -> dict:
    return {m: getattr(target, m) for m in TARGET_FIELDS} if target else {}


def _actuals(ids: list[int], year: int, upto_month: int) -> dict[int, dict]:
    data = figures.compute_all(ids, year, upto_month)
    return {b: {m: data[m][b] for m in TARGET_FIELDS} for b in ids}


def progress(*, user: Viewer, year: int, upto_month: int, region: Region | None = None,
             only: StartupBase | None = None) -> dict:
    """Targets against actuals: one row per base, one per county (its own target, the sum of its bases' targets
    and actuals), one for the city (its own target, the sum of its counties'). Last year's actuals for growth."""
    qs = bases(user=user, region=region)
    if only is not None:
        qs = qs.filter(pk=only.pk)
    rows = list(qs.order_by("region__path", "name"))
    ids = [b.pk for b in rows]
    now = _actuals(ids, year, upto_month)
    before = _actuals(ids, year - 1, 12)
    targets = list(Target.objects.visible_to(user).filter(year=year).select_related("region"))
    by_base = {t.base_id: t for t in targets if t.base_id}
    by_region = {t.region_id: t for t in targets if not t.base_id}
    base_rows = [ProgressRow(label=b.name, key=f"base-{b.pk}", base=b, region=b.region, actual=now[b.pk],
                             last_year=before[b.pk], target=_values(by_base.get(b.pk))) for b in rows]
    counties: dict[int, list[ProgressRow]] = {}
    for row in base_rows:
        counties.setdefault(row.base.region_id, []).append(row)  # type: ignore[union-attr]
    county_regions = {r.pk: r for r in Region.objects.visible_to(user).filter(pk__in=list(counties))}
    county_rows = []
    for region_id, children in counties.items():
        county = county_regions.get(region_id)
        county_rows.append(ProgressRow(
            label=county.name if county else "", key=f"county-{region_id}", region=county,
            target=_values(by_region.get(region_id)),
            actual={m: _sum([c.actual for c in children], m) for m in TARGET_FIELDS},
            last_year={m: _sum([c.last_year for c in children], m) for m in TARGET_FIELDS},
            children_target={m: _sum([c.target for c in children], m) for m in TARGET_FIELDS}))
    county_rows.sort(key=lambda r: r.region.path if r.region else "")
    city = _city_of(user, region, county_regions)
    city_row = None
    if city is not None and scope_for(user).has_region:
        city_row = ProgressRow(
            label=city.name, key=f"city-{city.pk}", region=city, target=_values(by_region.get(city.pk)),
            actual={m: _sum([c.actual for c in county_rows], m) for m in TARGET_FIELDS},
            last_year={m: _sum([c.last_year for c in county_rows], m) for m in TARGET_FIELDS},
            children_target={m: _sum([c.target for c in county_rows], m) for m in TARGET_FIELDS})
    return {"bases": base_rows, "counties": county_rows, "city": city_row}


def _city_of(user: Viewer, region: Region | None, counties: dict[int, Region]) -> Region | None:
    """The city the rows add up to: the viewer's (or the picked region's) city."""
    own = region or getattr(user, "region", None)
    if own is None:
        return None
    if own.level == RegionLevel.CITY:
        return own
    return None


def chart_data(rows: list[ProgressRow]) -> dict:
    """Progress (% of target) per row and metric, for the bar chart (static/js/bases.js)."""
    return {"labels": [r.label for r in rows],
            "series": [{"metric": m, "data": [float(p) if (p := r.progress(m)) is not None else None for r in rows]}
                       for m in TARGET_FIELDS]}


def target_of(*, user: Viewer, year: int, base: StartupBase | None = None, region: Region | None = None) -> Target | None:
    qs = Target.objects.visible_to(user).filter(year=year)
    return (qs.filter(base=base) if base is not None else qs.filter(region=region, base__isnull=True)).first()


def region_targets(*, user: Viewer, year: int) -> dict[int, Target]:
    """The regions' own targets of ``year`` (not the bases'): {region id: target}."""
    return {t.region_id: t for t in Target.objects.visible_to(user).filter(year=year, base__isnull=True)}


def target_regions(*, user: Viewer) -> list[Region]:
    """The counties (and the city itself) whose targets the viewer sets: a city's officials."""
    scope = scope_for(user)
    if not scope.may_manage_bases:
        return []
    regions = Region.objects.visible_to(user).filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY])
    return [r for r in regions.order_by("path") if scope.may_set_county_targets(r) or r.pk == user.region_id]


# -- self-check -----------------------------------------------------------------------------------------

def due_on(year: int) -> date:
    row = SelfCheckRound.objects.filter(year=year).values_list("due_on", flat=True).first()
    return row or date(year, *DEFAULT_DUE)


@dataclass
class CheckRow:
    base: StartupBase
    check: SelfCheck | None
    state: str
    due_on: date

    @property
    def state_label(self) -> str:
        return str(CHECK_STATE_LABELS[self.state])

    @property
    def flagged(self) -> bool:
        return self.state in ("late", "missing")


def self_checks(*, user: Viewer, year: int, today: date | None = None, region: Region | None = None) -> list[CheckRow]:
    """Each base's self-check of ``year``: on time, late, missing (flagged), or still open."""
    today = today or timezone.localdate()
    due = due_on(year)
    rows = list(bases(user=user, region=region).order_by("region__path", "name"))
    checks = {c.base_id: c for c in SelfCheck.objects.visible_to(user).filter(year=year, base__in=[b.pk for b in rows])}
    return [CheckRow(base=b, check=checks.get(b.pk), due_on=due,
                     state=self_check_state(filed_on=getattr(checks.get(b.pk), "filed_on", None), due_on=due,
                                            today=today)) for b in rows]


def self_check(*, user: Viewer, base: StartupBase, year: int) -> SelfCheck | None:
    return (SelfCheck.objects.visible_to(user).filter(base=base, year=year).select_related("filed_by", "prepared_by")
            .prefetch_related("items").first())


def self_check_items(check: SelfCheck | None) -> list[dict]:
    """The 五有 in the seed's order, with the check's answers (none yet: empty)."""
    items = {i.key: i for i in check.items.all()} if check else {}
    return [{"key": key, "label": label, "item": items.get(key)} for key, label in FIVE_HAVES]


# -- supervision visits ---------------------------------------------------------------------------------

def visits(*, user: Viewer, base: StartupBase, limit: int = 50) -> list[Visit]:
    return list(Visit.objects.visible_to(user).filter(base=base)[:limit])


def missing_visits(*, user: Viewer, base_ids: list[int], year: int, today: date | None = None) -> dict[int, list[TenDays]]:
    """Each base's ended ten-day periods of ``year`` without a visit (computed from the calendar and the records)."""
    today = today or timezone.localdate()
    start = date(year, 1, 1)
    end = min(today, date(year + 1, 1, 1))
    days: dict[int, list[date]] = {b: [] for b in base_ids}
    for base_id, day in (Visit.objects.visible_to(user).filter(base_id__in=base_ids, visited_on__gte=start,
                                                               visited_on__lt=end)
                         .values_list("base_id", "visited_on")):
        days[base_id].append(day)
    return {b: missing_ten_days(v, start, end) for b, v in days.items()}
