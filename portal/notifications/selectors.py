"""Reads of the notifications: a user's own inbox and preferences, the runs they follow, the schedule."""
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django_celery_beat.models import PeriodicTask

from portal.accounts.scoping import Viewer, scope_for

from .models import Notification, Preference, TaskRun


def inbox(*, user: Viewer, unread_only: bool = False) -> Any:
    qs = Notification.objects.visible_to(user).only("id", "title", "body", "link", "created_at", "read_at")
    return qs.unread() if unread_only else qs


UNREAD_TTL = 300  # seconds; writes and reads of the inbox drop the cached count at once


def unread_key(user_id: Any) -> str:
    return f"inbox-unread:{user_id}"


def unread_count(user: Viewer | None) -> int:
    """The user's unread messages, kept in the cache (the page header shows it on every page: with Redis it costs
    no query; the count is primed at login and dropped whenever the user's inbox changes)."""
    if user is None or not user.is_authenticated:
        return 0
    count = cache.get(unread_key(user.pk))
    if count is None:
        count = Notification.objects.visible_to(user).unread().count()
        cache.set(unread_key(user.pk), count, UNREAD_TTL)
    return count


def forget_unread(user_ids: Any) -> None:
    cache.delete_many([unread_key(pk) for pk in user_ids])


class LazyCount:
    """A number counted the first time a template uses it (``{{ n }}``, ``{% if n %}``), then kept."""

    def __init__(self, count: Callable[[], int]) -> None:
        self._count: Callable[[], int] = count
        self._value: int | None = None

    def __int__(self) -> int:
        if self._value is None:
            self._value = self._count()
        return self._value

    def __bool__(self) -> bool:
        return int(self) > 0

    def __str__(self) -> str:
        return str(int(self))

    def __eq__(self, other: object) -> bool:
        return int(self) == other

    __hash__ = None  # type: ignore[assignment]  # unhashable, like any class defining __eq__


def header_unread(request: Any) -> LazyCount:
    """For the page header (portal.core.context_processors.portal): the unread count, read only when the template
    shows it (from the cache, else one indexed COUNT on (recipient, read_at)); nothing for visitors."""
    user = getattr(request, "user", None)
    return LazyCount(lambda: unread_count(user))


def notification_for(*, user: Viewer, pk: int) -> Notification | None:
    return Notification.objects.visible_to(user).filter(pk=pk).first()


def preferences_for(*, user: Viewer) -> Preference:
    """The user's saved preference, or the defaults (email yes, SMS no) unsaved."""
    return Preference.objects.visible_to(user).first() or Preference(user_id=user.pk)


def tracked_run(*, user: Viewer, task_id: str) -> TaskRun | None:
    """A run queued by ``user`` through queue_tracked(); nobody else's (their id answers the same 404)."""
    if not user.is_authenticated:
        return None
    return TaskRun.objects.visible_to(user).filter(task_id=task_id, args__owner=user.pk).first()


def run_status(run: TaskRun) -> dict:
    counts = run.counts or {}
    done = run.finished_at is not None and run.outcome == TaskRun.Outcome.OK
    return {
        "state": "done" if done else ("failed" if run.outcome == TaskRun.Outcome.FAILED else "running"),
        "progress": 100 if done else int(counts.get("progress", 0)),
        "counts": {k: v for k, v in counts.items() if k not in ("progress",)},
        "error": run.error if run.outcome == TaskRun.Outcome.FAILED else "",
    }


def can_see_schedule(user: Viewer) -> bool:
    """Province staff and the system administrator see the schedule and the runs (the administrator edits
    the schedule in the admin)."""
    return scope_for(user).may_see_schedule


def schedule(*, user: Viewer) -> list:
    if not can_see_schedule(user):
        return []

    return list(PeriodicTask.objects.select_related("crontab", "interval").order_by("name"))


def recent_runs(*, user: Viewer, limit: int = 50) -> list[TaskRun]:
    if not can_see_schedule(user):
        return []
    return list(TaskRun.objects.visible_to(user).only("task", "started_at", "finished_at", "outcome", "counts",
                                                      "error")[:limit])
