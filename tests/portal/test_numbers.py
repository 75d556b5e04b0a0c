"""One number format: grouped by thousands wherever a number is shown, accepted back with or without the
separators (portal/core/numbers.py, the ``num`` filter, the grouped form fields)."""

from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.urls import reverse

from monitoring import services
from portal.core.numbers import GroupedDecimalField, GroupedIntegerField, grouped, plain
from tests import factories as f
from tests.monitoring.helpers import open_period, valid_data


@pytest.mark.parametrize(("value", "places", "shown"), [
    (Decimal("1234567.8"), None, "1,234,567.8"), (1234567, None, "1,234,567"), (-1234.5, None, "-1,234.5"),
    (Decimal("1E+3"), None, "1,000"), (Decimal("999.95"), 1, "1,000.0"), (0, None, "0"), (Decimal("-0.0"), 1, "0.0"),
    (None, None, "—"), ("", None, "—"), ("n/a", None, "n/a"), (Decimal("12"), 2, "12.00"),
])
def test_grouped(value, places, shown):
    assert grouped(value, places) == shown


def test_the_template_filter_groups_and_takes_decimals():
    html = Template("{% load numformat %}{{ a|num }} {{ b|num:1 }} {{ c|num }} {{ d|num:'x' }}").render(
        Context({"a": Decimal("1234567.80"), "b": 9876543.21, "c": None, "d": 12345}))
    assert html == "1,234,567.80 9,876,543.2 — 12,345"


def test_plain_strips_every_separator_people_type():
    assert plain(" 1,234，567 ") == "1234567" and plain("1\u00a0234.5") == "1234.5" and plain("-12'000") == "-12000"


class _Form(forms.Form):
    amount = GroupedDecimalField(max_digits=16, decimal_places=1, required=False)
    people = GroupedIntegerField(required=False)


def test_grouped_fields_accept_separators_and_refuse_what_is_no_number():
    form = _Form({"amount": "1,234,567.8", "people": "1，200"})
    assert form.is_valid() and form.cleaned_data == {"amount": Decimal("1234567.8"), "people": 1200}
    form = _Form({"amount": "12,3a", "people": "1.5"})
    assert not form.is_valid() and set(form.errors) == {"amount", "people"}
    html = str(_Form(initial={"amount": Decimal("1234567.8"), "people": 1200})["amount"])
    assert 'type="text"' in html and 'value="1,234,567.8"' in html and 'inputmode="decimal"' in html
    assert "step" not in html


@pytest.mark.django_db
def test_the_registry_shows_grouped_amounts_and_says_its_unit_differs_from_the_form(world, login):
    enterprise = f.EnterpriseFactory(region=world.haian, revenue=Decimal("12345.67"), assets=Decimal("8000"))
    html = login(world.users["county"]).get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert 'data-testid="registry-revenue">12,345.67<' in html
    assert "以万元计" in html and "月度报表的金额以千元计" in html


@pytest.mark.django_db
@pytest.mark.frozen_clock
def test_the_analysis_totals_are_grouped(world, login):
    period = open_period()
    services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period, submit=True,
                      data=valid_data(revenue=Decimal("1234567.8"), operating_cost=Decimal("900")))
    url = reverse("monitoring:analysis") + f"?period={period.year}-{period.month:02d}"
    html = login(world.users["county"]).get(url).content.decode()
    assert "1,234,567.8" in html and "1234567.8" not in html
