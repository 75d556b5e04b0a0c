"""The base manager and the county bureau in a browser: jidi updates a tenant and its growth plan, prepares the
self-check; the county official files it to the city."""

from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incubators.models import SelfCheck, Tenant
from tests.browser.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_manager_prepares_the_self_check_and_the_county_files_it(world, live_server, page):
    tenant = Tenant.objects.create(base=world.base, credit_code=world.e_haian.credit_code, name="海安甲企业",
                                   enterprise=world.e_haian, entered_on=date(2025, 3, 1))
    year = timezone.localdate().year
    sign_in(page, live_server, "jidi")
    page.goto(f"{live_server.url}/incubators/")
    expect(page.get_by_role("heading", name=world.base.name)).to_be_visible()
    page.get_by_role("link", name="海安甲企业").click()
    plan = page.get_by_test_id("plan-form")
    plan.get_by_label("发展目标").fill("两年内营业收入翻番")
    plan.get_by_label("责任人").fill("蒋主任")
    plan.get_by_role("button", name="保存计划").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    assert Tenant.objects.get(pk=tenant.pk).plan.responsible == "蒋主任"

    page.goto(f"{live_server.url}/incubators/{world.base.pk}/self-check/{year}/")
    form = page.get_by_test_id("self-check-form")
    for label in ("有工作部门", "有办公场所", "有管理队伍", "有资金保障", "有优惠政策"):
        form.get_by_role("group", name=label).get_by_label("有", exact=True).check()
    form.get_by_label("存在的问题").fill("管理人员不足")
    form.get_by_label("整改措施").fill("增配两名专职人员")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("自查表已保存。")).to_be_visible()
    expect(page.get_by_test_id("file-self-check")).to_have_count(0)  # the manager does not file
    page.get_by_role("button", name="退出").click()

    sign_in(page, live_server, "haian")
    page.goto(f"{live_server.url}/incubators/self-checks/?year={year}")
    page.get_by_role("link", name=world.base.name).click()
    page.get_by_test_id("file-self-check").click()
    expect(page.get_by_text("自查表已上报市局。")).to_be_visible()
    expect(page.get_by_test_id("check-status")).to_have_text("已上报")
    check = SelfCheck.objects.get(base=world.base, year=year)
    assert check.status == "filed" and check.filed_by.username == "haian"
