"""Every per-period figure of the service platforms, defined once: set-based queries keyed by platform.

``compute(metric, platform_ids, start, end, **params) -> {platform_id: value}`` — the dashboards, the platform
page, the quarterly bulletin and the annual evaluation read them here, never count on their own. Each metric is
one query whatever the number of platforms or records. Platforms without data are answered 0.
"""

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Subquery

from portal.enterprises.selectors import honours_granted

from .models import Activity, ServiceRecord
from .rules import RESULT_HONOURS


def _records(platform_ids: Iterable[int], start: date, end: date) -> Any:
    return ServiceRecord.objects.filter(platform_id__in=list(platform_ids), served_on__gte=start, served_on__lte=end)


def _counted(qs: Any, platform_ids: Iterable[int], value: Any) -> dict[int, int]:
    out = dict.fromkeys(platform_ids, 0)
    out.update(dict(qs.order_by().values("platform_id").annotate(n=value).values_list("platform_id", "n")))
    return out


def services_count(platform_ids: Iterable[int], start: date, end: date) -> dict[int, int]:
    """Service records dated in [start, end]."""
    ids = list(platform_ids)
    return _counted(_records(ids, start, end), ids, Count("id"))


def distinct_enterprises(platform_ids: Iterable[int], start: date, end: date) -> dict[int, int]:
    """Distinct enterprises (by credit code) served in [start, end]."""
    ids = list(platform_ids)
    return _counted(_records(ids, start, end), ids, Count("credit_code", distinct=True))


def free_services(platform_ids: Iterable[int], start: date, end: date) -> dict[int, int]:
    ids = list(platform_ids)
    return _counted(_records(ids, start, end).filter(charging="free"), ids, Count("id"))


def activity_count(platform_ids: Iterable[int], start: date, end: date, kind: str | None = None) -> dict[int, int]:
    """Activities dated in [start, end], of one kind or all."""
    ids = list(platform_ids)
    qs = Activity.objects.filter(platform_id__in=ids, happened_on__gte=start, happened_on__lte=end)
    if kind:
        qs = qs.filter(kind=kind)
    return _counted(qs, ids, Count("id"))


def _honoured(platform_ids: Iterable[int], start: date, end: date) -> Any:
    """Records in [start, end] of enterprises that gained a result honour (专精特新, 小巨人, 单项冠军) after the
    platform first served them and by ``end``: the first service date is a correlated subquery, the honour an
    EXISTS — one query."""
    first = (ServiceRecord.objects.filter(platform_id=OuterRef("platform_id"), credit_code=OuterRef("credit_code"))
             .order_by().values("platform_id").annotate(first=Min("served_on")).values("first"))
    later = honours_granted(kinds=RESULT_HONOURS, before=end, credit_code=OuterRef("credit_code")).filter(
        granted_on__gt=OuterRef("first_served"))
    return _records(platform_ids, start, end).annotate(first_served=Subquery(first)).filter(Exists(later))


def honoured_after_service(platform_ids: Iterable[int], start: date, end: date) -> dict[int, int]:
    """Distinct enterprises served in [start, end] that later gained 专精特新 / 小巨人 / 单项冠军 (服务成效)."""
    ids = list(platform_ids)
    return _counted(_honoured(ids, start, end), ids, Count("credit_code", distinct=True))


def honoured_enterprises(platform_id: int, start: date, end: date) -> list[dict]:
    """The list behind ``honoured_after_service`` for one platform: each enterprise, its first service and the
    honours it gained after it (two queries)."""
    rows = {}
    for code, name, first in (_honoured([platform_id], start, end).order_by("credit_code")
                              .values_list("credit_code", "enterprise_name", "first_served").distinct()):
        rows[code] = {"credit_code": code, "name": name, "first_served": first, "honours": []}
    honours = honours_granted(kinds=RESULT_HONOURS, before=end).filter(enterprise__credit_code__in=list(rows))
    for h in honours.select_related("enterprise").order_by("granted_on"):
        row = rows[h.enterprise.credit_code]
        if h.granted_on > row["first_served"]:
            row["honours"].append(h)
    return sorted(rows.values(), key=lambda r: (r["first_served"], r["credit_code"]))


def by_area(platform_ids: Iterable[int], start: date, end: date) -> dict[int, dict[str, tuple[int, int]]]:
    """{platform: {area: (records, distinct enterprises)}} in one GROUP BY."""
    out: dict[int, dict[str, tuple[int, int]]] = {pk: {} for pk in platform_ids}
    rows = (_records(out, start, end).order_by().values("platform_id", "area")
            .annotate(n=Count("id"), d=Count("credit_code", distinct=True)))
    for row in rows:
        out[row["platform_id"]][row["area"]] = (row["n"], row["d"])
    return out


def activities_by_kind(platform_ids: Iterable[int], start: date, end: date) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {pk: {} for pk in platform_ids}
    rows = (Activity.objects.filter(platform_id__in=list(out), happened_on__gte=start, happened_on__lte=end)
            .order_by().values("platform_id", "kind").annotate(n=Count("id")))
    for row in rows:
        out[row["platform_id"]][row["kind"]] = row["n"]
    return out


METRICS: dict[str, Callable[..., dict[int, int]]] = {
    "services_count": services_count,
    "distinct_enterprises": distinct_enterprises,
    "free_services": free_services,
    "activity_count": activity_count,
    "honoured_after_service": honoured_after_service,
}


def compute(metric: str, platform_ids: Iterable[int], start: date, end: date, **params: Any) -> dict[int, int]:
    """One figure for many platforms over [start, end]: ``{platform_id: value}``."""
    return METRICS[metric](platform_ids, start, end, **params)
