"""The enterprise registry pages: list, filters, detail, create, edit, officer contacts, accounts, panels."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from portal.accounts.models import Role, User
from portal.audit.models import AuditEntry
from portal.enterprises.credit_code import make_code
from portal.enterprises.models import Enterprise, Industry, SizeStandard
from portal.enterprises.panels import registry_panel
from portal.enterprises.standards import DATA_DIR
from portal.regions.panels import overview_panel
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

NAMES = {"海安甲企业", "如皋乙企业", "江宁丙企业"}


def names_in(response) -> set[str]:
    return {e.name for e in response.context["page"]}


def edit_data(enterprise, **over):
    data = {
        "credit_code": enterprise.credit_code, "name": enterprise.name, "region": enterprise.region_id,
        "industry": enterprise.industry_id, "employees": enterprise.employees, "revenue": enterprise.revenue,
        "assets": enterprise.assets, "monitored_from": "2025-01-01", "monitored_until": "",
        "contact_name": enterprise.contact_name, "contact_phone": enterprise.contact_phone,
        "contact_email": enterprise.contact_email, "address": enterprise.address,
    }
    data.update(over)
    return {k: v for k, v in data.items() if v is not False}


# -- list: scoping ---------------------------------------------------------------------------------
@pytest.mark.parametrize("role,expected", [
    ("province", NAMES),
    ("city", {"海安甲企业", "如皋乙企业"}),
    ("other_city", {"江宁丙企业"}),
    ("county", {"海安甲企业"}),
    ("other_county", {"如皋乙企业"}),
    ("enterprise", {"海安甲企业"}),
    ("other_enterprise", {"如皋乙企业"}),
])
def test_list_shows_the_subtree_or_the_own_enterprise(world, login, role, expected):
    response = login(world.users[role]).get(reverse("enterprises:list"))
    assert response.status_code == 200
    assert names_in(response) == expected
    text = response.content.decode()
    for foreign in NAMES - expected:
        assert foreign not in text


@pytest.mark.parametrize("role", ["platform_operator", "base_manager", "system_admin", "security_admin",
                                  "audit_admin", "no_role"])
def test_list_is_not_for_roles_without_a_registry(world, login, role):
    response = login(world.users[role]).get(reverse("enterprises:list"))
    assert response.status_code == 403
    for name in NAMES:
        assert name not in response.content.decode()


def test_anonymous_is_sent_to_login(world, client):
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_foreign_region_filter_shows_nothing_foreign(world, login):
    response = login(world.users["county"]).get(reverse("enterprises:list"), {"region": world.rugao.pk})
    assert names_in(response) == {"海安甲企业"}
    assert response.context["form"].errors["region"]


# -- list: filters ---------------------------------------------------------------------------------
@pytest.fixture
def registry(world):
    today = timezone.localdate()
    software = Industry.objects.get(code="65")
    rows = {
        "medium": f.EnterpriseFactory(region=world.haian, name="海安中型机械", employees=400, revenue=Decimal(5000)),
        "micro": f.EnterpriseFactory(region=world.haian, name="海安微型软件", industry=software, employees=3,
                                     revenue=Decimal(20), is_specialized=True),
        "ended": f.EnterpriseFactory(region=world.rugao, name="如皋已退出", monitored_until=today - timedelta(days=1)),
        "future": f.EnterpriseFactory(region=world.rugao, name="如皋将纳入", monitored_from=today + timedelta(days=1)),
        "never": f.EnterpriseFactory(region=world.rugao, name="如皋未纳入", monitored_from=None, contact_name=""),
        "giant": f.EnterpriseFactory(region=world.haian, name="海安小巨人", is_little_giant=True,
                                     above_designated_size=True, revenue=Decimal(3000)),
    }
    return rows


@pytest.mark.parametrize("params,expected", [
    ({"size_class": "medium"}, {"海安中型机械"}),
    ({"size_class": "micro"}, {"海安微型软件"}),
    ({"industry": "I"}, {"海安微型软件"}),  # a section includes its divisions
    ({"industry": "65"}, {"海安微型软件"}),
    ({"honour": "is_specialized"}, {"海安微型软件"}),
    ({"honour": "is_little_giant"}, {"海安小巨人"}),
    ({"honour": "above_designated_size"}, {"海安小巨人"}),
    ({"monitored": "no"}, {"如皋已退出", "如皋将纳入", "如皋未纳入"}),
    ({"contact": "missing"}, {"如皋未纳入"}),
    ({"q": "小巨人"}, {"海安小巨人"}),
    ({"region": "rugao", "monitored": "yes"}, {"如皋乙企业"}),
])
def test_list_filters(world, login, registry, params, expected):
    if "industry" in params:
        params = {**params, "industry": Industry.objects.get(code=params["industry"]).pk}
    if params.get("region") == "rugao":
        params = {**params, "region": world.rugao.pk}
    response = login(world.users["province"]).get(reverse("enterprises:list"), params)
    assert names_in(response) == expected


def test_search_by_credit_code(world, login, registry):
    code = registry["giant"].credit_code
    response = login(world.users["city"]).get(reverse("enterprises:list"), {"q": code.lower()})
    assert names_in(response) == {"海安小巨人"}


def test_region_filter_takes_the_subtree(world, login, registry):
    response = login(world.users["province"]).get(reverse("enterprises:list"), {"region": world.nantong.pk})
    assert "江宁丙企业" not in names_in(response)
    assert {"海安甲企业", "如皋乙企业", "如皋未纳入"} <= names_in(response)


def test_pagination(world, login):
    for i in range(35):
        f.EnterpriseFactory(region=world.haian, name=f"海安分页{i:02d}")
    client = login(world.users["county"])
    first = client.get(reverse("enterprises:list"))
    second = client.get(reverse("enterprises:list"), {"page": 2})
    assert len(first.context["page"]) == 30 and len(second.context["page"]) == 6
    assert not names_in(first) & names_in(second)
    assert "第 2 / 2 页" in second.content.decode()


def _list_queries(client, django_assert_max_num_queries, bound):
    with django_assert_max_num_queries(bound) as captured:
        response = client.get(reverse("enterprises:list"), {"size_class": "small", "monitored": "yes"})
    assert response.status_code == 200
    return len(captured)


def test_list_query_count_does_not_grow_with_rows(world, login, django_assert_max_num_queries):
    client = login(world.users["province"])
    few = _list_queries(client, django_assert_max_num_queries, 10)
    for _i in range(40):
        f.EnterpriseFactory(region=world.rugao, is_high_tech=True)
    many = _list_queries(client, django_assert_max_num_queries, 10)
    assert many == few


# -- detail ----------------------------------------------------------------------------------------
def test_detail_shows_fields_honours_size_and_contacts(world, login, registry):
    giant = registry["giant"]
    text = login(world.users["county"]).get(reverse("enterprises:detail", args=[giant.pk])).content.decode()
    for expected in (giant.name, giant.credit_code, "海安市", "专精特新“小巨人”", "规模以上工业企业", "小型",
                     "工信部联企业〔2011〕300号", "张三", "13800000000", "2025-01-01", "监测中"):
        assert expected in text, expected


@pytest.mark.parametrize("role", ["other_county", "other_city", "other_enterprise", "platform_operator",
                                  "system_admin", "no_role"])
def test_foreign_detail_and_edit_answer_404(world, login, role):
    client = login(world.users[role])
    pk = world.e_haian.pk
    assert client.get(reverse("enterprises:detail", args=[pk])).status_code == 404
    assert client.get(reverse("enterprises:edit", args=[pk])).status_code == 404
    response = client.post(reverse("enterprises:edit", args=[pk]), edit_data(world.e_haian, name="改名"))
    assert response.status_code == 404
    assert client.post(reverse("enterprises:account_create", args=[pk]), {
        "account-username": "intruder", "account-full_name": "x", "account-password": "Xx@12345678",
        "account-password2": "Xx@12345678"}).status_code == 404
    world.e_haian.refresh_from_db()
    assert world.e_haian.name == "海安甲企业"
    assert not User.objects.filter(username="intruder").exists()


def test_missing_and_forbidden_look_alike(world, login):
    client = login(world.users["county"])
    missing = client.get(reverse("enterprises:detail", args=[999999]))
    forbidden = client.get(reverse("enterprises:detail", args=[world.e_rugao.pk]))
    assert missing.status_code == forbidden.status_code == 404


# -- create and edit by officials ------------------------------------------------------------------
def test_create_form_offers_only_counties_of_the_subtree(world, login):
    f.county("320683", "通州区")
    response = login(world.users["other_county"]).get(reverse("enterprises:create"))
    choices = {r.name for r in response.context["form"].fields["region"].queryset}
    assert choices == {"如皋市"}
    city_choices = login(world.users["city"]).get(reverse("enterprises:create")).context["form"]
    assert {r.name for r in city_choices.fields["region"].queryset} == {"海安市", "如皋市", "通州区"}


def test_official_creates_an_enterprise_with_a_derived_size(world, login):
    code = make_code("91320682MA1X00001")
    response = login(world.users["other_county"]).post(reverse("enterprises:create"), {
        "credit_code": code, "name": "如皋新材料有限公司", "region": world.rugao.pk,
        "industry": Industry.objects.get(code="C").pk, "employees": 350, "revenue": "2500.50", "assets": "100",
        "is_high_tech": "on", "monitored_from": "2026-01-01", "contact_name": "赵六", "contact_phone": "13700000000",
        "size_class": "micro",
    })
    created = Enterprise.objects.get(credit_code=code)
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:detail", args=[created.pk])
    assert created.size_class == "medium" and created.region_path == world.rugao.path and created.is_high_tech
    entry = AuditEntry.objects.get(model="enterprises.Enterprise", object_id=str(created.pk))
    assert entry.action == AuditEntry.Action.CREATE and entry.actor == world.users["other_county"]
    assert entry.channel == "web"


def test_create_in_a_foreign_county_is_refused(world, login):
    code = make_code("91320685MA1X00002")
    response = login(world.users["other_county"]).post(reverse("enterprises:create"), {
        "credit_code": code, "name": "越界企业", "region": world.haian.pk,
        "industry": Industry.objects.get(code="C").pk, "employees": 10, "revenue": "10", "assets": "10",
    })
    assert response.status_code == 200 and response.context["form"].errors["region"]
    assert not Enterprise.objects.filter(credit_code=code).exists()


def test_create_form_explains_errors_in_chinese(world, login):
    response = login(world.users["county"]).post(reverse("enterprises:create"), {
        "credit_code": "", "name": "", "region": world.haian.pk, "industry": Industry.objects.get(code="65").pk,
        "employees": "-1", "revenue": "abc", "assets": "1", "above_designated_size": "on",
        "monitored_from": "2026-05-01", "monitored_until": "2026-01-01",
    })
    errors = response.context["form"].errors
    assert errors["credit_code"] == ["该字段是必填项。"]
    assert errors["revenue"] == ["输入一个数字。"]
    assert "employees" in errors


def test_service_errors_land_on_their_fields(world, login):
    data = edit_data(world.e_haian, industry=Industry.objects.get(code="65").pk, above_designated_size="on")
    response = login(world.users["county"]).post(reverse("enterprises:edit", args=[world.e_haian.pk]), data)
    assert response.context["form"].errors["above_designated_size"] == ["“规模以上工业企业”只适用于工业企业。"]
    data = edit_data(world.e_haian, monitored_from="2026-05-01", monitored_until="2026-01-01")
    response = login(world.users["county"]).post(reverse("enterprises:edit", args=[world.e_haian.pk]), data)
    assert response.context["form"].errors["monitored_until"] == ["退出监测日期不能早于纳入监测日期。"]


def test_official_edits_and_the_change_is_audited(world, login):
    client = login(world.users["city"])
    url = reverse("enterprises:edit", args=[world.e_haian.pk])
    assert client.get(url).context["form"].initial["name"] == "海安甲企业"
    response = client.post(url, edit_data(world.e_haian, employees=500, revenue="3000", monitored_until="2026-12-31"))
    assert response.status_code == 302
    world.e_haian.refresh_from_db()
    assert world.e_haian.size_class == "medium"
    entry = AuditEntry.objects.filter(object_id=str(world.e_haian.pk), action="update").get()
    assert entry.changes["size_class"] == ["small", "medium"] and entry.changes["employees"] == [50, 500]


def test_official_cannot_move_an_enterprise_out_of_the_subtree(world, login):
    url = reverse("enterprises:edit", args=[world.e_haian.pk])
    response = login(world.users["county"]).post(url, edit_data(world.e_haian, region=world.jiangning.pk))
    assert response.status_code == 200 and response.context["form"].errors["region"]
    world.e_haian.refresh_from_db()
    assert world.e_haian.region == world.haian


# -- the information officer -----------------------------------------------------------------------
def test_officer_edits_only_contact_fields(world, login):
    client = login(world.users["enterprise"])
    url = reverse("enterprises:edit", args=[world.e_haian.pk])
    form = client.get(url).context["form"]
    assert set(form.fields) == {"contact_name", "contact_phone", "contact_email", "address"}
    response = client.post(url, edit_data(world.e_haian, name="改名企业", employees=9999, contact_name="钱七",
                                          contact_phone="13600000000", is_little_giant="on"))
    assert response.status_code == 302
    world.e_haian.refresh_from_db()
    assert world.e_haian.contact_name == "钱七" and world.e_haian.contact_phone == "13600000000"
    assert world.e_haian.name == "海安甲企业" and world.e_haian.employees == 50 and not world.e_haian.is_little_giant


def test_officer_cannot_create_import_or_open_accounts(world, login):
    client = login(world.users["enterprise"])
    assert client.get(reverse("enterprises:create")).status_code == 403
    assert client.get(reverse("enterprises:import")).status_code == 403
    assert client.get(reverse("enterprises:import_template")).status_code == 403
    response = client.post(reverse("enterprises:account_create", args=[world.e_haian.pk]), {
        "account-username": "second", "account-full_name": "x", "account-password": "Xx@12345678",
        "account-password2": "Xx@12345678"})
    assert response.status_code == 403
    assert not User.objects.filter(username="second").exists()


def test_officer_detail_has_no_official_sections(world, login):
    client = login(world.users["enterprise"])
    response = client.get(reverse("enterprises:mine"))
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:detail",
                                                                          args=[world.e_haian.pk])
    text = client.get(response["Location"]).content.decode()
    assert "编辑联系信息" in text and "开通信息员账号" not in text and "变更记录" not in text
    assert login(world.users["county"]).get(reverse("enterprises:mine")).status_code == 404


# -- accounts for enterprises ----------------------------------------------------------------------
def test_official_opens_an_account_from_the_detail_page(world, login):
    client = login(world.users["county"])
    detail = client.get(reverse("enterprises:detail", args=[world.e_haian.pk]))
    assert "开通信息员账号" in detail.content.decode()
    response = client.post(reverse("enterprises:account_create", args=[world.e_haian.pk]), {
        "account-username": "haian_officer", "account-full_name": "孙八", "account-phone": "13500000000",
        "account-email": "sunba@example.cn", "account-password": "Hai@an2026pass", "account-password2": "Hai@an2026pass",
    })
    assert response.status_code == 302
    user = User.objects.get(username="haian_officer")
    assert user.role == Role.ENTERPRISE and user.enterprise == world.e_haian and user.check_password("Hai@an2026pass")
    assert "haian_officer" in client.get(reverse("enterprises:detail", args=[world.e_haian.pk])).content.decode()


def test_account_form_errors_are_shown_on_the_detail_page(world, login):
    client = login(world.users["county"])
    url = reverse("enterprises:account_create", args=[world.e_haian.pk])
    response = client.post(url, {"account-username": "qiye", "account-full_name": "x",
                                 "account-password": "Hai@an2026pass", "account-password2": "Hai@an2026pass"})
    assert response.status_code == 200
    assert response.context["account_form"].errors["username"] == ["该登录名已被使用。"]
    response = client.post(url, {"account-username": "newone", "account-full_name": "x",
                                 "account-password": "Hai@an2026pass", "account-password2": "other"})
    assert response.context["account_form"].errors["password2"] == ["两次输入的密码不一致。"]
    response = client.post(url, {"account-username": "newone", "account-full_name": "x",
                                 "account-password": "123", "account-password2": "123"})
    assert response.context["account_form"].errors["password"]
    assert not User.objects.filter(username="newone").exists()


# -- dashboard and menu ----------------------------------------------------------------------------
def test_county_dashboard_counts_enterprises_missing_a_contact(world, login):
    f.EnterpriseFactory(region=world.haian, contact_name="")
    f.EnterpriseFactory(region=world.haian, contact_phone="")
    f.EnterpriseFactory(region=world.rugao, contact_name="")
    response = login(world.users["county"]).get(reverse("core:dashboard"))
    text = response.content.decode()
    assert "企业名录" in text and "监测企业配额与结构" in text and "缺少监测联系人的企业" in text
    panel = next(p for p in response.context["panels"] if p["title"] == "企业名录")
    counts = {item["label"]: item["count"] for item in panel["items"]}
    assert counts["企业名录"] == 3 and counts["缺少监测联系人的企业"] == 2
    nav = [item["label"] for item in response.context["nav_items"]]
    assert "企业名录" in nav and "监测企业配额与结构" in nav


def test_city_dashboard_has_no_missing_contact_item(world, login):
    text = login(world.users["city"]).get(reverse("core:dashboard")).content.decode()
    assert "企业名录" in text and "缺少监测联系人的企业" not in text


def test_officer_dashboard_shows_own_enterprise(world, login):
    response = login(world.users["enterprise"]).get(reverse("core:dashboard"))
    text = response.content.decode()
    assert "本企业信息" in text and reverse("enterprises:mine") in text
    assert "监测企业配额与结构" not in text


@pytest.mark.parametrize("role", ["province", "county", "enterprise"])
def test_panels_cost_a_bounded_number_of_queries(world, django_assert_max_num_queries, role):
    for _i in range(20):
        f.EnterpriseFactory(region=world.haian, contact_name="")
    user = User.objects.select_related("region").get(pk=world.users[role].pk)
    with django_assert_max_num_queries(1):
        registry_panel(user)
    with django_assert_max_num_queries(2):
        overview_panel(user)


# -- a revised standard through the command --------------------------------------------------------
def test_revised_standard_reclassifies_through_the_command(world, tmp_path):
    data = json.loads((DATA_DIR / "size_standard_2011.json").read_text(encoding="utf-8"))
    data.update(code="2026-revised", title="中小企业划型标准规定(修订试行)", effective_from="2026-01-01")
    for cat in data["categories"]:
        if cat["category"] == "industry":  # the revision lowers the industrial small bound to 10 people
            cat["small"] = {"employees": 10, "revenue": 300}
    path = tmp_path / "revised.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    marginal = f.EnterpriseFactory(region=world.haian, name="边缘企业", employees=15, revenue=Decimal(400))
    assert marginal.size_class == "micro"

    call_command("load_size_standard", str(path))

    marginal.refresh_from_db()
    assert marginal.size_class == "small" and marginal.size_standard.code == "2026-revised"
    world.e_haian.refresh_from_db()
    assert world.e_haian.size_standard.code == "2026-revised"
    entry = AuditEntry.objects.get(object_id=str(marginal.pk), action=AuditEntry.Action.BULK_UPDATE)
    assert entry.changes == {"size_class": ["micro", "small"]} and entry.channel == "cli"
    assert entry.note == "2026-revised"


def test_a_broken_standard_file_changes_nothing(world, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text(json.dumps({"code": "x", "title": "x", "effective_from": "2026-01-01", "categories": [
        {"category": "other", "label": "其他", "large": {"employees": 300}, "medium": {"employees": 100},
         "small": {"employees": 10}}]}), encoding="utf-8")
    with pytest.raises(CommandError, match="缺少以下行业类别"):
        call_command("load_size_standard", str(path))
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="划型标准文件有误"):
        call_command("load_size_standard", str(path))
    assert not SizeStandard.objects.filter(code="x").exists()
