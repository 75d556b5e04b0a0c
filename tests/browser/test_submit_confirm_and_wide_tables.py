"""In a real browser: 报送 asks before sending (a dialog with the page's script, a confirmation on the page
without it), the reviewer's filing page groups its numbers, and the analysis page's wide tables scroll inside
their own captioned box at 1366 px while the page itself never scrolls sideways."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from monitoring import services
from monitoring.models import Filing, FilingStatus
from tests.browser.helpers import sign_in
from tests.monitoring.helpers import open_period, valid_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _draft(world, period):
    services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                      data=valid_data(), submit=False)


def _status(world, period) -> str:
    return Filing.objects.get(enterprise=world.e_haian, period=period).status


def test_submitting_asks_first_in_a_dialog(world, live_server, page):
    period = open_period()
    _draft(world, period)
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/monitoring/file/{period.year}-{period.month:02d}/")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_role("button", name="报送", exact=True)).to_be_visible()
    assert asked and "确定报送" in asked[0]
    assert _status(world, period) == FilingStatus.DRAFT  # said no: nothing sent
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="报送", exact=True).click()
    expect(page.get_by_text("已报送,等待县级主管部门审核。")).to_be_visible()
    assert _status(world, period) == FilingStatus.SUBMITTED


def test_submitting_without_the_script_confirms_on_the_page(world, live_server, browser):
    period = open_period()
    _draft(world, period)
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/monitoring/file/{period.year}-{period.month:02d}/")
    page.locator('[data-code="revenue"]').fill("1,500")
    page.get_by_role("button", name="报送", exact=True).click()
    confirm = page.get_by_test_id("confirm-submit")
    expect(confirm).to_contain_text("尚未报送")
    expect(page.locator('[data-code="revenue"]')).to_have_value("1,500")  # what was typed is kept
    assert _status(world, period) == FilingStatus.DRAFT
    confirm.get_by_role("button", name="确认报送").click()
    expect(page.get_by_text("已报送,等待县级主管部门审核。")).to_be_visible()
    filing = Filing.objects.get(enterprise=world.e_haian, period=period)
    assert filing.status == FilingStatus.SUBMITTED and filing.revenue == Decimal("1500")
    context.close()


def test_the_reviewer_reads_grouped_numbers_and_wide_analysis_tables_scroll_in_their_box(world, live_server, page):
    period = open_period()
    filing = services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                               data=valid_data(revenue=Decimal("1234567.8"), operating_cost=Decimal("1000000")),
                               submit=True).filing
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, "haian")
    page.goto(f"{live_server.url}/monitoring/filings/{filing.pk}/")
    expect(page.get_by_test_id("figures").locator('[data-indicator="revenue"]')).to_contain_text("1,234,567.8")
    page.get_by_role("button", name="退出").click()
    sign_in(page, live_server, "prov")
    page.goto(f"{live_server.url}/monitoring/analysis/?period={period.year}-{period.month:02d}")
    box = page.get_by_role("region", name="各组累计值及同比")
    expect(box).to_be_visible()
    expect(box.locator("caption")).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")  # the table is wider: it scrolls inside
    box.focus()
    page.keyboard.press("ArrowRight")
    # by keyboard too (the browser scrolls after the key event: wait for it, up to the default timeout)
    page.wait_for_function("el => el.scrollLeft > 0", arg=box.element_handle())
    expect(page.get_by_test_id("totals")).to_contain_text("1,234,567.8")
