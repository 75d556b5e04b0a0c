"""What a column can hold, read from the model field that declares it, and checked the same on every database.

SQLite stores a 3,000,000,000 in a PostgreSQL ``integer`` column, a 17-digit number in a ``numeric(14, 2)``
and a date in year 1; PostgreSQL refuses the first two and Python's dates overflow one day past 9999-12-31.
So the bounds of a value are derived once from its model field, and every channel that writes (the form,
the service behind it, a bulk import, the API) asks this module, never the database, whether it fits:

- numbers: the field's own ``MinValueValidator`` / ``MaxValueValidator`` (e.g. revenue ≥ 0), the integer
  column's PostgreSQL range (``integer``: ±2,147,483,647; positive: from 0) and a decimal column's digits
  (``max_digits=14, decimal_places=2``: at most 999,999,999,999.99);
- dates: ``EARLIEST_DATE`` to ``LATEST_DATE``, the years the portal reads (``portal.core.periods``);
- text: the field's ``max_length``, and no character PostgreSQL cannot store or the database driver cannot
  encode: NUL ("\\x00") and unpaired UTF-16 surrogates ("\\ud800", which JSON's escapes can carry).

``limits(field)`` answers a field's range, ``problem(field, value)`` the reason a value does not fit
(``None`` when it does), ``field_errors(model, data)`` a ``ValidationError`` naming each field that does not
fit, and ``formfield(db_field)`` a form field carrying the same bounds (``fields_for_model``'s
``formfield_callback``), so the page refuses what the service would.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext as _

from .periods import FIRST_YEAR, LAST_YEAR

__all__ = ["EARLIEST_DATE", "LATEST_DATE", "UNSTORABLE", "DateField", "Limits", "bound_form_field", "field_errors",
           "formfield", "limits", "parse_id", "problem", "storable", "text_problem"]

EARLIEST_DATE = date(FIRST_YEAR, 1, 1)
LATEST_DATE = date(LAST_YEAR, 12, 31)
# The column sizes of PostgreSQL, the production database (SQLite would take any 64-bit integer).
INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges

# NUL (PostgreSQL refuses it in text and JSON) and lone surrogates (not encodable as UTF-8).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

Bound = Decimal | int | date | None


def storable(text: str) -> bool:
    """True unless ``text`` holds a character no text column can store (``UNSTORABLE``)."""
    return UNSTORABLE.search(text) is None


def text_problem(text: str, max_length: int | None = None) -> str | None:
    """Why ``text`` cannot be stored (a phrase to follow the field's label), or None."""
    if not storable(text):
        return _("含有不允许的字符(空字符或不成对的代理字符)")
    if max_length and len(text) > max_length:
        return _("超过%(n)d个字") % {"n": max_length}
    return None


@dataclass(frozen=True)
class Limits:
    lowest: Bound = None
    highest: Bound = None

    def problem(self, value: Any) -> str | None:
        """Why ``value`` does not fit (a phrase to follow the field's label), or None. A date is held to date
        bounds, a number to number bounds; anything else is not this check's business."""
        if isinstance(value, datetime | bool) or not isinstance(value, date | int | Decimal | float):
            return None
        is_date = isinstance(value, date)
        lowest, highest = (b if isinstance(b, date) == is_date else None for b in (self.lowest, self.highest))
        if lowest is not None and value < lowest:  # type: ignore[operator]  # same kind, checked above
            template = _("不能早于%(limit)s") if is_date else _("不能小于%(limit)s")
            return template % {"limit": _show(lowest)}
        if highest is not None and value > highest:  # type: ignore[operator]
            template = _("不能晚于%(limit)s") if is_date else _("不能大于%(limit)s")
            return template % {"limit": _show(highest)}
        return None


def _show(bound: Decimal | int | date) -> str:
    if isinstance(bound, date):
        return bound.isoformat()
    return f"{bound:,}"


def _declared(field: models.Field, kind: type, pick: Any) -> Bound:
    """The tightest of the field's own Min/MaxValueValidators of ``kind``."""
    values = [v.limit_value() if callable(v.limit_value) else v.limit_value
              for v in field.validators if isinstance(v, kind) and isinstance(v, validators.BaseValidator)]
    return pick(values) if values else None


def _tighter(a: Bound, b: Bound, pick: Any) -> Bound:
    present = [x for x in (a, b) if x is not None]
    return pick(present) if present else None


@cache
def limits(field: models.Field) -> Limits:
    """The range a model field's column holds, on every database (computed once per field)."""
    if isinstance(field, models.DateTimeField):
        return Limits()
    if isinstance(field, models.DateField):
        return Limits(EARLIEST_DATE, LATEST_DATE)
    lowest, highest = _declared(field, validators.MinValueValidator, max), _declared(
        field, validators.MaxValueValidator, min)
    if isinstance(field, models.DecimalField):
        top = Decimal(10) ** (field.max_digits - field.decimal_places) - Decimal(10) ** -field.decimal_places
        return Limits(_tighter(lowest, -top, max), _tighter(highest, top, min))
    if isinstance(field, models.IntegerField):
        low, high = INTEGER_RANGES.get(field.get_internal_type(), (None, None))
        return Limits(_tighter(lowest, low, max), _tighter(highest, high, min))
    return Limits(lowest, highest)


def problem(field: models.Field, value: Any) -> str | None:
    """Why ``value`` cannot be stored in ``field`` (a phrase to follow its label), or None."""
    if isinstance(value, str):
        return text_problem(value, getattr(field, "max_length", None))
    return limits(field).problem(value)


def parse_id(text: Any) -> int | None:
    """A row id typed in a form or a cursor: ASCII digits within a big integer column, else None.

    ``str.isdigit`` is not enough: it accepts "²", which ``int()`` refuses, and any number of digits."""
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()):
        return None
    value = int(text[:20])
    return value if len(text) <= 19 and value <= INTEGER_RANGES["BigAutoField"][1] else None


@cache
def _columns(model: type[models.Model]) -> dict[str, tuple[models.Field, Limits, int | None]]:
    """Each concrete field of a model with its bounds, computed once (an import checks every row)."""
    return {f.name: (f, limits(f), getattr(f, "max_length", None))
            for f in model._meta.get_fields() if isinstance(f, models.Field) and f.concrete}


def field_errors(model: type[models.Model], data: dict) -> ValidationError | None:
    """A ValidationError naming each field of ``data`` whose value the model's column cannot hold, or None.

    Each message is complete (label and reason), so it reads the same under a form field, in an import's
    row list and in an API answer."""
    columns = _columns(model)
    errors = {}
    for name, value in data.items():
        if name not in columns:
            continue
        field, span, max_length = columns[name]
        reason = text_problem(value, max_length) if isinstance(value, str) else span.problem(value)
        if reason:
            errors[name] = [_("%(label)s%(reason)s。") % {"label": field.verbose_name, "reason": reason}]
    return ValidationError(errors) if errors else None


class DateField(forms.DateField):
    """A date the portal can compute with: from EARLIEST_DATE to LATEST_DATE (a date filter, a deadline)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        bound_form_field(self, Limits(EARLIEST_DATE, LATEST_DATE))


def formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A model field's form field with the column's bounds (``fields_for_model(formfield_callback=…)``)."""
    field = db_field.formfield(**kwargs)
    if field is None or isinstance(db_field, models.DateTimeField):
        return field
    if isinstance(field, forms.DateField | forms.IntegerField | forms.DecimalField):
        bound_form_field(field, limits(db_field))
    return field


def bound_form_field(field: forms.Field, bounds: Limits) -> forms.Field:
    """Give a form field these bounds (replacing its own min/max, which are never tighter than the column's);
    a number or date input shows them to the browser too (a text box for grouped numbers has no min/max)."""
    input_type = field.widget.attrs.get("type") or getattr(field.widget, "input_type", "")
    for bound, validator, attr in ((bounds.lowest, validators.MinValueValidator, "min"),
                                   (bounds.highest, validators.MaxValueValidator, "max")):
        if bound is None:
            continue
        field.validators = [v for v in field.validators if not isinstance(v, validator)] + [validator(bound)]
        if input_type in ("number", "date"):
            field.widget.attrs[attr] = bound.isoformat() if isinstance(bound, date) else str(bound)
    return field
