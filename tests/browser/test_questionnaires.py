"""In a real browser: an officer opens 待填问卷 from the home page and rates a platform; an outsider answers
through the one-time link without signing in; the county official reads the satisfied and response rates."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import expect

from portal.questionnaires import services
from portal.questionnaires.services import Contact
from tests.browser.helpers import sign_in
from tests.notifications import fixtures

eager_celery = fixtures.eager_celery

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.usefixtures("eager_celery")]


def test_an_officer_and_an_outsider_answer_and_the_official_sees_the_rate(world, live_server, page):
    today = timezone.localdate()
    with transaction.atomic():
        campaign = services.start_campaign(
            actor=world.users["county"], questionnaire=services.service_satisfaction_questionnaire(region=world.haian),
            purpose="platforms.satisfaction", region=world.haian, opens=today, closes=today + timedelta(days=10),
            population=[world.e_haian.pk, Contact("外部服务对象", phone="13800000001")],
            subject_label="海安市综合窗口平台", period_label="2026年第1季度", title="窗口平台服务满意度调查")
    outsider = campaign.invitations.get(enterprise__isnull=True)

    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, "qiye")
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="待填问卷").first.click()
    table = page.get_by_test_id("pending-questionnaires")
    expect(table).to_contain_text("窗口平台服务满意度调查")
    table.get_by_role("link", name="填写").click()
    expect(page.get_by_test_id("subject")).to_have_text("海安市综合窗口平台")
    page.get_by_role("button", name="提交问卷").click()
    expect(page.get_by_role("alert").first).to_contain_text("此题为必答题")
    page.get_by_label("满意", exact=True).check()
    page.get_by_label("意见和建议").fill("响应及时")
    page.get_by_role("button", name="提交问卷").click()
    expect(page.get_by_text("问卷已提交,感谢您的参与。")).to_be_visible()
    expect(table).to_contain_text("已填写")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/q/{services.link_token(outsider.token_salt)}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("窗口平台服务满意度调查")
    page.get_by_label("不满意", exact=True).check()
    page.get_by_role("button", name="提交问卷").click()
    expect(page.get_by_test_id("link-state")).to_contain_text("感谢")
    page.reload()
    expect(page.get_by_test_id("link-state")).to_contain_text("已经填写")

    sign_in(page, live_server, "haian")
    page.goto(f"{live_server.url}/questionnaires/campaigns/")
    page.get_by_role("link", name="窗口平台服务满意度调查").click()
    expect(page.get_by_test_id("response-rate")).to_have_text("100.0%")
    expect(page.get_by_test_id("satisfied-rate")).to_have_text("100.0%")  # the outsider's answer is not verified
    expect(page.get_by_test_id("sample-table")).to_contain_text("外部服务对象")
    expect(page.get_by_test_id("flag")).to_have_count(0)
