"""Imports too large for a request run as a background job that the uploader follows with a progress bar.

The page checks the upload (portal.core.uploads) and, when it has more rows than IMPORT_INLINE_MAX_ROWS,
calls :func:`queue_import`: the file is spooled (a directory web and worker share, never served) and the app's
task is queued by name with ``queue_tracked``, so its TaskRun row exists at once and only the uploader sees it.
The task calls :func:`run_import` with the app's own import function, which is all or nothing as in a request;
the outcome (the counts and the first errors) is stored on the run, and the page shows it like an inline import.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import Viewer
from portal.audit import context as audit_context
from portal.notifications import selectors as notification_selectors
from portal.notifications.models import TaskRun
from portal.notifications.tasking import TRANSIENT_ERRORS, queue_tracked

from . import uploads

# Errors kept on the run for the page (the total is kept too).
MAX_KEPT_ERRORS = 500
FAILED_MESSAGE = _("导入任务意外中止,未保存任何数据。请稍后重试;如仍失败请联系系统管理员。")
STATE_LABELS = {"running": _("正在导入"), "done": _("已完成"), "failed": _("失败")}


def needs_job(checked: uploads.Checked, sheets: tuple[str | int, ...]) -> bool:
    """Does the upload have more data rows (in ``sheets``) than a request imports?"""
    return sum(checked.data_rows(s) for s in sheets) > settings.IMPORT_INLINE_MAX_ROWS


def queue_import(*, task: str, actor: Any, upload: Any, **kwargs: Any) -> TaskRun:
    """Spool ``upload`` and queue ``task`` (by name) for ``actor``, who alone sees its progress and result. The
    task receives ``spooled``, ``user_id`` and ``ip_address`` (the uploader's, for the audit trail) and ``kwargs``."""
    spooled = uploads.spool(upload)
    return queue_tracked(task, owner=actor, spooled=spooled, user_id=actor.pk,
                         ip_address=audit_context.current().ip_address, **kwargs)


def run_import(*, spooled: str, ip_address: str | None, act: Callable[[IO[bytes]], Any]) -> dict:
    """Run ``act`` (the app's import, all or nothing) on the spooled file, audited as channel "import" from the
    uploader's address, and return what the run records. The file is removed afterwards, except after a
    transient error, whose retry reads it again."""
    path = uploads.spooled_path(spooled)
    try:
        with audit_context.origin("import", ip_address), path.open("rb") as fh:
            result = act(fh)
    except TRANSIENT_ERRORS:
        raise
    except BaseException:
        uploads.discard(spooled)
        raise
    uploads.discard(spooled)
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged,
            "errors": [str(e) for e in result.errors[:MAX_KEPT_ERRORS]], "error_count": len(result.errors)}


@dataclass
class ImportResult:
    """An import's outcome: what it created, updated or left unchanged, and every row error (all or nothing:
    with any error nothing is saved). An app with more counts subclasses it."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_count(self) -> int:
        return len(self.errors)


@dataclass
class JobResult:
    """A finished import job's outcome, shaped as the apps' own ImportResult for their pages."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count


@dataclass
class ImportJob:
    task_id: str
    state: str  # running | done | failed
    progress: int
    result: JobResult | None

    @property
    def label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def message(self) -> str:
        return str(FAILED_MESSAGE) if self.state == "failed" else ""

    def as_json(self) -> dict:
        return {"state": self.state, "label": self.label, "progress": self.progress, "message": self.message}


def import_job(*, user: Viewer, task_id: str, task: str) -> ImportJob | None:
    """The import job ``task_id`` of ``task`` queued by ``user``; None for anybody else's (the same 404)."""
    run = notification_selectors.tracked_run(user=user, task_id=task_id)
    if run is None or run.task != task:
        return None
    status = notification_selectors.run_status(run)
    result = None
    if status["state"] == "done":
        counts = status["counts"]
        result = JobResult(created=counts.get("created", 0), updated=counts.get("updated", 0),
                           unchanged=counts.get("unchanged", 0), errors=list(counts.get("errors", [])),
                           error_count=counts.get("error_count", 0))
    return ImportJob(task_id=run.task_id, state=status["state"], progress=status["progress"], result=result)
