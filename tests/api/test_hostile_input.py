"""The exchange API refuses what it cannot store or parse with a clear 400, and writes nothing.

Lone surrogates ("\\ud800") and NUL ("\\u0000") anywhere in a JSON body, JSON nested 100,000 deep, numbers past
their column (an integer column on PostgreSQL, a decimal's digits), form-encoded bodies with NUL: each is sent
as a real request, single and batch, submit and draft, and answered 400 with a message; no filing, product,
event, audit row or stored idempotent answer is written.
"""

import base64
import json

import pytest
from django.utils import translation

from monitoring.models import Filing
from tests import factories as f
from tests.api.test_exchange import BATCH, FILINGS, body, item, label, rows
from tests.monitoring.helpers import open_period

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

SURROGATE, NUL = "\ud800", "\x00"


@pytest.fixture
def period(db):
    return open_period()


def raw_post(client, url, text: str, **headers):
    """Post JSON text as it is (Python's encoder would refuse a lone surrogate; a client's need not)."""
    return client.generic("POST", url, text.encode("utf-8", "surrogatepass") if SURROGATE in text else text,
                          content_type="application/json", **headers)


def escaped(data) -> str:
    """JSON with every non-ASCII character escaped: a lone surrogate travels as the six characters \\ud800."""
    return json.dumps(data, ensure_ascii=True)


def places(text: str):
    """Where a string can hide in a filing body: each top-level and nested string field, and a key."""
    yield "difficulties_text", lambda b: {**b, "difficulties_text": text}
    yield "explanations value", lambda b: {**b, "explanations": {"profit_over_revenue": text}}
    yield "explanations key", lambda b: {**b, "explanations": {text: "说明"}}
    yield "product name", lambda b: {**b, "products": [{**b["products"][0], "name": text}]}
    yield "product unit", lambda b: {**b, "products": [{**b["products"][0], "unit": text}]}
    yield "credit code", lambda b: {**b, "credit_code": b["credit_code"][:17] + text}
    yield "period", lambda b: {**b, "period": label_text(b["period"], text)}
    yield "survey answer", lambda b: {**b, "q_overall": text}
    yield "unknown key", lambda b: {**b, text: 1}


def label_text(period_label: str, text: str) -> str:
    return period_label + text


@pytest.mark.parametrize("text", [SURROGATE, NUL, "a" + SURROGATE + "b", "\udfff"], ids=["hi", "nul", "mid", "lo"])
@pytest.mark.parametrize("submit", [True, False], ids=["submit", "draft"])
def test_unstorable_characters_anywhere_answer_400_and_write_nothing(world, period, api, text, submit):
    client = api(world.users["enterprise"])
    for where, change in places(text):
        before = rows()
        payload = change({**body(world.e_haian, period), "submit": submit})
        response = raw_post(client, FILINGS, escaped(payload), HTTP_IDEMPOTENCY_KEY=f"k-{where}")
        assert response.status_code == 400, (where, response.status_code)
        assert "不允许的字符" in response.json()["detail"], where
        assert rows() == before, where


@pytest.mark.parametrize("text", [SURROGATE, NUL])
def test_unstorable_characters_in_a_batch_refuse_the_whole_request(world, period, api, text):
    client = api(world.users["county"])
    before = rows()
    items = [item(world.e_haian), {**item(world.e_rugao), "difficulties_text": text}]
    response = raw_post(client, BATCH, escaped({"period": label(period), "items": items}))
    assert response.status_code == 400 and "不允许的字符" in response.json()["detail"]
    assert rows() == before


def test_raw_surrogate_bytes_are_not_utf8(world, period, api):
    client = api(world.users["enterprise"])
    text = json.dumps(body(world.e_haian, period), ensure_ascii=False).replace('"difficulties_text": ""',
                                                                              '"difficulties_text": "\ud800"')
    before = rows()
    response = raw_post(client, FILINGS, text)
    assert response.status_code == 400 and response.json()["detail"]
    assert rows() == before


@pytest.mark.parametrize("depth", [21, 1000, 100_000])
def test_deep_json_answers_400(world, period, api, depth):
    client = api(world.users["enterprise"])
    before = rows()
    for url in (FILINGS, BATCH):
        response = raw_post(client, url, "[" * depth + "]" * depth)
        assert response.status_code == 400, (url, depth)
        assert "嵌套" in response.json()["detail"]
        nested = escaped({**body(world.e_haian, period), "explanations": {"x": "y"}})
        deep = nested[:-1] + ', "extra": ' + "{\"a\": " * depth + "1" + "}" * depth + "}"
        response = raw_post(client, url, deep)
        assert response.status_code == 400 and "嵌套" in response.json()["detail"]
    assert rows() == before


def test_the_depth_of_a_real_batch_passes(world, period, api):
    client = api(world.users["county"])
    response = raw_post(client, BATCH, escaped({"period": label(period), "items": [item(world.e_haian)]}))
    assert response.status_code == 200 and response.json()["created"] == 1


def test_broken_json_is_explained(world, period, api):
    client = api(world.users["enterprise"])
    for text in ('{"period": ', "NaN", '{"revenue": Infinity}', "\xff", '{"revenue": ' + "9" * 5000 + "}"):
        response = raw_post(client, FILINGS, text)
        assert response.status_code == 400 and response.json()["detail"], text


def test_a_json_number_past_any_float_is_refused_by_its_field(world, period, api):
    client = api(world.users["enterprise"])
    text = json.dumps(body(world.e_haian, period)).replace('"revenue": "1200.0"', '"revenue": 1e400')
    assert "1e400" in text
    before = rows()
    response = raw_post(client, FILINGS, text)
    assert response.status_code == 400
    assert response.json()["errors"]["revenue"] == ["营业收入应为数字。"]
    assert rows() == before


def test_form_encoded_nul_answers_400(world, period, api):
    client = api(world.users["enterprise"])
    before = rows()
    data = {"credit_code": world.e_haian.credit_code, "period": label(period), "difficulties_text": "a\x00b"}
    response = client.post(FILINGS, data, format="multipart")
    assert response.status_code == 400 and "不允许的字符" in response.json()["detail"]
    response = client.generic("POST", FILINGS, "credit_code=x&difficulties_text=%00",
                              content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and "不允许的字符" in response.json()["detail"]
    assert rows() == before


def test_the_message_follows_the_language(world, period, api):
    client = api(world.users["enterprise"])
    with translation.override("en"):
        response = raw_post(client, FILINGS, escaped({**body(world.e_haian, period), "difficulties_text": NUL}),
                            HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400 and "character" in response.json()["detail"]
        response = raw_post(client, FILINGS, "[" * 50 + "]" * 50, HTTP_ACCEPT_LANGUAGE="en")
        assert "nest" in response.json()["detail"]


# ------------------------------------------------------------------------------------------------
# Numbers past their column: refused with the bound, on every database
# ------------------------------------------------------------------------------------------------

PAST_COLUMNS = [
    ("employees", 10**30, "从业人员期末人数不能大于2,147,483,647"),
    ("employees", 3_000_000_000, "从业人员期末人数不能大于2,147,483,647"),
    ("employees", -3_000_000_000, "从业人员期末人数不能小于-2,147,483,648"),
    ("revenue", 10**15, "营业收入不能大于999,999,999,999,999.9"),
    ("revenue", "999999999999999.96", "营业收入不能大于999,999,999,999,999.9"),
    ("revenue", "1e400", "营业收入不能大于999,999,999,999,999.9"),
    ("total_profit", -(10**15), "利润总额不能小于-999,999,999,999,999.9"),
]


@pytest.mark.parametrize(("code", "value", "message"), PAST_COLUMNS)
@pytest.mark.parametrize("submit", [True, False], ids=["submit", "draft"])
def test_an_indicator_past_its_column_is_refused(world, period, api, code, value, message, submit):
    client = api(world.users["enterprise"])
    before = rows()
    payload = {**body(world.e_haian, period), code: value, "submit": submit}
    response = raw_post(client, FILINGS, json.dumps(payload))
    assert response.status_code == 400, response.json()
    assert response.json()["errors"][code] == [message + "。"]
    assert rows() == before


@pytest.mark.parametrize(("value", "ok"), [("99999999999999.99", True), ("100000000000000", False),
                                           ("999999999999999", False)])
def test_a_product_quantity_past_its_column_is_refused(world, period, api, value, ok):
    client = api(world.users["enterprise"])
    payload = body(world.e_haian, period)
    payload["products"][0].update(production=value, inventory=value)
    before = rows()
    response = raw_post(client, FILINGS, json.dumps(payload))
    if ok:
        assert response.status_code == 201, response.json()
        return
    assert response.status_code == 400
    assert "第1个产品的产量不能大于99,999,999,999,999.99。" in response.json()["errors"]["products"]
    assert rows() == before


def test_a_batch_refuses_only_the_item_past_its_column(world, period, api):
    client = api(world.users["county"])
    second = f.EnterpriseFactory(region=world.haian)
    items = [item(world.e_haian), item(second, employees=3_000_000_000)]
    response = raw_post(client, BATCH, json.dumps({"period": label(period), "items": items}))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["created", "rejected"]
    assert results[1]["errors"]["employees"] == ["从业人员期末人数不能大于2,147,483,647。"]
    assert list(Filing.objects.values_list("enterprise_id", flat=True)) == [world.e_haian.pk]


def test_a_cursor_that_names_no_position_is_an_invalid_cursor(world, period, api):
    client = api(world.users["province"])
    url = f"/api/v1/regions/{world.province.code}/approved-filings/"
    for position in ("%00", "abc", "9" * 30, "1e3", "²"):
        cursor = base64.b64encode(f"p={position}".encode()).decode()
        response = client.get(url, {"period": label(period), "cursor": cursor})
        assert response.status_code == 404, position
        assert response.json()["detail"]
    cursor = base64.b64encode(b"p=1").decode()
    assert client.get(url, {"period": label(period), "cursor": cursor}).status_code == 200
