"""Writes of the export jobs: queue a summary workbook, build it in the background, record the outcome.

``request_summary_export`` creates the ExportJob and queues the Celery task once the transaction commits
(eagerly, inside the request, when there is no Redis); ``build_summary_export`` is what the task runs:
it writes the workbook to a temporary file with the owner's own scope, stores it under MEDIA_ROOT with a
generated name and marks the job done (or failed), updating its progress 0–100 on the way.
"""
import logging
import tempfile
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring.exports import workbook as exports
from monitoring.models import ExportJob, Period
from portal.accounts.scoping import scope_for
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core.periods import month_code
from portal.notifications.tasking import enqueue_on_commit
from portal.regions.models import Region

logger = logging.getLogger(__name__)

SUMMARY = "summary"
FAILED_MESSAGE = gettext_lazy("生成失败,请稍后重试;如仍失败请联系系统管理员。")


def request_summary_export(*, actor: Any, period: Period, region: Region) -> ExportJob:
    """Queue the summary workbook of ``period`` and ``region`` for ``actor`` (an official whose subtree holds
    ``region``). Returns the job; with an eager Celery it is already finished."""
    if not scope_for(actor).region_in_scope(region):
        raise PermissionDenied
    with transaction.atomic():
        job = ExportJob.objects.create(owner=actor, kind=SUMMARY, params={
            "year": period.year, "month": period.month, "region": region.code, "region_name": region.name,
            # the workbook's fixed labels follow the language of the page it was asked from
            "language": translation.get_language() or settings.LANGUAGE_CODE})
        audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=job, region_path=region.path,
                     object_repr=f"{region.name} {period.year}年{period.month}月 汇总表",
                     note=_("生成汇总表:%(region)s %(period)s") % {"region": region.name, "period": period})
        enqueue_on_commit("monitoring.tasks.build_export", job_id=job.pk)
    job.refresh_from_db()
    return job


def build_summary_export(*, job_id: int) -> ExportJob | None:
    """Build the job's workbook. Idempotent: a finished job is left as it is; a job found running (its
    worker died) is built again. Failures are recorded on the job, not raised."""
    job = ExportJob.objects.select_related("owner", "owner__region").filter(pk=job_id).first()
    if job is None or job.status == ExportJob.Status.DONE:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progress=0, error="")
    last = [0]

    def progress(percent: int) -> None:
        percent = max(0, min(int(percent), 99))
        if percent > last[0]:
            last[0] = percent
            ExportJob.objects.filter(pk=job.pk).update(progress=percent)

    try:
        owner = job.owner
        params = job.params
        period = Period.objects.visible_to(owner).filter(year=params["year"], month=params["month"]).first()
        region = Region.objects.visible_to(owner).filter(code=params["region"]).first()
        if period is None or region is None or not scope_for(owner).region_in_scope(region):
            raise PermissionDenied("the owner may no longer see this region")
        language = params.get("language") or settings.LANGUAGE_CODE
        with tempfile.TemporaryDirectory(prefix="export-") as tmp, translation.override(language):
            path = Path(tmp) / "summary.xlsx"
            written = exports.write_summary(str(path), user=owner, period=period, region=region,
                                            generated_by=f"{owner}({owner.get_username()})", progress=progress)
            with path.open("rb") as fh:
                job.file.save(f"{uuid.uuid4().hex}.xlsx", File(fh), save=False)
        job.status, job.progress, job.rows = ExportJob.Status.DONE, 100, written.filings
        job.finished_at, job.error = timezone.now(), ""
        job.save(update_fields=["status", "progress", "rows", "file", "finished_at", "error"])
    except Exception as exc:
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=repr(exc)[:2000],
                                                   finished_at=timezone.now())
        job.refresh_from_db()
    return job


def download_name(job: ExportJob) -> str:
    """The file name offered to the browser (the stored name is generated)."""
    params = job.params or {}
    region = params.get("region_name") or params.get("region", "")
    month = month_code(params["year"], params["month"]) if params.get("year") and params.get("month") else ""
    return f"中小企业运行监测汇总表-{region}-{month}.xlsx"
