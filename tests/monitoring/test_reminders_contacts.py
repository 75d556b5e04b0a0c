"""Late filers that nobody logs in for: reminded through their monitoring contact alone (email and SMS, in no
inbox), once per reminder day; those without a contact address counted as unreachable."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from monitoring import services
from monitoring.reminders import services as reminders
from portal.notifications.models import Delivery, Notification
from tests.notifications import fixtures

from .helpers import open_period, valid_data

committed = fixtures.committed
eager_celery = fixtures.eager_celery
sms_outbox = fixtures.sms_outbox

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery"), pytest.mark.frozen_clock]


@pytest.fixture
def period(world):
    """An open period in which 海安甲企业 has submitted; 如皋乙企业 (one officer) and 江宁丙企业 (no account) have not."""
    p = open_period()
    services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=p, data=valid_data(),
                      submit=True)
    return p


def contact(enterprise, email="", phone=""):
    enterprise.contact_email, enterprise.contact_phone = email, phone
    enterprise.save()


def day10(period):
    return period.enterprise_deadline - timedelta(days=3)


def test_an_enterprise_without_an_account_is_reminded_through_its_contact_once(world, period, sms_outbox, committed):
    contact(world.e_rugao)  # the officer's own email only: kept apart from the contact's messages below
    contact(world.e_jiangning, email="contact@jiangning.example.cn", phone="13700000001")
    counts = committed(reminders.remind_late_filers, today=day10(period))

    assert counts["created"] == 1 and counts["contacts"] == 1 and counts["unreachable"] == 0
    note = Notification.objects.get(enterprise=world.e_jiangning)
    assert note.recipient_id is None
    assert "江宁丙企业" in note.body and "尚未填报" in note.body and str(period) in note.title
    assert "尚未开通平台账号" in note.body  # told how to file without an account
    deliveries = Delivery.objects.filter(notification=note)
    assert sorted(deliveries.values_list("channel", "address", "status")) == [
        ("email", "contact@jiangning.example.cn", "sent"), ("sms", "13700000001", "sent")]
    assert ["contact@jiangning.example.cn"] in [m.to for m in mail.outbox]
    assert [s.to for s in sms_outbox] == ["13700000001"]

    sent = (Notification.objects.count(), Delivery.objects.count(), len(mail.outbox), len(sms_outbox))
    again = committed(reminders.remind_late_filers, today=day10(period))
    assert again["created"] == 0 and again["contacts"] == 0 and again["queued"] == 0
    assert (Notification.objects.count(), Delivery.objects.count(), len(mail.outbox), len(sms_outbox)) == sent

    # The next reminder day is a new message.
    later = committed(reminders.remind_late_filers, today=period.enterprise_deadline - timedelta(days=1))
    assert later["contacts"] == 1
    assert Notification.objects.filter(enterprise=world.e_jiangning).count() == 2


def test_a_contact_message_is_in_nobodys_inbox(world, period, committed):
    contact(world.e_jiangning, phone="13700000001")
    committed(reminders.remind_late_filers, today=day10(period))
    note = Notification.objects.get(enterprise=world.e_jiangning)
    for user in [*world.users.values(), reminders.system_viewer()]:
        assert note not in Notification.objects.visible_to(user)


def test_sms_only_with_a_phone_and_nothing_without_any_address(world, period, sms_outbox, committed):
    contact(world.e_rugao)
    contact(world.e_jiangning, email="contact@jiangning.example.cn")
    committed(reminders.remind_late_filers, today=day10(period))
    note = Notification.objects.get(enterprise=world.e_jiangning)
    assert list(Delivery.objects.filter(notification=note).values_list("channel", flat=True)) == ["email"]
    assert sms_outbox == []

    contact(world.e_jiangning)
    counts = committed(reminders.remind_late_filers, today=period.enterprise_deadline - timedelta(days=1))
    assert counts["unreachable"] == 1 and counts["contacts"] == 0
    assert Notification.objects.filter(enterprise=world.e_jiangning).count() == 1  # the first day's only


def test_channels_the_settings_turn_off_are_not_used(world, period, settings, sms_outbox, committed):
    settings.ENTERPRISE_CONTACT_CHANNELS = ("email",)
    contact(world.e_jiangning, phone="13700000001")
    counts = committed(reminders.remind_late_filers, today=day10(period))
    assert counts["unreachable"] == 1 and counts["contacts"] == 0 and sms_outbox == []


def test_an_enterprise_whose_officers_are_all_inactive_is_reached_through_its_contact(world, period, committed):
    officer = world.users["other_enterprise"]
    officer.is_active = False
    officer.save()
    contact(world.e_rugao, email="contact@rugao.example.cn")
    contact(world.e_jiangning)
    counts = committed(reminders.remind_late_filers, today=day10(period))
    assert counts["created"] == 0 and counts["contacts"] == 1 and counts["unreachable"] == 1
    assert not Notification.objects.filter(recipient=officer).exists()
    note = Notification.objects.get(enterprise=world.e_rugao)
    assert list(note.deliveries.values_list("address", flat=True)) == ["contact@rugao.example.cn"]


def test_a_run_that_died_before_queueing_is_completed_by_the_next(world, period, sms_outbox, committed):
    contact(world.e_rugao)
    contact(world.e_jiangning, phone="13700000001")
    lost = committed(reminders.remind_late_filers, today=day10(period), queue=False)
    assert lost["contacts"] == 1 and not Delivery.objects.exists()
    recovered = committed(reminders.remind_late_filers, today=day10(period))
    assert recovered["contacts"] == 0 and [s.to for s in sms_outbox] == ["13700000001"]
    assert committed(reminders.remind_late_filers, today=day10(period))["queued"] == 0


def test_the_database_keeps_contact_messages_unique_and_owned(world):
    Notification.objects.create(enterprise=world.e_jiangning, key="k", title="t", body="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(enterprise=world.e_jiangning, key="k", title="t", body="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(key="orphan", title="t", body="b")
    # A user's message about the same enterprise is a message of its own.
    Notification.objects.create(recipient=world.users["other_enterprise"], enterprise=world.e_jiangning, key="k",
                                title="t", body="b")
    assert Notification.objects.filter(key="k").count() == 2
