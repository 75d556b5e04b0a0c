"""The month through the pages, as the enterprise, the county and the city use them."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring import services
from monitoring.models import Filing, FilingStatus, RegionReport
from tests import factories as f

from .helpers import open_period, valid_data

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]


def form_post(data: dict, *, submit=True, explanations=None) -> dict:
    post = {k: "" if v is None else str(v) for k, v in data.items()
            if k not in ("products", "difficulties", "explanations", "difficulties_text")}
    post["difficulties"] = data.get("difficulties", [])
    post["difficulties_text"] = data.get("difficulties_text", "")
    products = data.get("products", [])
    post.update({"products-TOTAL_FORMS": str(len(products)), "products-INITIAL_FORMS": "0",
                 "products-MIN_NUM_FORMS": "0", "products-MAX_NUM_FORMS": "10"})
    for i, p in enumerate(products):
        for key, value in p.items():
            post[f"products-{i}-{key}"] = str(value)
    for code, text in (explanations or {}).items():
        post[f"explain_{code}"] = text
    post["submit" if submit else "save"] = "1"
    return post


def file_url(period, enterprise=None):
    if enterprise is None:
        return reverse("monitoring:file", args=[period])
    return reverse("monitoring:file_on_behalf", args=[period, enterprise.pk])


def test_enterprise_files_with_an_explained_warning(world, login):
    period = open_period()
    client = login(world.users["enterprise"])
    page = client.get(file_url(period))
    assert page.status_code == 200 and "主要经济指标" in page.content.decode()
    data = valid_data(total_profit=Decimal("1500"))  # above revenue: a soft warning
    response = client.post(file_url(period), form_post(data))
    assert response.status_code == 200
    text = response.content.decode()
    assert "利润总额大于营业收入" in text and "请对预警" in text
    assert not Filing.objects.exists()
    response = client.post(file_url(period), form_post(data, explanations={"profit_over_revenue": "出售厂房收益"}))
    assert response.status_code == 302
    filing = Filing.objects.get()
    assert filing.status == FilingStatus.SUBMITTED and filing.explanations == {"profit_over_revenue": "出售厂房收益"}


def test_hard_error_is_shown_on_the_field_and_nothing_saved(world, login):
    period = open_period()
    client = login(world.users["enterprise"])
    response = client.post(file_url(period), form_post(valid_data(revenue=None, employees="abc")))
    text = response.content.decode()
    assert response.status_code == 200
    assert "请填写营业收入。" in text
    assert not Filing.objects.exists()


def test_draft_saves_incomplete_data(world, login):
    period = open_period()
    client = login(world.users["enterprise"])
    response = client.post(file_url(period), form_post(valid_data(revenue=None), submit=False))
    assert response.status_code == 302
    assert Filing.objects.get().status == FilingStatus.DRAFT


def test_review_return_resubmit_approve_report_up(world, login):
    period = open_period()
    enterprise, county, city = (login(world.users[k]) for k in ("enterprise", "county", "city"))
    enterprise.post(file_url(period), form_post(valid_data()))
    filing = Filing.objects.get()
    queue = county.get(reverse("monitoring:review_queue") + f"?period={period.year}-{period.month}")
    assert "海安甲企业" in queue.content.decode()
    detail = reverse("monitoring:filing_detail", args=[filing.pk])
    response = county.post(detail, {"action": "return", "ret-reason": "", "ret-fields": ["operating_cost"]})
    assert Filing.objects.get().status == FilingStatus.SUBMITTED  # a return needs a reason
    county.post(detail, {"action": "return", "ret-reason": "营业成本与上月差异大,请核实", "ret-fields": ["operating_cost"]})
    assert Filing.objects.get().status == FilingStatus.RETURNED
    mine = enterprise.get(reverse("monitoring:my_filings")).content.decode()
    assert "营业成本与上月差异大,请核实" in mine
    enterprise.post(file_url(period), form_post(valid_data(operating_cost=Decimal("950.0"))))
    response = county.get(detail)
    changes = response.content.decode()
    assert "自退回的第 1 版以来的修改" in changes and "950" in changes
    county.post(detail, {"action": "approve"})
    assert Filing.objects.get().status == FilingStatus.APPROVED
    county.post(reverse("monitoring:report_up") + f"?period={period.year}-{period.month}")
    assert RegionReport.objects.get().status == RegionReport.Status.REPORTED
    status = city.get(reverse("monitoring:status") + f"?period={period.year}-{period.month}").content.decode()
    assert 'data-testid="report-320685"' in status


def test_county_files_on_behalf_from_the_not_filed_list(world, login):
    period = open_period()
    county = login(world.users["county"])
    status = county.get(reverse("monitoring:status") + f"?period={period.year}-{period.month}&region=320685")
    assert file_url(period, world.e_haian) in status.content.decode()
    county.post(file_url(period, world.e_haian), form_post(valid_data()))
    assert Filing.objects.get().on_behalf is True


def test_other_regions_see_and_change_nothing(world, login):
    period = open_period()
    out = services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                            data=valid_data(), submit=True)
    detail = reverse("monitoring:filing_detail", args=[out.filing.pk])
    for role in ("other_county", "other_city", "other_enterprise"):
        client = login(world.users[role])
        assert client.get(detail).status_code == 404, role
        assert client.post(detail, {"action": "approve"}).status_code == 404, role
    other = login(world.users["other_county"])
    queue = other.get(reverse("monitoring:review_queue") + f"?period={period.year}-{period.month}&status=")
    assert "海安甲企业" not in queue.content.decode()
    assert other.get(file_url(period, world.e_haian)).status_code == 404
    assert login(world.users["other_enterprise"]).get(file_url(period, world.e_haian)).status_code == 404
    assert Filing.objects.get().status == FilingStatus.SUBMITTED


def test_review_queue_queries_do_not_grow_with_filings(world, login, django_assert_max_num_queries):
    period = open_period()
    county = login(world.users["county"])
    url = reverse("monitoring:review_queue") + f"?period={period.year}-{period.month}"

    def add(n):
        for _ in range(n):
            e = f.EnterpriseFactory(region=world.haian)
            services.file_one(actor=world.users["county"], enterprise=e, period=period, data=valid_data(), submit=True)

    add(3)
    county.get(url)  # warm caches (sessions, content types)
    with django_assert_max_num_queries(14):
        assert county.get(url).status_code == 200
    add(30)
    with django_assert_max_num_queries(14):
        assert county.get(url).status_code == 200


def test_status_page_queries_do_not_grow_with_regions(world, login, django_assert_max_num_queries):
    period = open_period()
    province = login(world.users["province"])
    url = reverse("monitoring:status") + f"?period={period.year}-{period.month}"
    province.get(url)
    with django_assert_max_num_queries(14):
        assert province.get(url).status_code == 200
    for i in range(6):
        c = f.city(f"3209{i:02d}", f"新市{i}")
        f.EnterpriseFactory(region=f.county(f"3209{i:02d}01"[:6] + f"{i}", f"新县{i}", c.code, c.name))
    with django_assert_max_num_queries(14):
        assert province.get(url).status_code == 200


def test_period_deadlines_are_set_by_province_only(world, login):
    assert login(world.users["county"]).get(reverse("monitoring:periods")).status_code == 403
    assert login(world.users["province"]).get(reverse("monitoring:periods")).status_code == 200


def test_bulk_approve_takes_only_clean_submissions(world, login):
    period = open_period()
    clean = services.file_one(actor=world.users["county"], enterprise=world.e_haian, period=period,
                              data=valid_data(), submit=True).filing
    other = f.EnterpriseFactory(region=world.haian)
    warned = services.file_one(actor=world.users["county"], enterprise=other, period=period, submit=True,
                               data=valid_data(taxes=Decimal("5000"),
                                               explanations={"taxes_over_revenue": "补缴以前年度税款"})).filing
    foreign = services.file_one(actor=world.users["other_county"], enterprise=world.e_rugao, period=period,
                                data=valid_data(), submit=True).filing
    response = login(world.users["county"]).post(
        reverse("monitoring:bulk_approve") + f"?period={period.year}-{period.month}",
        {"filing": [clean.pk, warned.pk, foreign.pk]}, follow=True)
    text = response.content.decode()
    assert "已审核通过 1 份报表。" in text and "1 份报表带预警,未批量通过,请逐份审核。" in text
    statuses = dict(Filing.objects.values_list("pk", "status"))
    assert statuses == {clean.pk: FilingStatus.APPROVED, warned.pk: FilingStatus.SUBMITTED,
                        foreign.pk: FilingStatus.SUBMITTED}


def test_county_dashboard_counts_its_own_submissions(world, login):
    period = open_period()
    services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period, data=valid_data(),
                      submit=True)
    f.EnterpriseFactory(region=world.haian, name="海安未报企业", monitored_from=period.month_end.replace(day=1))
    text = login(world.users["county"]).get(reverse("core:dashboard")).content.decode()
    badge = re.search(r'本期报送情况.{0,12}</a>\s*<span class="badge[^"]*">([^<]*)</span>', text)
    assert badge and badge.group(1) == "1/2"  # submitted / expected in 海安: one of its two enterprises


def test_submitting_asks_for_a_confirmation_on_the_page_first(world, login):
    """报送 without the page's script: the form comes back with a 确认报送 step and nothing is written until
    the person confirms."""
    period = open_period()
    client = login(world.users["enterprise"])
    asked = form_post(valid_data())
    asked["submit"] = "ask"
    html = client.post(file_url(period), asked).content.decode()
    assert 'data-testid="confirm-submit"' in html and 'name="submit" value="1"' in html
    assert not Filing.objects.filter(enterprise=world.e_haian).exists()
    response = client.post(file_url(period), form_post(valid_data()))
    assert response.status_code == 302
    assert Filing.objects.get(enterprise=world.e_haian).status == FilingStatus.SUBMITTED


def test_submitting_with_unexplained_warnings_shows_them_before_any_confirmation(world, login):
    period = open_period()
    client = login(world.users["enterprise"])
    asked = form_post(valid_data(total_profit=Decimal("5000")))
    asked["submit"] = "ask"
    html = client.post(file_url(period), asked).content.decode()
    assert 'data-testid="warnings-banner"' in html and 'data-testid="confirm-submit"' not in html
    assert not Filing.objects.filter(enterprise=world.e_haian).exists()
