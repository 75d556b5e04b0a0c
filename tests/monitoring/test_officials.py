"""The county's and the city's pages: the review page as people read it, reporting up (county → city → province)
with its confirmation, bulk approval, the status page's totals, its 催报 and its xlsx — and for each list,
export and act, that an official of another region sees and changes nothing."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from monitoring import services
from monitoring.models import Filing, FilingStatus, Period, RegionReport
from monitoring.reminders.models import Chase
from portal.accounts.models import Role
from portal.audit.models import AuditEntry
from portal.notifications.models import Notification
from tests import factories as f

from .helpers import open_period, past_period, valid_data
from .test_exports import FIRST, make_filing

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]


def q(period, **params) -> dict:
    return {"period": f"{period.year}-{period.month:02d}", **params}


def submit(world, enterprise, period, **values):
    return services.file_one(actor=world.users["province"], enterprise=enterprise, period=period,
                             data=valid_data(**values), submit=True).filing


# -- the review page ------------------------------------------------------------------------------------------
@pytest.fixture
def reviewed(world):
    """海安甲企业's October with August, September and last October behind it, filed as demonstration data,
    a warning on its revenue, and returned once by a reviewer with a name through an exchange system."""
    now = open_period()  # October (tests/clock.py)
    make_filing(world.e_haian, past_period(now.year, now.month - 2), revenue=Decimal("800.0"), employees=90)
    make_filing(world.e_haian, past_period(now.year, now.month - 1), revenue=Decimal("900.0"), employees=100)
    make_filing(world.e_haian, past_period(now.year - 1, now.month), revenue=Decimal("700.0"), employees=88)
    filing = make_filing(world.e_haian, now, revenue=Decimal("1050.0"), employees=110)
    filing.channel, filing.difficulties = "synthetic", ["orders", "financing"]
    filing.warnings = [{"code": "yoy_revenue", "field": "revenue", "message": "营业收入同比变化超过50%,请说明原因。"}]
    filing.save()
    reviewer = f.official(world.haian, username="shenhe07", full_name="王审核")
    f.UserFactory(role=Role.EXCHANGE, region=world.nantong, username="nt-system", full_name="南通市监测系统")
    f.FilingEventFactory(filing=filing, action="return", actor=reviewer, actor_name=reviewer.username,
                         channel="api:nt-system", reason="请核实", fields=["total_profit", "employees"])
    return filing


def row_of(html: str, code: str) -> str:
    start = html.index(f'data-indicator="{code}"')
    return html[start:html.index("</tr>", start)]


def test_the_review_page_shows_labels_names_and_the_months_own_figures(world, login, reviewed):
    html = login(world.users["county"]).get(reverse("monitoring:filing_detail", args=[reviewed.pk])).content.decode()
    difficulties = html[html.index('data-testid="difficulties"'):]
    assert difficulties[:difficulties.index("</p>")].endswith("订单不足、融资难、融资贵 ")
    assert 'data-testid="filing-channel">模拟数据<' in html and "synthetic" not in html
    history = html[html.index('data-testid="history"'):]
    assert "王审核" in history and "shenhe07" not in history
    assert "数据接口(南通市监测系统)" in history and "api:nt-system" not in history
    assert "需修改:利润总额、从业人员期末人数" in history and "total_profit" not in history
    # Revenue: 1050 to date, 150 this month (900 in September, 100 that month: +50%), 700 last October: +50%.
    revenue = row_of(html, "revenue")
    assert ">1,050.0<" in revenue and ">150.0<" in revenue and revenue.count(">50.0%<") == 2  # grouped
    assert 'class="field-error"' in revenue and "营业收入同比变化超过50%" in revenue
    # Employees (a stock): 110 against 100 in September (+10%) and 88 last October (+25%); no month's own value.
    employees = row_of(html, "employees")
    assert ">10.0%<" in employees and ">25.0%<" in employees and "field-error" not in employees


def test_the_review_page_in_english(world, login, reviewed):
    client = login(world.users["county"])
    client.cookies["django_language"] = "en"
    with translation.override("en"):  # the request activates English; restored for the tests after this one
        html = client.get(reverse("monitoring:filing_detail", args=[reviewed.pk]),
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Insufficient orders" in html and "Synthetic data" in html
    assert "Data exchange (南通市监测系统)" in html
    assert "Total profit, Employees at period end" in html
    assert "Month-on-month" in html and "Year-on-year" in html


def test_the_review_page_of_another_region_answers_404(world, login, reviewed):
    for role in ("other_county", "other_city"):
        assert login(world.users[role]).get(reverse("monitoring:filing_detail", args=[reviewed.pk])).status_code == 404


# -- bulk approval --------------------------------------------------------------------------------------------
def test_bulk_approve_offers_select_all_and_says_what_it_did(world, login):
    period = open_period()
    submit(world, world.e_haian, period)
    county = login(world.users["county"])
    queue = county.get(reverse("monitoring:review_queue"), q(period)).content.decode()
    assert "data-select-all" in queue and "data-confirm-template" in queue
    response = county.post(reverse("monitoring:bulk_approve") + f"?period={period.year}-{period.month:02d}",
                           follow=True)
    assert "请先勾选要审核通过的报表。" in response.content.decode()
    assert Filing.objects.get().status == FilingStatus.SUBMITTED


def test_bulk_approve_by_another_region_changes_nothing(world, login):
    period = open_period()
    filing = submit(world, world.e_haian, period)
    for role in ("other_county", "other_city"):
        response = login(world.users[role]).post(
            reverse("monitoring:bulk_approve") + f"?period={period.year}-{period.month:02d}", {"filing": [filing.pk]},
            follow=True)
        assert "已审核通过" not in response.content.decode()
    assert Filing.objects.get().status == FilingStatus.SUBMITTED


# -- reporting up -----------------------------------------------------------------------------------------------
@pytest.fixture
def open_county(world):
    """海安市's October: 海安甲企业 returned, 海安丁企业 not filed."""
    period = open_period()
    filing = submit(world, world.e_haian, period)
    services.return_filing(actor=world.users["county"], filing=filing, reason="营业收入有误")
    f.EnterpriseFactory(region=world.haian, name="海安丁企业")
    return period


def report_up_url(period) -> str:
    return reverse("monitoring:report_up") + f"?period={period.year}-{period.month:02d}"


def test_the_county_confirms_what_is_still_open_before_reporting_up(world, login, open_county):
    period = open_county
    county = login(world.users["county"])
    page = county.get(report_up_url(period)).content.decode()
    assert "海安丁企业" in page[page.index('data-testid="open-not-filed"'):]
    assert "海安甲企业" in page[page.index('data-testid="open-returned"'):] and "营业收入有误" in page
    assert "如皋乙企业" not in page  # another county's enterprise
    # Not confirmed: nothing reported.
    response = county.post(report_up_url(period))
    assert response.status_code == 200 and "请确认后再上报" in response.content.decode()
    assert not RegionReport.objects.exists()
    # Confirmed: reported, with what was open.
    response = county.post(report_up_url(period), {"confirm": "1"})
    assert response.status_code == 302
    report = RegionReport.objects.get()
    assert (report.region, report.open_not_filed, report.open_returned) == (world.haian, 1, 1)
    assert AuditEntry.objects.filter(object_id=str(report.pk), note__contains="1 家企业未报送").exists()
    status = login(world.users["city"]).get(reverse("monitoring:status"), q(period)).content.decode()
    assert 'data-testid="report-320685"' in status and "上报时未报 1 家" in status


def test_the_county_reviews_every_submission_before_reporting_up(world, login):
    period = open_period()
    submit(world, world.e_haian, period)
    response = login(world.users["county"]).post(report_up_url(period), {"confirm": "1"})
    assert "还有 1 份报表待审核" in response.content.decode()
    assert not RegionReport.objects.exists()


def test_a_city_reports_up_to_the_province_which_sees_and_may_return_it(world, login):
    period = open_period()
    city = login(world.users["city"])
    page = city.get(report_up_url(period)).content.decode()
    regions = page[page.index('data-testid="open-regions"'):]
    assert "海安市" in regions and "如皋市" in regions and "江宁区" not in regions
    assert city.post(report_up_url(period), {"confirm": "1"}).status_code == 302
    report = RegionReport.objects.get(region=world.nantong)
    assert report.open_regions == 2 and report.is_reported
    assert "向省级主管部门上报" in city.get(reverse("monitoring:review_queue"), q(period)).content.decode()
    province = login(world.users["province"])
    status = province.get(reverse("monitoring:status"), q(period)).content.decode()
    assert 'data-testid="report-320600"' in status and "市级上报" in status
    # Neither the city itself nor another city may return it.
    url = reverse("monitoring:return_report", args=[report.pk])
    assert city.post(url, {"reason": "自己退回"}).status_code == 404
    assert login(world.users["other_city"]).post(url, {"reason": "越权"}).status_code == 404
    report.refresh_from_db()
    assert report.is_reported and not Notification.objects.exists()
    # The province returns it: the city's officials hear of it in their inbox.
    assert province.post(url, {"reason": "如皋市数据缺失"}).status_code == 302
    report.refresh_from_db()
    assert report.status == RegionReport.Status.RETURNED and report.returned_at is not None
    note = Notification.objects.get(recipient=world.users["city"])
    assert "上报被退回" in note.title and "如皋市数据缺失" in note.body and "江苏省" in note.body
    assert not Notification.objects.filter(recipient=world.users["other_city"]).exists()


def test_a_county_hears_when_its_city_returns_its_batch(world, login, django_capture_on_commit_callbacks):
    period = open_period()
    report = f.RegionReportFactory(region=world.haian, period=period, reported_by=world.users["county"])
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.users["city"]).post(reverse("monitoring:return_report", args=[report.pk]),
                                                   {"reason": "请补充海安丁企业"})
    assert response.status_code == 302
    note = Notification.objects.get(recipient=world.users["county"])
    assert note.title == f"{period}上报被退回" and "请补充海安丁企业" in note.body and "南通市" in note.body
    assert note.link == f"/monitoring/review/?period={period.year}-{period.month:02d}"
    assert not Notification.objects.filter(recipient=world.users["other_county"]).exists()
    queue = login(world.users["county"]).get(reverse("monitoring:review_queue"), q(period)).content.decode()
    assert 'data-testid="report-returned"' in queue and "请补充海安丁企业" in queue


def test_report_up_pages_of_other_levels_and_regions(world, login):
    period = open_period()
    for role in ("province", "enterprise"):
        assert login(world.users[role]).get(report_up_url(period)).status_code == 403
    # Another county's official reports only its own county.
    login(world.users["other_county"]).post(report_up_url(period), {"confirm": "1"})
    assert list(RegionReport.objects.values_list("region__code", flat=True)) == ["320682"]


# -- the status page ------------------------------------------------------------------------------------------
def test_a_countys_status_page_shows_its_totals(world, login):
    period = open_period()
    submit(world, world.e_haian, period)
    f.EnterpriseFactory(region=world.haian, name="海安丁企业")
    html = login(world.users["county"]).get(reverse("monitoring:status"), q(period, region="320685")).content.decode()
    total = html[html.index('data-testid="status-total"'):html.index("</tfoot>")]
    assert "海安市" in total and ">2<" in total and ">1<" in total and "50.0%" in total
    assert "海安丁企业" in html[html.index('data-testid="not-filed"'):]


def chase_url(period, region) -> str:
    return reverse("monitoring:chase") + f"?period={period.year}-{period.month:02d}&region={region}"


def test_chasing_reminds_the_unfiled_now_once_a_day_and_records_it(world, login):
    period = open_period()
    submit(world, world.e_haian, period)
    late = f.EnterpriseFactory(region=world.haian, name="海安丁企业")
    officer = f.officer(late, username="dingqiye")
    county = login(world.users["county"])
    response = county.post(chase_url(period, "320685"), follow=True)
    assert "已向 1 家未报送企业发送催报。" in response.content.decode()
    chase = Chase.objects.get()
    assert (chase.enterprise, chase.by, chase.day) == (late, world.users["county"], timezone.localdate())
    note = Notification.objects.get(recipient=officer)
    assert "催报" in note.title and "海安丁企业" in note.body and "海安市" in note.body
    assert AuditEntry.objects.filter(model="monitoring.Chase", enterprise_id=late.pk).count() == 1
    assert not Notification.objects.filter(recipient=world.users["enterprise"]).exists()  # it has filed
    # The page shows the time; a second 催报 the same day (by anyone) reminds nobody twice.
    html = county.get(reverse("monitoring:status"), q(period, region="320685")).content.decode()
    assert f'data-testid="chased-{late.pk}">{timezone.localtime(chase.at):%H:%M}<' in html
    response = login(world.users["city"]).post(chase_url(period, "320600"), follow=True)
    text = response.content.decode()
    assert "已向 1 家未报送企业发送催报。" in text and "1 家企业今天已催报过" in text  # 如皋乙 new, 海安丁 not
    assert Chase.objects.count() == 2 and Notification.objects.filter(recipient=officer).count() == 1
    assert Notification.objects.filter(recipient=world.users["other_enterprise"]).count() == 1


def test_chasing_another_regions_enterprises_changes_nothing(world, login):
    period = open_period()
    for role, region in (("other_county", "320685"), ("other_city", "320600"), ("county", "320682")):
        assert login(world.users[role]).post(chase_url(period, region)).status_code == 404
    assert login(world.users["enterprise"]).post(chase_url(period, "320685")).status_code == 403
    assert not Chase.objects.exists() and not Notification.objects.exists()


def test_a_closed_period_is_not_chased(world, login):
    period = open_period(2)
    period.review_deadline = timezone.localdate() - timedelta(days=1)
    period.save()
    response = login(world.users["county"]).post(chase_url(period, "320685"), follow=True)
    assert "已锁定" in response.content.decode()
    assert not Chase.objects.exists() and not Notification.objects.exists()


def test_the_status_table_as_xlsx(world, login):
    period = open_period()
    submit(world, world.e_haian, period)
    city = login(world.users["city"])
    response = city.get(reverse("monitoring:status_xlsx"), q(period))
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert ".xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content))["报送情况"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=FIRST, values_only=True)}
    assert set(rows) == {"海安市", "如皋市", "合计"}
    assert (rows["海安市"][2], rows["海安市"][3], rows["合计"][8], rows["合计"][9]) == (1, 1, 1, 50)
    book = load_workbook(io.BytesIO(login(world.users["county"]).get(
        reverse("monitoring:status_xlsx"), q(period, region="320685")).content))
    assert [r[0] for r in book["未报送企业"].iter_rows(min_row=FIRST, values_only=True)] == []
    rugao = load_workbook(io.BytesIO(city.get(reverse("monitoring:status_xlsx"), q(period, region="320682")).content))
    assert [r[0] for r in rugao["未报送企业"].iter_rows(min_row=FIRST, values_only=True)] == ["如皋乙企业"]


def test_the_status_xlsx_of_another_region_answers_404(world, login):
    period = open_period()
    for role, region in (("other_city", "320600"), ("other_county", "320685"), ("county", "320600")):
        response = login(world.users[role]).get(reverse("monitoring:status_xlsx"), q(period, region=region))
        assert response.status_code == 404, role
    assert login(world.users["enterprise"]).get(reverse("monitoring:status_xlsx"), q(period)).status_code == 403


def test_acts_on_a_month_nobody_opened_open_it_only_when_they_write(world, login):
    """Reporting up and 催报 write for the month: its period row is opened then, and not when they are refused."""
    period = open_period()
    period.delete()  # October, as if nobody had opened it
    county = login(world.users["county"])
    response = county.post(report_up_url(period))  # 海安甲企业 not filed: a confirmation is needed
    assert response.status_code == 200 and not Period.objects.exists() and not RegionReport.objects.exists()
    assert county.post(chase_url(period, "320685")).status_code == 302
    assert Chase.objects.get().period == Period.objects.get()
    assert county.post(report_up_url(period), {"confirm": "1"}).status_code == 302
    assert RegionReport.objects.get().period == Period.objects.get()
