"""On PostgreSQL: the late-filer reminders stay set-based, and are planned without reading a table once per row,
when the planner's statistics do not know the rows yet (a bulk insert nobody analysed: autovacuum off, a
retried run, an import followed by a reminder, a restore).

PostgreSQL only (SQLite has no such planner): skipped on SQLite, run by CI, which runs on PostgreSQL and fails on
a skip."""

import json
import os
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring import selectors
from monitoring.models import Filing
from monitoring.reminders import services as reminders
from portal.accounts.models import Role, User
from portal.core.db import analyze
from portal.enterprises.models import Enterprise
from portal.enterprises.synthetic import build_enterprises
from portal.notifications.models import Notification
from tests.notifications import fixtures

from .helpers import open_period

eager_celery = fixtures.eager_celery

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery"), pytest.mark.frozen_clock]

FRESH = 1000
MAX_QUERIES = 16  # as test_reminders.py's test_the_computation_is_set_based allows for the world


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        message = ("test_reminders_statistics needs PostgreSQL (its planner and statistics): run the tests with "
                   "DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal (CI does).")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def fresh_enterprises_and_officers(world, count):
    """``count`` monitored enterprises with one information officer each, bulk-inserted after the tables were
    analysed with the world's handful of rows: the statistics say there are none of them."""
    counties = [world.haian, world.rugao, world.jiangning]
    made = build_enterprises(count, counties=counties, seed=7, start=500_000, monitored_from=date(2025, 1, 1))
    for e in made:
        e.monitored_from = date(2025, 1, 1)  # every one of them expected (the generator leaves a few out)
    Enterprise.objects.bulk_create(made, batch_size=500)
    User.objects.bulk_create([User(username=f"fresh{e.pk}", role=Role.ENTERPRISE, enterprise_id=e.pk, password="!",
                                   email=f"fresh{e.pk}@example.cn") for e in made], batch_size=500)
    return made


def executed_plan(sql):
    """The plan PostgreSQL made for a captured statement, run with EXPLAIN ANALYZE (a cursor is planned as a
    cursor: the DECLARE is explained as it was sent)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {sql}")
        (document,) = cursor.fetchone()
    return (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]


def nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from nodes(child)


def busiest(plan):
    """The plan node that handled the most rows over all its loops, and how many. A nested loop that reads a
    table (or a Materialize of it) once per outer row handles rows × rows: the plan that took minutes at
    100,000 enterprises."""
    node = max(nodes(plan), key=lambda n: n["Actual Rows"] * n["Actual Loops"])
    return node["Actual Rows"] * node["Actual Loops"], node["Node Type"], node.get("Relation Name")


def test_late_filers_are_reminded_set_based_whatever_the_statistics_say(postgresql, world):
    period = open_period()
    day10 = period.enterprise_deadline - timedelta(days=3)
    # The accounts as they were before the officers were imported (officials only), analysed so: the
    # statistics say no information officer exists, as after the benchmark's or a restore's bulk insert.
    User.objects.filter(role=Role.ENTERPRISE).delete()
    analyze(Enterprise, User, Filing, Notification)
    viewer = reminders.system_viewer()  # the world's late enterprises (the status page's count): no officer now
    late_world = selectors.not_filed(user=viewer, period=period, region=viewer.region).count()

    fresh_enterprises_and_officers(world, FRESH)
    with CaptureQueriesContext(connection) as run:
        counts = reminders.remind_late_filers(today=day10, period=period, queue=False)

    # Every fresh enterprise reminded through its officer, the world's late ones through their contacts.
    assert counts["created"] == FRESH
    assert Notification.objects.filter(recipient__username__startswith="fresh").count() == FRESH
    assert late_world and counts["contacts"] + counts["unreachable"] == late_world
    assert len(run.captured_queries) <= MAX_QUERIES  # set-based: a handful of queries for 1,000 late filers
    reads = [q["sql"] for q in run.captured_queries
             if "SELECT" in q["sql"] and not q["sql"].startswith(("INSERT", "ANALYZE"))]
    assert any(Enterprise._meta.db_table in sql for sql in reads)
    for sql in reads:  # no step of any plan handles more than a few rows per enterprise
        rows, node, table = busiest(executed_plan(sql))
        assert rows <= 10 * FRESH, (rows, node, table, sql)
