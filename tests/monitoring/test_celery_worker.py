"""A real Celery worker (``celery -A portal worker``, a subprocess) against Redis and the test database.

- Redis: the server of REDIS_URL (CI sets it), else the local one at 127.0.0.1:6379 if it answers; its
  database 15, flushed, so that messages other tests left in the broker's default database are not consumed.
  No Redis at all fails the test with a message: nothing may be skipped in CI.
- Database: the worker gets DATABASE_URL built from this test run's own test database (pytest-django's,
  transaction=True, so what a test writes is committed and the worker sees it). An in-memory SQLite test
  database cannot be shared with another process: run with DATABASE_URL=postgres://... (CI does).
- SMS: the worker's SMS channel is the "http" backend pointed at a gateway this test serves on 127.0.0.1,
  which records every message by its id (the delivery's id, which a real gateway deduplicates on).
"""

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection
from django.urls import reverse

from monitoring import services
from monitoring.models import Period
from portal.bulletins.models import Bulletin
from portal.notifications.models import Delivery, Notification, TaskRun
from tests import factories as f
from tests.portal import test_bulletins as b

from .helpers import open_period, valid_data

# serialized_rollback: the flush after each test would otherwise take the migrations' reference data with it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 15
TIMEOUT = 90


# -- the broker, the database URL, the gateway ---------------------------------------------------------------
def broker_url() -> str:
    base = os.environ.get("REDIS_URL") or f"redis://127.0.0.1:6379/{REDIS_DB}"
    parts = urlsplit(base)
    url = urlunsplit(parts._replace(path=f"/{REDIS_DB}"))
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3)
        client.ping()
    except Exception as exc:
        pytest.fail(f"test_celery_worker needs Redis: {url} does not answer ({exc!r}). Start redis-server or set "
                    "REDIS_URL (CI does).")
    client.flushdb()
    return url


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if "memory" in name or not name:
            message = ("test_celery_worker needs a test database another process can open: run the tests with "
                       "DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal (CI does).")
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        return f"sqlite:///{name}"
    user = quote(db.get("USER") or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class Gateway:
    """An SMS gateway on 127.0.0.1: records (id, to) of every request; can hold the Nth request until released."""

    def __init__(self):
        self.received: list[tuple[str, str]] = []
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        gateway = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                gateway.received.append((body["id"], body["to"]))
                if gateway.hold_at is not None and len(gateway.received) == gateway.hold_at:
                    gateway.holding.set()
                    gateway.release.wait(30)
                try:
                    self.send_response(200)
                    self.end_headers()
                    self.wfile.write(b'{"ok": true}')
                except OSError:  # the worker died while we held its request
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"

    def ids(self) -> list[str]:
        return [i for i, _to in self.received]

    def close(self):
        self.release.set()
        self.server.shutdown()


class Worker:
    """``celery -A portal worker`` in its own process group (so SIGKILL takes its pool children too)."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log = env, log
        self.proc = None

    def start(self, client: Celery) -> None:
        self.logfile = open(self.log, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--loglevel", "INFO", "--pool", "prefork",
             "--concurrency", "2", "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--hostname", f"test-{os.getpid()}-{time.monotonic_ns()}@localhost"],
            cwd=ROOT, env=self.env, stdout=self.logfile, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the worker exited: {self.log.read_text(errors='replace')[-3000:]}")
            if client.control.ping(timeout=0.5):
                return
            time.sleep(0.3)
        raise AssertionError(f"the worker did not come up: {self.log.read_text(errors='replace')[-3000:]}")

    def kill(self) -> None:
        """SIGKILL to the whole process group: no warm shutdown, nothing acknowledged or given back."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)
        self.logfile.close()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
            self.logfile.close()


@pytest.fixture
def celery_env(tmp_path):
    """(client app, worker factory, gateway): the worker is started by the test, stopped at the end."""
    url = broker_url()
    gateway = Gateway()
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings", PYTHONPATH=str(ROOT), DATABASE_URL=database_url(),
        REDIS_URL=url, SMS_BACKEND="http", SMS_HTTP_URL=gateway.url, EMAIL_URL="dummymail://",
        CELERY_VISIBILITY_TIMEOUT="3",  # a task whose worker died is given to another after 3 s (acks_late)
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    client = Celery("worker-test", broker=url, backend=url)
    workers = []

    def worker():
        w = Worker(env, tmp_path / f"worker{len(workers)}.log")
        workers.append(w)
        w.start(client)
        return w

    yield client, worker, gateway
    for w in workers:
        w.stop()
    gateway.close()
    client.close()


def wait_until(condition, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def late_world(world, n: int):
    """world plus ``n`` enterprises in 如皋市 that have not filed, each with an officer and a contact phone."""
    period = open_period()
    services.file_one(actor=world.users["enterprise"], enterprise=world.e_haian, period=period, data=valid_data(),
                      submit=True)
    # 江宁丙企业 has no account: without contact addresses it is only counted unreachable (its contact's
    # messages are tested in test_reminders_contacts.py), so every message here is an officer's.
    world.e_jiangning.contact_email, world.e_jiangning.contact_phone = "", ""
    world.e_jiangning.save()
    late = {world.users["other_enterprise"].pk}
    for i in range(n):
        e = f.EnterpriseFactory(region=world.rugao, name=f"迟报企业{i}", contact_phone=f"1390000{i:04d}")
        late.add(f.officer(e, username=f"late{i}").pk)
    return period, late


def sms_ids(**filters) -> set[str]:
    return {str(pk) for pk in Delivery.objects.filter(channel="sms", **filters).values_list("pk", flat=True)}


# -- the tests -----------------------------------------------------------------------------------------------
def test_a_reminder_run_reaches_exactly_the_late_and_twice_sends_nothing_twice(world, celery_env):
    client, worker, gateway = celery_env
    period, late = late_world(world, 12)
    worker()
    day10 = (period.enterprise_deadline - timedelta(days=3)).isoformat()
    counts = client.send_task("monitoring.tasks.remind_late_filers", kwargs={"today": day10}).get(timeout=TIMEOUT)
    assert counts["created"] == len(late)
    wait_until(lambda: len(sms_ids(status="sent")) == len(late) and not Delivery.objects.filter(status="pending").exists(),
               "the deliveries to be sent")
    assert set(Notification.objects.values_list("recipient_id", flat=True)) == late
    assert sorted(gateway.ids()) == sorted(sms_ids(status="sent"))  # each once, the late enterprises' contacts
    assert len(gateway.received) == len(late)

    again = client.send_task("monitoring.tasks.remind_late_filers", kwargs={"today": day10}).get(timeout=TIMEOUT)
    assert again["created"] == 0 and again["queued"] == 0
    time.sleep(2)
    assert len(gateway.received) == len(late) and Notification.objects.count() == len(late)
    runs = TaskRun.objects.filter(task="monitoring.tasks.remind_late_filers")
    assert runs.count() == 2 and {r.outcome for r in runs} == {"ok"}


def test_a_worker_killed_mid_batch_and_restarted_completes_without_duplicates(world, celery_env):
    client, worker, gateway = celery_env
    period, late = late_world(world, 30)
    gateway.hold_at = 10  # the 10th SMS of the batch is held: the worker is in the middle of sending
    first = worker()
    day12 = (period.enterprise_deadline - timedelta(days=1)).isoformat()
    client.send_task("monitoring.tasks.remind_late_filers", kwargs={"today": day12}).get(timeout=TIMEOUT)
    assert gateway.holding.wait(TIMEOUT), "the batch never reached the held message"
    in_flight = gateway.ids()[-1]
    first.kill()
    gateway.release.set()
    sent_before = sms_ids(status="sent")
    assert len(sent_before) == 9 and in_flight not in sent_before  # a batch in progress, cut off

    time.sleep(4)  # past the visibility timeout: the unacknowledged batch is given back to the next worker
    worker()
    wait_until(lambda: len(sms_ids(status="sent")) == len(late) and not Delivery.objects.filter(status="pending").exists(),
               "the restarted worker to finish")
    assert Notification.objects.count() == len(late)
    assert set(gateway.ids()) == sms_ids(status="sent") and len(sms_ids()) == len(late)
    repeated = [i for i in set(gateway.ids()) if gateway.ids().count(i) > 1]
    # Only the message the worker died on is sent again, under the same id, which the gateway deduplicates.
    assert repeated in ([], [in_flight])
    send_runs = TaskRun.objects.filter(task="portal.notifications.tasks.deliver")
    assert send_runs.count() == 1 and send_runs.get().outcome == "ok"  # the redelivered run reused its record


def test_periods_lock_when_the_task_runs_after_the_review_deadline(world, celery_env):
    client, worker, _gateway = celery_env
    period = open_period()
    worker()
    on_deadline = client.send_task("monitoring.tasks.lock_periods",
                                   kwargs={"today": period.review_deadline.isoformat()}).get(timeout=TIMEOUT)
    assert on_deadline["locked"] == 0
    after = client.send_task("monitoring.tasks.lock_periods",
                             kwargs={"today": (period.review_deadline + timedelta(days=1)).isoformat()})
    assert after.get(timeout=TIMEOUT)["locked"] == 1
    assert Period.objects.get(pk=period.pk).locked_at is not None


def test_the_workers_bulletin_equals_the_status_page(world, celery_env, login):
    client, worker, _gateway = celery_env
    for month, status in zip(b.MONTHS, ("approved", "submitted", "returned"), strict=True):
        b.filing(world.e_haian, month, status)
        b.filing(world.e_jiangning, month, "submitted", on_time=False)
    worker()
    result = client.send_task("portal.bulletins.tasks.generate_bulletins",
                              kwargs={"kind": b.KIND.key, "period": b.PERIOD, "user_id": world.users["province"].pk})
    assert result.get(timeout=TIMEOUT)["created"] == 3
    bulletin = Bulletin.objects.get(region=world.province, period=b.PERIOD)
    page = login(world.users["province"])
    summed = {}
    for month in b.MONTHS:
        for r in page.get(reverse("monitoring:status"), {"period": f"{b.YEAR}-{month}"}).context["rows"]:
            row = summed.setdefault(r.region.code, {"expected": 0, "submitted": 0, "on_time": 0, "returned": 0})
            for k in row:
                row[k] += getattr(r, k)
    figures = {r["code"]: {k: r[k] for k in ("expected", "submitted", "on_time", "returned")} for r in bulletin.figures}
    assert figures == summed
    assert figures["320600"]["submitted"] == 3 and figures["320100"]["on_time"] == 0
