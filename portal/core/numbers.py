"""Numbers as people read and type them: grouped by thousands (1,234,567.8) wherever the portal shows one,
and accepted back with or without the separators.

One formatting rule (``grouped``) serves the template filter ``num`` (``portal/core/templatetags/numformat.py``),
the number inputs' initial values (``GroupedNumberInput``) and anything else that writes a figure for people;
one parsing rule (``plain``) serves the form fields (``GroupedDecimalField``, ``GroupedIntegerField``), so a
value typed as ``1,234.5`` (or pasted with full-width commas or spaces) is the number 1234.5. The page's
script (``static/js/numbers.js``) groups an input when it loses focus and strips it again before the form is
sent, so a browser with the script sends plain numbers and one without it sends what the server accepts too.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms

EMPTY = "—"
# What people type between groups of digits: commas (ASCII and full-width), spaces (also no-break and thin).
SEPARATORS = (",", "，", " ", "\u00a0", "\u2009", "\u202f", "'")


def as_decimal(value: Any) -> Decimal | None:
    """``value`` as a Decimal (None for nothing, or for something that is no number)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    try:
        return Decimal(plain(str(value)))
    except (InvalidOperation, ValueError):
        return None


def grouped(value: Any, places: int | None = None, empty: str = EMPTY) -> str:
    """``1234567.8`` → ``1,234,567.8``; ``places`` fixes the decimals (rounded half up); ``empty`` for None.
    A value that is no number is returned as it is."""
    number = as_decimal(value)
    if number is None:
        return empty if value is None or value == "" else str(value)
    if not number.is_finite():
        return str(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    elif number == number.to_integral_value() and number.as_tuple().exponent > 0:  # type: ignore[operator]
        number = number.quantize(Decimal(1))  # 1E+3 → 1000
    text = format(number, ",f")
    return "0" + text[2:] if text.startswith("-0") and number == 0 else text


def plain(text: str) -> str:
    """What a person typed, without the thousands separators: ``1,234.5`` → ``1234.5``."""
    text = text.strip()
    for sep in SEPARATORS:
        text = text.replace(sep, "")
    return text


class GroupedNumberInput(forms.TextInput):
    """A text box for a number (a number input cannot show separators): shows its value grouped, marks itself
    for ``static/js/numbers.js`` and asks phones for the numeric keypad."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"inputmode": "decimal", "data-grouped": "1", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        number = as_decimal(value)
        return grouped(number) if number is not None else str(value)


class _Grouped:
    widget = GroupedNumberInput

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = plain(value)
        return super().to_python(value)  # type: ignore[misc]


class GroupedDecimalField(_Grouped, forms.DecimalField):
    """A DecimalField that accepts thousands separators."""

    def widget_attrs(self, widget: forms.Widget) -> dict:
        # DecimalField adds a "step" for number inputs; a text box has none.
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        return attrs


class GroupedIntegerField(_Grouped, forms.IntegerField):
    """An IntegerField that accepts thousands separators."""
