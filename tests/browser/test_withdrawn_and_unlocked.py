"""As the enterprise's officer and the city meet them: a withdrawn report's status line shows a draft without any
timeliness; an approved unlock says how long it lasts, and its notice leads the officer back to the month."""

import pytest
from playwright.sync_api import expect

from monitoring import periods, services
from monitoring.unlocks.models import UnlockRequest
from portal.notifications.models import Notification
from tests.browser.helpers import sign_in
from tests.monitoring.helpers import open_period, valid_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _submit(world, period):
    return services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                             data=valid_data(), submit=True).filing


def test_a_withdrawn_reports_status_line_shows_no_timeliness(world, live_server, page):
    period = open_period()
    _submit(world, period)
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/monitoring/file/{periods.code(period)}/")
    expect(page.get_by_test_id("timeliness")).to_have_text("按时报送")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="撤回报送").click()
    expect(page.get_by_test_id("filing-status")).to_have_text("草稿")
    expect(page.get_by_test_id("timeliness")).to_have_count(0)
    expect(page.locator("p.breadcrumb")).not_to_contain_text("按时")
    page.goto(f"{live_server.url}/monitoring/")
    row = page.locator(f'tr[data-period="{periods.code(period)}"]')
    expect(row).to_contain_text("草稿")
    expect(row.get_by_test_id("timeliness")).to_have_count(0)


def test_an_approved_unlock_states_its_term_and_leads_back_to_the_month(world, live_server, page):
    period = open_period()
    filing = _submit(world, period)
    services.approve_filing(actor=world.users["county"], filing=filing)
    UnlockRequest.objects.create(enterprise=world.e_haian, period=period, reason="营业收入多填一位",
                                 region_path=filing.region_path, filing_status=filing.status,
                                 requested_by=world.users["enterprise"], requested_at=filing.submitted_at)

    sign_in(page, live_server, "nantong")
    page.goto(f"{live_server.url}/monitoring/unlock-requests/")
    page.get_by_role("button", name="同意解锁").click()
    message = page.get_by_text("已同意海安甲企业的解锁申请")
    expect(message).to_be_visible()
    expect(message).to_contain_text("解锁不设期限")
    expect(page.get_by_test_id("unlocked-month")).to_have_attribute(
        "href", f"/monitoring/file/{periods.code(period)}/{world.e_haian.pk}/")
    page.get_by_role("button", name="退出").click()

    sign_in(page, live_server, "qiye")
    note = Notification.objects.get(recipient=world.users["enterprise"], title__contains="已解锁")
    page.goto(f"{live_server.url}/notifications/{note.pk}/")
    expect(page.locator("main")).to_contain_text("解锁不设期限")
    page.get_by_role("link", name="前往办理").click()
    expect(page).to_have_url(f"{live_server.url}/monitoring/file/{periods.code(period)}/")
    expect(page.get_by_test_id("unlocked-banner")).to_contain_text("再次审核通过")
    expect(page.locator('input[data-code="revenue"]')).to_be_editable()
