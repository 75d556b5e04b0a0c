"""Months and quarters as the portal reads and writes them: one converter, one spelling.

The portal writes a month ``2026-01`` and a quarter ``2026-Q3``, in links, query strings, codes on pages,
API answers and file names. It reads those spellings and, leniently, the older ones still found in links,
bookmarks and callers' programs: a month ``2026-1``, a quarter ``2026-3``.

- ``parse_month`` / ``parse_quarter``: text → ``Month`` / ``Quarter``, or a ``ValidationError`` with a
  message for people (the API answers it as a 400 on the field);
- ``month_code`` / ``quarter_code``: the one spelling, of numbers or of anything with ``year`` and ``month``
  (a ``Month``, a period row);
- ``MonthConverter`` / ``QuarterConverter``: URL path converters ``<month:…>`` and ``<quarter:…>``
  (registered by ``portal.core.apps``);
- ``MonthField`` / ``QuarterField``: form fields; ``month_from_query``: a page's ``?period=`` value;
- ``month_label`` / ``quarter_label``: how a page names a month or a quarter, in the active language
  ("2026年11月" / "November 2026", "2026年第3季度" / "Q3 2026"); ``Month`` and ``Quarter`` print their code.

Nothing here knows a domain app's tables: ``monitoring.periods`` turns a ``Month`` into its Period.
"""

import re
from datetime import date
from typing import NamedTuple

from django import forms
from django.core.exceptions import ValidationError
from django.urls import register_converter
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIRST_YEAR = 2000
LAST_YEAR = 2999
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{1,2})$")  # 2026-01, and the older 2026-1
QUARTER_PATTERN = re.compile(r"^(\d{4})-[Qq]?(\d)$")  # 2026-Q3, and the older 2026-3


class Month(NamedTuple):
    year: int
    month: int

    @property
    def code(self) -> str:
        return month_code(self.year, self.month)

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    def previous(self) -> "Month":
        return Month(self.year, self.month - 1) if self.month > 1 else Month(self.year - 1, 12)

    def __str__(self) -> str:
        return self.code


class Quarter(NamedTuple):
    year: int
    quarter: int

    @property
    def code(self) -> str:
        return quarter_code(self.year, self.quarter)

    @property
    def months(self) -> list[Month]:
        return [Month(self.year, 3 * (self.quarter - 1) + i) for i in (1, 2, 3)]

    def previous(self) -> "Quarter":
        return Quarter(self.year, self.quarter - 1) if self.quarter > 1 else Quarter(self.year - 1, 4)

    def __str__(self) -> str:
        return self.code


def month_code(year, month: int | None = None) -> str:
    """``month_code(2026, 1)`` or ``month_code(period)`` → "2026-01"."""
    if month is None:
        year, month = year.year, year.month
    return f"{int(year):04d}-{int(month):02d}"


def quarter_code(year, quarter: int | None = None) -> str:
    """``quarter_code(2026, 3)`` or ``quarter_code(obj_with_year_and_quarter)`` → "2026-Q3"."""
    if quarter is None:
        year, quarter = year.year, year.quarter
    return f"{int(year):04d}-Q{int(quarter)}"


def month_label(year, month: int | None = None) -> str:
    """``month_label(2026, 11)`` or ``month_label(period)`` → "2026年11月", in English "November 2026"
    (the active language's YEAR_MONTH_FORMAT)."""
    if month is None:
        year, month = year.year, year.month
    return date_format(date(int(year), int(month), 1), "YEAR_MONTH_FORMAT")


def quarter_label(year, quarter: int | None = None) -> str:
    """``quarter_label(2026, 3)`` or ``quarter_label(obj_with_year_and_quarter)`` → "2026年第3季度", "Q3 2026"."""
    if quarter is None:
        year, quarter = year.year, year.quarter
    return _("%(y)d年第%(q)d季度") % {"y": int(year), "q": int(quarter)}


def parse_month(value) -> Month:
    """"2026-01" (or "2026-1") → Month(2026, 1); ValidationError with a message for people otherwise."""
    if isinstance(value, Month):
        return value
    text = str(value if value is not None else "").strip()
    match = MONTH_PATTERN.match(text)
    if not match:
        raise ValidationError(_("报告期格式应为“年-月”,例如 2026-01。"), code="format")
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("报告期“%(value)s”不存在。") % {"value": text}, code="range")
    return Month(year, month)


def parse_quarter(value) -> Quarter:
    """"2026-Q3" (or "2026-3") → Quarter(2026, 3); ValidationError with a message for people otherwise."""
    if isinstance(value, Quarter):
        return value
    text = str(value if value is not None else "").strip()
    match = QUARTER_PATTERN.match(text)
    if not match:
        raise ValidationError(_("季度格式应为“年-Q季度”,例如 2026-Q3。"), code="format")
    year, quarter = int(match[1]), int(match[2])
    if not 1 <= quarter <= 4 or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_("季度“%(value)s”不存在。") % {"value": text}, code="range")
    return Quarter(year, quarter)


def month_from_query(params, name: str = "period") -> Month | None:
    """The month of a query string's ``name`` (either spelling), or None when absent or not a month."""
    value = params.get(name)
    if not value:
        return None
    try:
        return parse_month(value)
    except ValidationError:
        return None


def quarter_from_query(params, name: str = "quarter") -> Quarter | None:
    value = params.get(name)
    if not value:
        return None
    try:
        return parse_quarter(value)
    except ValidationError:
        return None


# ------------------------------------------------------------------------------------------------
# URL path converters: <month:period>, <quarter:quarter>
# ------------------------------------------------------------------------------------------------

class MonthConverter:
    regex = r"\d{4}-\d{1,2}"

    def to_python(self, value: str) -> Month:
        try:
            return parse_month(value)
        except ValidationError as exc:  # a URL that names no month is a 404
            raise ValueError(str(exc)) from None

    def to_url(self, value) -> str:
        return parse_month(value).code if isinstance(value, str) else month_code(value)


class QuarterConverter:
    regex = r"\d{4}-[Qq]?\d"

    def to_python(self, value: str) -> Quarter:
        try:
            return parse_quarter(value)
        except ValidationError as exc:
            raise ValueError(str(exc)) from None

    def to_url(self, value) -> str:
        return parse_quarter(value).code if isinstance(value, str) else quarter_code(value)


def register_converters() -> None:
    register_converter(MonthConverter, "month")
    register_converter(QuarterConverter, "quarter")


# ------------------------------------------------------------------------------------------------
# Form fields
# ------------------------------------------------------------------------------------------------

class _CodeField(forms.CharField):
    """A month or quarter typed or chosen (``choices`` makes it a select of codes); cleans to the tuple."""

    parse = staticmethod(parse_month)

    def __init__(self, *, choices=(), **kwargs):
        kwargs.setdefault("max_length", 16)
        super().__init__(**kwargs)
        self.choices = choices

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = list(value)
        if self._choices:
            self.widget = forms.Select(choices=self._choices)
            self.widget.is_required = self.required

    def prepare_value(self, value):
        if isinstance(value, (Month, Quarter)):
            return value.code
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return self.parse(value)


class MonthField(_CodeField):
    default_error_messages = {"required": gettext_lazy("请选择报告期。")}
    parse = staticmethod(parse_month)


class QuarterField(_CodeField):
    default_error_messages = {"required": gettext_lazy("请选择季度。")}
    parse = staticmethod(parse_quarter)
