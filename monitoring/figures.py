"""Monitoring's figures that the province's work plan can bind a yearly target to (``portal.core.registry``).

Each is read live from the one definition the pages use — the reporting counts of
``selectors.reporting_counts``, the monitored enterprises of the regions' overview — through the viewer's
scope, so a target's progress equals what the status page and the overview show.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from monitoring import periods, selectors
from portal.accounts.scoping import Viewer
from portal.core.registry import register_figure
from portal.regions import selectors as region_selectors


def _ended_months(year: int) -> list[int]:
    today = timezone.localdate()
    if year < today.year:
        return list(range(1, 13))
    return list(range(1, today.month)) if year == today.year else []


def reporting_rate(*, viewer: Viewer, region: Any, year: int) -> float | None:
    """The year's reporting rate (报送率) of ``region``: submitted ÷ expected over the year's ended months."""
    expected = submitted = 0
    for month in _ended_months(year):
        _region, own, _rows = selectors.reporting_counts(user=viewer, period=periods.read_period(year, month),
                                                         region=region, children=False)
        if own is not None:
            expected, submitted = expected + own.expected, submitted + own.submitted
    return round(100.0 * submitted / expected, 1) if expected else None


def monitored_enterprises(*, viewer: Viewer, region: Any, year: int) -> int:
    """Monitored enterprises of ``region`` in ``year`` (the quota overview's count)."""
    return region_selectors.overview(user=viewer, region=region, year=year)["own"].total


def register_figures() -> None:
    register_figure("monitoring.reporting_rate", label=_("监测企业报送率"), unit="%", value=reporting_rate)
    register_figure("monitoring.monitored_enterprises", label=_("监测企业数"), unit=_("家"),
                    value=monitored_enterprises)
