"""Celery tasks of the service platforms: load ids, call a service (runs recorded)."""

from datetime import date

from portal.notifications.tasking import recorded_task

from . import imports, services


@recorded_task()
def remind_recognition_reviews(today: str | None = None) -> dict:
    """Recognitions lapsing within 90 days: their platforms and officials told once (scheduled daily)."""
    return services.remind_recognition_reviews(today=date.fromisoformat(today) if today else None)


@recorded_task(progress=True)
def import_records(spooled: str, user_id: int, platform_id: int, ip_address: str | None = None,
                   progress=None) -> dict:
    """A service-record file too large for a request, all or nothing."""
    return imports.run_import_job(spooled=spooled, user_id=user_id, platform_id=platform_id,
                                  ip_address=ip_address, progress=progress)
