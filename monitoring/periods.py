"""Report periods and deadlines, computed from settings and adjustable per period.

Reads never write. A month is parsed and written by ``portal.core.periods`` (``2026-01``); here it becomes
a Period:

- reads (pages, selectors, the API, bulletins): ``find_period`` → the row or None; ``read_period`` → the
  row, or for a month nobody has opened yet an unsaved Period with the default deadlines, to show. An
  unsaved period matches no filing (the reads filter on ``period_id``, which is NULL for it), so its pages
  show the expected enterprises and empty figures;
- writes: ``open_period`` creates the row, called only by the acts that write for a month (filing, the
  county's import and report up, moving deadlines), by the daily reminder job for the month being filed,
  and by the demo data.
"""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from monitoring.models import Period
from portal.core.periods import Month, month_code, month_from_query


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def default_deadlines(year: int, month: int) -> tuple[date, date]:
    ny, nm = _next_month(year, month)
    return date(ny, nm, settings.FILING_DEADLINE_DAY), date(ny, nm, settings.REVIEW_DEADLINE_DAY)


# Province staff may move a month's deadlines within this many days after the month ends, and may move the
# deadlines of a month that has not closed yet: an open one (ended, review deadline not passed) or a coming
# one (the current calendar month and the ADJUSTABLE_AHEAD months after it).
DEADLINE_WINDOW_DAYS = 60
ADJUSTABLE_AHEAD = 2


def code(period) -> str:
    """The period's one spelling, "2026-01"."""
    return month_code(period)


# ------------------------------------------------------------------------------------------------
# Reads
# ------------------------------------------------------------------------------------------------

def find_period(year: int, month: int) -> Period | None:
    return Period.objects.filter(year=year, month=month).first()


def read_period(year: int, month: int) -> Period:
    """The month's Period, or an unsaved one with the default deadlines when nobody has opened it yet."""
    period = find_period(year, month)
    if period is None:
        filing, review = default_deadlines(year, month)
        period = Period(year=year, month=month, enterprise_deadline=filing, review_deadline=review)
    return period


def filing_month(today: date | None = None) -> Month:
    """The month being filed now: the one that ended most recently."""
    today = today or timezone.localdate()
    return Month(today.year, today.month).previous()


def current_filing_period(today: date | None = None) -> Period:
    """The month being filed now, to show (see ``read_period``)."""
    return read_period(*filing_month(today))


def is_open(period, today: date | None = None) -> bool:
    """Has the month ended (filing opens the day after)? ``period``: a Period or a ``Month``."""
    if isinstance(period, Month):
        period = Period(year=period.year, month=period.month)
    return (today or timezone.localdate()) >= period.opens_on()


def deadline_window(month) -> tuple[date, date]:
    """The first and last day a deadline of ``month`` (a Period or a ``Month``) may fall on: the day after the
    month ends, and DEADLINE_WINDOW_DAYS days after its end."""
    opens = Period(year=month.year, month=month.month).opens_on()
    return opens, opens + timedelta(days=DEADLINE_WINDOW_DAYS - 1)


def adjustable_periods(today: date | None = None) -> list[Period]:
    """The months whose deadlines may be moved today, the latest first, as their Periods (rows, or unsaved ones
    with the default deadlines, see ``read_period``): every coming month (the current one and
    ADJUSTABLE_AHEAD after it) and every ended month not closed yet (a month ended more than
    DEADLINE_WINDOW_DAYS ago is always closed, so at most three are looked at)."""
    today = today or timezone.localdate()
    month = Month(today.year, today.month)
    for _step in range(ADJUSTABLE_AHEAD):
        month = Month(*_next_month(*month))
    out = []
    while deadline_window(month)[1] >= today:
        period = read_period(*month)
        if not period.is_closed(today):
            out.append(period)
        month = month.previous()
    return out


def adjustable_months(today: date | None = None) -> list[Month]:
    return [Month(p.year, p.month) for p in adjustable_periods(today)]


def period_from_query(params, name: str = "period", today: date | None = None) -> Period:
    """A page's ``?period=2026-01`` (or ``2026-1``) of an ended month, to show; the month being filed now when
    the value is absent, not a month, or a month not ended yet."""
    month = month_from_query(params, name)
    if month is None or not is_open(month, today):
        month = filing_month(today)
    return read_period(*month)


def choices(recent: list[Period], shown: Period) -> list[Period]:
    """A period menu: the recent periods, with the one shown added in its place if nobody opened it yet."""
    if any((p.year, p.month) == (shown.year, shown.month) for p in recent):
        return recent
    return sorted([*recent, shown], key=lambda p: (p.year, p.month), reverse=True)


# ------------------------------------------------------------------------------------------------
# Writes
# ------------------------------------------------------------------------------------------------

def open_period(year: int, month: int) -> Period:
    """The month's Period, created with the default deadlines if it does not exist yet. For the acts that
    write for the month only; a page or API read uses ``read_period``."""
    filing, review = default_deadlines(year, month)
    period, _created = Period.objects.get_or_create(
        year=year, month=month, defaults={"enterprise_deadline": filing, "review_deadline": review}
    )
    return period


def open_filing_period(today: date | None = None) -> Period:
    """Open the month being filed now (the daily reminder job does, so its deadlines exist to remind of)."""
    return open_period(*filing_month(today))


def opened(period: Period) -> Period:
    """``period`` as a saved row: itself, or the row opened for its month (a write; see ``open_period``)."""
    return period if period.pk else open_period(period.year, period.month)


def lateness(deadline: date, at) -> tuple[bool, int]:
    """(on time?, days late) of an act at ``at`` against a deadline day (inclusive, Asia/Shanghai)."""
    day = timezone.localdate(at)
    days = (day - deadline).days
    return days <= 0, max(days, 0)
