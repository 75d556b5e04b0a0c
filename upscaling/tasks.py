"""Celery tasks of the upscaling work: load ids, call a service, the run is recorded (tasking.recorded_task)."""

from portal.notifications.tasking import recorded_task

from . import imports


@recorded_task(progress=True)
def import_list(spooled: str, user_id: int, kind: str, mapping: dict, year: int, month: int | None = None,
                ip_address: str | None = None, progress=None) -> dict:
    """A pool list too large for a request (imports.queue_import), all or nothing, with progress."""
    return imports.run_import_job(spooled=spooled, user_id=user_id, ip_address=ip_address, kind=kind,
                                  mapping=mapping, year=year, month=month, progress=progress)
