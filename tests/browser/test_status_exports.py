"""The province official in a real browser: reporting status drilled down to the enterprises that have not
filed, the analysis page's chart, and the summary spreadsheet downloaded through the progress bar."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from openpyxl import load_workbook
from playwright.sync_api import expect

from monitoring import analysis
from monitoring.exports import services as export_services
from monitoring.indicators import INDICATORS
from monitoring.models import ExportJob, Filing
from tests.browser.helpers import sign_in
from tests.monitoring.test_exports import FIRST, HEAD, seed_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"




def indicator_totals_in(path, sheet: str = "分地区指标") -> dict:
    ws = load_workbook(path)[sheet]
    heads = {cell.value: i for i, cell in enumerate(next(ws.iter_rows(min_row=HEAD, max_row=HEAD)))}
    total = next(row for row in ws.iter_rows(min_row=FIRST, values_only=True) if "合计" in (row[1], row[2]))
    return {i.code: Decimal(repr(total[heads[f"{i.label}({i.unit})"]])).quantize(i.quantum) for i in INDICATORS}


def test_province_drills_down_reads_the_analysis_and_downloads_the_summary(world, live_server, page, tmp_path):
    period = seed_month(world)
    user = world.users["province"]
    sign_in(page, live_server, user.username)

    # Status: province → city → county → the enterprises that have not filed.
    page.goto(f"{live_server.url}/monitoring/status/")
    expect(page.get_by_role("heading", name=f"报送情况 · 江苏省 · {period}")).to_be_visible()
    page.get_by_test_id("status-table").get_by_role("link", name="南通市").click()
    expect(page.get_by_role("heading", name=f"报送情况 · 南通市 · {period}")).to_be_visible()
    page.get_by_test_id("status-table").get_by_role("link", name="如皋市").click()
    not_filed = page.get_by_test_id("not-filed")
    expect(not_filed).to_contain_text("如皋乙企业")  # the world's enterprise that never filed
    expect(not_filed).not_to_contain_text("海安甲企业")
    expect(not_filed).not_to_contain_text("江宁丙企业")

    # Analysis: the trend chart is drawn by Chart.js (served from static/vendor/chartjs).
    page.goto(f"{live_server.url}/monitoring/analysis/?period={period.year}-{period.month:02d}")
    canvas = page.locator("canvas").first
    expect(canvas).to_be_visible()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.querySelector('canvas'))")
    assert page.evaluate("() => Chart.getChart(document.querySelector('canvas')).data.datasets.length") > 0

    # The summary workbook, through the export page and its progress bar.
    page.goto(f"{live_server.url}/monitoring/exports/")
    expect(page.get_by_role("heading", name="导出汇总表", exact=True)).to_be_visible()
    page.get_by_label("报告期").select_option(f"{period.year}-{period.month:02d}")
    page.get_by_label("地区").select_option("32")
    page.get_by_role("button", name="生成汇总表").click()
    expect(page.get_by_test_id("export-progress")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_test_id("export-status")).to_have_text("已完成")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx") and "江苏省" in download.suggested_filename
    path = tmp_path / "summary.xlsx"
    download.save_as(path)

    counted = Filing.objects.filter(period=period, status__in=analysis.COUNTED)
    expected = counted.aggregate(**{i.code: Sum(i.code) for i in INDICATORS})
    for sheet in ("分地区指标", "分行业指标", "分规模指标", "企业明细"):
        got = indicator_totals_in(path, sheet)
        for ind in INDICATORS:
            assert got[ind.code] == Decimal(expected[ind.code] or 0).quantize(ind.quantum), (sheet, ind.label)
    page.screenshot(path="/tmp/status-exports.png", full_page=True)


def test_the_progress_bar_follows_a_job_running_in_the_background(world, live_server, page):
    """With a real worker the job is still running when the page opens: the bar polls until the link appears."""
    period = seed_month(world, per_county=2)
    user = world.users["province"]
    job = ExportJob.objects.create(owner=user, kind=export_services.SUMMARY, params={
        "year": period.year, "month": period.month, "region": "32", "region_name": "江苏省"})
    sign_in(page, live_server, user.username)
    page.goto(f"{live_server.url}/monitoring/exports/{job.pk}/")
    expect(page.get_by_test_id("export-status")).to_have_text("排队中")
    expect(page.get_by_test_id("export-download")).to_be_hidden()
    export_services.build_summary_export(job_id=job.pk)  # the worker finishes it
    expect(page.get_by_test_id("export-download")).to_be_visible(timeout=15_000)
    expect(page.get_by_test_id("export-progress")).to_have_attribute("aria-valuenow", "100")
    expect(page.get_by_test_id("export-status")).to_have_text("已完成")
