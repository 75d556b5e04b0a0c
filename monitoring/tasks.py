"""Celery tasks of the monthly monitoring: load ids, call a service (the run is recorded by the service)."""

from celery import shared_task

from monitoring import imports, services
from monitoring.exchange import services as exchange
from monitoring.exports.services import build_summary_export
from monitoring.reminders import services as reminders

# -------------------------------------------------------------------------------------------------
# Exports: the summary workbook of an ExportJob (queued by export_services.request_summary_export)
# -------------------------------------------------------------------------------------------------


@shared_task(acks_late=True, ignore_result=True)
def build_export(job_id: int) -> None:
    """Build the job's spreadsheet; idempotent (a finished job is left alone), failures recorded on the job."""

    build_summary_export(job_id=job_id)


# -------------------------------------------------------------------------------------------------
# Scheduled work: deadline reminders, period locking, quarterly bulletins (runs recorded in TaskRun;
# the schedule is django-celery-beat data seeded by portal/notifications/migrations/0002_default_schedule.py)
# -------------------------------------------------------------------------------------------------

from datetime import date  # noqa: E402

from portal.notifications.tasking import recorded_task  # noqa: E402


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@recorded_task()
def remind_late_filers(today: str | None = None, period_id: int | None = None) -> dict:
    """Enterprises that have not submitted, a set number of days before the filing deadline (10th, 12th)."""
    return reminders.remind_late_filers(today=_date(today), period=reminders.period_by_id(period_id))


@recorded_task()
def remind_pending_reviews(today: str | None = None, period_id: int | None = None) -> dict:
    """Counties with submissions waiting for review, on the filing deadline (13th)."""
    return reminders.remind_pending_reviews(today=_date(today), period=reminders.period_by_id(period_id))


@recorded_task()
def remind_unreported_counties(today: str | None = None, period_id: int | None = None) -> dict:
    """Cities about their counties that have not reported up, the day after the review deadline (16th)."""
    return reminders.remind_unreported_counties(today=_date(today), period=reminders.period_by_id(period_id))


@recorded_task()
def remind_returned_filing(filing_id: int, version: int) -> dict:
    """A returned filing's enterprise, at once (queued by services.return_filing on commit)."""
    return reminders.remind_returned_filing(filing_id=filing_id, version=version)


@recorded_task()
def notify_filing_approved(filing_id: int, version: int) -> dict:
    """An approved filing's enterprise, at once (queued by services.approve_filing on commit)."""
    return reminders.notify_filing_approved(filing_id=filing_id, version=version)


@recorded_task()
def remind_returned_filings(today: str | None = None) -> dict:
    """Filings still returned two days after their return, reminded once more."""
    return reminders.remind_returned_filings(today=_date(today))


@recorded_task()
def purge_idempotency_records() -> dict:
    """Forget stored API answers older than their Idempotency-Key lifetime (7 days)."""
    return {"deleted": exchange.purge_idempotency_records()}


@recorded_task()
def lock_periods(today: str | None = None) -> dict:
    """Lock every period whose review deadline has passed (services.lock_due_periods)."""

    locked = services.lock_due_periods(today=_date(today))
    return {"locked": len(locked), "periods": [str(p) for p in locked]}


@recorded_task(progress=True)
def import_filings(spooled: str, user_id: int, period_id: int, ip_address: str | None = None, progress=None) -> dict:
    """A month's filings too many for a request (imports.queue_import), all or nothing, with progress."""
    return imports.run_import_job(spooled=spooled, user_id=user_id, period_id=period_id, ip_address=ip_address,
                                  progress=progress)
