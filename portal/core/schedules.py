"""The task schedule in words (the system administrator reads 每天 09:00, not ``0 9 * * *``)."""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

WEEKDAYS = {"0": pgettext_lazy("weekday", "日"), "1": pgettext_lazy("weekday", "一"),
            "2": pgettext_lazy("weekday", "二"), "3": pgettext_lazy("weekday", "三"),
            "4": pgettext_lazy("weekday", "四"), "5": pgettext_lazy("weekday", "五"),
            "6": pgettext_lazy("weekday", "六"), "7": pgettext_lazy("weekday", "日")}


def _numbers(field: str) -> list[str] | None:
    """``"1,3"`` → ["1", "3"]; None for anything but plain numbers (ranges, steps, ``*``)."""
    parts = field.split(",")
    return parts if all(p.isdigit() for p in parts) else None


def _time(minute: str, hour: str) -> str | None:
    if minute.isdigit() and hour.isdigit():
        return f"{int(hour):02d}:{int(minute):02d}"
    return None


def _days(crontab: Any) -> str | None:
    """每天 / 每月 1、15 日 / 每周一、三 / 每年 1 月 …; None where the fields combine otherwise."""
    dom, month, dow = crontab.day_of_month, crontab.month_of_year, crontab.day_of_week
    if dom == "*" and month == "*" and dow == "*":
        return _("每天")
    if dom == "*" and month == "*" and _numbers(dow) and all(d in WEEKDAYS for d in _numbers(dow) or []):
        return _("每周%(days)s") % {"days": _("、").join(str(WEEKDAYS[d]) for d in _numbers(dow) or [])}
    if _numbers(dom) and month == "*" and dow == "*":
        return _("每月 %(days)s 日") % {"days": _("、").join(str(int(d)) for d in _numbers(dom) or [])}
    if _numbers(dom) and _numbers(month) and dow == "*":
        return _("每年 %(months)s 月 %(days)s 日") % {"months": _("、").join(str(int(m)) for m in _numbers(month) or []),
                                                 "days": _("、").join(str(int(d)) for d in _numbers(dom) or [])}
    return None


def human_schedule(crontab: Any) -> str:
    """A crontab in words: 每天 09:00, 每小时第 15 分, 每周一 07:00, 每月 1 日 00:30; a schedule these words do
    not cover is shown as its fields, named (分 时 日 月 周)."""
    if crontab is None:
        return "—"
    days = _days(crontab)
    at = _time(crontab.minute, crontab.hour)
    if days is not None and at is not None:
        text = f"{days} {at}"
    elif days == _("每天") and crontab.minute.isdigit() and crontab.hour == "*":
        text = _("每小时第 %(minute)s 分") % {"minute": int(crontab.minute)}
    else:
        text = _("按计划:分 %(minute)s,时 %(hour)s,日 %(dom)s,月 %(month)s,周 %(dow)s") % {
            "minute": crontab.minute, "hour": crontab.hour, "dom": crontab.day_of_month,
            "month": crontab.month_of_year, "dow": crontab.day_of_week}
    zone = str(crontab.timezone)
    return text if zone in ("Asia/Shanghai", "") else f"{text}({zone})"
