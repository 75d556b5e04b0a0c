"""Bulletin jobs (the top floor: nothing imports this module; work is queued by name)."""

from datetime import date

from portal.notifications.tasking import recorded_task

from . import services


@recorded_task()
def generate_due_bulletins(today: str | None = None) -> dict:
    """Every kind's scheduled draft that is due today (e.g. the quarter's reporting bulletin on the 20th of the
    month after it)."""
    return services.generate_due(today=date.fromisoformat(today) if today else None)


@recorded_task(progress=True)
def generate_bulletins(kind: str, period: str, user_id: int, progress=None) -> dict:
    """A manager's on-demand generation of a period's bulletins of one kind, with progress."""
    return services.generate_all(kind=services.kind_of(kind), period=period,
                                 actor=services.actor_by_id(user_id), progress=progress)
