"""In a real browser: an enterprise reads its reminder in the inbox; a province official generates a quarter's
bulletin through the progress bar, publishes it, and it appears among the home page's 通知公告."""

from datetime import timedelta

import pytest
from django.db import transaction
from playwright.sync_api import expect

from monitoring.bulletins import services as bulletins
from monitoring.reminders import services as reminders
from portal.bulletins.models import Bulletin
from tests import factories as f
from tests.browser.helpers import sign_in
from tests.monitoring.helpers import open_period
from tests.notifications import fixtures

eager_celery = fixtures.eager_celery

# serialized_rollback: the flush after the test would otherwise take the migrations' reference data with it.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.usefixtures("eager_celery")]





def test_an_enterprise_reads_its_reminder(world, live_server, page):
    period = open_period()
    with transaction.atomic():
        reminders.remind_late_filers(today=period.enterprise_deadline - timedelta(days=3))
    sign_in(page, live_server, "qiye2")
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.get_by_test_id("inbox-link").click()
    title = f"{period}监测报表尚未报送"
    page.get_by_role("link", name=title).click()
    message = page.get_by_test_id("notification")
    expect(message).to_contain_text("如皋乙企业")
    expect(message).to_contain_text("还有 3 天")
    expect(page.get_by_test_id("unread-count")).to_have_count(0)  # opened: read, the header no longer counts it
    page.get_by_role("link", name="前往办理").click()
    expect(page).to_have_url(f"{live_server.url}/monitoring/file/{period.year}-{period.month:02d}/")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.get_by_test_id("inbox")).to_contain_text(title)
    expect(page.get_by_test_id("inbox").get_by_text("未读")).to_have_count(0)


def test_a_province_official_generates_and_publishes_a_bulletin(world, live_server, page):
    year, quarter = bulletins.previous_quarter(open_period().month_end + timedelta(days=1))
    f.city("320500", "苏州市")  # no monitored enterprise: no bulletin of its own, and the page says so
    sign_in(page, live_server, "prov")
    page.goto(f"{live_server.url}/bulletins/")
    page.get_by_label("监测企业报送情况季度通报").select_option(f"{year}-Q{quarter}")
    page.get_by_test_id("generate-bulletin").click()
    expect(page.get_by_role("progressbar")).to_be_visible()
    status = page.get_by_role("status")
    expect(status).to_contain_text("生成完成:已生成 3 份通报草稿")
    expect(status).to_contain_text("未生成通报的地区(本季度没有应报的监测企业):苏州市")
    page.get_by_test_id("bulletin-job-link").click()
    title = f"江苏省{year}年第{quarter}季度各地监测企业报送情况通报"
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_test_id("bulletin-table")).to_contain_text("南通市")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_test_id("publish-bulletin").click()
    expect(page.get_by_test_id("bulletin-status")).to_have_text("待发布")  # dismissed: nothing published
    assert asked and "不能撤回" in asked[0]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("publish-bulletin").click()
    expect(page.get_by_text("通报已发布")).to_be_visible()
    expect(page.get_by_test_id("bulletin-status")).to_have_text("已发布")
    assert Bulletin.objects.get(region=world.province, period=f"{year}-Q{quarter}").notice_id
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=title).first.click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.locator(".article-body")).to_contain_text("南京市")
