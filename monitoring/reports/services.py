"""Quarterly analysis reports (各市、县每季度上报监测分析报告不少于1篇, seed 000 §三).

Write: ``upload_report`` — a city or county official uploads a PDF or Word document for their own region
and a quarter. The file is checked by its content, not by its name (portal.core.uploads: the structure of the
type it claims, no macros, no executable riding inside, no zip bomb); it is stored under a generated name (the
user's file name is kept in the database only) and the upload is audited.

Reads: ``quarter_status`` — for a region and a quarter, which child regions have uploaded and which have
not; ``reports_for`` — the reports themselves. Both start from ``visible_to`` and take a fixed number of
queries.
"""
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from monitoring.models import AnalysisReport
from portal.accounts.scoping import Viewer, scope_for, within
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core import uploads
from portal.regions.models import Region, RegionLevel

PDF, DOCX, DOC = uploads.PDF, uploads.DOCX, uploads.DOC
KINDS = (PDF, DOCX, DOC)
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DOC: "application/msword",
}


def can_upload(user: Viewer) -> bool:
    """City and county officials upload their region's reports; the province receives them."""
    return scope_for(user).may_upload_analysis_reports


def must_upload(region: Region) -> bool:
    """Cities and counties owe at least one report a quarter."""
    return region.level in (RegionLevel.CITY, RegionLevel.COUNTY)


def upload_report(*, actor: Any, year: int, quarter: int, title: str, upload: Any) -> AnalysisReport:
    """Store ``upload`` as the quarter's analysis report of the actor's region."""
    if not can_upload(actor):
        raise PermissionDenied
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("季度应为1至4。")})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写报告标题。")})
    if upload is None or not upload.size:
        raise ValidationError({"file": _("请选择要上传的文件。")})
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if extension not in CONTENT_TYPES:
        raise ValidationError({"file": _("仅支持 PDF 或 Word(.docx、.doc)格式的文件。")})
    try:  # size, type by content and extension, structure, macros, executables, zip bombs
        kind = uploads.check(upload, KINDS, extension=extension).kind
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    region = actor.region
    original = os.path.basename((upload.name or "").replace("\\", "/"))[:200]
    report = AnalysisReport(region=region, year=year, quarter=quarter, title=title[:200], original_name=original,
                            content_type=CONTENT_TYPES[kind], size=upload.size, uploaded_by=actor)
    report.file.save(f"{uuid.uuid4().hex}.{kind}", upload, save=False)
    try:
        with transaction.atomic():
            report.save()
            audit.record(actor=actor, action=AuditEntry.Action.CREATE, obj=report, region_path=region.path,
                         object_repr=f"{region.name} {year}年第{quarter}季度 {report.title}"[:200],
                         changes={"file": [None, report.file.name], "original_name": [None, original],
                                  "size": [None, report.size]},
                         note=_("上传季度分析报告"))
    except Exception:
        report.file.delete(save=False)
        raise
    return report


# -------------------------------------------------------------------------------------------------
# Reads
# -------------------------------------------------------------------------------------------------

def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def last_ended_quarter(today: date) -> tuple[int, int]:
    year, quarter = quarter_of(today)
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def recent_quarters(today: date, n: int = 8) -> list[tuple[int, int]]:
    """The current quarter and the ``n - 1`` before it, newest first."""
    year, quarter = quarter_of(today)
    out = []
    for _i in range(n):
        out.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return out


@dataclass
class RegionUploads:
    region: Region
    count: int = 0  # the region's own reports of the quarter
    latest: object = None
    below_total: int = 0  # for a city: its counties
    below_uploaded: int = 0  # ... of which have uploaded

    @property
    def uploaded(self) -> bool:
        return self.count > 0


def quarter_status(*, user: Viewer, region: Region, year: int, quarter: int) -> list[RegionUploads]:
    """For each child region of ``region``: its own uploads of the quarter and, for a city, how many of its
    counties have uploaded. Three queries."""
    if not scope_for(user).region_in_scope(region):
        return []
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("sort_order", "code"))
    if not children:
        return []
    grandchildren = list(Region.objects.visible_to(user).filter(parent__parent=region).values_list("id", "parent_id"))
    counts: dict[int, Mapping[str, Any]] = {row["region_id"]: row for row in within(AnalysisReport.objects.visible_to(user), region)
              .filter(year=year, quarter=quarter)
              .values("region_id").annotate(n=Count("id"), latest=Max("uploaded_at")).order_by("region_id")}
    rows = {c.id: RegionUploads(region=c, count=counts.get(c.id, {}).get("n", 0),
                                latest=counts.get(c.id, {}).get("latest")) for c in children}
    for county_id, city_id in grandchildren:
        row = rows.get(city_id)
        if row is not None:
            row.below_total += 1
            row.below_uploaded += 1 if county_id in counts else 0
    return list(rows.values())


def reports_for(*, user: Viewer, region: Region, year: int, quarter: int) -> Any:
    """The quarter's reports of ``region`` and below, newest first. One query."""
    return (within(AnalysisReport.objects.visible_to(user), region)
            .filter(year=year, quarter=quarter)
            .select_related("region", "uploaded_by").order_by("region__path", "-uploaded_at"))

