"""The enterprise's own pages of its monthly report: the filed report read-only with its status, withdrawing an
unreviewed submission, asking for an unlock and the officials' answer, the fields a reviewer marked, the
warnings banner, the months' statuses (已逾期 / 已锁定 from the deadlines), thousands separators, and the
message when a report is approved."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from monitoring import periods, services
from monitoring.models import Filing, FilingEvent, FilingStatus
from monitoring.unlocks.models import UnlockRequest
from portal.audit.models import AuditEntry
from portal.notifications.models import Notification

from .helpers import open_period, valid_data
from .test_views import file_url, form_post

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]
S = FilingStatus


def _submit(world, period, **data):
    return services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                             data=valid_data(**data), submit=True).filing


def _approved(world, period):
    filing = _submit(world, period)
    return services.approve_filing(actor=world.users["county"], filing=filing)


def _closed(months_back=2):
    """A month whose review deadline passed yesterday; no job has locked it (locked_at stays empty)."""
    period = open_period(months_back)
    today = timezone.localdate()
    period.enterprise_deadline, period.review_deadline = today - timedelta(days=3), today - timedelta(days=1)
    period.save()
    assert period.locked_at is None
    return period


def _overdue(months_back=3):
    """A month past its filing deadline whose review deadline is still ahead."""
    period = open_period(months_back)
    today = timezone.localdate()
    period.enterprise_deadline, period.review_deadline = today - timedelta(days=2), today + timedelta(days=2)
    period.save()
    return period


def _inputs(html: str) -> int:
    return html.count('data-code="')


# -- the filed report, read-only ------------------------------------------------------------------

def test_a_submitted_report_opens_read_only_with_its_status_and_a_withdraw_button(world, login):
    period = open_period()
    _submit(world, period, revenue=Decimal("1234567.8"))
    client = login(world.users["enterprise"])
    html = client.get(file_url(period)).content.decode()
    assert "<input" not in html.split('data-testid="filed-values"')[1].split("</table>")[0]
    assert 'name="save"' not in html and 'name="submit"' not in html
    assert "本期报表已报送,等待审核" in html and "已报送待审核" in html
    assert reverse("monitoring:withdraw", args=[period]) in html
    assert "1,234,567.8" in html  # thousands separators on the filed values
    assert reverse("monitoring:request_unlock", args=[period]) not in html  # no unlock needed yet
    # The history names each act (it read the selector's rows wrongly once and showed empty cells).
    rows = html.split('data-testid="history-row"')[1:]
    assert rows and "报送" in rows[-1].split("</tr>")[0]


def test_posting_the_form_over_a_filed_report_changes_nothing(world, login):
    period = open_period()
    filing = _submit(world, period)
    client = login(world.users["enterprise"])
    response = client.post(file_url(period), form_post(valid_data(revenue=Decimal("9999")), submit=False),
                           follow=True)
    assert "报表已报送,等待审核;如需修改,请先撤回。" in response.content.decode()
    after = Filing.objects.get()
    assert (after.status, after.version, after.revenue) == (S.SUBMITTED, filing.version, filing.revenue)
    services.approve_filing(actor=world.users["county"], filing=filing)
    response = client.post(file_url(period), form_post(valid_data(revenue=Decimal("9999"))), follow=True)
    assert "该报表已审核通过,不能再修改;如需更正,请申请解锁。" in response.content.decode()
    assert Filing.objects.get().revenue == filing.revenue


def test_an_approved_report_is_read_only_with_an_unlock_request_and_no_withdraw(world, login):
    period = open_period()
    _approved(world, period)
    html = login(world.users["enterprise"]).get(file_url(period)).content.decode()
    assert "本期报表已审核通过" in html and 'name="save"' not in html
    assert reverse("monitoring:withdraw", args=[period]) not in html
    assert reverse("monitoring:request_unlock", args=[period]) in html


# -- withdraw ------------------------------------------------------------------------------------

def test_withdraw_makes_a_draft_again_recorded_and_the_form_editable(world, login):
    period = open_period()
    filing = _submit(world, period)
    client = login(world.users["enterprise"])
    response = client.post(reverse("monitoring:withdraw", args=[period]), follow=True)
    html = response.content.decode()
    assert "已撤回报送,报表恢复为草稿;修改后请重新报送。" in html
    assert _inputs(html) >= 10 and 'name="save"' in html  # the form again
    filing.refresh_from_db()
    assert filing.status == S.DRAFT and filing.on_time is True
    assert filing.events.filter(action=FilingEvent.Action.WITHDRAW, actor=world.users["enterprise"]).count() == 1
    assert AuditEntry.objects.filter(object_id=str(filing.pk), note="企业撤回报送").exists()


def test_withdraw_is_refused_after_review_and_to_others(world, login):
    period = open_period()
    filing = _approved(world, period)
    response = login(world.users["enterprise"]).post(reverse("monitoring:withdraw", args=[period]), follow=True)
    assert "不能撤回" in response.content.decode()
    assert Filing.objects.get().status == S.APPROVED
    # Another enterprise's officer withdraws only its own (none here); officials have no such page.
    assert login(world.users["other_enterprise"]).post(reverse("monitoring:withdraw", args=[period])).status_code == 404
    assert login(world.users["county"]).post(reverse("monitoring:withdraw", args=[period])).status_code == 404
    assert login(world.users["enterprise"]).get(reverse("monitoring:withdraw", args=[period])).status_code == 405
    filing.refresh_from_db()
    assert filing.status == S.APPROVED


# -- unlock requests -----------------------------------------------------------------------------

def test_an_unlock_request_reaches_the_city_queue_and_inbox_and_its_approval_reopens_the_report(world, login):
    period = open_period()
    filing = _approved(world, period)
    enterprise, city, county = (login(world.users[k]) for k in ("enterprise", "city", "county"))
    url = reverse("monitoring:request_unlock", args=[period])
    response = enterprise.post(url, {"unlock-reason": ""}, follow=True)
    assert "请填写申请解锁的理由" in response.content.decode() and not UnlockRequest.objects.exists()
    response = enterprise.post(url, {"unlock-reason": "营业收入多填一位,需更正"}, follow=True)
    html = response.content.decode()
    assert "解锁申请已提交,请等待上级主管部门处理。" in html and 'data-testid="unlock-pending"' in html
    request = UnlockRequest.objects.get()
    assert (request.status, request.filing_status, request.requested_by) == (
        UnlockRequest.Status.PENDING, S.APPROVED, world.users["enterprise"])
    assert AuditEntry.objects.filter(object_id=str(request.pk), note="营业收入多填一位,需更正").exists()
    # Asked twice: one request waits.
    response = enterprise.post(url, {"unlock-reason": "再次申请"}, follow=True)
    assert UnlockRequest.objects.count() == 1
    # The city (the level that may unlock) is told, and sees it in its review queue; the county decides nothing.
    note = Notification.objects.get(recipient=world.users["city"])
    assert "海安甲企业" in note.title and "营业收入多填一位" in note.body
    assert not Notification.objects.filter(recipient=world.users["county"], key__startswith="unlock").exists()
    queue = city.get(reverse("monitoring:review_queue") + f"?period={periods.code(period)}").content.decode()
    assert 'data-testid="unlock-requests-panel"' in queue and "营业收入多填一位,需更正" in queue
    county_queue = county.get(reverse("monitoring:review_queue") + f"?period={periods.code(period)}").content.decode()
    assert 'data-testid="unlock-requests-panel"' not in county_queue
    decide = reverse("monitoring:decide_unlock", args=[request.pk])
    assert county.post(decide, {"action": "approve"}).status_code == 403
    request.refresh_from_db()
    assert request.status == UnlockRequest.Status.PENDING  # refused to the county: 只有市级或省级
    # The city approves: the report is reopened (returned, with the reason) and the enterprise told.
    page = city.get(reverse("monitoring:unlock_requests")).content.decode()
    assert "营业收入多填一位,需更正" in page and decide in page
    response = city.post(decide, {"action": "approve", "reason": "同意更正"}, follow=True)
    assert "已同意海安甲企业的解锁申请" in response.content.decode()
    request.refresh_from_db()
    filing.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_reason) == (
        UnlockRequest.Status.APPROVED, world.users["city"], "同意更正")
    assert filing.status == S.RETURNED and filing.reopened and filing.return_reason == "同意更正"
    assert filing.events.filter(action=FilingEvent.Action.UNLOCK, actor=world.users["city"]).exists()
    assert Notification.objects.filter(recipient=world.users["enterprise"], title__contains="已解锁").exists()
    html = enterprise.get(file_url(period)).content.decode()
    assert 'name="submit"' in html and "同意更正" in html  # the form again, with the reason on top


def test_a_refusal_needs_a_reason_and_is_shown_to_the_enterprise(world, login):
    period = open_period()
    _approved(world, period)
    enterprise, city = login(world.users["enterprise"]), login(world.users["city"])
    enterprise.post(reverse("monitoring:request_unlock", args=[period]), {"unlock-reason": "想改一下"})
    request = UnlockRequest.objects.get()
    decide = reverse("monitoring:decide_unlock", args=[request.pk])
    response = city.post(decide, {"action": "refuse", "reason": "  "}, follow=True)
    assert "不同意解锁时须填写理由" in response.content.decode()
    assert UnlockRequest.objects.get().status == UnlockRequest.Status.PENDING
    city.post(decide, {"action": "refuse", "reason": "数据已用于季度通报,不予更正"})
    request.refresh_from_db()
    assert request.status == UnlockRequest.Status.REFUSED and Filing.objects.get().status == S.APPROVED
    assert AuditEntry.objects.filter(object_id=str(request.pk), action=AuditEntry.Action.REJECT).exists()
    assert Notification.objects.filter(recipient=world.users["enterprise"], body__contains="不予更正").exists()
    html = enterprise.get(file_url(period)).content.decode()
    assert 'data-testid="unlock-refused"' in html and "数据已用于季度通报,不予更正" in html
    assert reverse("monitoring:request_unlock", args=[period]) in html  # may ask again
    # Answered once: a second answer is refused.
    response = city.post(decide, {"action": "approve"}, follow=True)
    assert "该解锁申请已处理。" in response.content.decode()


def test_no_unlock_request_for_a_report_the_enterprise_may_still_change(world, login):
    period = open_period()
    _submit(world, period)
    response = login(world.users["enterprise"]).post(reverse("monitoring:request_unlock", args=[period]),
                                                     {"unlock-reason": "想改"}, follow=True)
    assert "无需申请解锁" in response.content.decode() and not UnlockRequest.objects.exists()


def test_unlock_requests_of_another_region_are_neither_seen_nor_decided(world, login):
    period = open_period()
    _approved(world, period)
    login(world.users["enterprise"]).post(reverse("monitoring:request_unlock", args=[period]),
                                          {"unlock-reason": "需更正"})
    request = UnlockRequest.objects.get()
    other = login(world.users["other_city"])
    assert "海安甲企业" not in other.get(reverse("monitoring:unlock_requests")).content.decode()
    assert other.post(reverse("monitoring:decide_unlock", args=[request.pk]), {"action": "approve"}).status_code == 404
    for role in ("enterprise", "other_enterprise"):
        assert login(world.users[role]).get(reverse("monitoring:unlock_requests")).status_code == 403
    assert UnlockRequest.objects.get().status == UnlockRequest.Status.PENDING
    # The province may decide it too.
    login(world.users["province"]).post(reverse("monitoring:decide_unlock", args=[request.pk]), {"action": "approve"})
    assert UnlockRequest.objects.get().status == UnlockRequest.Status.APPROVED


def test_a_direct_unlock_answers_the_waiting_request(world, login):
    period = open_period()
    filing = _approved(world, period)
    login(world.users["enterprise"]).post(reverse("monitoring:request_unlock", args=[period]),
                                          {"unlock-reason": "需更正"})
    services.unlock_filing(actor=world.users["city"], filing=filing, reason="市里直接解锁")
    request = UnlockRequest.objects.get()
    assert (request.status, request.decision_reason) == (UnlockRequest.Status.APPROVED, "市里直接解锁")


# -- closed and overdue months, derived from the deadlines ---------------------------------------

def test_a_month_past_its_review_deadline_is_closed_without_any_job(world, login):
    period = _closed()
    client = login(world.users["enterprise"])
    html = client.get(file_url(period)).content.decode()
    assert "本期报表已锁定" in html and 'name="submit"' not in html and _inputs(html) == 0
    assert reverse("monitoring:request_unlock", args=[period]) in html
    response = client.post(file_url(period), form_post(valid_data()), follow=True)
    assert "已过审核截止日,报表已锁定" in response.content.decode() and not Filing.objects.exists()
    mine = client.get(reverse("monitoring:my_filings")).content.decode()
    row = mine.split(f'data-period="{periods.code(period)}"')[1].split("</tr>")[0]
    assert "已锁定" in row and "未报送" in row and "申请解锁" in row


def test_a_never_filed_closed_month_is_unlocked_on_request_and_filed_late(world, login):
    period = _closed()
    enterprise, city = login(world.users["enterprise"]), login(world.users["city"])
    enterprise.post(reverse("monitoring:request_unlock", args=[period]), {"unlock-reason": "漏报,申请补报"})
    request = UnlockRequest.objects.get()
    assert request.filing_status == ""
    city.post(reverse("monitoring:decide_unlock", args=[request.pk]), {"action": "approve"})
    filing = Filing.objects.get()
    assert (filing.status, filing.reopened, filing.version) == (S.DRAFT, True, 0)
    assert _inputs(enterprise.get(file_url(period)).content.decode()) >= 10
    response = enterprise.post(file_url(period), form_post(valid_data()))
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.status == S.SUBMITTED and filing.on_time is False and filing.days_late == 3


def test_an_overdue_month_can_still_be_filed_and_its_lateness_is_recorded(world, login):
    period = _overdue()
    client = login(world.users["enterprise"])
    mine = client.get(reverse("monitoring:my_filings")).content.decode()
    row = mine.split(f'data-period="{periods.code(period)}"')[1].split("</tr>")[0]
    assert "已逾期" in row and "补报" in row
    html = client.get(file_url(period)).content.decode()
    assert 'data-testid="overdue-banner"' in html and 'name="submit"' in html
    client.post(file_url(period), form_post(valid_data()))
    filing = Filing.objects.get()
    assert filing.status == S.SUBMITTED and (filing.on_time, filing.days_late) == (False, 2)
    row = client.get(reverse("monitoring:my_filings")).content.decode().split(
        f'data-period="{periods.code(period)}"')[1].split("</tr>")[0]
    assert "已报送待审核" in row and "迟报 2 天" in row and "已逾期" not in row


def test_my_filings_shows_each_months_status_and_hides_the_file_button_once_filed(world, login):
    current = open_period(1)
    approved, submitted = open_period(2), open_period(3)
    _approved(world, approved)
    _submit(world, submitted)
    client = login(world.users["enterprise"])
    mine = client.get(reverse("monitoring:my_filings")).content.decode()
    assert "填报本期报表" in mine
    for period, label in ((approved, "审核通过"), (submitted, "已报送待审核"), (current, "未填报")):
        row = mine.split(f'data-period="{periods.code(period)}"')[1].split("</tr>")[0]
        assert label in row, (period, row)
    _submit(world, current)
    mine = client.get(reverse("monitoring:my_filings")).content.decode()
    card = mine.split('data-testid="current-period"')[1].split("</section>")[0]
    assert "填报本期报表" not in card and "查看本期报表" in card and "已报送待审核" in card


# -- the form: drafts stay, flagged fields, the warnings banner, separators -------------------------

def test_saving_a_draft_stays_on_the_form_and_submitting_shows_the_filed_report(world, login):
    period = open_period()
    client = login(world.users["enterprise"])
    response = client.post(file_url(period), form_post(valid_data(revenue=None), submit=False))
    assert response.status_code == 302 and response["Location"] == file_url(period)
    page = client.get(response["Location"]).content.decode()
    assert "草稿已保存。" in page and 'name="save"' in page
    response = client.post(file_url(period), form_post(valid_data()), follow=True)
    assert "已报送,等待县级主管部门审核。" in response.content.decode()
    assert 'data-testid="status-banner"' in response.content.decode()


def test_fields_the_reviewer_marked_are_highlighted_with_the_reason_on_top(world, login):
    period = open_period()
    filing = _submit(world, period)
    services.return_filing(actor=world.users["county"], filing=filing, reason="请核实营业成本和订单",
                           fields=["operating_cost", "q_orders", "products"])
    html = login(world.users["enterprise"]).get(file_url(period)).content.decode()
    banner = html.split('data-testid="returned-banner"')[1].split("</div>")[0]
    assert "请核实营业成本和订单" in banner
    assert 'href="#field-operating_cost"' in banner and 'href="#field-q_orders"' in banner and "主要产品" in banner
    row = html.split('id="field-operating_cost"')[1].split("</tr>")[0]
    assert 'data-flagged="1"' in row and "需修改" in row
    assert 'id="field-q_orders" class=" flagged" data-flagged="1"' in html
    assert html.count('data-flagged="1"') == 3
    revenue_row = html.split('id="field-revenue"')[1].split("</tr>")[0]
    assert "flagged" not in revenue_row


def test_unexplained_warnings_are_announced_at_the_top_with_a_link_to_them(world, login):
    period = open_period()
    client = login(world.users["enterprise"])
    response = client.post(file_url(period), form_post(valid_data(total_profit=Decimal("1500"))))
    html = response.content.decode()
    banner = html.split('data-testid="warnings-banner"')[1].split("</p>")[0]
    assert "有 1 条预警需要说明" in banner and 'href="#warn-title"' in banner
    assert html.index('data-testid="warnings-banner"') < html.index('id="warn-title"')
    assert 'data-focus-on-load="1"' in html
    assert not Filing.objects.exists()
    # Without warnings to explain there is no banner (a plain draft).
    html = client.post(file_url(period), form_post(valid_data(), submit=False), follow=True).content.decode()
    assert 'data-testid="warnings-banner"' not in html


def test_numbers_typed_with_separators_are_saved_and_shown_grouped(world, login):
    period = open_period()
    client = login(world.users["enterprise"])
    data = form_post(valid_data(), submit=False)
    data.update({"revenue": "1,234,567.8", "operating_cost": "1，000,000", "employees": "1,200",
                 "products-0-production": "12,000"})
    assert client.post(file_url(period), data).status_code == 302
    filing = Filing.objects.get()
    assert (filing.revenue, filing.operating_cost, filing.employees) == (
        Decimal("1234567.8"), Decimal("1000000.0"), 1200)
    assert filing.products.get().production == Decimal("12000")
    html = client.get(file_url(period)).content.decode()
    assert 'value="1,234,567.8"' in html and 'value="1,200"' in html and 'data-grouped="1"' in html
    bad = {**data, "revenue": "12,3a"}
    response = client.post(file_url(period), bad)
    assert response.status_code == 200 and "输入一个数字" in response.content.decode()


def test_the_enterprise_is_told_when_its_report_is_approved(world, django_capture_on_commit_callbacks):
    period = open_period()
    filing = _submit(world, period)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_filing(actor=world.users["county"], filing=filing)
    note = Notification.objects.get(recipient=world.users["enterprise"])
    assert "审核通过" in note.title and note.link == file_url(period)
    assert not Notification.objects.filter(recipient=world.users["other_enterprise"]).exists()


def test_the_filed_report_in_english(world, login):
    period = _closed()
    with translation.override("en"):
        html = login(world.users["enterprise"]).get(file_url(period), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Locked" in html and "Request unlock" in html
