"""GB/T 4754-2017 codes against the categories of the 2011 size standard (工信部联企业〔2011〕300号).

The expected category of every code is written here by hand from the standard's 第三条 ("交通运输业（不含铁路
运输业）", "信息传输业（包括电信、互联网和相关服务）", 房地产开发经营 and 物业管理 as categories of their own, …)
and GB/T 4754-2017's divisions and groups; nothing is read from the industry data file to compute it.
Categories are compared by the standard's own names, as the detail page shows them.
"""

import json
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from monitoring import services as monitoring
from monitoring.models import Filing
from portal.accounts.models import EnterpriseRegistration
from portal.audit.models import AuditEntry
from portal.enterprises import selectors, services
from portal.enterprises.credit_code import make_code
from portal.enterprises.models import Enterprise, Industry, SizeClass
from portal.enterprises.standards import (
    DATA_DIR,
    Classifier,
    UnknownCategory,
    check_industry_data,
    current_standard,
    rederive_size_classes,
    uncovered_categories,
)
from portal.enterprises.synthetic import build_enterprises
from tests import factories as f
from tests.monitoring.helpers import open_period, valid_data

from .test_accounts_registration import registration_data
from .test_enterprises import edit_data
from .test_import import fill, row, template, upload

pytestmark = pytest.mark.django_db

AGRI, INDUSTRY, BUILD = "农、林、牧、渔业", "工业", "建筑业"
WHOLESALE, RETAIL = "批发业", "零售业"
TRANSPORT, STORAGE, POSTAL = "交通运输业", "仓储业", "邮政业"
LODGING, CATERING = "住宿业", "餐饮业"
TELECOM, SOFTWARE = "信息传输业", "软件和信息技术服务业"
DEVELOPMENT, PROPERTY = "房地产开发经营", "物业管理"
LEASING, OTHER = "租赁和商务服务业", "其他未列明行业"
NA = "not applicable"  # the standard does not class the industry
REFUSED = "refused"  # spans several categories: a finer code is required


def divisions(first: int, last: int, expected: str) -> dict:
    return {f"{d:02d}": expected for d in range(first, last + 1)}


EXPECTED = {
    # A 农、林、牧、渔业: 01 农业 … 05 农、林、牧、渔专业及辅助性活动
    "A": AGRI, **divisions(1, 5, AGRI),
    # 工业 = 采矿业 (B 06–12), 制造业 (C 13–43), 电力、热力、燃气及水生产和供应业 (D 44–46)
    "B": INDUSTRY, **divisions(6, 12, INDUSTRY),
    "C": INDUSTRY, **divisions(13, 43, INDUSTRY),
    "D": INDUSTRY, **divisions(44, 46, INDUSTRY),
    "E": BUILD, **divisions(47, 50, BUILD),
    "F": REFUSED, "51": WHOLESALE, "52": RETAIL,
    # 交通运输业（不含铁路运输业）: 53 is outside; 59 splits into 591 装卸搬运 and 592–599 仓储
    "G": REFUSED, "53": NA, **divisions(54, 58, TRANSPORT),
    "59": REFUSED, "591": TRANSPORT,
    "592": STORAGE, "593": STORAGE, "594": STORAGE, "595": STORAGE, "596": STORAGE, "599": STORAGE,
    "60": POSTAL,
    "H": REFUSED, "61": LODGING, "62": CATERING,
    "I": REFUSED, "63": TELECOM, "64": TELECOM, "65": SOFTWARE,
    # 金融业 is not among the standard's industries
    "J": NA, **divisions(66, 69, NA),
    "K": REFUSED, "70": REFUSED, "701": DEVELOPMENT, "702": PROPERTY, "703": OTHER, "704": OTHER, "709": OTHER,
    "L": LEASING, "71": LEASING, "72": LEASING,
    "M": OTHER, **divisions(73, 75, OTHER),
    "N": OTHER, **divisions(76, 79, OTHER),
    "O": OTHER, **divisions(80, 82, OTHER),
    "P": OTHER, "83": OTHER,
    "Q": OTHER, "84": OTHER, "85": OTHER,
    "R": OTHER, **divisions(86, 90, OTHER),
    "S": OTHER, **divisions(91, 96, OTHER),
    "T": OTHER, "97": OTHER,
}

# What the refusal offers instead: names while they are few, codes alone for a long list.
FINER = {
    "F": "51 批发业、52 零售业",
    "H": "61 住宿业、62 餐饮业",
    "I": "63 电信、广播电视和卫星传输服务、64 互联网和相关服务、65 软件和信息技术服务业",
    "59": "591、592、593、594、595、596、599",
    "70": "701 房地产开发经营、702 物业管理、703 房地产中介服务、704 房地产租赁经营、709 其他房地产业",
    "K": "701 房地产开发经营、702 物业管理、703 房地产中介服务、704 房地产租赁经营、709 其他房地产业",
    "G": "53、54、55、56、57、58、591、592、593、594、595、596、599、60",
}
SPANS = "在《中小企业划型标准规定》中分属不同的行业类别,无法据以划型,请改选更细的行业代码:"


def test_the_table_covers_every_code_of_the_registry():
    assert set(Industry.objects.values_list("code", flat=True)) == set(EXPECTED)


def _create(world, code: str, n: int, **figures) -> Enterprise:
    data = {
        "credit_code": make_code(f"91320685MA1{n:06d}"), "name": f"行业{code}测试企业", "region": world.haian,
        "industry": Industry.objects.get(code=code), "employees": 50, "revenue": Decimal("800"),
        "assets": Decimal("600"), **figures,
    }
    return services.create_enterprise(actor=world.users["county"], data=data)


@pytest.mark.parametrize("code", list(EXPECTED))
def test_each_code_is_classed_by_its_category_of_the_standard(world, code):
    expected = EXPECTED[code]
    n = list(EXPECTED).index(code)
    if expected == REFUSED:
        with pytest.raises(ValidationError) as exc:
            _create(world, code, n)
        industry = Industry.objects.get(code=code)
        assert exc.value.message_dict["industry"] == [f"行业“{industry}”{SPANS}{FINER[code]}。"]
        assert not Enterprise.objects.filter(name=f"行业{code}测试企业").exists()
        return
    enterprise = _create(world, code, n)
    basis = selectors.size_basis(enterprise)
    if expected == NA:
        assert enterprise.size_class == SizeClass.NOT_APPLICABLE == "na"
        assert not basis["applies"] and basis["lines"] == []
    else:
        assert enterprise.size_class in {"large", "medium", "small", "micro"}
        assert basis["category_label"] == expected


# -- size classes where the categories were separated ----------------------------------------------
@pytest.mark.parametrize(("code", "figures", "expected"), [
    # 10 people and 100 (万元): small for a retailer (10 and 100), micro for a wholesaler (5 and 1000)
    ("52", {"employees": 10, "revenue": 100}, "small"),
    ("52", {"employees": 9, "revenue": 100}, "micro"),
    ("52", {"employees": 10, "revenue": Decimal("99.99")}, "micro"),
    ("51", {"employees": 10, "revenue": 100}, "micro"),
    ("51", {"employees": 5, "revenue": 1000}, "small"),
    ("52", {"employees": 50, "revenue": 500}, "medium"),
    ("51", {"employees": 50, "revenue": 500}, "micro"),
    # 20 people, 100: small storage (20 and 100), micro handling (装卸搬运 is transport: 20 and 200)
    ("592", {"employees": 20, "revenue": 100}, "small"),
    ("591", {"employees": 20, "revenue": 100}, "micro"),
    ("591", {"employees": 20, "revenue": 200}, "small"),
    ("599", {"employees": 100, "revenue": 1000}, "medium"),
    ("591", {"employees": 100, "revenue": 1000}, "small"),
    # 住宿业 and 餐饮业 share their bounds
    ("61", {"employees": 100, "revenue": 2000}, "medium"),
    ("62", {"employees": 100, "revenue": Decimal("1999.99")}, "small"),
    # 信息传输业 up to 2000 people is an SME; 软件 from 300
    ("64", {"employees": 1999, "revenue": 200000}, "medium"),
    ("65", {"employees": 300, "revenue": 10000}, "large"),
    # 物业管理 by people and revenue; 房地产开发经营 by revenue and assets; the rest of 70 by people
    ("702", {"employees": 100, "revenue": 500}, "small"),
    ("702", {"employees": 99, "revenue": 500}, "micro"),
    ("701", {"employees": 0, "revenue": 1000, "assets": 5000}, "medium"),
    ("701", {"employees": 0, "revenue": 1000, "assets": Decimal("4999.99")}, "small"),
    ("703", {"employees": 100, "revenue": 0, "assets": 0}, "medium"),
    ("709", {"employees": 9, "revenue": 99999, "assets": 99999}, "micro"),
    # 采矿业 and 电力、热力、燃气及水 are 工业
    ("06", {"employees": 300, "revenue": 2000}, "medium"),
    ("46", {"employees": 20, "revenue": Decimal("299.99")}, "micro"),
])
def test_boundaries_of_the_separated_categories(world, code, figures, expected):
    figures = {"assets": Decimal(0), **figures}
    enterprise = _create(world, code, 900, **figures)
    assert enterprise.size_class == expected


# -- through the pages -----------------------------------------------------------------------------
def _form_data(world, industry_code: str, credit_code: str) -> dict:
    return {
        "credit_code": credit_code, "name": "海安批零企业", "region": world.haian.pk,
        "industry": Industry.objects.get(code=industry_code).pk, "employees": 12, "revenue": "150",
        "assets": "80", "monitored_from": "2026-01-01", "contact_name": "张三", "contact_phone": "13800000000",
    }


@pytest.mark.parametrize("code", ["F", "G", "H", "I", "K", "59", "70"])
def test_the_form_asks_for_a_finer_code_and_writes_nothing(world, login, code):
    credit_code = make_code("91320685MA1FRM001")
    client = login(world.users["county"])
    audit_rows = AuditEntry.objects.count()
    response = client.post(reverse("enterprises:create"), _form_data(world, code, credit_code))
    assert response.status_code == 200
    industry = Industry.objects.get(code=code)
    assert response.context["form"].errors["industry"] == [f"行业“{industry}”{SPANS}{FINER[code]}。"]
    assert FINER[code] in response.content.decode()
    assert not Enterprise.objects.filter(credit_code=credit_code).exists()
    assert AuditEntry.objects.count() == audit_rows


def test_the_form_files_a_retailer_under_52(world, login):
    credit_code = make_code("91320685MA1FRM002")
    response = login(world.users["county"]).post(reverse("enterprises:create"), _form_data(world, "52", credit_code))
    assert response.status_code == 302
    assert Enterprise.objects.get(credit_code=credit_code).size_class == "small"  # 零售业: 10 and 100


def test_the_form_marks_the_codes_that_need_a_finer_one(world, login):
    page = login(world.users["county"]).get(reverse("enterprises:create")).content.decode()
    assert "F 批发和零售业(须选下级行业)" in page and "51 批发业<" in page
    assert "70 房地产业(须选下级行业)" in page and "701 房地产开发经营<" in page


def test_editing_to_a_coarse_code_is_refused_and_nothing_changes(world, login):
    before = Enterprise.objects.get(pk=world.e_haian.pk)
    data = edit_data(world.e_haian, industry=Industry.objects.get(code="70").pk, employees=999)
    response = login(world.users["county"]).post(reverse("enterprises:edit", args=[world.e_haian.pk]), data)
    assert response.status_code == 200 and SPANS in response.context["form"].errors["industry"][0]
    after = Enterprise.objects.get(pk=world.e_haian.pk)
    assert (after.industry_id, after.employees, after.size_class) == (before.industry_id, 50, before.size_class)


def test_import_names_the_rows_with_a_coarse_code_and_saves_nothing(world, login):
    client = login(world.users["county"])
    rows = [
        row("91320685MA1HYD001", "海安零售一号", **{"行业代码": "52"}),  # row 2: fine
        row("91320685MA1HYD002", "海安批零二号", **{"行业代码": "F"}),  # row 3
        row("91320685MA1HYD003", "海安仓储三号", **{"行业代码": 59}),  # row 4, typed as a number
        row("91320685MA1HYD004", "海安地产四号", **{"行业代码": "k"}),  # row 5, lower case
        row("91320685MA1HYD005", "海安未知五号", **{"行业代码": "99"}),  # row 6: no such code
    ]
    response = upload(client, fill(template(client), rows))
    errors = response.context["result"].errors
    assert errors == [
        f"第3行:行业“F 批发和零售业”{SPANS}{FINER['F']}。",
        f"第4行:行业“59 装卸搬运和仓储业”{SPANS}{FINER['59']}。",
        f"第5行:行业“K 房地产业”{SPANS}{FINER['K']}。",
        "第6行:行业代码“99”不存在(请填写《国民经济行业分类》的门类字母、大类或中类代码,见模板的“代码表”)。",
    ]
    assert not Enterprise.objects.filter(name__startswith="海安").exclude(name="海安甲企业").exists()


def test_import_takes_precise_codes_and_a_division_typed_as_a_number(world, login):
    client = login(world.users["county"])
    rows = [
        row("91320685MA1HYD011", "海安零售", **{"行业代码": "52", "从业人员(人)": 10, "营业收入(万元)": 100}),
        row("91320685MA1HYD012", "海安装卸", **{"行业代码": 591, "从业人员(人)": 20, "营业收入(万元)": 100}),
        row("91320685MA1HYD013", "海安煤矿", **{"行业代码": 6}),  # Excel drops the zero of 06
        row("91320685MA1HYD014", "海安银行", **{"行业代码": "66"}),
    ]
    response = upload(client, fill(template(client), rows))
    assert response.context["result"].errors == []
    got = {e.name: (e.industry.code, e.size_class) for e in Enterprise.objects.filter(name__in=[
        "海安零售", "海安装卸", "海安煤矿", "海安银行"])}
    assert got == {"海安零售": ("52", "small"), "海安装卸": ("591", "micro"), "海安煤矿": ("06", "small"),
                   "海安银行": ("66", "na")}


def test_the_template_code_sheet_names_each_codes_category(world, login):
    wb = load_workbook(BytesIO(template(login(world.users["county"]))))
    sheet = {r[3]: r[5] for r in wb["代码表"].iter_rows(min_row=2, values_only=True) if r[3]}
    assert sheet["52"] == RETAIL and sheet["591"] == TRANSPORT and sheet["592"] == STORAGE
    assert sheet["F"] == sheet["59"] == "须填写更细的行业代码"
    assert sheet["53"] == sheet["J"] == "不适用划型标准"


@pytest.mark.parametrize("code", ["66", "J", "53"])
def test_detail_page_says_the_standard_does_not_apply(world, login, code):
    enterprise = _create(world, code, 700, employees=5000, revenue=Decimal("900000"))
    page = login(world.users["county"]).get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
    assert "《中小企业划型标准规定》不适用于该行业" in page
    assert 'data-testid="size-class">不适用<' in page
    assert "从业人员 ≥" not in page and "非中小企业" not in page


def test_api_shows_not_applicable(world, login):
    enterprise = _create(world, "67", 701)
    body = login(world.users["county"]).get(f"/api/v1/enterprises/{enterprise.credit_code}/").json()
    assert (body["size_class"], body["size_class_display"]) == ("na", "不适用")


# -- enterprises filed under a coarse code before finer codes were required ------------------------
@pytest.fixture
def coarse(world):
    enterprise = world.e_haian
    Enterprise.objects.filter(pk=enterprise.pk).update(industry=Industry.objects.get(code="F"), size_class="small")
    enterprise.refresh_from_db()
    return enterprise


def test_a_coarse_code_is_flagged_on_the_detail_page(world, login, coarse):
    page = login(world.users["county"]).get(reverse("enterprises:detail", args=[coarse.pk])).content.decode()
    assert "所属行业“F”在《中小企业划型标准规定》中分属不同的行业类别" in page
    assert "须将所属行业改为更细的行业代码:51、52" in page


def test_the_officer_still_edits_contacts_of_a_coarse_enterprise(world, login, coarse):
    response = login(world.users["enterprise"]).post(reverse("enterprises:edit", args=[coarse.pk]), {
        "contact_name": "新联系人", "contact_phone": "13900000000", "contact_email": "", "address": ""})
    assert response.status_code == 302
    coarse.refresh_from_db()
    assert (coarse.contact_name, coarse.size_class) == ("新联系人", "small")


def test_reclassification_passes_over_coarse_codes(world, coarse):
    assert services.reclassify_all(actor=None) == 0
    coarse.refresh_from_db()
    assert coarse.size_class == "small"


def test_the_remapping_rederives_stale_classes_and_audits_them(world, coarse):
    railway = f.EnterpriseFactory(region=world.haian, industry=Industry.objects.get(code="54"), employees=50,
                                  revenue=Decimal(500))
    assert railway.size_class == "small"
    Enterprise.objects.filter(pk=railway.pk).update(industry=Industry.objects.get(code="53"))

    assert rederive_size_classes(note="行业代码与划型行业类别的对应关系更正") == 1

    railway.refresh_from_db()
    coarse.refresh_from_db()
    assert railway.size_class == "na" and coarse.size_class == "small"
    entry = AuditEntry.objects.get(object_id=str(railway.pk), action=AuditEntry.Action.BULK_UPDATE)
    assert entry.changes == {"size_class": ["small", "na"]} and entry.note == "行业代码与划型行业类别的对应关系更正"
    assert rederive_size_classes(note="again") == 0


# -- self-registration ----------------------------------------------------------------------------
def test_self_registration_asks_for_a_finer_code(world, client):
    data = registration_data(world, industry=Industry.objects.get(code="H").pk)
    response = client.post(reverse("accounts:register"), data)
    assert response.context["form"].errors["industry"] == [f"行业“H 住宿和餐饮业”{SPANS}{FINER['H']}。"]
    assert not EnterpriseRegistration.objects.exists()


# -- the data and the classifier refuse what they cannot class -------------------------------------
def test_an_unknown_category_is_refused_not_defaulted(world):
    odd = Industry.objects.create(code="999", name="试验行业", size_category="mystery")
    classifier = Classifier(current_standard())
    with pytest.raises(UnknownCategory):
        classifier.classify("mystery", employees=5, revenue=Decimal(1), assets=Decimal(1))
    with pytest.raises(ValidationError) as exc:
        _create(world, "999", 800)
    assert exc.value.message_dict["industry"] == [
        "行业“999 试验行业”的划型类别“mystery”不在现行划型标准中,无法划型,请联系系统管理员。"]
    assert uncovered_categories(current_standard()) == {"mystery"}
    odd.delete()
    assert uncovered_categories(current_standard()) == set()


def _table(*rows):
    return {"industries": [dict(zip(("code", "name", "parent", "size_category"), r, strict=True)) for r in rows]}


@pytest.mark.parametrize(("data", "message"), [
    (_table(("F", "批发和零售业", None, "wholesale"), ("51", "批发业", "F", "wholesale"),
            ("52", "零售业", "F", "retail")), "lies under F"),
    (_table(("F", "批发和零售业", None, None)), "no finer code"),
    (_table(("51", "批发业", "F", "wholesale")), "parent F must be listed before"),
    (_table(("F", "批发和零售业", None, "")), "category name or null"),
    (_table(("F", "批发和零售业", None, None), ("51", "批发业", "F", "wholesale"), ("51", "批发业", "F", "x")),
     "listed twice"),
])
def test_an_industry_table_with_a_code_spanning_categories_is_refused(data, message):
    with pytest.raises(ValueError, match=message):
        check_industry_data(data)


def test_the_shipped_table_passes_its_checks():
    check_industry_data(json.loads((DATA_DIR / "industries_gbt4754_2017.json").read_text(encoding="utf-8")))


def test_synthetic_enterprises_use_codes_the_registry_accepts(world):
    rows = build_enterprises(200, counties=[world.haian])
    for e in rows:
        services.validate_industry(e.industry)
    assert "na" not in {e.size_class for e in rows}


def test_a_not_applicable_enterprise_files_its_monthly_return(world):
    bank = _create(world, "66", 702, monitored_from=date(2025, 1, 1))
    bank = Enterprise.objects.get(pk=bank.pk)
    out = monitoring.file_one(actor=world.users["county"], enterprise=bank, period=open_period(),
                              data=valid_data(industrial_output=None, products=[]), submit=True)
    filing = Filing.objects.get(pk=out.filing.pk)
    assert (filing.size_class, filing.industry_code) == ("na", "66")


def test_overview_counts_not_applicable_apart(world, login):
    _create(world, "66", 703, monitored_from=date(2025, 1, 1))
    page = login(world.users["county"]).get(reverse("regions:overview")).content.decode()
    assert "另有 1 家企业所属行业不适用划型标准,不计入结构比例。" in page
