"""The enterprise's report as its information officer meets it in a browser: read-only once filed, withdrawn
to correct it, an unlock asked for and granted by the city, the fields a reviewer marked, the warnings banner
after 报送, and numbers grouped by thousands."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from monitoring import periods, services
from monitoring.models import Filing, FilingStatus
from monitoring.unlocks.models import UnlockRequest
from tests.browser.helpers import sign_in
from tests.monitoring.helpers import open_period, valid_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(world, period, **data):
    return services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                             data=valid_data(**data), submit=True).filing


def _sign_out(page):
    page.get_by_role("button", name="退出").click()


def test_an_approved_report_is_read_only_and_the_city_grants_its_unlock(world, live_server, page):
    period = open_period()
    filing = _submit(world, period, revenue=Decimal("1234567.8"))
    services.approve_filing(actor=world.users["county"], filing=filing)
    url = f"{live_server.url}/monitoring/file/{periods.code(period)}/"

    sign_in(page, live_server, "qiye")
    page.goto(url)
    expect(page.get_by_test_id("status-banner")).to_contain_text("本期报表已审核通过")
    expect(page.get_by_test_id("filing-status")).to_have_text("审核通过")
    expect(page.locator("input[data-code]")).to_have_count(0)
    expect(page.get_by_role("button", name="保存草稿")).to_have_count(0)
    expect(page.get_by_role("button", name="撤回报送")).to_have_count(0)
    expect(page.locator('td[data-code="revenue"]')).to_have_text("1,234,567.8")
    page.get_by_label("申请解锁的理由").fill("营业收入多填一位,需更正")
    page.get_by_role("button", name="申请解锁").click()
    expect(page.get_by_text("解锁申请已提交,请等待上级主管部门处理。")).to_be_visible()
    expect(page.get_by_test_id("unlock-pending")).to_contain_text("营业收入多填一位,需更正")
    page.screenshot(path="/tmp/officer-filed-report.png", full_page=True)
    _sign_out(page)

    # The city finds the request in its review queue and grants it.
    sign_in(page, live_server, "nantong")
    page.goto(f"{live_server.url}/monitoring/review/?period={periods.code(period)}")
    panel = page.get_by_test_id("unlock-requests-panel")
    expect(panel).to_contain_text("海安甲企业")
    panel.get_by_role("link", name="处理解锁申请").click()
    page.get_by_label("处理意见(不同意时必填)").fill("同意更正营业收入")
    page.get_by_role("button", name="同意解锁").click()
    expect(page.get_by_text("已同意海安甲企业的解锁申请")).to_be_visible()
    _sign_out(page)

    # The enterprise finds the form open again, with the reason on top.
    sign_in(page, live_server, "qiye")
    page.goto(url)
    expect(page.get_by_test_id("returned-banner")).to_contain_text("同意更正营业收入")
    expect(page.locator('input[data-code="revenue"]')).to_be_editable()
    assert UnlockRequest.objects.get().status == UnlockRequest.Status.APPROVED


def test_the_enterprise_withdraws_an_unreviewed_submission_to_correct_it(world, live_server, page):
    page.on("dialog", lambda dialog: dialog.accept())  # 报送 asks first
    period = open_period()
    _submit(world, period)
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/monitoring/file/{periods.code(period)}/")
    expect(page.get_by_test_id("status-banner")).to_contain_text("等待审核")
    expect(page.locator("input[data-code]")).to_have_count(0)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤回报送").click()
    expect(page.get_by_text("已撤回报送,报表恢复为草稿;修改后请重新报送。")).to_be_visible()
    expect(page.get_by_test_id("filing-status")).to_have_text("草稿")
    page.locator('[data-code="operating_cost"]').fill("950")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_text("已报送,等待县级主管部门审核。")).to_be_visible()
    filing = Filing.objects.get()
    assert (filing.status, filing.version, filing.operating_cost) == (FilingStatus.SUBMITTED, 2, Decimal("950.0"))


def test_fields_the_reviewer_marked_are_highlighted(world, live_server, page):
    period = open_period()
    filing = _submit(world, period)
    services.return_filing(actor=world.users["county"], filing=filing, reason="营业成本请按财务报表核实",
                           fields=["operating_cost", "q_orders"])
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/monitoring/file/{periods.code(period)}/")
    banner = page.get_by_test_id("returned-banner")
    expect(banner).to_contain_text("营业成本请按财务报表核实")
    banner.get_by_role("link", name="营业成本").click()
    row = page.locator("#field-operating_cost")
    expect(row).to_have_attribute("data-flagged", "1")
    expect(row).to_contain_text("需修改")
    expect(row).to_be_in_viewport()
    page.screenshot(path="/tmp/officer-flagged.png")
    expect(page.locator("#field-q_orders")).to_have_attribute("data-flagged", "1")
    expect(page.locator("#field-revenue")).not_to_have_attribute("data-flagged", "1")
    background = row.locator("th").evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), background


def test_unexplained_warnings_are_announced_at_the_top_and_the_page_goes_to_them(world, live_server, page):
    page.on("dialog", lambda dialog: dialog.accept())  # 报送 asks first
    period = open_period()
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/monitoring/file/{periods.code(period)}/")
    values = {"revenue": "1000", "operating_cost": "800", "total_profit": "1,200", "taxes": "30",
              "export_value": "0", "industrial_output": "1100", "employees": "80", "receivables": "200",
              "finished_goods": "100", "total_assets": "3,000", "total_liabilities": "1200"}
    for code, value in values.items():
        page.locator(f'[data-code="{code}"]').fill(value)
    for fieldset in page.locator(".survey fieldset").all():
        fieldset.locator("input[value=same]").check()
    page.get_by_role("button", name="报送").click()
    banner = page.get_by_test_id("warnings-banner")
    expect(banner).to_contain_text("有 1 条预警需要说明")
    explanation = page.get_by_label("⚠ 利润总额大于营业收入,请说明原因。")
    expect(explanation).to_be_focused()
    expect(explanation).to_be_in_viewport()
    page.screenshot(path="/tmp/officer-warnings.png")
    page.evaluate("window.scrollTo(0, 0)")
    banner.get_by_role("link").click()
    expect(page.locator("#warn-title")).to_be_in_viewport()
    explanation.fill("本月处置闲置设备取得收益")
    page.get_by_role("button", name="报送").click()
    expect(page.get_by_text("已报送,等待县级主管部门审核。")).to_be_visible()
    filing = Filing.objects.get()
    assert filing.total_profit == Decimal("1200.0") and filing.total_assets == Decimal("3000.0")


def test_numbers_are_grouped_as_typed_and_saved_plain(world, live_server, page):
    period = open_period()
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/monitoring/file/{periods.code(period)}/")
    revenue = page.locator('[data-code="revenue"]')
    revenue.fill("1234567.8")
    page.locator('[data-code="operating_cost"]').focus()
    expect(revenue).to_have_value("1,234,567.8")
    revenue.focus()
    expect(revenue).to_have_value("1234567.8")
    employees = page.locator('[data-code="employees"]')
    employees.fill("1200")
    revenue.focus()  # employees shows 1,200
    expect(employees).to_have_value("1,200")
    revenue.press("Tab")  # Tab back into a grouped value and type over it: it is replaced, never appended to
    page.keyboard.press("Shift+Tab")
    employees.focus()
    page.keyboard.type("1300")
    expect(employees).to_have_value("1300")
    employees.fill("1200")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    expect(page.get_by_role("button", name="保存草稿")).to_be_visible()  # the draft stays on the form
    expect(revenue).to_have_value("1,234,567.8")
    filing = Filing.objects.get()
    assert (filing.status, filing.revenue, filing.employees) == (FilingStatus.DRAFT, Decimal("1234567.8"), 1200)
