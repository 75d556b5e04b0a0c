"""The upscaling figures, defined once: new above-size enterprises (gross and net of leavers), new output,
progress against the counties' targets with its traffic light, the ranking. Every page, report, workbook and
the province's work plan (``register_figure``) read them here."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import Viewer, within
from portal.core.registry import register_figure
from portal.regions.models import Region, RegionLevel

from .models import CountyTarget, MonthlySales, PoolEntry

AMBER_POINTS = 10  # amber: at most this many points below the share of the year elapsed


def elapsed_share(year: int, on: date) -> float:
    """The share of ``year`` elapsed on ``on`` (%), 100 for a past year, 0 for a coming one."""
    if on.year > year:
        return 100.0
    if on.year < year:
        return 0.0
    days = 366 if calendar.isleap(year) else 365
    return on.timetuple().tm_yday / days * 100


def light(progress: float | None, elapsed: float) -> str:
    """green at or above the share of the year elapsed, amber within AMBER_POINTS below it, red beyond."""
    if progress is None:
        return ""
    if progress >= elapsed:
        return "green"
    return "amber" if progress >= elapsed - AMBER_POINTS else "red"


LIGHT_LABELS = {"green": _("进度正常"), "amber": _("略有滞后"), "red": _("严重滞后"), "": _("未设目标")}


@dataclass
class Progress:
    region: Region | None
    name: str
    target: int | None
    target_output: Decimal | None
    gross: int
    leavers: int
    new_output: Decimal  # 亿元
    elapsed: float
    rank: int | None = None

    @property
    def net(self) -> int:
        return self.gross - self.leavers

    @property
    def progress(self) -> float | None:
        return self.gross / self.target * 100 if self.target else None

    @property
    def output_progress(self) -> float | None:
        return float(self.new_output / self.target_output * 100) if self.target_output else None

    @property
    def light(self) -> str:
        return light(self.progress, self.elapsed)

    @property
    def light_label(self) -> Any:
        return LIGHT_LABELS[self.light]


def progress(*, viewer: Viewer, year: int, on: date) -> tuple[list[Progress], Progress]:
    """Each county in the viewer's scope (ranked by progress) and their total. Four queries."""
    counties = list(Region.objects.visible_to(viewer).filter(level=RegionLevel.COUNTY).order_by("sort_order", "code"))
    targets = {t.region_id: t for t in CountyTarget.objects.visible_to(viewer).filter(year=year)}
    counts = {row["region_path"]: row for row in PoolEntry.objects.visible_to(viewer).values("region_path").annotate(
        gross=Count("pk", filter=Q(entered_on__year=year)), leavers=Count("pk", filter=Q(left_on__year=year)))}
    output = dict(MonthlySales.objects.visible_to(viewer).filter(
        year=year, enterprise__pool_entry__entered_on__year=year).values("region_path").annotate(
        s=Sum("sales")).values_list("region_path", "s"))
    elapsed = elapsed_share(year, on)
    rows = []
    for c in counties:
        t = targets.get(c.pk)
        hit: Any = counts.get(c.path, {})
        rows.append(Progress(region=c, name=c.name, target=t.new_enterprises if t else None,
                             target_output=t.new_output if t else None, gross=hit.get("gross", 0),
                             leavers=hit.get("leavers", 0), new_output=(output.get(c.path) or Decimal(0)) / 10000,
                             elapsed=elapsed))
    ranked = sorted([r for r in rows if r.progress is not None], key=lambda r: -(r.progress or 0))
    for i, r in enumerate(ranked, start=1):
        r.rank = i
    rows = ranked + [r for r in rows if r.progress is None]
    with_target = [r for r in rows if r.target is not None]
    total = Progress(region=None, name=str(_("合计")),
                     target=sum(r.target or 0 for r in with_target) if with_target else None,
                     target_output=sum((r.target_output or Decimal(0) for r in with_target), Decimal(0)) or None,
                     gross=sum(r.gross for r in rows), leavers=sum(r.leavers for r in rows),
                     new_output=sum((r.new_output for r in rows), Decimal(0)), elapsed=elapsed)
    return rows, total


def new_above_size(*, viewer: Viewer, region: Any, year: int) -> int:
    """New above-size industrial enterprises (entered the statistics) in ``year`` within ``region``."""
    return within(PoolEntry.objects.visible_to(viewer), region).filter(entered_on__year=year).count()


def net_new_above_size(*, viewer: Viewer, region: Any, year: int) -> int:
    qs = within(PoolEntry.objects.visible_to(viewer), region)
    return qs.filter(entered_on__year=year).count() - qs.filter(left_on__year=year).count()


def register_figures() -> None:
    register_figure("upscaling.new_above_size", label=_("新增规上工业企业数"), unit=_("家"), value=new_above_size)
    register_figure("upscaling.net_new_above_size", label=_("净增规上工业企业数(扣除退规)"), unit=_("家"),
                    value=net_new_above_size)


@dataclass
class Reward:
    """Seed 002 四.2: the basis of a county's reward — the local tax contribution of the enterprises that
    entered the statistics in ``year``, this year against last year (万元)."""

    region: Region
    name: str
    enterprises: int
    taxes: Decimal
    taxes_last_year: Decimal

    @property
    def new_contribution(self) -> Decimal:
        return self.taxes - self.taxes_last_year


def reward_basis(*, viewer: Viewer, year: int) -> list[Reward]:
    """Per county in the viewer's scope. Three queries."""
    counties = list(Region.objects.visible_to(viewer).filter(level=RegionLevel.COUNTY).order_by("sort_order", "code"))
    crossers = PoolEntry.objects.visible_to(viewer).filter(entered_on__year=year)
    counts = dict(crossers.values("region_path").annotate(n=Count("pk")).values_list("region_path", "n"))
    taxes: dict[tuple[str, int], Decimal] = {}
    for path, y, s in MonthlySales.objects.visible_to(viewer).filter(
            year__in=[year - 1, year], enterprise__pool_entry__entered_on__year=year).values(
            "region_path", "year").annotate(s=Sum("taxes")).values_list("region_path", "year", "s"):
        taxes[(path, y)] = s or Decimal(0)
    return [Reward(region=c, name=c.name, enterprises=counts.get(c.path, 0),
                   taxes=taxes.get((c.path, year), Decimal(0)), taxes_last_year=taxes.get((c.path, year - 1), Decimal(0)))
            for c in counties]
