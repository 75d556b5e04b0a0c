"""Every read of the service platforms a page, export, API or panel shows; all start from ``visible_to``.
The figures come from ``platforms.figures`` (one definition)."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from portal.accounts.scoping import scope_for
from portal.core.periods import Quarter

from . import figures
from .models import Activity, Platform, PlatformKind, ServiceRecord
from .rules import ANNUAL_SUMMARY_DUE, ActivityKind, ServiceArea


def quarter_of(day: date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarter_bounds(quarter: Quarter) -> tuple[date, date]:
    start = date(quarter.year, 3 * quarter.quarter - 2, 1)
    nxt = date(quarter.year + (quarter.quarter == 4), 1 if quarter.quarter == 4 else 3 * quarter.quarter + 1, 1)
    return start, nxt - timedelta(days=1)


def current_quarter() -> Quarter:
    return quarter_of(timezone.localdate())


def platforms(*, user: Any) -> Any:
    return Platform.objects.visible_to(user).select_related("region")


def own_platforms(*, user: Any) -> list[Platform]:
    """The platforms the user may change (an operator's own; an official's by region)."""
    return list(Platform.objects.changeable_by(user).select_related("region"))


def platform_for_view(*, user: Any, pk: int) -> Platform | None:
    return platforms(user=user).filter(pk=pk).first()


def may_change(*, user: Any, platform: Platform) -> bool:
    return Platform.objects.changeable_by(user).filter(pk=platform.pk).exists()


def platform_page(*, user: Any, platform: Platform, quarter: Quarter) -> dict:
    """What the platform page shows: recognitions, operating units, the quarter's figures and the enterprises
    behind the service results (of the quarter's year to its end)."""
    start, end = quarter_bounds(quarter)
    year_start = date(quarter.year, 1, 1)
    ids = [platform.pk]
    return {
        "recognitions": list(platform.recognitions.all()),
        "terms": list(platform.operator_terms.select_related("recorded_by").order_by(
            F("ended_on").desc(nulls_first=True), F("started_on").desc(nulls_last=True))),
        "services": figures.services_count(ids, start, end)[platform.pk],
        "distinct": figures.distinct_enterprises(ids, start, end)[platform.pk],
        "activities": figures.activity_count(ids, start, end)[platform.pk],
        "honoured": figures.honoured_after_service(ids, year_start, end)[platform.pk],
        "honoured_list": figures.honoured_enterprises(platform.pk, year_start, end),
        "year": quarter.year,
    }


@dataclass(frozen=True)
class RecordFilter:
    platform: Platform | None = None
    area: str = ""
    quarter: Quarter | None = None
    q: str = ""


def records(*, user: Any, filters: RecordFilter) -> Any:
    """Service records the user reads, filtered (two queries a page: count and rows)."""
    qs = ServiceRecord.objects.visible_to(user).select_related("platform")
    if filters.platform is not None:
        qs = qs.filter(platform=filters.platform)
    if filters.area:
        qs = qs.filter(area=filters.area)
    if filters.quarter is not None:
        start, end = quarter_bounds(filters.quarter)
        qs = qs.filter(served_on__gte=start, served_on__lte=end)
    if filters.q:
        q = filters.q.strip()
        qs = qs.filter(Q(enterprise_name__icontains=q) | Q(credit_code__istartswith=q.upper()))
    return qs.order_by("-served_on", "-id")


def record_for_change(*, user: Any, pk: int) -> ServiceRecord | None:
    return ServiceRecord.objects.changeable_by(user).select_related("platform", "platform__region").filter(
        pk=pk).first()


def activities(*, user: Any, platform: Platform | None = None, quarter: Quarter | None = None) -> Any:
    qs = Activity.objects.visible_to(user).select_related("platform")
    if platform is not None:
        qs = qs.filter(platform=platform)
    if quarter is not None:
        start, end = quarter_bounds(quarter)
        qs = qs.filter(happened_on__gte=start, happened_on__lte=end)
    return qs.order_by("-happened_on", "-id")


def activity_for_change(*, user: Any, pk: int) -> Activity | None:
    return Activity.objects.changeable_by(user).select_related("platform", "platform__region").filter(pk=pk).first()


def operator_dashboard(*, user: Any, quarter: Quarter) -> list[dict]:
    """Per own platform: the quarter's services by area, activities by kind, service results, deadlines."""
    own = own_platforms(user=user)
    ids = [p.pk for p in own]
    start, end = quarter_bounds(quarter)
    areas = figures.by_area(ids, start, end)
    kinds = figures.activities_by_kind(ids, start, end)
    honoured = figures.honoured_after_service(ids, date(quarter.year, 1, 1), end)
    due = date(quarter.year, *ANNUAL_SUMMARY_DUE)
    out = []
    for p in own:
        by_area = [{"area": label, "count": areas[p.pk].get(code, (0, 0))[0],
                    "distinct": areas[p.pk].get(code, (0, 0))[1]} for code, label in ServiceArea.choices]
        out.append({
            "platform": p, "by_area": by_area,
            "total": sum(r["count"] for r in by_area),
            "by_kind": [{"kind": label, "count": kinds[p.pk].get(code, 0)} for code, label in ActivityKind.choices],
            "honoured": honoured[p.pk], "quarter_end": end, "summary_due": due,
        })
    return out


def side_by_side(*, user: Any, quarter: Quarter) -> list[dict]:
    """The platforms an official (or the city platform's operator) reads, with the quarter's figures."""
    rows = list(platforms(user=user).exclude(kind=PlatformKind.INSTITUTION))
    ids = [p.pk for p in rows]
    start, end = quarter_bounds(quarter)
    services = figures.services_count(ids, start, end)
    distinct = figures.distinct_enterprises(ids, start, end)
    acts = figures.activity_count(ids, start, end)
    honoured = figures.honoured_after_service(ids, date(quarter.year, 1, 1), end)
    return [{"platform": p, "services": services[p.pk], "distinct": distinct[p.pk], "activities": acts[p.pk],
             "honoured": honoured[p.pk]} for p in rows]


def sees_side_by_side(user: Any) -> bool:
    scope = scope_for(user)
    return scope.is_official or bool(scope.compiled_paths(Platform))
