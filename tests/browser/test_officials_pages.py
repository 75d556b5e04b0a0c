"""The county's pages in a real browser: reporting up asks for confirmation with what is still open, 催报 asks
before it reminds anyone, and bulk approval selects all and says how many it will approve."""

import pytest
from playwright.sync_api import expect

from monitoring import services
from monitoring.models import Filing, FilingStatus, RegionReport
from monitoring.reminders.models import Chase
from portal.notifications.models import Notification
from tests import factories as f
from tests.browser.helpers import sign_in
from tests.monitoring.helpers import open_period, valid_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reporting_up_lists_what_is_open_and_waits_for_confirmation(world, live_server, page):
    period = open_period()
    filing = services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                               data=valid_data(), submit=True).filing
    services.return_filing(actor=world.users["county"], filing=filing, reason="营业收入有误")
    f.EnterpriseFactory(region=world.haian, name="海安丁企业")
    sign_in(page, live_server, "haian")
    page.goto(f"{live_server.url}/monitoring/review/?period={period.year}-{period.month:02d}")
    page.get_by_role("link", name="上报本县数据").click()
    # The confirmation: the enterprise not filed and the returned filing, and nothing reported yet.
    expect(page.get_by_test_id("open-not-filed")).to_contain_text("海安丁企业")
    expect(page.get_by_test_id("open-returned")).to_contain_text("海安甲企业")
    expect(page.get_by_test_id("open-returned")).to_contain_text("营业收入有误")
    assert not RegionReport.objects.exists()
    page.get_by_role("button", name="确认上报").click()
    expect(page.get_by_text("已向市级主管部门上报")).to_be_visible()
    expect(page.get_by_test_id("region-report")).to_have_text("已上报")
    report = RegionReport.objects.get()
    assert (report.open_not_filed, report.open_returned) == (1, 1)


def test_chasing_asks_first_and_reminds_once(world, live_server, page):
    period = open_period()
    late = f.EnterpriseFactory(region=world.haian, name="海安丁企业")
    officer = f.officer(late, username="dingqiye")
    sign_in(page, live_server, "haian")
    page.goto(f"{live_server.url}/monitoring/status/?period={period.year}-{period.month:02d}&region=320685")
    expect(page.get_by_test_id("not-filed")).to_contain_text("海安丁企业")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="催报未报送企业").click()
    expect(page.get_by_test_id("not-filed")).to_be_visible()
    assert asked and "2 家企业发送催报" in asked[0]  # 海安甲 and 海安丁 have not filed
    assert not Chase.objects.exists() and not Notification.objects.exists()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="催报未报送企业").click()
    expect(page.get_by_text("已向 2 家未报送企业发送催报。")).to_be_visible()
    expect(page.get_by_test_id(f"chased-{late.pk}")).not_to_have_text("—")
    assert Chase.objects.count() == 2 and Notification.objects.filter(recipient=officer).count() == 1


def test_bulk_approval_selects_all_and_confirms_the_count(world, live_server, page):
    period = open_period()
    for i in range(2):
        services.file_one(actor=world.users["county"], enterprise=f.EnterpriseFactory(region=world.haian,
                                                                                      name=f"海安批量{i}"),
                          period=period, data=valid_data(), submit=True)
    sign_in(page, live_server, "haian")
    page.goto(f"{live_server.url}/monitoring/review/?period={period.year}-{period.month:02d}")
    page.get_by_label("全选本页无预警的待审核报表").check()
    for i in range(2):
        expect(page.get_by_role("checkbox", name=f"海安批量{i}")).to_be_checked()
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="批量审核通过(无预警的报表)").click()
    expect(page.get_by_text("已审核通过 2 份报表。")).to_be_visible()
    assert asked == ["确定将所选的 2 份报表审核通过?"]
    assert set(Filing.objects.values_list("status", flat=True)) == {FilingStatus.APPROVED}
