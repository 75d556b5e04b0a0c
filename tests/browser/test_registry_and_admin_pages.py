"""The registry, the region overview, notices management, accounts and the audit trail in a real browser."""

import pytest
from playwright.sync_api import expect

from portal.audit.models import AuditEntry
from portal.notices.models import Notice
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]





def test_county_official_searches_the_registry_and_reads_the_overview(world, live_server, page):
    sign_in(page, live_server, "haian")
    page.goto(f"{live_server.url}/enterprises/")
    expect(page.get_by_role("heading", name="企业名录")).to_be_visible()
    expect(page.get_by_text("海安甲企业")).to_be_visible()
    expect(page.get_by_text("如皋乙企业")).to_have_count(0)  # another county's enterprise
    page.locator("#id_q").fill("海安甲")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="海安甲企业").click()
    expect(page.get_by_role("heading", name="海安甲企业")).to_be_visible()
    expect(page.get_by_text(world.e_haian.credit_code).first).to_be_visible()
    page.goto(f"{live_server.url}/regions/")
    expect(page.get_by_role("heading", name="监测企业配额与结构 · 海安市")).to_be_visible()


def test_province_staff_publish_a_notice_that_the_home_page_shows(world, live_server, page):
    sign_in(page, live_server, "prov")
    page.goto(f"{live_server.url}/notices/manage/")
    expect(page.get_by_role("heading", name="资讯公告管理")).to_be_visible()
    page.get_by_role("link", name="新建").click()
    page.locator("#id_kind").select_option("notice")
    page.locator("#id_title").fill("关于做好年度监测工作的通知")
    page.locator("#id_body").fill("请各地按时完成报送。")
    page.locator("form.stacked button[type=submit]").last.click()
    notice = Notice.objects.get(title="关于做好年度监测工作的通知")
    if not notice.is_published:
        page.goto(f"{live_server.url}/notices/manage/")
        page.get_by_role("row", name="关于做好年度监测工作的通知").get_by_role("button", name="发布").click()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("link", name="关于做好年度监测工作的通知").first).to_be_visible()
    assert AuditEntry.objects.filter(model="notices.Notice").exists()


def test_administrators_each_see_their_own_tools(world, live_server, page):
    sign_in(page, live_server, "sysadmin")
    page.goto(f"{live_server.url}/accounts/users/")
    expect(page.get_by_role("heading", name="账号管理")).to_be_visible()
    expect(page.get_by_role("link", name="新建账号")).to_be_visible()
    page.get_by_role("button", name="退出").click()
    sign_in(page, live_server, "auditor")
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_role("heading", name="审计日志")).to_be_visible()
    expect(page.locator("table.data tbody tr").first).to_be_visible()
    response = page.goto(f"{live_server.url}/accounts/users/")
    assert response.status == 403  # the audit administrator manages no accounts
