"""The monitoring app's stored files, registered with the portal's scoped download (portal.core.files):
who may download each, and the name the browser saves it under."""

from typing import Any

from monitoring.exports import services as exports
from monitoring.models import AnalysisReport, ExportJob
from portal.core.registry import register_stored_file


def finished_exports(user: Any) -> Any:
    """An export job's owner, once the workbook is written."""
    return ExportJob.objects.visible_to(user).filter(status=ExportJob.Status.DONE)


def report_name(report: AnalysisReport) -> str:
    """The uploader's own file name (kept in the database only), else the report's title."""
    return report.original_name or report.title


def register() -> None:
    register_stored_file(ExportJob, rows=finished_exports, filename=exports.download_name)
    register_stored_file(AnalysisReport, filename=report_name, content_type=lambda report: report.content_type)
