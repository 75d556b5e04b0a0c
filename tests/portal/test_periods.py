"""One converter and one spelling of months (2026-01) and quarters (2026-Q3): portal.core.periods."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import resolve, reverse
from django.utils import translation

from portal.core.periods import (
    Month,
    MonthConverter,
    MonthField,
    Quarter,
    QuarterConverter,
    QuarterField,
    month_code,
    month_from_query,
    parse_month,
    parse_quarter,
    quarter_code,
)


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-01", Month(2026, 1)), ("2026-1", Month(2026, 1)), (" 2026-12 ", Month(2026, 12)),
    ("2026-10", Month(2026, 10)), (Month(2025, 3), Month(2025, 3)),
])
def test_months_read_the_one_spelling_and_leniently_the_old(value, expected):
    assert parse_month(value) == expected
    assert parse_month(value).code == f"{expected.year}-{expected.month:02d}"


@pytest.mark.parametrize(("value", "message"), [
    (None, "报告期格式应为“年-月”,例如 2026-01。"), ("", "报告期格式应为"), ("2026/01", "报告期格式应为"),
    ("202601", "报告期格式应为"), ("2026-001", "报告期格式应为"), ("26-01", "报告期格式应为"), ("2026-Q1", "报告期格式应为"),
    ("abc", "报告期格式应为"), ("2026-13", "报告期“2026-13”不存在。"), ("2026-0", "不存在"), ("1999-12", "不存在"),
])
def test_a_month_that_is_not_one_is_a_clear_error(value, message):
    with pytest.raises(ValidationError) as exc:
        parse_month(value)
    assert message in exc.value.messages[0]


def test_errors_are_translated():
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        parse_month("2026/01")
    assert "2026-01" in exc.value.messages[0] and "报告期" not in exc.value.messages[0]


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-Q3", Quarter(2026, 3)), ("2026-q1", Quarter(2026, 1)), ("2026-3", Quarter(2026, 3)),
])
def test_quarters_read_the_one_spelling_and_leniently_the_old(value, expected):
    assert parse_quarter(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("2026-Q5", "不存在"), ("2026-Q0", "不存在"), ("2026Q3", "季度格式应为"), ("", "季度格式应为"), (None, "季度格式应为"),
    ("2026-Q12", "季度格式应为"),
])
def test_a_quarter_that_is_not_one_is_a_clear_error(value, message):
    with pytest.raises(ValidationError) as exc:
        parse_quarter(value)
    assert message in exc.value.messages[0]


def test_one_spelling_is_written():
    class Row:
        year, month, quarter = 2026, 3, 1

    assert month_code(2026, 1) == "2026-01" and month_code(Row()) == "2026-03" and str(Month(2026, 11)) == "2026-11"
    assert quarter_code(2026, 3) == "2026-Q3" and quarter_code(Row()) == "2026-Q1" and str(Quarter(2026, 4)) == "2026-Q4"
    assert Quarter(2026, 3).months == [Month(2026, 7), Month(2026, 8), Month(2026, 9)]
    assert Month(2026, 1).previous() == Month(2025, 12) and Quarter(2026, 1).previous() == Quarter(2025, 4)


def test_query_helper_is_lenient_and_never_raises():
    assert month_from_query({"period": "2026-1"}) == Month(2026, 1)
    assert month_from_query({"period": "2026-13"}) is None
    assert month_from_query({}) is None


def test_url_converters():
    month, quarter = MonthConverter(), QuarterConverter()
    assert month.to_python("2026-1") == Month(2026, 1) and month.to_url(Month(2026, 1)) == "2026-01"
    assert month.to_url("2026-1") == "2026-01"
    with pytest.raises(ValueError):
        month.to_python("2026-13")
    assert quarter.to_python("2026-Q2") == Quarter(2026, 2) and quarter.to_url(Quarter(2026, 2)) == "2026-Q2"
    with pytest.raises(ValueError):
        quarter.to_python("2026-Q9")


def test_the_month_route_writes_the_one_spelling_and_reads_both():
    assert reverse("monitoring:file", args=[Month(2026, 1)]) == "/monitoring/file/2026-01/"
    assert resolve("/monitoring/file/2026-1/").kwargs == {"period": Month(2026, 1)}
    assert resolve("/monitoring/file/2026-01/7/").kwargs == {"period": Month(2026, 1), "enterprise_id": 7}


def test_form_fields():
    class Form(forms.Form):
        month = MonthField(choices=[("2026-01", "2026年1月")])
        quarter = QuarterField(required=False)

    form = Form({"month": "2026-1", "quarter": "2026-Q2"})
    assert form.is_valid() and form.cleaned_data == {"month": Month(2026, 1), "quarter": Quarter(2026, 2)}
    assert 'value="2026-01"' in str(form["month"])
    form = Form({"month": "2026-13", "quarter": "Q2"})
    assert not form.is_valid()
    assert "不存在" in form.errors["month"][0] and "季度格式应为" in form.errors["quarter"][0]
    assert Form({})["month"].field.error_messages["required"] == "请选择报告期。"
