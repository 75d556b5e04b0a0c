"""How every Celery task of the portal runs: acks late, retries transient errors with backoff, records its run.

Apps declare their tasks in their own ``tasks.py`` with :func:`recorded_task` instead of ``shared_task``::

    @recorded_task()
    def lock_periods(today: str | None = None) -> dict:
        return {"locked": len(services.lock_due_periods(today=...))}

The function loads ids and calls a service; what it returns (a dict of counts) is stored on the run's
:class:`~portal.notifications.models.TaskRun` row with the outcome, start and finish. A task declared with
``progress=True`` receives a ``progress(done, total)`` callable that updates its row, which the portal's
progress bars poll (:func:`portal.notifications.selectors.tracked_run`).

Tasks are idempotent by their own keys (a Notification's unique (recipient, key), a Bulletin's unique
(region, year, quarter)...), so a message redelivered after a worker died, or a retry, writes nothing twice.
"""

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import import_module

from celery import current_app, shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from portal.audit import context as audit_context

from .models import TaskRun

logger = logging.getLogger(__name__)

# Errors worth another try: the database or the broker or a mail/SMS server briefly unreachable.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)
DEFAULTS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,  # 5 s, 10 s, 20 s ... (with jitter)
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 5,
}


class Progress:
    """``progress(done, total)``: writes the run's progress (at most every whole percent)."""

    def __init__(self, run: TaskRun):
        self.run = run
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        if percent == self.last:
            return
        self.last = percent
        self.run.counts = {**(self.run.counts or {}), "progress": percent, "done": done, "total": total}
        TaskRun.objects.filter(pk=self.run.pk).update(counts=self.run.counts)


def _plain(value):
    return value if isinstance(value, (str, int, float, bool, type(None), list, dict)) else str(value)


def _start(task, args, kwargs) -> TaskRun:
    task_id = task.request.id or ""
    run = None
    if task_id:  # a run queued by queue_tracked() (its row exists), or the same message delivered again
        run = TaskRun.objects.filter(task_id=task_id, finished_at__isnull=True).first()
    if run is None:
        run = TaskRun(task=task.name, task_id=task_id,
                      args={"args": [_plain(a) for a in args], "kwargs": {k: _plain(v) for k, v in kwargs.items()}})
    run.outcome, run.error = TaskRun.Outcome.RUNNING, ""
    if task.request.retries:
        run.counts = {**(run.counts or {}), "retries": task.request.retries}
    run.save()
    return run


def _finish(run: TaskRun, outcome: str, counts: dict | None = None, error: str = "") -> None:
    run.outcome, run.error = outcome, error[:4000]
    run.finished_at = None if outcome == TaskRun.Outcome.RETRY else timezone.now()
    if counts is not None:
        run.counts = {**(run.counts or {}), **counts}
    try:
        run.save(update_fields=["outcome", "error", "finished_at", "counts"])
    except TRANSIENT_ERRORS:  # the database itself is what failed: the retry will record
        logger.warning("could not record the outcome of %s", run.task, exc_info=True)


def recorded_task(name: str | None = None, *, progress: bool = False, **options):
    """Declare a Celery task whose runs are recorded in TaskRun (see the module's docstring)."""

    def decorator(func):
        task_name = name or f"{func.__module__}.{func.__name__}"

        def run_task(self, *args, **kwargs):
            run = _start(self, args, kwargs)
            extra = {"progress": Progress(run)} if progress else {}
            try:
                with audit_context.origin("task"):
                    counts = func(*args, **kwargs, **extra) or {}
            except TRANSIENT_ERRORS as exc:
                retrying = self.request.retries < self.max_retries
                _finish(run, TaskRun.Outcome.RETRY if retrying else TaskRun.Outcome.FAILED, error=repr(exc))
                raise
            except Exception as exc:
                _finish(run, TaskRun.Outcome.FAILED, error=repr(exc))
                raise
            if progress:
                counts = {"progress": 100, **counts}
            _finish(run, TaskRun.Outcome.OK, counts=counts)
            return counts

        run_task.__name__ = func.__name__
        run_task.__qualname__ = func.__qualname__
        run_task.__module__ = func.__module__
        run_task.__doc__ = func.__doc__
        return shared_task(name=task_name, **{**DEFAULTS, **options})(run_task)

    return decorator


def task_named(name: str):
    """The registered task called ``name`` ("app.tasks.function"). Work is queued by name so that nothing imports
    a tasks module: tasks.py is the top floor (it calls services; services never import it back). A name not yet
    registered in this process is looked up by importing its module, as the worker's autodiscovery does."""
    try:
        return current_app.tasks[name]
    except KeyError:
        module, _dot, _function = name.rpartition(".")
        import_module(module)
        return current_app.tasks[name]


def enqueue(name: str, **kwargs) -> None:
    """Queue the task ``name`` now; a broker that cannot be reached is logged, never raised to the caller.

    For follow-up work that a daily sweep also catches (reminders, deliveries): a send must never fail the
    act that caused it. In eager mode (no REDIS_URL) the task runs here, and its failure is logged too.
    """
    try:
        task_named(name).apply_async(kwargs=kwargs)
    except Exception:
        logger.exception("could not queue %s(%s)", name, kwargs)


# Set while history is written after the fact (the demo province's past months, replayed through the
# services): the follow-ups its acts would queue (messages, SMS) were due then, not now.
_replaying: ContextVar[bool] = ContextVar("replaying", default=False)


@contextmanager
def replaying_history() -> Iterator[None]:
    """Acts done inside queue no follow-up task (see ``enqueue_on_commit``): for loading past acts only."""
    token = _replaying.set(True)
    try:
        yield
    finally:
        _replaying.reset(token)


def enqueue_on_commit(name: str, **kwargs) -> None:
    """Queue the task ``name`` once the current transaction commits (at once outside one), as an event is
    sent only for what was written; nothing while ``replaying_history``."""
    if _replaying.get():
        return
    transaction.on_commit(lambda: enqueue(name, **kwargs))


def queue_tracked(name: str, *, owner, **kwargs) -> TaskRun:
    """Queue the task ``name``, which a user follows with a progress bar; returns its run (outcome "running",
    progress 0).

    The row exists before the worker starts, so the status endpoint can answer "queued" at once, and only to
    ``owner``. The task is queued when the current transaction commits.
    """
    task_id = uuid.uuid4().hex
    run = TaskRun.objects.create(task=name, task_id=task_id,
                                 args={"kwargs": {k: _plain(v) for k, v in kwargs.items()}, "owner": owner.pk},
                                 counts={"progress": 0})

    def send():
        try:
            task_named(name).apply_async(kwargs=kwargs, task_id=task_id)
        except Exception as exc:  # broker down, or the eager run failed: the bar shows it
            logger.exception("could not run %s", name)
            TaskRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(
                outcome=TaskRun.Outcome.FAILED, error=repr(exc)[:4000], finished_at=timezone.now())

    transaction.on_commit(send)
    return run
