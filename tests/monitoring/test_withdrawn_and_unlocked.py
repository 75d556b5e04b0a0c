"""A withdrawn submission is a draft, not filed: no timeliness anywhere its status is shown, and not counted as on
time. An approved unlock request says how long the unlock lasts and leads back to the unlocked month."""

import pytest
from django.urls import reverse

from monitoring import periods, selectors, services, states
from monitoring.models import Filing, FilingStatus
from monitoring.unlocks import services as unlock_services
from monitoring.unlocks.models import UnlockRequest
from portal.notifications.models import Notification

from .helpers import open_period, valid_data
from .test_views import file_url

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]
S = FilingStatus
TERM = "解锁不设期限"


def _submit(world, period):
    return services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period,
                             data=valid_data(), submit=True).filing


def test_timeliness_is_shown_for_filed_reports_only():
    on_time, late = {"on_time": True, "days_late": 0}, {"on_time": False, "days_late": 3}
    assert states.timeliness(Filing(status=S.SUBMITTED, **on_time)).label == "按时报送"
    assert states.timeliness(Filing(status=S.APPROVED, **late)).label == "迟报 3 天"
    assert states.timeliness(Filing(status=S.RETURNED, **late)).level == "err"
    assert states.timeliness(Filing(status=S.DRAFT, **on_time)) is None  # withdrawn: recorded, not shown
    assert states.timeliness(Filing(status=S.DRAFT, on_time=None)) is None
    assert states.timeliness(None) is None


def test_a_withdrawn_report_shows_no_timeliness_anywhere_and_is_not_counted_on_time(world, login):
    period = open_period()
    _submit(world, period)
    enterprise, county = login(world.users["enterprise"]), login(world.users["county"])
    queue_url = reverse("monitoring:review_queue") + f"?period={periods.code(period)}&status="
    assert "按时报送" in enterprise.get(file_url(period)).content.decode()
    assert "按时报送" in county.get(queue_url).content.decode()

    enterprise.post(reverse("monitoring:withdraw", args=[period]))
    filing = Filing.objects.get()
    assert filing.status == S.DRAFT and filing.on_time is True  # the first submission's timeliness is kept
    form = enterprise.get(file_url(period)).content.decode()
    assert "草稿" in form and 'data-testid="timeliness"' not in form and "按时报送" not in form
    mine = enterprise.get(reverse("monitoring:my_filings")).content.decode()
    assert 'data-testid="timeliness"' not in mine
    queue = county.get(queue_url).content.decode()
    assert "海安甲企业" in queue and 'data-testid="timeliness"' not in queue
    detail = county.get(reverse("monitoring:filing_detail", args=[filing.pk]))
    assert detail.status_code in (200, 404) and "按时报送" not in detail.content.decode()
    _region, own, rows = selectors.reporting_counts(user=world.users["county"], period=period)
    assert (own.submitted, own.on_time, own.late) == (0, 0, 0)
    status = county.get(reverse("monitoring:status") + f"?period={periods.code(period)}")
    assert status.status_code == 200


def _approved_request(world, login, period):
    filing = _submit(world, period)
    services.approve_filing(actor=world.users["county"], filing=filing)
    login(world.users["enterprise"]).post(reverse("monitoring:request_unlock", args=[period]),
                                          {"unlock-reason": "营业收入多填一位"})
    return UnlockRequest.objects.get()


def test_an_approved_unlock_says_how_long_it_lasts_and_leads_back_to_the_month(world, login):
    period = open_period()
    request = _approved_request(world, login, period)
    city, enterprise = login(world.users["city"]), login(world.users["enterprise"])
    page = city.get(reverse("monitoring:unlock_requests")).content.decode()
    assert TERM in page  # the officials know what they grant before they decide
    response = city.post(reverse("monitoring:decide_unlock", args=[request.pk]), {"action": "approve"}, follow=True)
    html = response.content.decode()
    assert "已同意海安甲企业的解锁申请" in html and TERM in html
    month = reverse("monitoring:file_on_behalf", args=[period, world.e_haian.pk])
    assert f'href="{month}"' in html and 'data-testid="unlocked-month"' in html  # the decided row leads to the month

    note = Notification.objects.get(recipient=world.users["enterprise"], title__contains="已解锁")
    assert TERM in note.body and note.link == file_url(period)
    detail = enterprise.get(reverse("notifications:detail", args=[note.pk])).content.decode()
    assert f'href="{file_url(period)}"' in detail
    form = enterprise.get(file_url(period)).content.decode()
    assert 'data-testid="unlocked-banner"' in form and TERM in form and 'name="submit"' in form
    mine = enterprise.get(reverse("monitoring:my_filings")).content.decode()
    assert 'data-testid="unlocked"' in mine and TERM in mine and f'href="{file_url(period)}"' in mine

    # Re-submitted, it may still be withdrawn (the unlock lasts); approved again, it is locked again.
    _submit(world, period)
    assert 'data-testid="unlocked-banner"' in enterprise.get(file_url(period)).content.decode()
    services.approve_filing(actor=world.users["county"], filing=Filing.objects.get())
    html = enterprise.get(file_url(period)).content.decode()
    assert 'data-testid="unlocked-banner"' not in html
    assert reverse("monitoring:request_unlock", args=[period]) in html  # a new unlock is needed


def test_approve_and_refuse_share_one_decision_path(world, login):
    period = open_period()
    request = _approved_request(world, login, period)
    with pytest.raises(Exception, match="市级或省级"):
        unlock_services.refuse_unlock_request(actor=world.users["county"], unlock=request, reason="不行")
    refused = unlock_services.refuse_unlock_request(actor=world.users["city"], unlock=request, reason="不予更正")
    assert (refused.status, refused.decided_by, refused.decision_reason) == (
        UnlockRequest.Status.REFUSED, world.users["city"], "不予更正")
    with pytest.raises(Exception, match="已处理"):
        unlock_services.approve_unlock_request(actor=world.users["city"], unlock=request)
    assert Filing.objects.get().status == S.APPROVED
