"""Reads of the region tree: the overview of monitored enterprises against quotas and the target mix."""
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils import timezone

from portal.accounts.scoping import Viewer, scope_for, subtree_case, within
from portal.enterprises.models import Enterprise, SizeClass
from portal.enterprises.selectors import monitored_q

from .models import Region, RegionLevel, RegionQuota
from .rules import MIX_TOLERANCE, TARGET_MIX

MIX_CLASSES = (SizeClass.MEDIUM.value, SizeClass.SMALL.value, SizeClass.MICRO.value)


@dataclass
class MixPart:
    size_class: str
    label: str
    count: int
    share: float | None  # percent of the region's monitored SMEs
    target: int

    @property
    def deviation(self) -> float | None:
        return None if self.share is None else round(self.share - self.target, 1)

    @property
    def off_target(self) -> bool:
        return self.deviation is not None and abs(self.deviation) > MIX_TOLERANCE


@dataclass
class RegionRow:
    region: Region
    quota: int | None
    counts: dict = field(default_factory=dict)  # size class -> monitored enterprises

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def sme_total(self) -> int:
        return sum(self.counts.get(c, 0) for c in MIX_CLASSES)

    @property
    def large(self) -> int:
        return self.counts.get(SizeClass.LARGE.value, 0)

    @property
    def not_applicable(self) -> int:
        """Enterprises of industries the size standard does not class (金融业, 铁路运输业)."""
        return self.counts.get(SizeClass.NOT_APPLICABLE.value, 0)

    @property
    def completion(self) -> float | None:
        """Monitored enterprises as a percentage of the quota."""
        return round(self.total * 100 / self.quota, 1) if self.quota else None

    @property
    def gap(self) -> int | None:
        return None if self.quota is None else self.quota - self.total

    @property
    def mix(self) -> list[MixPart]:
        labels = dict(SizeClass.choices)
        sme = self.sme_total
        return [
            MixPart(c, str(labels[c]), self.counts.get(c, 0),
                    round(self.counts.get(c, 0) * 100 / sme, 1) if sme else None, TARGET_MIX[c])
            for c in MIX_CLASSES
        ]

    @property
    def mix_ok(self) -> bool:
        return self.sme_total > 0 and not any(p.off_target for p in self.mix)

    @property
    def has_children(self) -> bool:
        return self.region.level < RegionLevel.COUNTY


def can_see_overview(*, user: Viewer) -> bool:
    return scope_for(user).is_official


def can_set_quota(*, user: Viewer) -> bool:
    return scope_for(user).is_province


def region_for_overview(*, user: Viewer, code: str | None = None) -> Region | None:
    """The region whose overview the user opens: their own by default, else one of their subtree; else None."""
    if not scope_for(user).is_official:
        return None
    qs = Region.objects.visible_to(user).select_related("parent")
    return qs.filter(pk=user.region_id).first() if code is None else qs.filter(code=code).first()


def as_of_for(year: int, today: date | None = None) -> date:
    """The day whose monitored enterprises count for a year: today, or 31 December of a past year."""
    today = today or timezone.localdate()
    return today if year >= today.year else date(year, 12, 31)


def overview(*, user: Viewer, region: Region, year: int, today: date | None = None) -> dict:
    """The region and each child with monitored counts by size class, quota and mix. Four queries in all.

    Enterprises are counted in one GROUP BY over the child prefix of their region path, not one query a child.
    """
    as_of = as_of_for(year, today)
    visible = Region.objects.visible_to(user)
    children = list(visible.filter(parent=region).order_by("sort_order", "code"))
    units = children or [region]
    child_of = subtree_case("region_path", units)
    grouped = (
        within(Enterprise.objects.visible_to(user), region)
        .filter(monitored_q(as_of))
        .annotate(unit=child_of)
        .values("unit", "size_class")
        .annotate(n=Count("id"))
        .order_by()
    )
    quotas = dict(RegionQuota.objects.visible_to(user).filter(region__in=[region, *children], year=year)
                  .values_list("region_id", "quota"))
    rows = {r.code: RegionRow(region=r, quota=quotas.get(r.pk)) for r in units}
    own = RegionRow(region=region, quota=quotas.get(region.pk))
    for item in grouped:
        row = rows.get(item["unit"])
        if row is not None:
            row.counts[item["size_class"]] = row.counts.get(item["size_class"], 0) + item["n"]
        own.counts[item["size_class"]] = own.counts.get(item["size_class"], 0) + item["n"]
    trail = list(visible.filter(code__in=region.ancestors_and_self()).order_by("level"))
    return {
        "region": region,
        "year": year,
        "as_of": as_of,
        "own": own,
        "rows": list(rows.values()) if children else [],
        "trail": trail,
        "target_mix": TARGET_MIX,
        "tolerance": MIX_TOLERANCE,
    }


def monitored_summary(*, user: Viewer) -> dict:
    """For the dashboard: the user's region's monitored enterprises today and this year's quota (two queries)."""
    today = timezone.localdate()
    total = Enterprise.objects.visible_to(user).filter(monitored_q(today)).count()
    quota = RegionQuota.objects.visible_to(user).filter(region_id=user.region_id, year=today.year).values_list(
        "quota", flat=True).first()
    return {"total": total, "quota": quota}


def year_choices(today: date | None = None) -> list[int]:
    year = (today or timezone.localdate()).year
    return list(range(year + 1, year - 5, -1))
