"""The summary workbook: totals equal the database's, text is never a formula, every read is scoped, and the
pages around the background job (form, progress, status JSON, download) answer only the job's owner."""

import io
import random
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from monitoring import analysis
from monitoring.exports import services as export_services
from monitoring.exports import workbook as exports
from monitoring.indicators import INDICATORS, SURVEY
from monitoring.models import ExportJob, Filing, FilingProduct, FilingStatus
from portal.audit.models import AuditEntry
from portal.core.files import file_url
from portal.enterprises.models import Industry
from tests import factories as f

from .helpers import open_period, past_period

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

CODES = [i.code for i in INDICATORS]
HEAD = exports.HEADER_ROW + 1  # the header row, 1-based (the table's title and unit line above it)
FIRST = HEAD + 1  # the first data row
FORMULA_NAMES = ['=HYPERLINK("http://example.com","点我")', "+86企业有限公司", "-1+2企业", "@SUM(A1)企业",
                 "\t制表符企业", "\r回车企业"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# -- data ----------------------------------------------------------------------------------------------
def make_filing(enterprise, period, status=FilingStatus.SUBMITTED, rng=None, products=(), **values):
    """A filing row with its denormalised region/size/industry, values random to one decimal place."""
    rng = rng or random.Random(enterprise.pk * 100 + period.month)
    industrial = enterprise.industry.is_industrial
    data = {}
    for ind in INDICATORS:
        if ind.code == "industrial_output" and not industrial:
            data[ind.code] = None
        elif ind.integer:
            data[ind.code] = rng.randint(5, 900)
        else:
            low = -50_000 if ind.allow_negative else 0
            data[ind.code] = Decimal(rng.randint(low, 9_999_999)) / 10
    data.update(values)
    filing = Filing.objects.create(
        enterprise=enterprise, period=period, county=enterprise.region, city=enterprise.region.parent,
        region_path=enterprise.region_path, size_class=enterprise.size_class, industry_code=enterprise.industry.code,
        status=status, version=0 if status == FilingStatus.DRAFT else 1,
        on_time=None if status == FilingStatus.DRAFT else rng.random() < 0.8,
        **{q.field_name: rng.choice(["up", "same", "down"]) for q in SURVEY}, **data)
    for i, (name, unit) in enumerate(products):
        FilingProduct.objects.create(filing=filing, position=i, name=name, unit=unit,
                                     production=Decimal(rng.randint(1, 99999)) / 100,
                                     sales=Decimal(rng.randint(1, 99999)) / 100,
                                     inventory=Decimal(rng.randint(0, 9999)) / 100)
    return filing


def seed_month(world, *, per_county=6, formula_names=True):
    """A month of filings in every county of the world (and last year's for the same-set growth): submitted,
    approved, returned and draft ones; a few enterprises of a non-industrial industry and formula-looking
    names. Returns the period."""
    period = open_period()
    last_year = past_period(period.year - 1, period.month)
    software = Industry.objects.get(code="65")
    rng = random.Random(2026)
    statuses = [FilingStatus.SUBMITTED, FilingStatus.APPROVED, FilingStatus.APPROVED, FilingStatus.RETURNED,
                FilingStatus.DRAFT, FilingStatus.SUBMITTED]
    names = list(FORMULA_NAMES) if formula_names else []
    for county in (world.haian, world.rugao, world.jiangning):
        for i in range(per_county):
            extra = {"industry": software} if i % 3 == 2 else {}
            name = names.pop(0) if names and county == world.haian else f"{county.name}企业{i}号"
            enterprise = f.EnterpriseFactory(region=county, name=name, **extra)
            status = statuses[i % len(statuses)]
            make_filing(enterprise, period, status, rng=rng,
                        products=[("=SUM(1,2)" if i == 0 else f"产品{i}", "件"), (f"配件{i}", "套")][: 1 + i % 2])
            if i % 2 == 0:
                make_filing(enterprise, last_year, FilingStatus.APPROVED, rng=rng)
    # The world's own enterprises: 海安甲 filed, 如皋乙 not filed, 江宁丙 filed.
    make_filing(world.e_haian, period, FilingStatus.APPROVED, rng=rng, products=[("齿轮", "件")])
    make_filing(world.e_jiangning, period, FilingStatus.SUBMITTED, rng=rng)
    return period


def db_totals(qs) -> dict:
    sums = qs.aggregate(**{c: Sum(c) for c in CODES})
    return {c: sums[c] or 0 for c in CODES}


def counted(period, **filters):
    return Filing.objects.filter(period=period, status__in=analysis.COUNTED, **filters)


def workbook(user, period, region):
    buffer = io.BytesIO()
    written = exports.write_summary(buffer, user=user, period=period, region=region, generated_by="测试")
    buffer.seek(0)
    return load_workbook(buffer), written


def unescape(value):
    """OOXML escapes control characters as _xHHHH_ (Excel decodes them; openpyxl leaves inline strings as is)."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value) if isinstance(value, str) else value


def header_index(ws) -> dict:
    return {cell.value: i for i, cell in enumerate(next(ws.iter_rows(min_row=HEAD, max_row=HEAD)))}


def indicator_headers():
    return {i.code: f"{i.label}({i.unit})" for i in INDICATORS}


def as_decimal(value, indicator) -> Decimal:
    if value is None:
        return Decimal(0)
    return Decimal(repr(value)).quantize(indicator.quantum)


def rows_where(ws, column: str, value) -> list[tuple]:
    col = header_index(ws)[column]
    return [row for row in ws.iter_rows(min_row=FIRST, values_only=True) if row[col] == value]


def assert_row_equals(ws, row: tuple, expected: dict, where: str) -> None:
    heads = header_index(ws)
    for ind in INDICATORS:
        got = as_decimal(row[heads[indicator_headers()[ind.code]]], ind)
        want = Decimal(expected[ind.code]).quantize(ind.quantum)
        assert got == want, f"{where}: {ind.label} {got} != {want}"


# -- the workbook ---------------------------------------------------------------------------------------
def test_totals_in_every_sheet_equal_the_database(world):
    period = seed_month(world)
    wb, written = workbook(world.users["province"], period, world.province)
    everything = db_totals(counted(period))
    assert any(v for v in everything.values())

    regions = wb["分地区指标"]
    assert_row_equals(regions, rows_where(regions, "类别", "合计")[0], everything, "分地区指标 合计")
    for city in (world.nantong, world.nanjing):
        row = next(r for r in rows_where(regions, "类别", "小计") if r[0] == city.code)
        assert_row_equals(regions, row, db_totals(counted(period, city=city)), f"分地区指标 {city.name}")
    for county in (world.haian, world.rugao, world.jiangning):
        row = next(r for r in rows_where(regions, "类别", "县(市、区)") if r[0] == county.code)
        assert_row_equals(regions, row, db_totals(counted(period, county=county)), f"分地区指标 {county.name}")
        assert row[header_index(regions)["报表数"]] == counted(period, county=county).count()
    # Tree order: the total, then each city followed by its counties.
    assert [r[0] for r in regions.iter_rows(min_row=FIRST, values_only=True)] == [
        "320000", "320100", "320115", "320600", "320682", "320685"]

    for sheet, key in (("分行业指标", "industry_code"), ("分规模指标", "size_class")):
        ws = wb[sheet]
        assert_row_equals(ws, rows_where(ws, ws.cell(HEAD, 2).value, "合计")[0], everything, f"{sheet} 合计")
        for row in ws.iter_rows(min_row=FIRST, values_only=True):
            if row[1] != "合计":
                code = row[0] if key == "industry_code" else {"中型": "medium", "小型": "small", "微型": "micro",
                                                              "大型": "large"}[row[1]]
                assert_row_equals(ws, row, db_totals(counted(period, **{key: code})), f"{sheet} {row[1]}")

    detail = wb["企业明细"]
    rows = list(detail.iter_rows(min_row=FIRST, values_only=True))
    assert len(rows) - 1 == counted(period).count() == written.filings
    assert rows[-1][1] == "合计"
    assert_row_equals(detail, rows[-1], everything, "企业明细 合计")
    heads = header_index(detail)
    for ind in INDICATORS:  # the rows themselves add up to the database's total too
        column = heads[indicator_headers()[ind.code]]
        assert sum(as_decimal(r[column], ind) for r in rows[:-1]) == Decimal(everything[ind.code]).quantize(ind.quantum)

    products = list(wb["主要产品"].iter_rows(min_row=FIRST, values_only=True))
    assert len(products) == FilingProduct.objects.filter(filing__in=counted(period)).count() == written.products
    production = FilingProduct.objects.filter(filing__in=counted(period)).aggregate(s=Sum("production"))["s"]
    assert sum(Decimal(repr(r[5])) for r in products).quantize(Decimal("0.01")) == production

    cover = {r[0]: r[1] for r in wb["封面"].iter_rows(values_only=True) if r[0]}
    assert cover["纳入汇总的报表数"] == str(counted(period).count())
    assert cover["纳入汇总的报表状态"] == "已报送待审核、审核通过"
    assert "已退回" in cover["未纳入汇总的报表"] and cover["报告期"] == str(period)
    assert cover["生成人"] == "测试"

    status = wb["报送情况"]
    total = rows_where(status, "地区", "合计")[0]
    heads = header_index(status)
    assert total[heads["已报"]] == Filing.objects.filter(period=period).exclude(status=FilingStatus.DRAFT).count()
    assert total[heads["退回"]] == Filing.objects.filter(period=period, status=FilingStatus.RETURNED).count()

    diffusion = wb["景气扩散指数"]
    assert [r[0] for r in diffusion.iter_rows(min_row=FIRST, max_row=FIRST + 1, values_only=True)] == ["南京市", "南通市"]
    _rows, own = analysis.diffusion_by_region(user=world.users["province"], period=period, region=world.province)
    last = rows_where(diffusion, "地区", "江苏省合计")[0]
    assert last[1] == own["n"] and Decimal(repr(last[-1])) == own["composite"]


def test_header_frozen_autofilter_and_number_formats(world):
    period = seed_month(world, per_county=2)
    wb, _written = workbook(world.users["province"], period, world.province)
    for name in ("报送情况", "分地区指标", "分行业指标", "分规模指标", "企业明细", "主要产品", "景气扩散指数"):
        ws = wb[name]
        assert ws.freeze_panes.endswith(str(FIRST)), name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{HEAD}:"), name
    detail = wb["企业明细"]
    heads = header_index(detail)
    row = FIRST
    assert detail.cell(row, heads["营业收入(千元)"] + 1).number_format == "#,##0.0"
    assert detail.cell(row, heads["从业人员期末人数(人)"] + 1).number_format == "#,##0"
    assert detail.cell(row, 1).number_format == "@"
    assert "营业收入同比(%)" in header_index(wb["分地区指标"])


def test_formula_looking_text_is_written_as_text(world):
    period = seed_month(world)
    buffer = io.BytesIO()
    exports.write_summary(buffer, user=world.users["province"], period=period, region=world.province)
    raw = buffer.getvalue()
    buffer.seek(0)
    wb = load_workbook(buffer)  # not data_only: a formula would come back as data_type "f"
    detail = wb["企业明细"]
    found = {}
    for row in detail.iter_rows(min_row=FIRST):
        found[unescape(row[1].value)] = row[1]
    counted_names = set(counted(period).values_list("enterprise__name", flat=True))
    for name in FORMULA_NAMES:
        if name not in counted_names:
            continue
        cell = found[name]
        assert cell.data_type == "s", (name, cell.data_type)
        assert unescape(cell.value) == name
    assert found['=HYPERLINK("http://example.com","点我")'].data_type == "s"
    product = next(r[3] for r in wb["主要产品"].iter_rows(min_row=FIRST) if r[3].value == "=SUM(1,2)")
    assert product.data_type == "s"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    assert b"<f>" not in raw and b"<f " not in raw


def test_a_city_export_covers_only_its_subtree(world):
    period = seed_month(world)
    city = world.users["city"]
    wb, written = workbook(city, period, world.nantong)
    assert written.filings == counted(period, city=world.nantong).count()
    text = "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "江宁" not in text and "南京" not in text
    regions = wb["分地区指标"]
    assert_row_equals(regions, rows_where(regions, "类别", "合计")[0], db_totals(counted(period, city=world.nantong)),
                      "南通市 合计")
    with pytest.raises(PermissionDenied):
        export_services.request_summary_export(actor=city, period=period, region=world.nanjing)
    with pytest.raises(PermissionDenied):
        export_services.request_summary_export(actor=world.users["county"], period=period, region=world.rugao)
    with pytest.raises(PermissionDenied):
        export_services.request_summary_export(actor=world.users["enterprise"], period=period, region=world.haian)


def test_a_county_export_shows_its_own_status_row(world):
    period = seed_month(world)
    wb, written = workbook(world.users["county"], period, world.haian)
    status = list(wb["报送情况"].iter_rows(min_row=FIRST, values_only=True))
    assert status[0][1] == "海安市"
    assert status[0][3] == Filing.objects.filter(period=period, county=world.haian).exclude(
        status=FilingStatus.DRAFT).count()
    regions = wb["分地区指标"]
    assert_row_equals(regions, rows_where(regions, "类别", "合计")[0], db_totals(counted(period, county=world.haian)),
                      "海安市")
    assert written.filings == counted(period, county=world.haian).count()


def test_the_workbook_takes_a_fixed_number_of_queries(world):
    period = seed_month(world, per_county=2)
    with CaptureQueriesContext(connection) as small:
        exports.write_summary(io.BytesIO(), user=world.users["province"], period=period, region=world.province)
    for i in range(30):
        e = f.EnterpriseFactory(region=world.rugao, name=f"追加企业{i}")
        make_filing(e, period, FilingStatus.APPROVED, products=[("追加产品", "件")])
    with CaptureQueriesContext(connection) as large:
        written = exports.write_summary(io.BytesIO(), user=world.users["province"], period=period,
                                        region=world.province)
    assert written.filings == counted(period).count()
    assert len(large) == len(small) <= 30, (len(small), len(large))


# -- the job and its pages ------------------------------------------------------------------------------
def post_export(client, period, region, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("monitoring:exports"), {"period": f"{period.year}-{period.month}",
                                                           "region": region.code})


def test_export_page_runs_the_job_and_offers_the_download(world, login, django_capture_on_commit_callbacks):
    period = seed_month(world, per_county=2)
    client = login(world.users["province"])
    page = client.get(reverse("monitoring:exports"))
    assert page.status_code == 200 and "导出汇总表" in page.content.decode()
    response = post_export(client, period, world.province, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("monitoring:export_job", args=[job.pk])
    assert job.status == ExportJob.Status.DONE and job.progress == 100 and job.rows == counted(period).count()
    assert re.fullmatch(r"exports/\d{4}/\d{2}/[0-9a-f]{32}\.xlsx", job.file.name)
    # Eager Celery: the page shows the link straight away.
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="export-download"' in page and "hidden" not in page.split('data-job-ready')[1][:20]
    status = client.get(reverse("monitoring:export_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["download_url"] == file_url(job) == f"/files/monitoring.exportjob/{job.pk}/"
    download = client.get(status["download_url"])
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert wb.sheetnames[0] == "封面"

    assert AuditEntry.objects.filter(model="monitoring.ExportJob", object_id=str(job.pk)).exists()


def test_only_the_owner_sees_the_job(world, login, django_capture_on_commit_callbacks):
    period = seed_month(world, per_county=1)
    post_export(login(world.users["city"]), period, world.nantong, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    for role in ("province", "other_city", "county", "enterprise", "no_role"):
        client = login(world.users[role])
        for name in ("export_job", "export_status"):
            assert client.get(reverse(f"monitoring:{name}", args=[job.pk])).status_code == 404, (role, name)
        assert client.get(file_url(job)).status_code == 404, role
    missing = login(world.users["city"]).get(reverse("monitoring:export_status", args=[job.pk + 100]))
    assert missing.status_code == 404
    assert login(world.users["city"]).get(file_url(job)).status_code == 200


def test_officials_only_and_regions_in_scope_only(world, login, django_capture_on_commit_callbacks):
    period = seed_month(world, per_county=1)
    assert login(world.users["enterprise"]).get(reverse("monitoring:exports")).status_code == 403
    client = login(world.users["county"])
    page = client.get(reverse("monitoring:exports")).content.decode()
    assert "如皋市" not in page and "海安市" in page
    response = post_export(client, period, world.rugao, django_capture_on_commit_callbacks)
    assert response.status_code == 200 and not ExportJob.objects.exists()  # not a choice: the form says no


def test_a_failed_job_says_so(world, login, django_capture_on_commit_callbacks, monkeypatch):
    period = seed_month(world, per_county=1)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write_summary", broken)
    client = login(world.users["province"])
    post_export(client, period, world.province, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.FAILED and "disk full" in job.error
    status = client.get(reverse("monitoring:export_status", args=[job.pk])).json()
    assert status["status"] == "failed" and "生成失败" in status["message"] and status["download_url"] is None
    assert client.get(file_url(job)).status_code == 404


def test_the_task_is_idempotent_and_polls_are_cheap(world, login, django_capture_on_commit_callbacks,
                                                     django_assert_max_num_queries):
    period = seed_month(world, per_county=1)
    client = login(world.users["province"])
    post_export(client, period, world.province, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    name = job.file.name
    export_services.build_summary_export(job_id=job.pk)  # delivered twice: nothing rebuilt
    job.refresh_from_db()
    assert job.file.name == name
    for url in (reverse("monitoring:export_status", args=[job.pk]), reverse("monitoring:export_job", args=[job.pk])):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("monitoring:exports")).status_code == 200


def test_pending_job_shows_the_progress_bar(world, login):
    job = ExportJob.objects.create(owner=world.users["province"], kind="summary",
                                   params={"year": 2026, "month": 1, "region": "32", "region_name": "江苏省"},
                                   progress=40, status=ExportJob.Status.RUNNING)
    page = login(world.users["province"]).get(reverse("monitoring:export_job", args=[job.pk])).content.decode()
    assert 'aria-valuenow="40"' in page and "job-progress.js" in page
    assert "data-job-ready hidden" in page


def test_a_month_without_filings_still_makes_a_workbook(world):
    period = open_period(3)
    wb, written = workbook(world.users["province"], period, world.province)
    assert written.filings == 0 and written.products == 0
    detail = list(wb["企业明细"].iter_rows(min_row=FIRST, values_only=True))
    assert len(detail) == 1 and detail[0][1] == "合计" and detail[0][8] == 0
    status = rows_where(wb["报送情况"], "地区", "合计")[0]
    assert status[3] == 0  # submitted


def test_a_job_left_running_by_a_dead_worker_is_built_again(world):
    period = seed_month(world, per_county=1)
    job = ExportJob.objects.create(owner=world.users["province"], kind=export_services.SUMMARY, progress=37,
                                   status=ExportJob.Status.RUNNING, params={
                                       "year": period.year, "month": period.month, "region": "32"})
    export_services.build_summary_export(job_id=job.pk)  # the redelivered task (acks_late)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE and job.progress == 100 and job.file
    assert export_services.build_summary_export(job_id=job.pk + 1000) is None  # a job gone: nothing to do
