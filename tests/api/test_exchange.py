"""The data-exchange API: regions' systems and enterprises' software file through it, nobody files twice.

Every rule of the filing core is exercised through HTTP here (the services' own tests cover the core):
validation, idempotency, conflicts, dry runs, batches, scoping, query counts, tokens and audit channels.
"""

import json
import sqlite3
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from monitoring import services
from monitoring.exchange import services as exchange
from monitoring.models import Filing, FilingEvent, FilingProduct, FilingStatus, IdempotencyRecord
from portal.accounts import services as account_services
from portal.accounts.models import Role, User
from portal.audit.models import AuditEntry
from portal.enterprises.models import Industry
from tests import factories as f
from tests.monitoring.helpers import open_period, past_period, valid_data

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

FILINGS = reverse("monitoring_api:filings")
BATCH = reverse("monitoring_api:filings-batch")
STATUS = reverse("monitoring_api:filings-status")


def approved_url(code):
    return reverse("monitoring_api:region-approved-filings", kwargs={"code": code})


def label(period):
    return f"{period.year}-{period.month:02d}"


def jsonable(data: dict) -> dict:
    return json.loads(json.dumps(data, default=str))


def body(enterprise, period, **overrides) -> dict:
    return {"credit_code": enterprise.credit_code, "period": label(period), **jsonable(valid_data(**overrides))}


def item(enterprise, **overrides) -> dict:
    return {"credit_code": enterprise.credit_code, **jsonable(valid_data(**overrides))}


def token_client(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def rows() -> dict:
    """Everything a filing request may write."""
    return {"filings": Filing.objects.count(), "products": FilingProduct.objects.count(),
            "events": FilingEvent.objects.count(), "audit": AuditEntry.objects.count(),
            "idempotency": IdempotencyRecord.objects.count()}


@pytest.fixture
def period(db):
    return open_period()


@pytest.fixture
def haian_system(world):
    """The exchange system of 海安市 and an API client authenticated with its token."""
    user, token = account_services.create_exchange_system(name="haian-sys", region=world.haian)
    return user, token_client(token.key)


@pytest.fixture
def rugao_system(world):
    user, token = account_services.create_exchange_system(name="rugao-sys", region=world.rugao)
    return user, token_client(token.key)


# ------------------------------------------------------------------------------------------------
# One filing: who may file, what is recorded
# ------------------------------------------------------------------------------------------------

def test_exchange_system_files_by_credit_code_and_period_with_its_channel(world, period, haian_system):
    system, client = haian_system
    response = client.post(FILINGS, body(world.e_haian, period), format="json")
    assert response.status_code == 201, response.json()
    assert response.json() == {"credit_code": world.e_haian.credit_code, "period": label(period),
                               "outcome": "created", "status": "submitted", "version": 1, "dry_run": False,
                               "errors": {}, "warnings": []}
    filing = Filing.objects.get(enterprise=world.e_haian, period=period)
    assert filing.status == FilingStatus.SUBMITTED and filing.revenue == Decimal("1200.0")
    assert filing.channel == "api:haian-sys" and filing.filed_by == system and filing.on_behalf is False
    assert list(filing.products.values_list("name", "production")) == [("齿轮", Decimal("1000.00"))]
    assert FilingEvent.objects.get(filing=filing).channel == "api:haian-sys"
    entry = AuditEntry.objects.get(model="monitoring.Filing", object_id=str(filing.pk))
    # The audit trail keeps its own channel vocabulary; the actor names the system.
    assert entry.channel == "api" and entry.actor == system and entry.actor_name == "haian-sys"


def test_numbers_may_be_json_numbers_or_strings(world, period, haian_system):
    _system, client = haian_system
    data = body(world.e_haian, period, revenue=1200.5, employees=120)
    data["products"][0]["production"] = 1000.25
    assert client.post(FILINGS, data, format="json").status_code == 201
    filing = Filing.objects.get()
    assert filing.revenue == Decimal("1200.5") and filing.employees == 120
    assert filing.products.get().production == Decimal("1000.25")  # two decimals kept, as in the form


def test_enterprise_officer_files_their_own_enterprise_only(world, period, api):
    client = api(world.users["enterprise"])
    assert client.post(FILINGS, body(world.e_haian, period), format="json").status_code == 201
    filing = Filing.objects.get()
    assert filing.on_behalf is False and filing.channel == "api:qiye"

    before = rows()
    response = client.post(FILINGS, body(world.e_rugao, period), format="json")
    assert response.status_code == 404
    assert response.json()["errors"] == {"credit_code": [exchange.not_found_message()]}
    assert rows() == before


def test_enterprise_officer_files_with_their_token(world, period):
    token = Token.objects.create(user=world.users["enterprise"])
    response = token_client(token.key).post(FILINGS, body(world.e_haian, period), format="json")
    assert response.status_code == 201


def test_county_official_files_on_behalf(world, period, api):
    response = api(world.users["county"]).post(FILINGS, body(world.e_haian, period), format="json")
    assert response.status_code == 201
    assert Filing.objects.get().on_behalf is True
    assert FilingEvent.objects.get().on_behalf is True


def test_draft_then_submit(world, period, haian_system):
    _system, client = haian_system
    draft = body(world.e_haian, period, revenue=None, q_orders="")
    draft["submit"] = False
    response = client.post(FILINGS, draft, format="json")
    assert response.status_code == 201 and response.json()["status"] == "draft"
    response = client.post(FILINGS, body(world.e_haian, period), format="json")
    assert response.status_code == 200
    assert response.json()["outcome"] == "updated" and response.json()["status"] == "submitted"


def test_anonymous_and_roles_without_scope_file_nothing(world, period, api):
    assert APIClient().post(FILINGS, body(world.e_haian, period), format="json").status_code in (401, 403)
    for role in ("system_admin", "security_admin", "audit_admin", "platform_operator", "base_manager", "no_role"):
        response = api(world.users[role]).post(FILINGS, body(world.e_haian, period), format="json")
        assert response.status_code == 404, role
    assert not Filing.objects.exists()


# ------------------------------------------------------------------------------------------------
# Validation through the API: hard errors 400 by field, soft warnings need an explanation
# ------------------------------------------------------------------------------------------------

def _product(**kw):
    return {"name": "齿轮", "unit": "件", "production": "1000", "sales": "900", "inventory": "300", **kw}


HARD_ERRORS = [
    ("missing value", {"revenue": None}, "revenue", "请填写营业收入。"),
    ("negative value", {"taxes": "-1"}, "taxes", "应交税金总额不能为负数。"),
    ("not a number", {"operating_cost": "abc"}, "operating_cost", "营业成本应为数字。"),
    ("not an integer", {"employees": "12.5"}, "employees", "从业人员期末人数应为整数。"),
    ("boolean", {"total_assets": True}, "total_assets", "资产总计应为数字。"),
    ("too large", {"receivables": "1e20"}, "receivables", "应收账款不能大于999,999,999,999,999.9。"),
    ("survey missing", {"q_orders": ""}, "q_orders", "请选择“订单”。"),
    ("survey choice", {"q_sales": "maybe"}, "q_sales", "“销售”的选项应为"),
    ("unknown difficulty", {"difficulties": ["weather"]}, "difficulties", "未知的困难选项:weather。"),
    ("difficulties not a list", {"difficulties": 5}, "difficulties", "主要困难格式不正确。"),
    ("other without text", {"difficulties": ["other"]}, "difficulties_text", "选择“其他”时请说明具体困难。"),
    ("explanations not an object", {"explanations": ["x"]}, "explanations", "预警说明格式不正确。"),
    ("products not a list", {"products": "gear"}, "products", "主要产品格式不正确。"),
    ("product without unit", {"products": [_product(unit="")]}, "products", "第1个产品须填写名称和计量单位。"),
    ("product twice", {"products": [_product(), _product()]}, "products", "产品“齿轮”重复填写。"),
    ("negative product", {"products": [_product(sales="-1")]}, "products", "第1个产品的数量不能为负数。"),
    ("product quantity", {"products": [_product(inventory="x")]}, "products", "第1个产品的期末库存应为数字。"),
    ("too many products", {"products": [_product(name=f"P{i}") for i in range(11)]}, "products",
     "主要产品最多填写10种。"),
    ("unknown field", {"revenu": "1200"}, "revenu", "未知字段“revenu”。"),
]


@pytest.mark.parametrize(("case", "overrides", "field", "message"), HARD_ERRORS, ids=[c[0] for c in HARD_ERRORS])
def test_hard_errors_answer_400_by_field_and_write_nothing(world, period, haian_system, case, overrides, field,
                                                           message):
    _system, client = haian_system
    data = {**body(world.e_haian, period), **overrides}
    before = rows()
    response = client.post(FILINGS, data, format="json")
    assert response.status_code == 400, response.json()
    answer = response.json()
    assert answer["outcome"] == "rejected" and answer["detail"] == "报表未通过校验,未保存。"
    assert any(message in m for m in answer["errors"][field]), answer["errors"]
    assert rows() == before


def test_industrial_output_only_for_industrial_enterprises(world, period, haian_system):
    _system, client = haian_system
    shop = f.EnterpriseFactory(region=world.haian, industry=Industry.objects.get(code="52"), name="零售店")
    response = client.post(FILINGS, body(shop, period), format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["industrial_output"] == ["工业总产值仅由工业企业填报。"]
    assert client.post(FILINGS, body(shop, period, industrial_output=None), format="json").status_code == 201


def test_year_to_date_value_cannot_shrink(world, haian_system):
    _system, client = haian_system
    year = timezone.localdate().year - 1
    may, june = past_period(year, 5), past_period(year, 6)
    assert client.post(FILINGS, body(world.e_haian, may, revenue="1000"), format="json").status_code == 201
    response = client.post(FILINGS, body(world.e_haian, june, revenue="999"), format="json")
    assert response.status_code == 400
    assert "不能小于上月累计值" in response.json()["errors"]["revenue"][0]


def test_hard_errors_are_all_reported_at_once(world, period, haian_system):
    _system, client = haian_system
    data = {**body(world.e_haian, period), "revenue": None, "taxes": "-5", "q_profit": ""}
    errors = client.post(FILINGS, data, format="json").json()["errors"]
    assert {"revenue", "taxes", "q_profit"} <= set(errors)


SOFT_WARNINGS = [
    ("profit over revenue", {"total_profit": "2000"}, "profit_over_revenue"),
    ("taxes over revenue", {"taxes": "1300", "operating_cost": "900"}, "taxes_over_revenue"),
    ("sales over production", {"products": [_product(production="10", sales="900")]}, "product_sales_齿轮"),
]


@pytest.mark.parametrize(("case", "overrides", "code"), SOFT_WARNINGS, ids=[c[0] for c in SOFT_WARNINGS])
def test_soft_warning_needs_an_explanation(world, period, haian_system, case, overrides, code):
    _system, client = haian_system
    data = {**body(world.e_haian, period), **overrides}
    response = client.post(FILINGS, data, format="json")
    assert response.status_code == 400
    answer = response.json()
    assert f"explanations.{code}" in answer["errors"]
    assert code in [w["code"] for w in answer["warnings"]]
    assert not Filing.objects.exists()

    data["explanations"] = {code: "情况属实,已核对"}
    response = client.post(FILINGS, data, format="json")
    assert response.status_code == 201, response.json()
    assert [w["code"] for w in response.json()["warnings"]] == [code]
    filing = Filing.objects.get()
    assert filing.explanations == {code: "情况属实,已核对"} and filing.warnings[0]["code"] == code


def test_blank_or_null_explanation_does_not_count(world, period, haian_system):
    _system, client = haian_system
    for blank in ("  ", None):
        data = {**body(world.e_haian, period), "total_profit": "2000", "explanations": {"profit_over_revenue": blank}}
        assert client.post(FILINGS, data, format="json").status_code == 400


def test_year_on_year_and_employee_warnings_compare_with_earlier_filings(world, haian_system):
    _system, client = haian_system
    year = timezone.localdate().year - 1
    last_year, may, june = past_period(year - 1, 6), past_period(year, 5), past_period(year, 6)
    assert client.post(FILINGS, body(world.e_haian, last_year, revenue="500"), format="json").status_code == 201
    assert client.post(FILINGS, body(world.e_haian, may, employees=100), format="json").status_code == 201
    response = client.post(FILINGS, body(world.e_haian, june, employees=200), format="json")
    assert response.status_code == 400
    codes = {w["code"] for w in response.json()["warnings"]}
    assert {"yoy_revenue", "employees_change"} <= codes
    explained = body(world.e_haian, june, employees=200,
                     explanations={"yoy_revenue": "新产线投产", "employees_change": "扩产招工"})
    assert client.post(FILINGS, explained, format="json").status_code == 201


# ------------------------------------------------------------------------------------------------
# Request envelope
# ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "message"), [
    (None, "报告期格式应为"), ("2026/10", "报告期格式应为"), ("2026-13", "不存在"), ("1999-01", "不存在")])
def test_bad_period_is_a_400_on_period(world, haian_system, value, message):
    _system, client = haian_system
    data = {**item(world.e_haian), "period": value}
    response = client.post(FILINGS, data, format="json")
    assert response.status_code == 400
    assert message in response.json()["errors"]["period"][0]


def test_a_month_not_yet_ended_cannot_be_filed(world, haian_system):
    _system, client = haian_system
    today = timezone.localdate()
    data = {**item(world.e_haian), "period": f"{today.year}-{today.month:02d}"}
    response = client.post(FILINGS, data, format="json")
    assert response.status_code == 400 and "尚未结束" in response.json()["errors"]["period"][0]


def test_body_must_be_an_object_and_submit_a_boolean(world, period, haian_system):
    _system, client = haian_system
    assert client.post(FILINGS, [1, 2], format="json").status_code == 400
    response = client.post(FILINGS, {**body(world.e_haian, period), "submit": "perhaps"}, format="json")
    assert response.status_code == 400 and "submit" in response.json()["errors"]
    response = client.post(FILINGS, {**body(world.e_haian, period), "credit_code": ""}, format="json")
    assert response.status_code == 400 and "credit_code" in response.json()["errors"]


# ------------------------------------------------------------------------------------------------
# Nobody files twice: same content, Idempotency-Key
# ------------------------------------------------------------------------------------------------

def test_same_content_twice_is_unchanged_and_writes_nothing(world, period, haian_system):
    _system, client = haian_system
    assert client.post(FILINGS, body(world.e_haian, period), format="json").status_code == 201
    before = rows()
    response = client.post(FILINGS, body(world.e_haian, period), format="json")
    assert response.status_code == 200
    assert response.json()["outcome"] == "unchanged" and response.json()["version"] == 1
    assert rows() == before


def test_same_content_from_the_browser_form_and_the_api_is_unchanged(world, period, haian_system):
    """What the enterprise typed in the browser and its county's system sends are the same filing."""
    services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                      data=valid_data(), submit=True)
    _system, client = haian_system
    response = client.post(FILINGS, body(world.e_haian, period), format="json")
    assert response.json()["outcome"] == "unchanged"


def test_idempotency_key_replays_the_stored_answer(world, period, haian_system):
    _system, client = haian_system
    data = body(world.e_haian, period)
    first = client.post(FILINGS, data, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert IdempotencyRecord.objects.filter(key="k-1").count() == 1
    before = rows()
    again = client.post(FILINGS, data, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert rows() == before


def test_idempotency_key_with_another_body_is_422(world, period, haian_system):
    _system, client = haian_system
    client.post(FILINGS, body(world.e_haian, period), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    before = rows()
    response = client.post(FILINGS, body(world.e_haian, period, revenue="1300"), format="json",
                           HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert "Idempotency-Key 已用于另一个内容不同的请求" in response.json()["detail"]
    assert rows() == before
    assert Filing.objects.get().revenue == Decimal("1200.0")


def test_idempotency_keys_belong_to_one_caller(world, period, haian_system, api):
    _system, client = haian_system
    client.post(FILINGS, body(world.e_haian, period), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    response = api(world.users["county"]).post(FILINGS, body(world.e_haian, period, revenue="1300"),
                                               format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert response.status_code == 200 and response.json()["outcome"] == "updated"


def test_a_rejected_request_does_not_use_up_its_key(world, period, haian_system):
    _system, client = haian_system
    bad = client.post(FILINGS, body(world.e_haian, period, revenue=None), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert bad.status_code == 400 and not IdempotencyRecord.objects.exists()
    good = client.post(FILINGS, body(world.e_haian, period), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert good.status_code == 201


def test_expired_idempotency_records_are_forgotten(world, period, haian_system):
    _system, client = haian_system
    client.post(FILINGS, body(world.e_haian, period), format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyRecord.objects.update(created_at=timezone.now() - exchange.IDEMPOTENCY_TTL - timedelta(hours=1))
    response = client.post(FILINGS, body(world.e_haian, period, revenue="1300"), format="json",
                           HTTP_IDEMPOTENCY_KEY="old")
    assert response.status_code == 200 and response.json()["outcome"] == "updated"
    assert exchange.purge_idempotency_records(now=timezone.now() + exchange.IDEMPOTENCY_TTL * 2) == 1


def test_a_malformed_idempotency_key_is_400(world, period, haian_system):
    _system, client = haian_system
    response = client.post(FILINGS, body(world.e_haian, period), format="json", HTTP_IDEMPOTENCY_KEY="x" * 129)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]


# ------------------------------------------------------------------------------------------------
# Conflicts: approved filings and locked periods
# ------------------------------------------------------------------------------------------------

def test_changing_an_approved_filing_is_409(world, period, haian_system):
    _system, client = haian_system
    client.post(FILINGS, body(world.e_haian, period), format="json")
    services.approve_filing(actor=world.users["county"], filing=Filing.objects.get())
    before = rows()
    response = client.post(FILINGS, body(world.e_haian, period, revenue="1300"), format="json")
    assert response.status_code == 409
    assert "已审核通过" in response.json()["detail"]
    assert response.json()["status"] == "approved"
    assert rows() == before and Filing.objects.get().revenue == Decimal("1200.0")


def test_the_same_content_again_after_approval_or_locking_is_unchanged(world, period, haian_system):
    """A region's system re-sending its whole month is not refused for the filings already approved."""
    _system, client = haian_system
    client.post(FILINGS, body(world.e_haian, period), format="json")
    services.approve_filing(actor=world.users["county"], filing=Filing.objects.get())
    before = rows()
    response = client.post(FILINGS, body(world.e_haian, period), format="json")
    assert response.status_code == 200 and response.json()["outcome"] == "unchanged"
    assert response.json()["status"] == "approved"
    other = f.EnterpriseFactory(region=world.haian)
    client.post(FILINGS, body(other, period), format="json")
    period.locked_at = timezone.now()
    period.save()
    assert client.post(FILINGS, body(other, period), format="json").json()["outcome"] == "unchanged"
    assert client.post(FILINGS, body(other, period, revenue="1300"), format="json").status_code == 409
    assert rows()["filings"] == before["filings"] + 1


def test_filing_in_a_locked_period_is_409(world, period, haian_system):
    _system, client = haian_system
    period.locked_at = timezone.now()
    period.save()
    response = client.post(FILINGS, body(world.e_haian, period), format="json")
    assert response.status_code == 409 and "已锁定" in response.json()["detail"]
    assert not Filing.objects.exists()


def test_a_draft_cannot_replace_a_submission(world, period, haian_system):
    _system, client = haian_system
    client.post(FILINGS, body(world.e_haian, period), format="json")
    response = client.post(FILINGS, {**body(world.e_haian, period, revenue="1300"), "submit": False}, format="json")
    assert response.status_code == 409


# ------------------------------------------------------------------------------------------------
# Dry run
# ------------------------------------------------------------------------------------------------

def test_dry_run_answers_what_would_happen_and_writes_nothing(world, period, haian_system):
    _system, client = haian_system
    before = rows()
    response = client.post(f"{FILINGS}?dry_run=true", body(world.e_haian, period), format="json",
                           HTTP_IDEMPOTENCY_KEY="dry")
    assert response.status_code == 200
    assert response.json()["outcome"] == "created" and response.json()["dry_run"] is True
    assert rows() == before

    client.post(FILINGS, body(world.e_haian, period), format="json")
    before = rows()
    changed = {**body(world.e_haian, period, revenue="1300"), "dry_run": True}
    assert client.post(FILINGS, changed, format="json").json()["outcome"] == "updated"
    same = {**body(world.e_haian, period), "dry_run": True}
    assert client.post(FILINGS, same, format="json").json()["outcome"] == "unchanged"
    bad = {**body(world.e_haian, period, revenue=None, total_profit="2000"), "dry_run": True}
    response = client.post(FILINGS, bad, format="json")
    assert response.status_code == 200
    assert response.json()["outcome"] == "rejected" and "revenue" in response.json()["errors"]
    assert rows() == before
    assert Filing.objects.get().revenue == Decimal("1200.0")


def test_dry_run_of_a_soft_warning_lists_it(world, period, haian_system):
    _system, client = haian_system
    data = {**body(world.e_haian, period, total_profit="2000"), "dry_run": True}
    answer = client.post(FILINGS, data, format="json").json()
    assert answer["outcome"] == "rejected"
    assert [w["code"] for w in answer["warnings"]] == ["profit_over_revenue"]


# ------------------------------------------------------------------------------------------------
# Batches
# ------------------------------------------------------------------------------------------------

def test_batch_files_valid_rows_and_reports_rejected_ones(world, period, haian_system, rugao_system):
    _system, client = haian_system
    existing_same, existing_changed, new, bad, twice = (
        f.EnterpriseFactory(region=world.haian) for _ in range(5))
    for e in (existing_same, existing_changed):
        client.post(FILINGS, body(e, period), format="json")
    before = rows()
    items = [
        item(new),
        item(existing_changed, revenue="1300"),
        item(existing_same),
        item(bad, revenue=None, taxes="-1"),
        {**item(world.e_haian), "credit_code": "91320685000000000X"},  # unknown
        item(world.e_rugao),  # another county's: same answer as unknown
        item(twice), item(twice, revenue="1250"),
        "not an object",
        {k: v for k, v in item(world.e_haian).items() if k != "credit_code"},
    ]
    response = client.post(BATCH, {"period": label(period), "items": items}, format="json")
    assert response.status_code == 200, response.json()
    summary = response.json()
    assert (summary["created"], summary["updated"], summary["unchanged"], summary["rejected"]) == (1, 1, 1, 7)
    results = summary["results"]
    assert [r["outcome"] for r in results] == ["created", "updated", "unchanged"] + ["rejected"] * 7
    assert [r["credit_code"] for r in results[:4]] == [e.credit_code for e in (new, existing_changed,
                                                                                existing_same, bad)]
    assert set(results[3]["errors"]) == {"revenue", "taxes"}
    assert results[4]["errors"] == results[5]["errors"] == {"credit_code": [exchange.not_found_message()]}
    assert "出现多次" in results[6]["errors"]["credit_code"][0] and results[7]["errors"] == results[6]["errors"]
    assert "non_field_errors" in results[8]["errors"] and "credit_code" in results[9]["errors"]

    assert Filing.objects.get(enterprise=new).status == FilingStatus.SUBMITTED
    assert Filing.objects.get(enterprise=existing_changed).revenue == Decimal("1300.0")
    assert not Filing.objects.filter(enterprise__in=[bad, twice, world.e_rugao]).exists()
    after = rows()
    assert after["filings"] == before["filings"] + 1
    assert after["events"] == before["events"] + 2 and after["audit"] == before["audit"] + 2


def test_batch_dry_run_writes_nothing(world, period, haian_system):
    _system, client = haian_system
    enterprises = [f.EnterpriseFactory(region=world.haian) for _ in range(3)]
    before = rows()
    payload = {"period": label(period), "dry_run": True, "items": [item(e) for e in enterprises]}
    response = client.post(BATCH, payload, format="json", HTTP_IDEMPOTENCY_KEY="dry-batch")
    assert response.status_code == 200
    assert response.json()["created"] == 3 and response.json()["dry_run"] is True
    assert rows() == before
    response = client.post(f"{BATCH}?dry_run=1", {"period": label(period), "items": [item(e) for e in enterprises]},
                           format="json")
    assert response.json()["created"] == 3 and rows() == before


def test_batch_idempotency_key(world, period, haian_system):
    _system, client = haian_system
    payload = {"period": label(period), "items": [item(world.e_haian)]}
    first = client.post(BATCH, payload, format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    before = rows()
    again = client.post(BATCH, payload, format="json", HTTP_IDEMPOTENCY_KEY="batch-1")
    assert again.json() == first.json() and again.json()["created"] == 1
    assert rows() == before
    other = {"period": label(period), "items": [item(world.e_haian, revenue="1300")]}
    assert client.post(BATCH, other, format="json", HTTP_IDEMPOTENCY_KEY="batch-1").status_code == 422


@pytest.mark.parametrize(("payload", "field"), [
    ({"items": []}, "items"),
    ({"items": "x"}, "items"),
    ({"items": [{}] * (exchange.MAX_BATCH + 1)}, "items"),
    ({"items": [{}], "period": "2026"}, "period"),
    ({"items": [{}], "colour": "red"}, "colour"),
    ({"items": [{}], "submit": "maybe"}, "submit"),
])
def test_batch_envelope_errors_are_400_and_process_nothing(world, period, haian_system, payload, field):
    _system, client = haian_system
    response = client.post(BATCH, {"period": label(period), **payload}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_batch_items_may_repeat_the_batch_period_but_not_another(world, period, haian_system):
    _system, client = haian_system
    other = f.EnterpriseFactory(region=world.haian)
    items = [{**item(world.e_haian), "period": label(period)}, {**item(other), "period": "2001-01"}]
    summary = client.post(BATCH, {"period": label(period), "items": items}, format="json").json()
    assert [r["outcome"] for r in summary["results"]] == ["created", "rejected"]
    assert "不一致" in summary["results"][1]["errors"]["period"][0]


def test_batch_of_drafts(world, period, haian_system):
    _system, client = haian_system
    payload = {"period": label(period), "submit": False, "items": [item(world.e_haian, revenue=None)]}
    summary = client.post(BATCH, payload, format="json").json()
    assert summary["created"] == 1 and summary["results"][0]["status"] == "draft"


@pytest.fixture
def sqlite_variable_limit():
    """Django 5.2 assumes SQLite's historic limit of 999 variables per statement and so splits a bulk insert
    of filings (≈45 columns) every 22 rows; SQLite ≥ 3.32 allows 32,766 (as Django 6.0 reads it from the
    connection). PostgreSQL allows 65,535. With the real limit a batch is the same handful of statements
    whatever its size, which is what this test is about."""
    features = connection.features
    if connection.vendor != "sqlite":
        yield
        return

    connection.ensure_connection()
    old = features.__dict__.get("max_query_params")
    features.max_query_params = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    yield
    if old is None:
        del features.max_query_params
    else:
        features.max_query_params = old


def test_batch_query_count_does_not_grow_with_its_size(world, period, haian_system, sqlite_variable_limit,
                                                      django_assert_max_num_queries):
    _system, client = haian_system
    enterprises = [f.EnterpriseFactory(region=world.haian) for _ in range(60)]
    year = timezone.localdate().year - 1  # with earlier filings to compare with, products and an update
    for e in enterprises[:10] + enterprises[30:40]:
        services.file_one(actor=world.users["county"], enterprise=e, period=past_period(year, period.month),
                          data=valid_data(), submit=True)

    def payload(chosen):
        return {"period": label(period), "items": [item(e) for e in chosen]}

    with CaptureQueriesContext(connection) as small:
        response = client.post(BATCH, payload(enterprises[:10]), format="json")
    assert response.json()["created"] == 10
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.post(BATCH, payload(enterprises[10:60]), format="json")
    assert response.json()["created"] == 50

    changed = [item(e, revenue="1300") for e in enterprises[:10]]
    with CaptureQueriesContext(connection) as small_update:
        client.post(BATCH, {"period": label(period), "items": changed}, format="json")
    changed = [item(e, revenue="1300") for e in enterprises[10:60]]
    with django_assert_max_num_queries(len(small_update.captured_queries)):
        response = client.post(BATCH, {"period": label(period), "items": changed}, format="json")
    assert response.json()["updated"] == 50


# ------------------------------------------------------------------------------------------------
# Scoping: another region's system, another enterprise
# ------------------------------------------------------------------------------------------------

def test_another_regions_system_gets_nothing_and_changes_nothing(world, period, haian_system, rugao_system):
    _haian, haian = haian_system
    _rugao, rugao = rugao_system
    haian.post(FILINGS, body(world.e_haian, period), format="json")
    services.approve_filing(actor=world.users["county"], filing=Filing.objects.get())
    before = rows()

    response = rugao.post(FILINGS, body(world.e_haian, period, revenue="1300"), format="json")
    assert response.status_code == 404
    unknown = rugao.post(FILINGS, {**body(world.e_haian, period), "credit_code": "91320685000000000X"}, format="json")
    assert unknown.status_code == 404 and unknown.json()["errors"] == response.json()["errors"]
    batch = rugao.post(BATCH, {"period": label(period), "items": [item(world.e_haian)]}, format="json").json()
    assert batch["rejected"] == 1 and batch["results"][0]["errors"] == {"credit_code": [exchange.not_found_message()]}
    dry = rugao.post(f"{FILINGS}?dry_run=true", body(world.e_haian, period), format="json")
    assert dry.status_code == 404
    assert rows() == before

    assert rugao.get(FILINGS, {"period": label(period)}).json()["results"] == []
    assert rugao.get(FILINGS, {"county": "320685"}).json()["results"] == []
    assert rugao.get(approved_url("320685"), {"period": label(period)}).status_code == 404
    assert rugao.get(approved_url("320600"), {"period": label(period)}).status_code == 404
    assert rugao.get(STATUS, {"period": label(period), "region": "320685"}).status_code == 404
    assert haian.get(approved_url("320685"), {"period": label(period)}).json()["results"] != []


def test_another_enterprise_gets_nothing(world, period, api):
    api(world.users["enterprise"]).post(FILINGS, body(world.e_haian, period), format="json")
    other = api(world.users["other_enterprise"])
    assert other.get(FILINGS).json()["results"] == []
    before = rows()
    assert other.post(FILINGS, body(world.e_haian, period, revenue="1300"), format="json").status_code == 404
    assert rows() == before


# ------------------------------------------------------------------------------------------------
# Reads: list, status, approved filings
# ------------------------------------------------------------------------------------------------

@pytest.fixture
def filed(world, period):
    """海安 approved, 如皋 submitted, 江宁 draft."""
    for e, user in ((world.e_haian, "county"), (world.e_rugao, "other_county"), (world.e_jiangning, "other_city")):
        services.file_one(actor=world.users[user], enterprise=e, period=period, data=valid_data(),
                          submit=e != world.e_jiangning)
    services.approve_filing(actor=world.users["county"], filing=Filing.objects.get(enterprise=world.e_haian))
    return period


def test_filing_list_is_scoped_and_filtered(world, filed, api, haian_system):
    def codes(user_or_client, **params):
        client = user_or_client if isinstance(user_or_client, APIClient) else api(world.users[user_or_client])
        response = client.get(FILINGS, params)
        assert response.status_code == 200
        return {row["credit_code"] for row in response.json()["results"]}

    haian, rugao, jiangning = (e.credit_code for e in (world.e_haian, world.e_rugao, world.e_jiangning))
    assert codes("province") == {haian, rugao, jiangning}
    assert codes("city") == {haian, rugao}
    assert codes("county") == {haian}
    assert codes("enterprise") == {haian}
    assert codes(haian_system[1]) == {haian}
    for role in ("system_admin", "audit_admin", "platform_operator", "no_role"):
        assert codes(role) == set(), role
    assert codes("province", status="submitted") == {rugao}
    assert codes("province", county="320682") == {rugao}
    assert codes("province", county="320600") == {haian, rugao}
    assert codes("city", county="320115") == set()  # another city's county: nothing, not the whole scope
    assert codes("province", period=label(filed)) == {haian, rugao, jiangning}
    assert api(world.users["province"]).get(FILINGS, {"status": "lost"}).status_code == 400


def test_filing_list_rows_carry_the_content(world, filed, api):
    row = api(world.users["county"]).get(FILINGS).json()["results"][0]
    assert row["credit_code"] == world.e_haian.credit_code and row["period"] == label(filed)
    assert row["county"] == "320685" and row["city"] == "320600" and row["status"] == "approved"
    assert row["revenue"] == "1200.0" and row["employees"] == 120 and row["q_orders"] == "same"
    assert row["products"] == [{"name": "齿轮", "unit": "件", "production": "1000.00", "sales": "900.00",
                                "inventory": "300.00"}]


def test_filing_list_query_count_is_bounded(world, filed, api, django_assert_max_num_queries):
    client = api(world.users["province"])
    for _ in range(20):
        e = f.EnterpriseFactory(region=world.haian)
        services.file_one(actor=world.users["county"], enterprise=e, period=filed, data=valid_data(), submit=True)
    with django_assert_max_num_queries(8):
        assert len(client.get(FILINGS).json()["results"]) == 23


def test_status_of_child_regions(world, filed, api, haian_system):
    client = api(world.users["city"])
    answer = client.get(STATUS, {"period": label(filed)}).json()
    assert answer["region"] == {"code": "320600", "name": "南通市"} and answer["period"] == label(filed)
    by_code = {row["code"]: row for row in answer["children"]}
    assert by_code["320685"]["submitted"] == 1 and by_code["320685"]["approved"] == 1
    assert by_code["320682"]["submitted"] == 1 and by_code["320682"]["approved"] == 0
    assert by_code["320685"]["expected"] == 1 and by_code["320685"]["rate"] == 100.0
    assert by_code["320685"]["reported"] is False
    province = api(world.users["province"]).get(STATUS, {"period": label(filed)}).json()
    assert {row["code"] for row in province["children"]} == {"320600", "320100"}
    assert province["children"][0]["reported"] is None
    assert api(world.users["province"]).get(STATUS, {"period": label(filed), "region": "320100"}).status_code == 200
    assert client.get(STATUS, {"period": label(filed), "region": "320100"}).status_code == 404
    assert client.get(STATUS, {"period": "2026"}).status_code == 400
    assert api(world.users["enterprise"]).get(STATUS, {"period": label(filed)}).status_code == 404
    assert haian_system[1].get(STATUS, {"period": label(filed)}).json()["children"] == []  # a county: no children


def test_approved_filings_of_a_region_in_bulk(world, filed, api, haian_system):
    client = api(world.users["province"])
    answer = client.get(approved_url("320600"), {"period": label(filed)}).json()
    assert [row["credit_code"] for row in answer["results"]] == [world.e_haian.credit_code]
    row = answer["results"][0]
    for code in ("revenue", "operating_cost", "total_profit", "industrial_output", "employees", "total_liabilities",
                 "q_overall", "difficulties", "explanations", "products"):
        assert code in row
    assert row["status"] == "approved" and len(row["products"]) == 1
    assert client.get(approved_url("320100"), {"period": label(filed)}).json()["results"] == []
    assert client.get(approved_url("320600")).status_code == 400  # the period is required
    assert client.get(approved_url("999999"), {"period": label(filed)}).status_code == 404
    assert client.post(approved_url("320600")).status_code == 405
    assert haian_system[1].get(approved_url("320685"), {"period": label(filed)}).json()["results"][0][
        "credit_code"] == world.e_haian.credit_code


def test_approved_filings_are_paged_with_a_cursor(world, filed, api, django_assert_max_num_queries):
    for _ in range(5):
        e = f.EnterpriseFactory(region=world.haian)
        filing = services.file_one(actor=world.users["county"], enterprise=e, period=filed, data=valid_data(),
                                   submit=True).filing
        services.approve_filing(actor=world.users["county"], filing=filing)
    client = api(world.users["city"])
    seen, url, params = [], approved_url("320685"), {"period": label(filed), "page_size": 2}
    while url:
        with django_assert_max_num_queries(8):
            page = client.get(url, params).json()
        seen += [row["credit_code"] for row in page["results"]]
        url, params = page["next"], None
    assert len(seen) == len(set(seen)) == 6


# ------------------------------------------------------------------------------------------------
# Exchange system accounts
# ------------------------------------------------------------------------------------------------

def test_create_exchange_system_command_prints_a_working_token(world, period):
    out = StringIO()
    call_command("create_exchange_system", "nantong-sys", "--region", "320600", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    user = User.objects.get(username="nantong-sys")
    assert user.role == Role.EXCHANGE and user.region == world.nantong and not user.has_usable_password()
    assert Token.objects.get(user=user).key == key
    assert AuditEntry.objects.filter(model="accounts.User", object_id=str(user.pk), channel="cli").exists()

    client = token_client(key)
    assert client.post(FILINGS, body(world.e_rugao, period), format="json").status_code == 201  # its region's
    assert client.post(FILINGS, body(world.e_jiangning, period), format="json").status_code == 404  # not its
    assert AuditEntry.objects.filter(model="monitoring.Filing", channel="api", actor_name="nantong-sys").count() == 1

    with pytest.raises(CommandError):
        call_command("create_exchange_system", "nantong-sys", "--region", "320600", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("create_exchange_system", "x-sys", "--region", "000000", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("create_exchange_system", "x" * 61, "--region", "320600", stdout=StringIO())

    out = StringIO()
    call_command("create_exchange_system", "nantong-sys", "--rotate-token", stdout=out)
    new_key = out.getvalue().strip().splitlines()[-1]
    assert new_key != key and Token.objects.get(user=user).key == new_key
    assert client.get(FILINGS).status_code in (401, 403)
    assert AuditEntry.objects.filter(model="authtoken.Token", object_id=str(user.pk)).count() == 2
    assert not any(key in str(e.changes) + e.note for e in AuditEntry.objects.all())


def test_schema_documents_the_exchange_endpoints(db, tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text(encoding="utf-8")
    for path in ("/api/v1/filings/:", "/api/v1/filings/batch/:", "/api/v1/filings/status/:",
                 "/api/v1/regions/{code}/approved-filings/:"):
        assert path in text, path
    for name in ("Idempotency-Key", "dry_run", "BatchSummary", "FilingResult", "SurveyTrend", "explanations"):
        assert name in text, name


def test_a_filing_created_concurrently_is_filed_again_as_an_update(world, period, haian_system, monkeypatch):
    """Two systems send the same enterprise at once: the loser's insert fails, it retries and updates."""

    real = services.file_batch
    calls = []

    def racing(**kwargs):
        calls.append(1)
        if len(calls) == 1:  # the other request wins the race between our read and our insert
            real(**{**kwargs, "actor": world.users["county"]})
            raise IntegrityError("UNIQUE constraint failed: monitoring_filing.enterprise_id, period_id")
        return real(**kwargs)

    monkeypatch.setattr(services, "file_batch", racing)
    _system, client = haian_system
    response = client.post(FILINGS, body(world.e_haian, period, revenue="1300"), format="json",
                           HTTP_IDEMPOTENCY_KEY="race")
    assert response.status_code == 200 and response.json()["outcome"] == "unchanged"
    assert len(calls) == 2 and Filing.objects.count() == 1
