"""Export jobs, quarterly analysis reports and the portal's download of stored files: for each role of the
`world`, one it may NOT see.

An export job is seen by its owner only (it holds what the owner could see when it was made), so every
role, the province included, gets a job owned by someone else; the download of stored files
(core:stored_file) is walked with that job's workbook. Analysis reports follow the region tree: the province
sees them all (None); an official gets one outside their subtree; everybody else any report. Every kind of
stored file, for every role and anonymous users, is downloaded in tests/portal/test_stored_files.py.
"""

from django.urls import reverse

from monitoring.models import AnalysisReport, ExportJob
from tests.security._objects import Own, memo

JOB_OWNER = {"other_city": "city"}  # whose job each role is shown; everyone else: the other city's


def _job(world, role):
    owner = JOB_OWNER.get(role, "other_city")

    def make():
        # Marked done with a file name, so that a download that forgot the owner check would try to serve it.
        return ExportJob.objects.create(
            owner=world.users[owner], kind="summary", status=ExportJob.Status.DONE, progress=100, rows=1,
            params={"year": 2026, "month": 1, "region": world.users[owner].region.code, "region_name": "外地"},
            file="exports/2026/01/0123456789abcdef0123456789abcdef.xlsx")

    return {"pk": memo(world, ("export_job", owner), make).pk}


def _report_in(world, region):
    return memo(world, ("analysis_report", region.code), lambda: AnalysisReport.objects.create(
        region=region, year=2026, quarter=1, title=f"{region.name}季度分析", file="analysis-reports/2026/x.pdf",
        original_name="x.pdf", content_type="application/pdf", size=100, uploaded_by=world.users["province"]))


def _report(world, role):
    foreign = {
        "province": None,
        "city": world.jiangning,
        "other_city": world.haian,
        "county": world.rugao,
        "other_county": world.haian,
    }
    if role in foreign:
        return None if foreign[role] is None else {"pk": _report_in(world, foreign[role]).pk}
    return {"pk": _report_in(world, world.haian).pk}


FOREIGN = {
    "monitoring:export_job": _job,
    "monitoring:export_status": _job,
    "core:stored_file": lambda world, role: {"label": "monitoring.exportjob", **_job(world, role)},
}


# -- the same routes for the job's owner, and for officials of the report's region ------------------------
def _own_job(marker):
    return lambda world: [Own(role, {"pk": world.jobs[role].pk}, marker(world, role)) for role in ("city", "county")]


OWN = {
    "monitoring:export_job": _own_job(lambda world, role: world.jobs[role].params["region_name"]),
    "monitoring:export_status": _own_job(
        lambda world, role: reverse("core:stored_file", args=["monitoring.exportjob", world.jobs[role].pk])),
    "core:stored_file": lambda world: [
        *[Own(role, {"label": "monitoring.exportjob", "pk": world.jobs[role].pk}, world.jobs[role].params["region_name"])
          for role in ("city", "county")],
        *[Own(role, {"label": "monitoring.analysisreport", "pk": world.reports["rugao"].pk}, world.reports["rugao"].title)
          for role in ("province", "city", "other_county")],
        *[Own(role, {"label": "bulletins.bulletin", "pk": world.bulletins["nantong"].pk}, "南通市2025年第4季度")
          for role in ("province", "city", "county")],
    ],
}
