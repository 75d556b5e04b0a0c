"""Deadline reminders: who is reminded, on which day, with what, and never twice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from monitoring import services, tasks
from monitoring.models import Period
from monitoring.reminders import services as reminders
from portal.notifications import services as notification_services
from portal.notifications.models import Delivery, Notification, TaskRun
from tests import factories as f
from tests.notifications import fixtures

from .helpers import open_period, valid_data

committed = fixtures.committed
eager_celery = fixtures.eager_celery
sms_outbox = fixtures.sms_outbox

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery"), pytest.mark.frozen_clock]


def submit(world, period, enterprise=None, user=None):
    return services.file_one(actor=user or world.users["enterprise"], enterprise=enterprise or world.e_haian,
                             period=period, data=valid_data(), submit=True)


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


# -- enterprises that have not submitted: the 10th and the 12th ---------------------------------------------
def test_late_enterprises_and_only_they_are_reminded_with_period_missing_deadline_and_link(world, sms_outbox, committed):
    period = open_period()
    submit(world, period)  # 海安甲企业 has submitted; 如皋乙企业 has not; 江宁丙企业 has no account
    world.e_rugao.contact_email = "contact@rugao.example.cn"
    world.e_rugao.save()
    world.e_jiangning.contact_phone = "13700000000"
    world.e_jiangning.save()
    counts = committed(reminders.remind_late_filers, today=period.enterprise_deadline - timedelta(days=3))

    assert counts["created"] == 1 and counts["periods"] == 1
    assert counts["contacts"] == 1 and counts["unreachable"] == 0  # 江宁丙企业: through its contact alone
    assert titles(world.users["enterprise"]) == []
    note = Notification.objects.get(recipient=world.users["other_enterprise"])
    assert str(period) in note.title and "尚未报送" in note.title
    assert "如皋乙企业" in note.body and "尚未填报" in note.body
    deadline = period.enterprise_deadline
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日" in note.body and "还有 3 天" in note.body
    assert note.link == f"/monitoring/file/{period.year}-{period.month:02d}/"
    # The enterprise's monitoring contact gets it by email and SMS, besides the officer's inbox.
    assert [m.to for m in mail.outbox] == [["contact@rugao.example.cn"]]
    assert sorted(s.to for s in sms_outbox) == ["13700000000", "13800000000"]
    assert note.link in mail.outbox[0].body and note.link in sms_outbox[0].text
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_second_run_sends_nothing_twice_and_other_days_send_nothing(world, sms_outbox, committed):
    period = open_period()
    day10 = period.enterprise_deadline - timedelta(days=3)
    committed(reminders.remind_late_filers, today=day10)
    sent = (Notification.objects.count(), Delivery.objects.count(), len(mail.outbox), len(sms_outbox))
    again = committed(reminders.remind_late_filers, today=day10)
    assert again["created"] == 0 and again["queued"] == 0
    assert (Notification.objects.count(), Delivery.objects.count(), len(mail.outbox), len(sms_outbox)) == sent
    assert committed(reminders.remind_late_filers, today=day10 + timedelta(days=1)) == {"periods": 0}
    day12 = committed(reminders.remind_late_filers, today=period.enterprise_deadline - timedelta(days=1))
    assert day12["created"] == 2  # both officers, a new reminder
    assert Notification.objects.filter(recipient=world.users["enterprise"]).count() == 2


def test_a_draft_is_named_as_such(world, committed):
    period = open_period()
    services.file_one(actor=world.users["other_enterprise"], enterprise=world.e_rugao, period=period,
                      data=valid_data(), submit=False)
    committed(reminders.remind_late_filers, today=period.enterprise_deadline - timedelta(days=1))
    assert "已保存草稿,尚未报送" in Notification.objects.get(recipient=world.users["other_enterprise"]).body


def test_reminder_days_follow_a_moved_deadline_and_the_settings(world, settings, committed):
    period = open_period()
    period.enterprise_deadline += timedelta(days=3)  # a holiday: the province moved the deadline
    period.save()
    settings.FILING_REMINDER_DAYS_BEFORE_DEADLINE = (5,)
    assert committed(reminders.remind_late_filers, today=period.enterprise_deadline - timedelta(days=3)) == {"periods": 0}
    assert committed(reminders.remind_late_filers, today=period.enterprise_deadline - timedelta(days=5))["created"] == 2


def test_locked_periods_are_not_chased(world, committed):
    period = open_period()
    period.locked_at = timezone.now()
    period.save()
    assert committed(reminders.remind_late_filers, today=period.enterprise_deadline - timedelta(days=3)) == {"periods": 0}


def test_preferences_and_contacts_choose_the_channels(world, sms_outbox, committed):
    period = open_period()
    officer = world.users["other_enterprise"]
    officer.phone = "13911112222"
    officer.save()
    second = f.officer(world.e_rugao, username="qiye2b", phone="13933334444")
    notification_services.set_preferences(user=second, email=False, sms=True)
    world.e_rugao.contact_email, world.e_rugao.contact_phone = "", ""
    world.e_rugao.save()
    committed(reminders.remind_late_filers, today=period.enterprise_deadline - timedelta(days=3))
    # 如皋乙企业 has no contact addresses: its first officer's own email (email by default, SMS only when
    # chosen, so not 13911112222); the second officer chose SMS only. 海安甲企业: its contact's phone.
    # 江宁丙企业 (no account): its contact's phone alone.
    assert sorted(m.to[0] for m in mail.outbox) == ["qiye2@example.cn", "qiye@example.cn"]
    assert sorted(s.to for s in sms_outbox) == ["13800000000", "13800000000", "13933334444"]


def test_the_computation_is_set_based(world, django_assert_max_num_queries):
    period = open_period()
    day10 = period.enterprise_deadline - timedelta(days=3)
    # The province; the period's drafts and submissions, the preferences, the officers and the enterprises (one
    # read each); then the officers' inboxes and the contact of 江宁丙企业 (no account).
    with django_assert_max_num_queries(16) as few:
        reminders.remind_late_filers(today=day10, period=period, queue=False)
    for i in range(30):
        f.officer(f.EnterpriseFactory(region=world.rugao), username=f"late{i}")
    Notification.objects.all().delete()
    with django_assert_max_num_queries(len(few)):
        counts = reminders.remind_late_filers(today=day10, period=period, queue=False)
    assert counts["created"] == 32


# -- counties on the 13th, cities on the 16th ---------------------------------------------------------------
def test_counties_with_submissions_waiting_are_reminded_on_the_filing_deadline(world, committed):
    period = open_period()
    submit(world, period)
    counts = committed(reminders.remind_pending_reviews, today=period.enterprise_deadline)
    assert counts["created"] == 1
    note = Notification.objects.get(recipient=world.users["county"])
    assert "1 份报表待审核" in note.title and "海安市" in note.body
    assert note.link == f"/monitoring/review/?period={period.year}-{period.month:02d}"
    assert titles(world.users["other_county"]) == []
    assert committed(reminders.remind_pending_reviews, today=period.enterprise_deadline)["created"] == 0
    assert committed(reminders.remind_pending_reviews, today=period.enterprise_deadline - timedelta(days=1)) == {"periods": 0}


def test_cities_hear_of_counties_not_reported_the_day_after_the_review_deadline(world, committed):
    period = open_period()
    services.report_up(actor=world.users["county"], period=period, confirmed=True)  # 海安市 reported
    day16 = period.review_deadline + timedelta(days=1)
    counts = committed(reminders.remind_unreported_counties, today=day16)
    assert counts["created"] == 2
    nantong = Notification.objects.get(recipient=world.users["city"])
    assert "如皋市" in nantong.body and "海安市" not in nantong.body and "1 个县" in nantong.title
    assert "江宁区" in Notification.objects.get(recipient=world.users["other_city"]).body
    assert committed(reminders.remind_unreported_counties, today=day16)["created"] == 0


# -- returned filings ---------------------------------------------------------------------------------------
def test_a_returned_filing_reminds_at_once_and_again_after_two_days(world, django_capture_on_commit_callbacks, committed):
    period = open_period()
    filing = submit(world, period).filing
    with django_capture_on_commit_callbacks(execute=True):
        services.return_filing(actor=world.users["county"], filing=filing, reason="营业收入与上月不符",
                               fields=["revenue"])
    note = Notification.objects.get(recipient=world.users["enterprise"])
    assert "被退回" in note.title and "营业收入与上月不符" in note.body and "营业收入" in note.body
    assert TaskRun.objects.filter(task="monitoring.tasks.remind_returned_filing", outcome="ok").exists()

    today = timezone.localdate()
    assert committed(reminders.remind_returned_filings, today=today + timedelta(days=1))["created"] == 0
    assert committed(reminders.remind_returned_filings, today=today + timedelta(days=2))["created"] == 1
    assert committed(reminders.remind_returned_filings, today=today + timedelta(days=3))["created"] == 0
    again = Notification.objects.filter(recipient=world.users["enterprise"]).first()
    assert "尚未重新报送" in again.title


def test_a_resubmitted_filing_is_not_chased(world, django_capture_on_commit_callbacks, committed):
    period = open_period()
    filing = submit(world, period).filing
    services.return_filing(actor=world.users["county"], filing=filing, reason="请核对")
    submit(world, period, user=world.users["enterprise"])
    assert committed(reminders.remind_returned_filing, filing_id=filing.pk, version=filing.version)["messages"] == 0
    assert committed(reminders.remind_returned_filings, today=timezone.localdate() + timedelta(days=5))["messages"] == 0


# -- tasks: recorded runs, locking on schedule ---------------------------------------------------------------
def test_locking_happens_when_the_task_runs_after_the_review_deadline(world):
    period = open_period()
    tasks.lock_periods.delay(today=period.review_deadline.isoformat())
    period.refresh_from_db()
    assert period.locked_at is None
    result = tasks.lock_periods.delay(today=(period.review_deadline + timedelta(days=1)).isoformat())
    period.refresh_from_db()
    assert period.locked_at is not None and result.get()["locked"] == 1
    run = TaskRun.objects.filter(task="monitoring.tasks.lock_periods").first()
    assert run.outcome == "ok" and run.finished_at and run.counts["locked"] == 1
    assert Period.objects.filter(locked_at__isnull=True).count() == 0


def test_reminder_tasks_record_their_runs(world):
    period = open_period()
    tasks.remind_late_filers.delay(today=(period.enterprise_deadline - timedelta(days=3)).isoformat())
    run = TaskRun.objects.get(task="monitoring.tasks.remind_late_filers")
    assert run.outcome == "ok" and run.counts["created"] == 2 and run.started_at <= run.finished_at
    tasks.remind_late_filers.delay(today=(period.enterprise_deadline - timedelta(days=2)).isoformat())
    assert TaskRun.objects.filter(task="monitoring.tasks.remind_late_filers").first().counts == {"periods": 0}
