"""Celery tasks of the startup bases: load ids, call a service (runs recorded by recorded_task)."""

from datetime import date

from portal.notifications.tasking import recorded_task

from . import services


@recorded_task()
def remind_self_checks(today: str | None = None) -> dict:
    """Daily: reminders before the self-check's due date (30 May) and the missing ones the day after."""
    return services.remind_self_checks(today=date.fromisoformat(today) if today else None)


@recorded_task(progress=True)
def import_tenants(spooled: str, user_id: int, base_id: int, ip_address: str | None = None, progress=None) -> dict:
    """A tenant file too large for a request (services.queue_import), all or nothing."""
    return services.run_import_job(spooled=spooled, user_id=user_id, base_id=base_id, ip_address=ip_address,
                                   progress=progress)
