"""Celery tasks of the notifications: load ids, call a service, the run is recorded (tasking.recorded_task)."""

from . import services
from .tasking import recorded_task


@recorded_task()
def deliver(items: list[list]) -> dict:
    """A batch of messages' outside channels: [notification id, email, phone] each; written, then sent once."""
    return services.deliver(items=items)


@recorded_task()
def send_deliveries(ids: list[int]) -> dict:
    """Send a batch of email/SMS deliveries, each at most once."""
    return services.send_deliveries(ids=ids)


@recorded_task()
def queue_stalled_deliveries() -> dict:
    """Queue again the deliveries still pending a while after their message was written."""
    return services.queue_stalled_deliveries()
