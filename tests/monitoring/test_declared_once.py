"""Declared once, used everywhere: the indicators' and questions' own English labels in the English interface,
the product fields, the return choices and the API's example all come from monitoring/indicators.py."""

import pytest
from django.urls import reverse
from django.utils import translation

from monitoring import forms
from monitoring.exchange import api
from monitoring.indicators import INDICATORS, PRODUCT_FIELDS, SURVEY, field_labels, return_field_choices
from monitoring.models import Filing, FilingProduct

pytestmark = pytest.mark.django_db


def test_labels_follow_the_active_language():
    revenue = INDICATORS[0]
    with translation.override("en"):
        assert revenue.label == revenue.label_en and revenue.heading == "Operating revenue(thousand yuan)"
        assert field_labels()[SURVEY[0].field_name] == SURVEY[0].label_en
        assert str(Filing._meta.get_field("revenue").verbose_name) == revenue.heading
    with translation.override("zh-hans"):
        assert revenue.heading == "营业收入(千元)" and str(Filing._meta.get_field("revenue").verbose_name) == "营业收入(千元)"


def test_the_english_filing_form_names_indicators_in_english(world, login):
    with translation.override("en"):  # the request activates English; restored for the tests after this one
        _english_form(world, login)


def _english_form(world, login):
    client = login(world.users["enterprise"])
    client.cookies["django_language"] = "en"
    html = client.get(reverse("monitoring:my_filings"), follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    link = next(p for p in html.split('href="') if p.startswith("/monitoring/file/")).split('"')[0]
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for indicator in INDICATORS:
        if indicator.applies_to(world.e_haian.industry.is_industrial):
            assert indicator.label_en in page, indicator.code
            assert indicator.label_zh not in page, indicator.code
    for question in SURVEY:
        assert question.label_en in page


def test_one_list_of_product_fields_and_return_choices():
    assert [k for k, _label in PRODUCT_FIELDS] == [
        f.name for f in FilingProduct._meta.get_fields() if f.name in dict(PRODUCT_FIELDS)]
    codes = [code for code, _label in return_field_choices()]
    assert codes == [i.code for i in INDICATORS] + [q.field_name for q in SURVEY] + ["products"]
    assert [c for c, _l in forms.ReturnForm().fields["fields"].choices] == codes


def test_the_api_example_is_generated_from_the_declarations():
    assert {i.code: i.example for i in INDICATORS}.items() <= api.EXAMPLE_ITEM.items()
    assert all(i.example for i in INDICATORS)
