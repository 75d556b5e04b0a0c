"""Choosing English in the menu: the account keeps the choice, so it survives signing out and in again, even
in a browser that has forgotten the language cookie."""

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from tests.browser.helpers import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_english_chosen_in_the_menu_survives_logout_and_login(world, live_server, page):
    sign_in(page, live_server, "haian")
    menu = page.get_by_label("语言")
    expect(menu.locator("option")).to_have_text(["简体中文", "English"])
    menu.select_option("en")
    page.locator("#lang-submit").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert User.objects.get(username="haian").language == "en"

    page.get_by_role("button", name="Log out").click()
    page.context.clear_cookies()  # another browser, or the cookie gone: the account remembers
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_label("用户名").fill("haian")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Language").locator("option")).to_have_text(["简体中文", "English"])

    page.get_by_role("link", name="Form review").first.click()
    expect(page.get_by_role("heading", name="Form review", exact=False)).to_be_visible()
    page.screenshot(path="/tmp/portal-english-review.png")
