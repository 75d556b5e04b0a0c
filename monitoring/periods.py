"""Report periods and deadlines, computed from settings and adjustable per period."""

from datetime import date

from django.conf import settings
from django.utils import timezone

from monitoring.models import Period


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def default_deadlines(year: int, month: int) -> tuple[date, date]:
    ny, nm = _next_month(year, month)
    return date(ny, nm, settings.FILING_DEADLINE_DAY), date(ny, nm, settings.REVIEW_DEADLINE_DAY)


def get_period(year: int, month: int) -> Period:
    filing, review = default_deadlines(year, month)
    period, _created = Period.objects.get_or_create(
        year=year, month=month, defaults={"enterprise_deadline": filing, "review_deadline": review}
    )
    return period


def current_filing_period(today: date | None = None) -> Period:
    """The month being filed now: the one that ended most recently."""
    today = today or timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return get_period(year, month)


def is_open(period: Period, today: date | None = None) -> bool:
    return (today or timezone.localdate()) >= period.opens_on()


def lateness(deadline: date, at) -> tuple[bool, int]:
    """(on time?, days late) of an act at ``at`` against a deadline day (inclusive, Asia/Shanghai)."""
    day = timezone.localdate(at)
    days = (day - deadline).days
    return days <= 0, max(days, 0)
