"""In a real browser: the security administrator grants a platform to its operator and revokes it (confirmed,
audited), and the analysis page draws its three charts from the locally served Chart.js."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from monitoring import services
from platforms.models import Platform
from portal.audit.models import AuditEntry
from tests.browser.helpers import sign_in
from tests.monitoring.helpers import open_period, past_period, valid_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_security_admin_grants_and_revokes_a_platform(world, live_server, page):
    operator = world.users["platform_operator"]
    sign_in(page, live_server, "secadmin")
    page.goto(f"{live_server.url}/accounts/users/?role=platform_operator")
    page.get_by_role("row", name="pingtai").get_by_role("link", name="管理对象").click()
    expect(page.get_by_role("heading", name="管理对象:pingtai")).to_be_visible()
    section = page.get_by_test_id("grants-platforms.Platform")
    expect(section.get_by_role("row", name=world.platform.name)).to_be_visible()

    section.get_by_label("选择要授予的服务平台").select_option(label=world.other_platform.name)
    section.get_by_role("button", name="授予").click()
    expect(page.get_by_text("已授予 pingtai 管理权限。")).to_be_visible()
    section = page.get_by_test_id("grants-platforms.Platform")
    expect(section.get_by_role("row", name=world.other_platform.name)).to_be_visible()
    assert world.other_platform in Platform.objects.visible_to(operator)

    page.once("dialog", lambda dialog: dialog.accept())
    section.get_by_role("row", name=world.other_platform.name).get_by_role("button", name="撤销").click()
    expect(page.get_by_text("已撤销 pingtai 的管理权限。")).to_be_visible()
    assert world.other_platform not in Platform.objects.visible_to(operator)
    assert list(AuditEntry.objects.filter(model="platforms.Platform").order_by("id").values_list("action", flat=True)) \
        == [AuditEntry.Action.GRANT, AuditEntry.Action.REVOKE]


def file(world, enterprise, period, revenue):
    services.file_one(actor=world.users["province"], enterprise=enterprise, period=period,
                      data=valid_data(revenue=Decimal(revenue)), submit=True)


def chart(page, canvas_id: str, expression: str):
    page.wait_for_function(f"() => window.Chart && Chart.getChart(document.getElementById('{canvas_id}'))")
    return page.evaluate(f"() => {{ const c = Chart.getChart(document.getElementById('{canvas_id}')); "
                         f"return {expression}; }}")


def test_the_analysis_charts_are_drawn(world, live_server, page):
    period = open_period()
    file(world, world.e_haian, past_period(period.year - 1, period.month), "1000")
    file(world, world.e_haian, period, "1250")
    file(world, world.e_rugao, period, "3400")
    sign_in(page, live_server, "nantong")
    page.goto(f"{live_server.url}/monitoring/analysis/?period={period.year}-{period.month:02d}")
    code = f"{period.year}-{period.month:02d}"

    # the diffusion trend runs from last year's month (the first with filings) to this one: 13 months, as it says
    labels = chart(page, "trend-chart", "c.data.labels")
    assert labels[0] == f"{period.year - 1}-{period.month:02d}" and labels[-1] == code and len(labels) == 13
    expect(page.get_by_test_id("trend-heading")).to_contain_text("近13个月")

    assert chart(page, "compare-chart", "c.data.labels") == ["如皋市", "海安市"]  # the tree order (by code)
    assert chart(page, "compare-chart", "c.data.datasets[0].data") == [3400, 1250]  # the first indicator: 营业收入
    page.locator("#compare-indicator").select_option(label="从业人员期末人数")
    page.wait_for_function("() => document.getElementById('compare-chart').dataset.indicator === 'employees'")
    assert chart(page, "compare-chart", "c.data.datasets[0].data") == [120, 120]

    revenue = chart(page, "growth-chart", "c.data.datasets.find(d => d.label.startsWith('营业收入')).data")
    assert revenue == [25]  # 1,250 against 1,000 for 海安甲企业, the one enterprise filed both years
