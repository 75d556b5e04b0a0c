"""Celery tasks of the questionnaire engine: load ids, call a service, the run is recorded."""

from portal.notifications.tasking import recorded_task

from . import services


@recorded_task()
def send_links(ids: list[int]) -> dict:
    """Send the one-time links of these invitations by email/SMS, each once."""
    return services.send_links(ids=ids)
