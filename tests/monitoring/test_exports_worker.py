"""The summary workbook built by a real Celery worker (not eager): the job's status and progress, read through
the status endpoint the progress bar polls, go from queued to done, and the file is the same workbook.

Needs Redis and a test database another process can open (PostgreSQL), like test_celery_worker.py whose
fixtures it uses: ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal`` (CI does).
"""

import io
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from monitoring import analysis
from monitoring.exports import services as export_services
from monitoring.indicators import INDICATORS
from monitoring.models import ExportJob, Filing
from portal.core.files import file_url
from tests.monitoring.test_celery_worker import celery_env, wait_until  # noqa: F401 - fixture
from tests.monitoring.test_exports import FIRST, HEAD, seed_month

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_worker_builds_the_workbook_while_the_status_endpoint_follows(world, celery_env, login):  # noqa: F811
    client_app, start_worker, _gateway = celery_env
    period = seed_month(world)
    owner = world.users["province"]
    job = ExportJob.objects.create(owner=owner, kind=export_services.SUMMARY, params={
        "year": period.year, "month": period.month, "region": "32", "region_name": "江苏省"})
    browser = login(owner)
    status_url = reverse("monitoring:export_status", args=[job.pk])
    assert browser.get(status_url).json()["status"] == "pending"

    start_worker()
    client_app.send_task("monitoring.tasks.build_export", args=[job.pk])
    seen = []

    def done():
        status = browser.get(status_url).json()
        seen.append((status["status"], status["progress"]))
        return status["status"] in ("done", "failed")

    wait_until(done, "the worker to build the export")
    assert seen[-1] == ("done", 100), seen
    assert [p for _s, p in seen] == sorted(p for _s, p in seen)  # progress never goes back
    job.refresh_from_db()
    assert job.rows == Filing.objects.filter(period=period, status__in=analysis.COUNTED).count()

    download = browser.get(file_url(job))
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    ws = wb["分地区指标"]
    heads = {c.value: i for i, c in enumerate(next(ws.iter_rows(min_row=HEAD, max_row=HEAD)))}
    total = next(r for r in ws.iter_rows(min_row=FIRST, values_only=True) if r[2] == "合计")
    expected = Filing.objects.filter(period=period, status__in=analysis.COUNTED).aggregate(
        **{i.code: Sum(i.code) for i in INDICATORS})
    for ind in INDICATORS:
        got = Decimal(repr(total[heads[f"{ind.label}({ind.unit})"]])).quantize(ind.quantum)
        assert got == Decimal(expected[ind.code] or 0).quantize(ind.quantum), ind.label
