"""The workbooks print: every table sheet of the summary workbook, the status .xlsx and a bulletin is set up for
A4 landscape, one page wide, header row and label columns repeated, page numbers in the footer, a title and
unit line above the table; the cover fits one page. Regions carry 6-digit GB/T 2260 codes, sizes their
statistical code, product quantities two decimals; the bulletin's 合计 line has the region's own quota; a
county's diffusion sheet names the county. And the import template offers the form's words in drop-downs."""

import io
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from monitoring import imports
from monitoring.bulletins import services as reporting
from monitoring.indicators import SURVEY, Judgement, Trend
from monitoring.models import ExportJob, Filing, FilingProduct, FilingStatus
from portal.bulletins import services as bulletins
from portal.core import registry
from portal.core.files import file_url
from portal.enterprises.models import SIZE_CODES, SizeClass
from portal.regions.models import Region, RegionLevel
from tests import factories as f
from tests.clock import FROZEN_AT

from .helpers import open_period
from .test_exports import FIRST, HEAD, header_index, make_filing, post_export, rows_where, seed_month
from .test_import import GOOD, filled_template

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

FOOTER = "第 &P 页 共 &N 页"
TABLE_SHEETS = {"报送情况": 2, "分地区指标": 3, "分行业指标": 2, "分规模指标": 2, "企业明细": 2, "主要产品": 2,
                "景气扩散指数": 1}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def download_summary(client, period, region, capture):
    response = post_export(client, period, region, capture)
    assert response.status_code == 302
    job = ExportJob.objects.latest("pk")
    assert job.status == ExportJob.Status.DONE, job.error
    download = client.get(file_url(job))
    assert download.status_code == 200
    return load_workbook(io.BytesIO(b"".join(download.streaming_content)))


def fit(setup) -> tuple[int, int]:
    """Pages wide and long to fit to (OOXML leaves out a 1, its default)."""
    return tuple(1 if v is None else int(v) for v in (setup.fitToWidth, setup.fitToHeight))


def assert_prints(ws, *, header_row: int, label_columns: int) -> None:
    """A4 landscape, one page wide and as long as it takes, header row and label columns repeated, page numbers."""
    setup = ws.page_setup
    assert setup.orientation == "landscape", ws.title
    assert int(setup.paperSize) == 9, ws.title
    assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert fit(setup) == (1, 0), ws.title
    assert ws.print_title_rows == f"${header_row}:${header_row}", ws.title
    assert ws.print_title_cols == f"$A:${get_column_letter(label_columns)}", ws.title
    assert ws.oddFooter.center.text == FOOTER, ws.title


def assert_titled(ws, *, title: str, unit: str) -> None:
    """The table's title and its unit line above the header row."""
    assert title in ws.cell(1, 1).value, (ws.title, ws.cell(1, 1).value)
    assert unit in ws.cell(2, 1).value, (ws.title, ws.cell(2, 1).value)


def test_every_sheet_of_the_summary_workbook_prints(world, login, django_capture_on_commit_callbacks):
    period = seed_month(world, per_county=3, formula_names=False)
    zone = Region.objects.create(code="3206K1", name="南通开发区", level=RegionLevel.COUNTY, parent=world.nantong,
                                 official_code=False)
    make_filing(f.EnterpriseFactory(region=zone, name="开发区企业"), period, FilingStatus.APPROVED,
                products=[("轴承", "套")])
    wb = download_summary(login(world.users["province"]), period, world.province, django_capture_on_commit_callbacks)

    cover = wb["封面"]
    assert cover.page_setup.orientation == "portrait" and cover.sheet_properties.pageSetUpPr.fitToPage
    assert fit(cover.page_setup) == (1, 1)
    assert cover.oddFooter.center.text == FOOTER
    assert set(wb.sheetnames) == {"封面", *TABLE_SHEETS}
    for name, label_columns in TABLE_SHEETS.items():
        ws = wb[name]
        assert_prints(ws, header_row=HEAD, label_columns=label_columns)
        assert_titled(ws, title=f"江苏省{period}{name}", unit="单位")
        assert ws.freeze_panes == f"{get_column_letter(label_columns + 1)}{FIRST}", name
        assert ws.row_dimensions[1].height > 15 and ws.row_dimensions[HEAD].height > 30, name  # title, header

    # 6-digit GB/T 2260 codes: the province 320000, cities and counties as they are, the zone its local code.
    info = {r[0]: r[1] for r in cover.iter_rows(values_only=True) if r[0]}
    assert info["地区"] == "江苏省(320000)"
    regions = wb["分地区指标"]
    codes = [r[0] for r in regions.iter_rows(min_row=FIRST, values_only=True) if r[0]]
    assert codes[0] == "320000" and "3206K1" in codes
    assert all(len(c) == 6 for c in codes), codes
    assert {c for c in codes if c != "3206K1"} == {"320000", *(r.code for r in Region.objects.exclude(pk=zone.pk)
                                                               .exclude(level=RegionLevel.PROVINCE))}
    status = wb["报送情况"]
    assert rows_where(status, "地区", "合计")[0][0] == "320000"
    assert {r[0] for r in status.iter_rows(min_row=FIRST, values_only=True)} == {"320000", "320100", "320600"}

    # 规模代码: the statistical size code, matching the size named beside it.
    sizes = wb["分规模指标"]
    by_label = {str(label): SIZE_CODES.get(value, "—") for value, label in SizeClass.choices}
    lines = [r for r in sizes.iter_rows(min_row=FIRST, values_only=True) if r[1] != "合计"]
    assert lines and all(r[0] == by_label[r[1]] for r in lines), lines
    assert not {r[0] for r in lines} & set(SizeClass.values)

    # Product quantities: two decimals in the cell's format and in its value.
    products = wb["主要产品"]
    heads = header_index(products)
    stored = {(p.filing.enterprise.credit_code, p.name): p for p in FilingProduct.objects.filter(
        filing__status__in=(FilingStatus.SUBMITTED, FilingStatus.APPROVED)).select_related("filing__enterprise")}
    rows = list(products.iter_rows(min_row=FIRST))
    assert len(rows) == len(stored)
    assert any(p.production != p.production.quantize(Decimal("0.1")) for p in stored.values())
    for row in rows:
        product = stored[(row[0].value, row[heads["产品名称"]].value)]
        for label, name in (("产量", "production"), ("销量", "sales"), ("期末库存", "inventory")):
            cell = row[heads[label]]
            assert cell.number_format == "#,##0.00", label
            assert Decimal(repr(cell.value)).quantize(Decimal("0.01")) == getattr(product, name)


def test_a_county_workbook_names_the_county_and_prints(world, login, django_capture_on_commit_callbacks):
    period = seed_month(world, per_county=2, formula_names=False)
    wb = download_summary(login(world.users["county"]), period, world.haian, django_capture_on_commit_callbacks)
    diffusion = wb["景气扩散指数"]
    rows = [r for r in diffusion.iter_rows(min_row=FIRST, values_only=True) if r[0]]
    # A county has no child rows: its own line, named after it, is the sheet's one row.
    assert rows[0][0] == "海安市合计" and rows[0][1] == Filing.objects.filter(
        county=world.haian, period=period, status__in=(FilingStatus.SUBMITTED, FilingStatus.APPROVED)).count()
    assert str(world.haian.pk) not in {str(r[0]) for r in rows}
    for name, label_columns in TABLE_SHEETS.items():
        assert_prints(wb[name], header_row=HEAD, label_columns=label_columns)
    assert rows_where(wb["分地区指标"], "类别", "合计")[0][0] == "320685"


def test_the_status_xlsx_prints_with_six_digit_codes(world, login):
    period = open_period()
    client = login(world.users["province"])
    response = client.get(reverse("monitoring:status_xlsx"), {"period": f"{period.year}-{period.month}"})
    ws = load_workbook(io.BytesIO(response.content))["报送情况"]
    assert_prints(ws, header_row=HEAD, label_columns=2)
    assert_titled(ws, title=f"江苏省{period}报送情况", unit="单位")
    assert rows_where(ws, "地区", "合计")[0][0] == "320000"
    county = login(world.users["county"]).get(reverse("monitoring:status_xlsx"),
                                              {"period": f"{period.year}-{period.month}", "region": "320685"})
    book = load_workbook(io.BytesIO(county.content))
    assert_prints(book["未报送企业"], header_row=HEAD, label_columns=1)
    assert [r[0] for r in book["未报送企业"].iter_rows(min_row=FIRST, values_only=True)] == ["海安甲企业"]


def test_the_bulletin_prints_and_its_total_line_has_the_regions_own_quota(world, login):
    year, quarter = reporting.previous_quarter(FROZEN_AT.date())
    f.QuotaFactory(region=world.province, year=year, quota=30)
    f.QuotaFactory(region=world.nantong, year=year, quota=20)
    f.QuotaFactory(region=world.nanjing, year=year, quota=6)  # the children's quotas add up to 26, not 30
    bulletin, _outcome = bulletins.generate_bulletin(kind=registry.bulletin_kind(reporting.KIND), region=world.province,
                                                     period=f"{year}-Q{quarter}", actor=world.users["province"])
    download = login(world.users["province"]).get(file_url(bulletin))
    assert download.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    header_row = 4
    heads = {c.value: i for i, c in enumerate(ws[header_row])}
    assert_prints(ws, header_row=header_row, label_columns=2)
    assert ws.cell(1, 1).value == bulletin.title and "统计月份" in ws.cell(2, 1).value
    lines = {r[heads["地区"]]: r for r in ws.iter_rows(min_row=header_row + 1, values_only=True)
             if r[heads["地区"]]}
    total = lines["合计"]
    assert total[heads["配额"]] == 30
    monitored = total[heads["监测企业数"]]
    assert monitored > 0
    assert total[heads["配额完成率(%)"]] == round(100 * monitored / 30, 1)
    assert (lines["南通市"][heads["配额"]], lines["南京市"][heads["配额"]]) == (20, 6)


def test_the_import_template_offers_the_forms_words(world, login):
    period = open_period()
    client = login(world.users["county"])
    response = client.get(reverse("monitoring:import"), {"period": f"{period.year}-{period.month}", "template": "1"})
    name = f"月度报表导入模板-{period.year}-{period.month:02d}.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    ws = load_workbook(io.BytesIO(response.content))[imports.MAIN_SHEET]
    heads = {c.value: c.column_letter for c in ws[1]}
    assert "总体经营状况(良好/一般/不佳)" in heads and "订单(增加/持平/减少)" in heads
    lists = {str(v.sqref).split(":")[0].rstrip("0123456789"): v.formula1 for v in ws.data_validations.dataValidation
             if v.type == "list"}
    for q in SURVEY:
        labels = [str(label) for label in q.choices.labels]
        column = heads[f"{q.label_zh}({'/'.join(labels)})"]
        assert lists[column] == '"' + ",".join(labels) + '"', q.code
    assert lists[heads["总体经营状况(良好/一般/不佳)"]] == '"良好,一般,不佳"'
    numbers = {str(v.sqref).split(":")[0].rstrip("0123456789"): v.type for v in ws.data_validations.dataValidation
               if v.type in ("decimal", "whole")}
    assert numbers[heads["营业收入(千元)"]] == "decimal" and numbers[heads["从业人员期末人数(人)"]] == "whole"
    assert ws.column_dimensions["A"].width >= 20 and ws.column_dimensions["B"].width >= 28
    assert all(ws.column_dimensions[c].width >= 12 for c in heads.values())


def test_the_import_reads_the_templates_words_and_the_codes(world, login):
    period = open_period()
    second = f.EnterpriseFactory(region=world.haian, name="海安丁企业")
    client = login(world.users["county"])
    words = {q.field_name: str(q.choices.labels[0]) for q in SURVEY}  # 良好, 增加, …
    codes = {q.field_name: "down" for q in SURVEY}
    upload = filled_template(client, period, {world.e_haian.credit_code: {**GOOD, **words},
                                              second.credit_code: {**GOOD, **codes}})
    response = client.post(reverse("monitoring:import") + f"?period={period.year}-{period.month}", {"file": upload})
    assert "导入成功:新增 2 份" in response.content.decode()
    first = Filing.objects.get(enterprise=world.e_haian)
    assert words["q_overall"] == str(Judgement.GOOD.label) and first.q_overall == Judgement.GOOD
    assert all(getattr(first, q.field_name) == "up" for q in SURVEY)
    assert all(getattr(Filing.objects.get(enterprise=second), q.field_name) == "down" for q in SURVEY)


def test_a_template_downloaded_before_still_imports(world, login):
    period = open_period()
    client = login(world.users["county"])
    upload = filled_template(client, period, {world.e_haian.credit_code: {
        **GOOD, **{q.field_name: str(Trend.SAME.label) for q in SURVEY}}})
    wb = load_workbook(io.BytesIO(upload.read()))
    ws = wb[imports.MAIN_SHEET]
    overall = next(c for c in ws[1] if c.value == "总体经营状况(良好/一般/不佳)")
    overall.value = "总体经营状况(增加/持平/减少)"  # the header earlier templates had
    out = io.BytesIO()
    wb.save(out)
    upload.file = io.BytesIO(out.getvalue())
    upload.size = len(out.getvalue())
    response = client.post(reverse("monitoring:import") + f"?period={period.year}-{period.month}", {"file": upload})
    assert "导入成功:新增 1 份" in response.content.decode()
    assert Filing.objects.get(enterprise=world.e_haian).q_overall == "same"
