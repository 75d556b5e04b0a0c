"""Scheduled work at scale: the deadline reminders for the whole province, and the quarterly bulletin."""

from datetime import timedelta

from django.db import transaction

from bench import bulk
from bench.registry import Context, Skip, step
from monitoring import periods
from monitoring.bulletins import services as reporting
from monitoring.reminders import services as reminders
from portal.accounts.models import Role, User
from portal.bulletins import services as bulletins
from portal.celery import app
from portal.core.db import analyze
from portal.enterprises.models import Enterprise


@step("reminders_compute_queue_s", order=500, needs=("generate_filings_s",))
def reminders_compute_queue(ctx: Context) -> None:
    """monitoring.reminders.services.remind_late_filers for a month nobody has filed yet: every monitored enterprise is
    late, so one reminder per enterprise (set-based query, notifications bulk-written, email/SMS deliveries
    written and queued in batches on Celery's in-memory broker: computing and queueing, not sending).

    Preparation, not timed: one information officer per monitored enterprise (COPY on PostgreSQL), and the
    users' table analysed, as after every preparation.
    Also records reminders_notifications, reminders_deliveries (channels queued), reminders_batches and
    reminders_rerun_s: the same run again, which writes nothing; as no worker ran here, it finds every message
    without its deliveries and queues them again (the recovery of a run that died before queueing).
    """

    ids = list(Enterprise.objects.filter(monitored_from__isnull=False).values_list("id", flat=True))
    with transaction.atomic():
        bulk.insert(User, [dict(username=f"bench_qy{eid}", role=Role.ENTERPRISE, enterprise_id=eid, password="!",
                                email=f"qy{eid}@bench.example.cn") for eid in ids])
    analyze(User)
    last = getattr(ctx, "last_period", None) or periods.current_filing_period()
    year, month = (last.year, last.month + 1) if last.month < 12 else (last.year + 1, 1)
    period = periods.open_period(year, month)  # the month after the last filed one: nobody has filed it
    day = period.enterprise_deadline - timedelta(days=3)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # queue on the in-memory broker instead of sending inside the step
    try:
        with ctx.measure("reminders_compute_queue_s"):
            counts = reminders.remind_late_filers(today=day, period=period)
        with ctx.measure("reminders_rerun_s"):
            again = reminders.remind_late_filers(today=day, period=period)
    finally:
        app.conf.task_always_eager = eager
    assert counts["created"] == len(ids), (counts, len(ids))
    assert again["created"] == 0, again
    ctx.record("reminders_notifications", counts["created"])
    ctx.record("reminders_deliveries", counts["queued"])
    ctx.record("reminders_batches", counts["batches"])


@step("bulletin_quarter_s", order=510, needs=("generate_filings_s",))
def bulletin_quarter(ctx: Context) -> None:
    """portal.bulletins.services.generate_bulletin of monitoring's reporting kind: the province's bulletin over its cities for the last complete
    quarter of the filed months (status figures of three months, quota, reports, ranks, the .xlsx)."""
    last = getattr(ctx, "last_period", None)
    if last is None:
        raise Skip("no filings: generate_filings_s did not run")
    year, quarter = (last.year, last.month // 3) if last.month % 3 == 0 else reporting.previous_quarter(
        last.month_end)
    with ctx.measure("bulletin_quarter_s"):
        bulletin, _outcome = bulletins.generate_bulletin(
            kind=bulletins.kind_of(reporting.KIND), region=ctx.province, period=f"{year}-Q{quarter}",
            actor=ctx.users["province"])
    ctx.record("bulletin_rows", len(bulletin.figures))
    ctx.record("bulletin_expected", sum(r["expected"] for r in bulletin.figures))
