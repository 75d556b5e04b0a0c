"""The calendar of the bases' work: ten-day periods (旬: 上旬 1–10, 中旬 11–20, 下旬 21 to the month's end),
the self-check's status against its due date. Pure functions: computed from the calendar and the records."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

TEN_DAY_NAMES = {1: _("上旬"), 2: _("中旬"), 3: _("下旬")}


@dataclass(frozen=True)
class TenDays:
    year: int
    month: int
    part: int  # 1 上旬, 2 中旬, 3 下旬
    first: date
    last: date

    @property
    def label(self) -> str:
        return _("%(y)d年%(m)d月%(p)s") % {"y": self.year, "m": self.month, "p": TEN_DAY_NAMES[self.part]}


def ten_days_of(day: date) -> TenDays:
    part = 1 if day.day <= 10 else 2 if day.day <= 20 else 3
    return ten_days(day.year, day.month, part)


def ten_days(year: int, month: int, part: int) -> TenDays:
    first = date(year, month, (part - 1) * 10 + 1)
    last = date(year, month, calendar.monthrange(year, month)[1] if part == 3 else part * 10)
    return TenDays(year, month, part, first, last)


def ended_ten_days(start: date, today: date) -> list[TenDays]:
    """The ten-day periods from the one holding ``start`` to the last one that ended before ``today``."""
    out = []
    current = ten_days_of(start)
    while current.last < today:
        out.append(current)
        nxt = current.last.toordinal() + 1
        current = ten_days_of(date.fromordinal(nxt))
    return out


def missing_ten_days(visits: list[date], start: date, today: date) -> list[TenDays]:
    """The ended ten-day periods since ``start`` without a visit."""
    seen = {(d.year, d.month, ten_days_of(d).part) for d in visits}
    return [t for t in ended_ten_days(start, today) if (t.year, t.month, t.part) not in seen]


class CheckState:
    FILED = "filed"
    LATE = "late"  # filed after the due date
    MISSING = "missing"  # not filed, the due date passed
    OPEN = "open"  # not filed yet, before the due date


CHECK_STATE_LABELS = {CheckState.FILED: _("按时上报"), CheckState.LATE: _("逾期上报"),
                      CheckState.MISSING: _("逾期未报"), CheckState.OPEN: _("待上报")}


def self_check_state(*, filed_on: date | None, due_on: date, today: date) -> str:
    if filed_on is not None:
        return CheckState.FILED if filed_on <= due_on else CheckState.LATE
    return CheckState.MISSING if today > due_on else CheckState.OPEN
