"""Inbox, channels, preferences, recorded task runs, the schedule."""

import http.server
import json
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

import incubators.tasks  # noqa: F401
import monitoring.tasks  # noqa: F401  # noqa: F401
import portal.notifications.tasks  # noqa: F401  # noqa: F401
from portal.celery import app
from portal.notifications import selectors, services, sms
from portal.notifications.models import Delivery, Notification, Preference, TaskRun
from portal.notifications.services import Message
from portal.notifications.tasking import queue_tracked, recorded_task
from tests import factories as f

pytestmark = pytest.mark.django_db


def message(user, key="k1", **kw):
    return Message(recipient_id=user.pk, title=kw.pop("title", "标题"), body=kw.pop("body", "正文"),
                   link=kw.pop("link", "/monitoring/"), key=key, **kw)


# -- writing and sending ------------------------------------------------------------------------------------
def test_each_message_is_written_and_sent_once_per_key(world, committed, sms_outbox):
    a, b = world.users["enterprise"], world.users["county"]
    msgs = [message(a, email="a@example.cn", phone="13800000001"), message(b, email="b@example.cn")]
    first = committed(services.notify_many, messages=msgs)
    assert first == {"messages": 2, "created": 2, "queued": 3, "batches": 1}
    again = committed(services.notify_many, messages=msgs)
    assert again["created"] == 0 and again["queued"] == 0
    # A run that died after writing the messages but before queueing them: the next run queues just those.
    lost = committed(services.notify_many, messages=[message(a, key="lost", email="a@example.cn")], queue=False)
    assert lost["created"] == 1 and lost["queued"] == 0
    recovered = committed(services.notify_many, messages=[message(a, key="lost", email="a@example.cn")])
    assert recovered["created"] == 0 and recovered["queued"] == 1
    assert committed(services.notify_many, messages=[message(a, key="lost", email="a@example.cn")])["queued"] == 0
    assert Notification.objects.count() == 3 and Delivery.objects.filter(status="sent").count() == 4
    assert len(mail.outbox) == 3 and len(sms_outbox) == 1
    assert sms_outbox[0].text.startswith("【省中小企业运行监测平台】标题:正文")
    committed(services.notify_many, messages=[message(a, key="k2")])
    assert Notification.objects.filter(recipient=a).count() == 3


def test_batches_write_and_queue_in_slices(world, settings, committed):
    settings.NOTIFICATION_BATCH_SIZE = 2
    users = [f.UserFactory() for _i in range(5)]
    counts = committed(services.notify_many, messages=[message(u, email=u.email) for u in users])
    assert counts["batches"] == 3 and counts["created"] == 5
    runs = TaskRun.objects.filter(task="portal.notifications.tasks.deliver")
    assert runs.count() == 3 and all(r.outcome == "ok" for r in runs)
    assert sum(r.counts["sent"] for r in runs) == 5


def test_a_failing_channel_is_retried_then_marked_failed(world, settings):
    settings.SMS_BACKEND = "tests.notifications.test_notifications.BrokenSMS"
    services.notify_many(messages=[message(world.users["county"])], queue=False)
    services.create_deliveries(items=[[Notification.objects.get().pk, "", "13800000009"]])
    delivery = Delivery.objects.get()
    for attempt in (1, 2):
        services.send_deliveries(ids=[delivery.pk])
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == ("pending", attempt)
    services.send_deliveries(ids=[delivery.pk])
    delivery.refresh_from_db()
    assert delivery.status == "failed" and "gateway down" in delivery.error
    assert services.send_deliveries(ids=[delivery.pk]) == {"sent": 0, "failed": 0, "skipped": 1}


class BrokenSMS(sms.SMSBackend):
    def send(self, message):
        raise ConnectionError("gateway down")


def test_the_http_gateway_gets_json_with_the_delivery_id(world, settings):
    received = []

    class Gateway(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((json.loads(body), self.headers["Idempotency-Key"], self.headers["Authorization"]))
            self.send_response(500 if len(received) == 1 else 200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.SMS_BACKEND, settings.SMS_HTTP_TOKEN = "http", "secret"
        settings.SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/send"
        services.notify_many(messages=[message(world.users["county"])], queue=False)
        services.create_deliveries(items=[[Notification.objects.get().pk, "", "13800000009"]])
        delivery = Delivery.objects.get()
        services.send_deliveries(ids=[delivery.pk])  # 500: a transient failure, kept pending
        delivery.refresh_from_db()
        assert delivery.status == "pending" and "500" in delivery.error
        services.send_deliveries(ids=[delivery.pk])
        delivery.refresh_from_db()
        assert delivery.status == "sent"
    finally:
        server.shutdown()
    assert [r[0]["id"] for r in received] == [str(delivery.pk)] * 2
    assert received[1][0]["to"] == "13800000009" and received[1][1] == str(delivery.pk)
    assert received[1][2] == "Bearer secret"


def test_stalled_deliveries_are_queued_again(world, committed):
    services.notify_many(messages=[message(world.users["county"])], queue=False)
    services.create_deliveries(items=[[Notification.objects.get().pk, "x@example.cn", ""]])
    Notification.objects.update(created_at="2020-01-01T00:00:00Z")
    assert committed(services.queue_stalled_deliveries) == {"pending": 1, "batches": 1}
    assert Delivery.objects.get().status == "sent" and len(mail.outbox) == 1


def test_enterprise_messages_reach_the_contact_besides_the_officers():
    officers = [{"id": 1, "email": "a@x.cn", "phone": "1", "wants_email": None, "wants_sms": None},
                {"id": 2, "email": "c@x.cn", "phone": "2", "wants_email": True, "wants_sms": True},
                {"id": 3, "email": "d@x.cn", "phone": "3", "wants_email": False, "wants_sms": True}]
    out = services.enterprise_messages(officers, contact_email="c@x.cn", contact_phone="9", title="t", body="b",
                                       link="/")
    assert [(m.recipient_id, m.email, m.phone) for m in out] == [(1, "c@x.cn", "9"), (2, "", "2"), (3, "", "3")]


# -- recorded runs ------------------------------------------------------------------------------------------
calls = {"n": 0}


@recorded_task(name="tests.flaky")
def flaky(fail_times: int = 1) -> dict:
    calls["n"] += 1
    if calls["n"] <= fail_times:
        raise OperationalError("database went away")
    return {"done": calls["n"]}


@recorded_task(name="tests.broken")
def broken() -> dict:
    raise ValueError("bad data")


def test_runs_are_recorded_and_transient_errors_retried(db, monkeypatch):
    monkeypatch.setattr(flaky, "retry_backoff", False)
    calls["n"] = 0
    result = flaky.apply(kwargs={"fail_times": 1}, throw=False)  # eager: the retry is applied at once
    assert result.get() == {"done": 2}
    run = TaskRun.objects.get(task="tests.flaky")  # the retry reuses its run's row (same task id)
    assert run.outcome == "ok" and run.counts == {"retries": 1, "done": 2} and run.finished_at
    with pytest.raises(ValueError):
        broken.apply().get()
    failed = TaskRun.objects.get(task="tests.broken")
    assert failed.outcome == "failed" and "bad data" in failed.error and failed.finished_at


def test_every_task_of_the_portal_acks_late_and_retries_transient_errors():
    ours = [t for name, t in app.tasks.items() if name.startswith(("monitoring.tasks.remind", "monitoring.tasks.lock",
                                                                     "monitoring.tasks.generate", "portal.notifications"))]
    assert len(ours) >= 9
    for task in ours:
        assert task.acks_late and task.reject_on_worker_lost, task.name
        assert OperationalError in task.autoretry_for and ConnectionError in task.autoretry_for, task.name


def test_a_tracked_run_is_seen_by_its_owner_only(world):
    run = queue_tracked(flaky.name, owner=world.users["province"], fail_times=0)
    assert selectors.tracked_run(user=world.users["province"], task_id=run.task_id) == run
    assert selectors.tracked_run(user=world.users["city"], task_id=run.task_id) is None
    assert selectors.run_status(run)["state"] == "running"


# -- the default schedule -----------------------------------------------------------------------------------
def test_the_default_schedule_is_seeded_and_names_real_tasks(db):
    app.loader.import_default_modules()  # every app's tasks module, as a worker loads them at start
    schedule = {t.name: t for t in PeriodicTask.objects.select_related("crontab")}
    assert {"报告期自动锁定", "企业催报提醒", "县级待审核提醒", "县级未上报提醒", "退回报表再次提醒", "季度通报生成",
            "消息补发"} <= set(schedule)
    for task in schedule.values():
        assert task.task in app.tasks, task.task
        assert task.enabled and str(task.crontab.timezone) == "Asia/Shanghai"
    assert (schedule["报告期自动锁定"].crontab.hour, schedule["报告期自动锁定"].crontab.minute) == ("0", "30")


# -- pages --------------------------------------------------------------------------------------------------
def test_the_inbox_lists_own_messages_and_the_header_counts_the_unread(world, login):
    me, other = world.users["enterprise"], world.users["other_enterprise"]
    services.notify_many(messages=[message(me, key="a", title="我的提醒一"), message(me, key="b", title="我的提醒二"),
                                   message(other, key="a", title="别人的提醒")], queue=False)
    client = login(me)
    response = client.get(reverse("notifications:inbox"))
    text = response.content.decode()
    assert "我的提醒一" in text and "我的提醒二" in text and "别人的提醒" not in text
    assert int(response.context["inbox_unread"]) == 2
    mine = Notification.objects.filter(recipient=me).order_by("id")
    opened = client.get(reverse("notifications:detail", args=[mine[0].pk]))
    assert "我的提醒一" in opened.content.decode() and int(opened.context["inbox_unread"]) == 1
    client.post(reverse("notifications:mark_read", args=[mine[1].pk]))
    assert selectors.unread_count(me) == 0
    theirs = Notification.objects.get(recipient=other)
    assert client.get(reverse("notifications:detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    client_other = login(other)
    client_other.post(reverse("notifications:mark_all_read"))
    assert selectors.unread_count(other) == 0


def test_the_unread_count_costs_one_query_and_none_for_visitors(world, login, client, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = world.users["county"]
    lazy = selectors.header_unread(request)
    with django_assert_num_queries(1):
        assert int(lazy) == 0

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert int(selectors.header_unread(request)) == 0


def test_preferences_are_saved_per_user(world, login):
    client = login(world.users["county"])
    page = client.get(reverse("notifications:preferences"))
    assert page.status_code == 200 and page.context["form"].initial == {"email": True, "sms": False}
    client.post(reverse("notifications:preferences"), {"sms": "on"})
    preference = Preference.objects.get(user=world.users["county"])
    assert (preference.email, preference.sms) == (False, True)


def test_the_schedule_page_is_for_province_staff_and_the_system_administrator(world, login):
    assert login(world.users["province"]).get(reverse("notifications:jobs")).status_code == 200
    assert "企业催报提醒" in login(world.users["system_admin"]).get(reverse("notifications:jobs")).content.decode()
    for role in ("city", "county", "enterprise", "audit_admin"):
        assert login(world.users[role]).get(reverse("notifications:jobs")).status_code == 403, role
