"""The audit trail reads in words: model names, field names, choice labels, a field-by-field diff, the
channel, and filters that offer only what people name."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from monitoring import services
from portal.accounts import services as account_services
from portal.audit import context
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.audit.presenting import readable_changes
from tests import factories as f
from tests.monitoring.helpers import open_period, valid_data

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]


def trail_table(client, headers=None, **params) -> str:
    response = client.get(reverse("audit:list"), params, headers=headers)
    assert response.status_code == 200
    return response.content.decode().split('<table class="data">', 1)[1].split("</table>", 1)[0]


def filter_options(client, name: str) -> dict:
    html = client.get(reverse("audit:list")).content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


def test_a_review_reads_as_labels_and_a_diff(world, login):
    period = open_period()
    filing = services.file_one(actor=world.users["province"], enterprise=world.e_haian, period=period,
                               data=valid_data(), submit=True).filing
    with context.origin("web", "10.0.0.1"):
        services.approve_filing(actor=world.users["county"], filing=filing)
    table = trail_table(login(world.users["audit_admin"]), action="approve")
    assert "月度报表" in table and "monitoring.Filing" not in table
    assert "<b>状态</b>:已报送待审核 → 审核通过" in table.replace("\n", "")
    assert "submitted" not in table and "approved" not in table
    assert "网页 · 10.0.0.1" in table


def test_a_role_change_names_the_role_and_the_user_model(world, login):
    target = f.UserFactory(username="newbie")
    account_services.assign_role(actor=world.users["security_admin"], user=target, role="official",
                                 region=world.haian)
    table = trail_table(login(world.users["audit_admin"]), action="grant")
    assert "用户" in table and "accounts.User" not in table
    assert "<b>角色</b>:未分配角色 → 主管部门人员" in table.replace("\n", "")
    assert "<b>所属地区</b>:— → 海安市" in table.replace("\n", "")
    assert "official" not in table


def test_nested_values_are_written_out(world):
    row = audit.record(actor=world.users["province"], action=AuditEntry.Action.UPDATE, model="monitoring.Filing",
                       object_repr="x", changes={"explanations": [{}, {"revenue": "订单增加"}],
                                                 "status": ["draft", "submitted"], "reopened": [False, True],
                                                 "revenue": [None, str(Decimal("12.5"))], "odd": "whole"})
    changes = {c.label: (c.old, c.new) for c in readable_changes(row.model, row.changes)}
    assert changes["营业收入(千元)"][1] == "12.5"
    assert changes["状态"] == ("草稿", "已报送待审核")
    explanation = next(v for k, v in changes.items() if "revenue" not in k and "订单增加" in v[1])
    assert "营业收入" in explanation[1] and "{" not in explanation[1]
    assert changes["odd"] == ("—", "whole")
    assert any(v == ("否", "是") for v in changes.values())


def test_the_filters_offer_chinese_names_only(world, login):
    options = filter_options(login(world.users["audit_admin"]), "model")
    labels = " ".join(options.values())
    for english in ("idempotency record", "delivery", "preference"):
        assert english not in labels
    assert options["monitoring.Filing"].endswith("月度报表")
    assert options["accounts.User"].endswith("用户")
    assert all(re.search(r"[\u4e00-\u9fff]", label) for value, label in options.items() if value)
    actions = filter_options(login(world.users["audit_admin"]), "action")
    assert actions["revoke"] == "撤销授权"


def test_the_api_names_the_model_and_channel(world, login):
    with context.origin("cli"):
        audit.record(actor=world.users["province"], action=AuditEntry.Action.UPDATE, obj=world.e_haian, changes={})
    rows = login(world.users["audit_admin"]).get(reverse("api:audit-list")).json()["results"]
    row = next(r for r in rows if r["model"] == "enterprises.Enterprise")
    assert row["model_display"] == "企业" and row["channel_display"] == "命令行"


def test_the_trail_in_english(world, login):
    audit.record(actor=world.users["province"], action=AuditEntry.Action.UPDATE, obj=world.e_haian,
                 changes={"name": ["旧名", "新名"]})
    client = login(world.users["audit_admin"])
    client.cookies["django_language"] = "en"
    with translation.override("en"):  # the request activates English; restored for the tests after this one
        table = trail_table(client, headers={"Accept-Language": "en"})
    assert "enterprises.Enterprise" not in table and "Enterprise" in table
