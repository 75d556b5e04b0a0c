"""The month in a real browser: file with an explained warning, returned, corrected, approved, reported up."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from monitoring import services
from monitoring.models import Filing
from tests.browser.helpers import sign_in
from tests.monitoring.helpers import open_period, valid_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]





def sign_out(page):
    page.get_by_role("button", name="退出").click()


def fill_filing(page, values: dict):
    for code, value in values.items():
        page.locator(f'[data-code="{code}"]').fill(str(value))


def test_month_walk(world, live_server, page):
    page.on("dialog", lambda dialog: dialog.accept())  # 报送 asks first
    period = open_period()
    previous = open_period(2)
    services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=previous, submit=True,
                      data=valid_data(revenue=Decimal("600"), operating_cost=Decimal("500"),
                                      total_profit=Decimal("50"), taxes=Decimal("20"), export_value=Decimal("0"),
                                      industrial_output=Decimal("700"), employees=80))
    month = f"{period.year}-{period.month:02d}"
    expected_month_revenue = "400.0" if period.month > 1 else "1,000.0"
    # The enterprise files, with a profit above revenue: a soft warning it must explain.
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/monitoring/file/{month}/")
    fill_filing(page, {"revenue": "1000", "operating_cost": "800", "total_profit": "1200", "taxes": "30",
                       "export_value": "0", "industrial_output": "1100", "employees": "80", "receivables": "200",
                       "finished_goods": "100", "total_assets": "3000", "total_liabilities": "1200"})
    expect(page.locator('[data-month-for="revenue"]')).to_have_text(expected_month_revenue)
    page.locator("#id_products-0-name").fill("齿轮")
    page.locator("#id_products-0-unit").fill("件")
    page.locator("#id_products-0-production").fill("100")
    page.locator("#id_products-0-sales").fill("90")
    page.locator("#id_products-0-inventory").fill("30")
    page.get_by_role("button", name="增加产品").click()
    expect(page.locator("#id_products-1-name")).to_be_focused()
    for fieldset in page.locator(".survey fieldset").all():
        fieldset.locator("input[value=same]").check()
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_text("利润总额大于营业收入,请说明原因。").first).to_be_visible()
    page.get_by_label("⚠ 利润总额大于营业收入,请说明原因。").fill("本月处置闲置设备取得收益")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_text("已报送,等待县级主管部门审核。")).to_be_visible()
    sign_out(page)

    # The county returns it with a reason pointing at a field.
    filing = Filing.objects.get(period=period)
    sign_in(page, live_server, "haian")
    page.goto(f"{live_server.url}/monitoring/review/?period={period.year}-{period.month}")
    page.get_by_role("link", name="审核", exact=True).click()
    expect(page.get_by_text("本月处置闲置设备取得收益")).to_be_visible()
    page.get_by_label("退回理由").fill("营业成本请按财务报表核实")
    page.get_by_label("营业成本", exact=True).check()
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_test_id("filing-status")).to_have_text("已退回")
    sign_out(page)

    # The enterprise corrects and resubmits.
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/monitoring/")
    expect(page.get_by_text("营业成本请按财务报表核实")).to_be_visible()
    page.get_by_test_id("current-period").get_by_role("link", name="修改后重新报送").click()
    page.locator('[data-code="operating_cost"]').fill("850")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_text("已报送,等待县级主管部门审核。")).to_be_visible()
    sign_out(page)

    # The county sees what changed, approves, reports the county up.
    sign_in(page, live_server, "haian")
    page.goto(f"{live_server.url}/monitoring/filings/{filing.pk}/")
    changes = page.get_by_test_id("changes")
    expect(changes).to_contain_text("营业成本")
    expect(changes).to_contain_text("850")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_test_id("filing-status")).to_have_text("审核通过")
    page.goto(f"{live_server.url}/monitoring/review/?period={period.year}-{period.month}")
    page.get_by_role("link", name="上报本县数据").click()
    expect(page.get_by_test_id("nothing-open")).to_be_visible()
    page.get_by_role("button", name="确认上报").click()
    expect(page.get_by_test_id("region-report")).to_have_text("已上报")
    sign_out(page)

    # The city sees the county as reported.
    sign_in(page, live_server, "nantong")
    page.goto(f"{live_server.url}/monitoring/status/?period={period.year}-{period.month}")
    expect(page.get_by_test_id("report-320685")).to_have_text("已上报")
    page.screenshot(path="/tmp/city-status.png", full_page=True)
    assert Filing.objects.get(period=period).operating_cost == Decimal("850.0")
