"""Celery tasks of the registry: load ids, call a service, the run is recorded (tasking.recorded_task)."""

from portal.notifications.tasking import recorded_task

from . import services


@recorded_task(progress=True)
def import_enterprises(spooled: str, user_id: int, ip_address: str | None = None, progress=None) -> dict:
    """A registry file too large for a request (services.queue_import), all or nothing, with progress."""
    return services.run_import_job(spooled=spooled, user_id=user_id, ip_address=ip_address, progress=progress)
