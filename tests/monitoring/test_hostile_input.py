"""The monthly filing's other channels refuse values past their columns, as the API does (tests/api/...):
the browser form (submit and draft), the county's xlsx import, the deadlines page, and the filing core itself.
Each answers a form error or a row error naming the bound, and writes nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from monitoring import services
from monitoring.models import Filing, FilingEvent, FilingProduct, Period
from portal.audit.models import AuditEntry
from tests import factories as f
from tests.monitoring.helpers import open_period, valid_data
from tests.monitoring.test_import import GOOD, filled_template, survey
from tests.monitoring.test_views import file_url, form_post

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]


def written() -> tuple[int, ...]:
    return (Filing.objects.count(), FilingProduct.objects.count(), FilingEvent.objects.count(),
            AuditEntry.objects.count())


@pytest.mark.parametrize(("code", "value"), [("employees", 10**30), ("employees", 3_000_000_000),
                                             ("employees", -3_000_000_000), ("revenue", "1" + "0" * 15)])
@pytest.mark.parametrize("submit", [True, False], ids=["submit", "draft"])
def test_the_filing_form_refuses_a_value_past_its_column(world, login, code, value, submit):
    period = open_period()
    client = login(world.users["enterprise"])
    before = written()
    response = client.post(file_url(period), form_post(valid_data(**{code: value}), submit=submit))
    assert response.status_code == 200
    assert response.context["form"].errors[code]
    assert written() == before


def test_the_filing_form_keeps_values_at_the_bound(world, login):
    period = open_period()
    client = login(world.users["enterprise"])
    response = client.post(file_url(period), form_post(valid_data(employees=2_147_483_647), submit=False))
    assert response.status_code == 302
    assert Filing.objects.get().employees == 2_147_483_647


def test_the_product_rows_refuse_a_quantity_past_the_column(world, login):
    period = open_period()
    client = login(world.users["enterprise"])
    products = [{"name": "齿轮", "unit": "件", "production": "100000000000000", "sales": "1", "inventory": "1"}]
    before = written()
    response = client.post(file_url(period), form_post(valid_data(products=products), submit=False))
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["production"]
    assert written() == before


@pytest.mark.parametrize(("cells", "message"), [
    ({"employees": 3_000_000_000}, "从业人员期末人数不能大于2,147,483,647。"),
    ({"employees": 10**30}, "从业人员期末人数不能大于2,147,483,647。"),
    ({"revenue": 10**16}, "营业收入不能大于999,999,999,999,999.9。"),
])
def test_the_county_import_names_the_bound_and_imports_nothing(world, login, cells, message):
    period = open_period()
    second = f.EnterpriseFactory(region=world.haian, name="海安丁企业")
    client = login(world.users["county"])
    rows = {world.e_haian.credit_code: {**GOOD, **survey()}, second.credit_code: {**GOOD, **survey(), **cells}}
    upload = filled_template(client, period, rows)
    before = written()
    response = client.post(reverse("monitoring:import") + f"?period={period.year}-{period.month}", {"file": upload})
    assert response.status_code == 200
    text = response.content.decode()
    assert "文件未导入" in text and message in text
    assert written() == before


def test_the_county_import_refuses_a_product_quantity_past_its_column(world, login):
    period = open_period()
    client = login(world.users["county"])
    rows = {world.e_haian.credit_code: {**GOOD, **survey()}}
    upload = filled_template(client, period, rows, [(world.e_haian.credit_code, "齿轮", "件", 10**14, 8, 5)])
    before = written()
    response = client.post(reverse("monitoring:import") + f"?period={period.year}-{period.month}", {"file": upload})
    assert "产量不能大于99,999,999,999,999.99" in response.content.decode()
    assert written() == before


@pytest.mark.parametrize(("data", "field"), [
    (valid_data(employees=3_000_000_000), "employees"),
    (valid_data(difficulties_text="a\x00b"), "difficulties_text"),
    (valid_data(difficulties_text="a\ud800b"), "difficulties_text"),
    (valid_data(explanations={"x\x00": "说明"}), "explanations"),
    (valid_data(products=[{"name": "齿\x00轮", "unit": "件", "production": Decimal(1), "sales": Decimal(1),
                           "inventory": Decimal(1)}]), "products"),
    (valid_data(products=[{"name": "齿轮", "unit": "件", "production": Decimal("1e14"), "sales": Decimal(1),
                           "inventory": Decimal(1)}]), "products"),
])
@pytest.mark.parametrize("submit", [True, False], ids=["submit", "draft"])
def test_the_filing_core_refuses_what_no_column_stores_for_every_caller(world, data, field, submit):
    """Whatever calls ``file_one`` (a page, a task, a command): no write reaches a column that cannot hold it."""
    period = open_period()
    before = written()
    with pytest.raises(ValidationError) as caught:
        services.file_one(actor=world.users["county"], enterprise=world.e_haian, period=period, data=data,
                          submit=submit)
    assert caught.value.message_dict[field]
    assert written() == before


@pytest.mark.parametrize(("name", "value"), [("enterprise_deadline", "9999-12-31"), ("review_deadline", "9999-12-31"),
                                             ("enterprise_deadline", "0001-01-01")])
def test_deadlines_past_the_calendar_are_refused(world, login, name, value):
    period = open_period()
    client = login(world.users["province"])
    data = {"enterprise_deadline": "2030-01-13", "review_deadline": "2030-01-15", name: value}
    before = Period.objects.values_list("enterprise_deadline", "review_deadline").get(pk=period.pk)
    response = client.post(reverse("monitoring:periods") + f"?period={period.year}-{period.month:02d}", data)
    assert response.status_code == 200
    assert response.context["form"].errors[name]
    assert Period.objects.values_list("enterprise_deadline", "review_deadline").get(pk=period.pk) == before


def test_bulk_approve_skips_ids_that_are_no_ids(world, login):
    period = open_period()
    clean = services.file_one(actor=world.users["county"], enterprise=world.e_haian, period=period,
                              data=valid_data(), submit=True).filing
    response = login(world.users["county"]).post(
        reverse("monitoring:bulk_approve") + f"?period={period.year}-{period.month}",
        {"filing": ["²", "9" * 30, "-1", "1e3", "", str(clean.pk)]}, follow=True)
    assert response.status_code == 200
    assert "已审核通过 1 份" in response.content.decode()
    clean.refresh_from_db()
    assert clean.status == "approved"
