"""The security administrator lifts login lockouts in a real browser (list, confirmation, audit)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from portal.accounts.models import AddressLockout
from portal.audit.models import AuditEntry
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ATTACKER = "198.51.100.7"
SPRAYER = "192.0.2.44"




def test_security_admin_lifts_a_lockout_after_confirming(world, live_server, page):
    now = timezone.now()
    AccessAttempt.objects.create(username="prov", ip_address=ATTACKER, user_agent="x", http_accept="*/*",
                                 path_info="/accounts/login/", get_data="", post_data="",
                                 failures_since_start=settings.AXES_FAILURE_LIMIT)
    AddressLockout.objects.create(ip_address=SPRAYER, failures=settings.LOGIN_ADDRESS_FAILURE_LIMIT,
                                  locked_at=now, locked_until=now + settings.LOGIN_ADDRESS_LOCKOUT)

    sign_in(page, live_server, "secadmin")
    page.goto(f"{live_server.url}/accounts/users/")
    page.get_by_role("link", name="登录锁定").click()
    expect(page.get_by_role("heading", name="登录锁定", exact=True)).to_be_visible()
    accounts = page.get_by_test_id("account-lockouts")
    addresses = page.get_by_test_id("address-lockouts")
    expect(accounts.get_by_role("row", name="prov")).to_contain_text(ATTACKER)
    expect(addresses.get_by_role("row", name=SPRAYER)).to_be_visible()

    # Dismissing the confirmation changes nothing.
    page.once("dialog", lambda dialog: dialog.dismiss())
    accounts.get_by_role("row", name="prov").get_by_role("button", name="解锁").click()
    expect(accounts.get_by_role("row", name="prov")).to_be_visible()
    assert AccessAttempt.objects.filter(username="prov").exists()

    page.once("dialog", lambda dialog: dialog.accept())
    accounts.get_by_role("row", name="prov").get_by_role("button", name="解锁").click()
    expect(page.get_by_text(f"已解除 prov 在来源地址 {ATTACKER} 的登录锁定。")).to_be_visible()
    expect(page.get_by_text("当前没有被锁定的登录名")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("address-lockouts").get_by_role("row", name=SPRAYER).get_by_role(
        "button", name="解锁").click()
    expect(page.get_by_text(f"已解除来源地址 {SPRAYER} 的登录锁定。")).to_be_visible()
    expect(page.get_by_text("当前没有被暂停登录的来源地址")).to_be_visible()

    assert not AccessAttempt.objects.filter(username="prov").exists()
    assert not AddressLockout.objects.active().exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.UNLOCK, actor=world.users["security_admin"]).count() == 2
