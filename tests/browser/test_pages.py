"""In a real browser: the deadlines page's date inputs come filled, the portal's own 403 and 404 pages with a way
back, and care mode growing radio buttons and checkboxes to at least 44 px, not only the type."""

import re

import pytest
from playwright.sync_api import expect

from monitoring import periods
from monitoring.models import Period
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_deadline_inputs_are_filled_and_a_new_deadline_is_saved(world, live_server, page):
    month = periods.filing_month()
    enterprise, review = periods.default_deadlines(*month)
    sign_in(page, live_server, "prov")
    page.goto(f"{live_server.url}/monitoring/periods/?period={month.code}")
    expect(page.get_by_label("企业报送截止日")).to_have_value(enterprise.isoformat())
    expect(page.get_by_label("审核上报截止日")).to_have_value(review.isoformat())
    later = review.replace(day=review.day + 3)
    page.get_by_label("审核上报截止日").fill(later.isoformat())
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已调整")).to_be_visible()
    expect(page.get_by_label("审核上报截止日")).to_have_value(later.isoformat())
    assert Period.objects.get(year=month.year, month=month.month).review_deadline == later


def test_wrong_urls_and_forbidden_pages_are_the_portals_own(world, live_server, page):
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()  # the portal's frame
    page.get_by_role("link", name="返回首页").click()
    expect(page).to_have_url(f"{live_server.url}/")
    sign_in(page, live_server, "qiye")
    response = page.goto(f"{live_server.url}/monitoring/status/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="无权访问")).to_be_visible()
    expect(page.get_by_test_id("error-page")).to_contain_text("您当前的角色(企业信息员)无权使用此页面")
    page.get_by_role("link", name="进入工作台").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    icon = page.locator('link[rel="icon"]').get_attribute("href")
    assert page.request.get(f"{live_server.url}{icon}").status == 200


def sizes(locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None
    return box["width"], box["height"]


def test_care_mode_grows_radio_buttons_and_checkboxes(world, live_server, page):
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/notifications/preferences/")
    checkbox = page.get_by_label("通过电子邮件接收提醒")
    assert min(sizes(checkbox)) < 44  # the standard version: a native checkbox
    page.get_by_role("button", name="关怀版").click()
    expect(page.locator("body")).to_have_class(re.compile("care-mode"))
    assert min(sizes(checkbox)) >= 44
    assert sizes(page.get_by_role("button", name="保存"))[1] >= 44
    page.goto(f"{live_server.url}/monitoring/file/{periods.filing_month().code}/")
    radio = page.locator('input[type="radio"]').first
    expect(radio).to_be_visible()
    assert min(sizes(radio)) >= 44
    label = page.locator(f'label[for="{radio.get_attribute("id")}"], label:has(> #{radio.get_attribute("id")})').first
    assert sizes(label)[1] >= 44  # the label beside it is a target as tall
