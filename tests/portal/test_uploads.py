"""Hostile uploads (issue 11 §1): every upload is checked before anything parses it, through real requests.

Zip bombs (honest and lying sizes), too many parts, sheets that address cells far away, truncated sheets,
macro-bearing Office files, a PDF carrying an executable, and request bodies too large to read: each is refused
quickly, with bounded memory (measured with tracemalloc), a clear message, and nothing written.
"""

import io
import time
import tracemalloc
import zipfile
import zlib

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import FakePayload
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.authtoken.models import Token

from monitoring import imports
from monitoring.models import AnalysisReport, Filing
from portal.audit.models import AuditEntry
from portal.core import uploads
from portal.enterprises.models import Enterprise
from tests import upload_files as files
from tests.monitoring.helpers import open_period

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MB = 1 << 20


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_SPOOL_DIR = tmp_path / "spool"
    return settings.MEDIA_ROOT


def measured(call):
    """(what ``call`` returned, seconds, peak MB of Python allocations while it ran)."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = call()
        return result, time.monotonic() - started, tracemalloc.get_traced_memory()[1] / MB
    finally:
        tracemalloc.stop()


def filing_template(client, period) -> bytes:
    response = client.get(reverse("monitoring:import") + f"?period={period.year}-{period.month:02d}&template=1")
    assert response.status_code == 200
    return response.content


def post_filings(client, period, content: bytes, name="filings.xlsx"):
    return client.post(reverse("monitoring:import") + f"?period={period.year}-{period.month:02d}",
                       {"file": SimpleUploadedFile(name, content, XLSX)})


def registry_template(client) -> bytes:
    return client.get(reverse("enterprises:import_template")).content


def post_registry(client, content: bytes, name="名录.xlsx"):
    return client.post(reverse("enterprises:import"), {"file": SimpleUploadedFile(name, content, XLSX)})


def file_errors(response) -> list[str]:
    return [str(e) for e in response.context["form"].errors.get("file", [])]


# -- decompression bombs ------------------------------------------------------------------------------------

def test_the_issues_bomb_on_the_filing_import_is_refused_quickly_in_bounded_memory(world, login):
    """The period's own template with one 1,000 MB shared string (about 1 MB on the wire): it took 19.8 s and
    1.6 GB. Now the directory check refuses it before one byte is inflated."""
    period = open_period()
    client = login(world.users["county"])
    bomb = files.replace_parts(filing_template(client, period), {
        "xl/sharedStrings.xml": files.shared_strings_bomb(1000)})
    assert len(bomb) < 2 * MB
    audit_before = AuditEntry.objects.count()
    response, seconds, peak = measured(lambda: post_filings(client, period, bomb))
    assert response.status_code == 200
    assert file_errors(response) == [
        "文件解压后过大或压缩比异常(解压后不能超过 240 MB,压缩比不能超过 100 倍),已拒绝。请检查文件是否正确。"]
    assert "文件解压后过大" in response.content.decode()
    assert seconds < 5 and peak < 32, (seconds, peak)
    assert not Filing.objects.exists() and AuditEntry.objects.count() == audit_before


def test_a_high_ratio_bomb_under_the_total_on_the_registry_import_is_refused(world, login):
    """300 KB inflating to 150 MB: under the total, but a compression ratio no workbook has."""
    client = login(world.users["county"])
    bomb = files.replace_parts(registry_template(client), {"xl/sharedStrings.xml": files.shared_strings_bomb(150)})
    assert len(bomb) < 400 * 1024
    response, seconds, peak = measured(lambda: post_registry(client, bomb))
    assert "文件解压后过大或压缩比异常" in file_errors(response)[0]
    assert seconds < 5 and peak < 32, (seconds, peak)
    assert Enterprise.objects.count() == 3  # the world's, none added


def test_a_bomb_whose_directory_lies_about_its_size_is_refused_as_damaged(world, login):
    """The directory claims 1 KB; the data inflates to 50 MB. zipfile stops at the claim and the CRC fails."""
    client = login(world.users["county"])
    data, crc, _size = files.shared_strings_bomb(50)
    liar = files.replace_parts(registry_template(client), {"xl/sharedStrings.xml": (data, crc, 1024)})
    response, seconds, peak = measured(lambda: post_registry(client, liar))
    assert file_errors(response) == ["文件已损坏或不完整,无法读取,请重新保存后上传。"]
    assert seconds < 5 and peak < 32, (seconds, peak)


def test_too_many_parts_are_refused(world, login, settings):
    client = login(world.users["county"])
    template = registry_template(client)
    extra = {f"xl/media/p{i}.bin": (zlib.compress(b"x")[2:-4], zlib.crc32(b"x"), 1)
             for i in range(settings.UPLOAD_ZIP_MAX_ENTRIES)}
    response = post_registry(client, files.replace_parts(template, extra))
    assert "文件结构异常:包含" in file_errors(response)[0]


def sheet_with_cells(cells: dict[str, object]) -> bytes:
    wb = Workbook()
    for ref, value in cells.items():
        wb.active[ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_cell_far_away_is_refused_before_the_reader_allocates_the_rectangle(world, login):
    """Two cells, A1 and XFD1048576: a few KB that a dense reader would turn into 17 billion cells."""
    client = login(world.users["county"])
    response, seconds, peak = measured(lambda: post_registry(client, sheet_with_cells({"A1": "x", "XFD1048576": 1})))
    assert file_errors(response) == [
        "工作表的范围超出上限(不能超过 210000 行、64 列),请删除多余的行列后重新上传。"]
    assert seconds < 5 and peak < 32
    response = post_registry(client, sheet_with_cells({"A1": "x", "A900000": 1}))
    assert "工作表的范围超出上限" in file_errors(response)[0]


def test_cells_without_an_address_are_refused(world, login):
    client = login(world.users["county"])
    with zipfile.ZipFile(io.BytesIO(sheet_with_cells({"A1": "x"}))) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").replace(b'<c r="A1" ', b"<c ")
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    crafted = files.replace_parts(sheet_with_cells({"A1": "x"}), {"xl/worksheets/sheet1.xml": (
        compressor.compress(sheet) + compressor.flush(), zlib.crc32(sheet), len(sheet))})
    assert "有单元格缺少位置信息" in file_errors(post_registry(client, crafted))[0]


# -- truncated sheets (issue 11 §2: a valid zip whose sheet XML is cut short answered 500) --------------------

def test_a_truncated_sheet_on_the_filing_import_answers_a_clear_message(world, login):
    period = open_period()
    client = login(world.users["county"])
    truncated = files.truncated_part(filing_template(client, period), "xl/worksheets/sheet1.xml")
    response = post_filings(client, period, truncated)
    assert response.status_code == 200
    assert "文件已损坏或不完整,无法读取,请重新保存后上传。" in response.content.decode()
    assert not Filing.objects.exists()


def test_a_truncated_sheet_on_the_registry_import_answers_a_clear_message(world, login):
    client = login(world.users["county"])
    wb = load_workbook(io.BytesIO(registry_template(client)))
    for r in range(2, 40):
        wb.worksheets[0].append([f"91320685MA1JMP{r:03d}", f"企业{r}", "320685", "34", 10, 100, 100])
    out = io.BytesIO()
    wb.save(out)
    sheet = next(n for n in zipfile.ZipFile(io.BytesIO(out.getvalue())).namelist() if n.endswith("sheet1.xml"))
    response = post_registry(client, files.truncated_part(out.getvalue(), sheet))
    assert response.status_code == 200
    # Refused by the upload check itself now (the sheet is read as XML before anything imports it).
    assert "文件已损坏或不完整,无法读取,请重新保存后上传。" in response.content.decode()
    assert Enterprise.objects.count() == 3


# -- row caps -------------------------------------------------------------------------------------------------

def test_the_filing_import_takes_no_more_rows_than_the_region_has_enterprises(world, login):
    """海安 has one enterprise: a file of two rows cannot be right, and is refused before a cell is read."""
    period = open_period()
    client = login(world.users["county"])
    wb = load_workbook(io.BytesIO(filing_template(client, period)))
    wb[imports.MAIN_SHEET].cell(3, 1, world.e_rugao.credit_code)
    out = io.BytesIO()
    wb.save(out)
    response = post_filings(client, period, out.getvalue())
    assert file_errors(response) == ["工作表“月度报表”有 2 行数据,超过本次导入的上限 1 行,请分批导入。"]
    assert not Filing.objects.exists()


def test_the_registry_import_has_a_row_cap(world, login, settings):
    settings.ENTERPRISE_IMPORT_MAX_ROWS = 3
    client = login(world.users["county"])
    wb = load_workbook(io.BytesIO(registry_template(client)))
    for r in range(4):
        wb.worksheets[0].append([f"91320685MA1JMP{r:03d}", f"企业{r}"])
    out = io.BytesIO()
    wb.save(out)
    response = post_registry(client, out.getvalue())
    assert file_errors(response) == ["工作表“企业名录”有 4 行数据,超过本次导入的上限 3 行,请分批导入。"]


# -- analysis reports: macros, polyglots, structure --------------------------------------------------------

def post_report(client, name: str, content: bytes):
    return client.post(reverse("monitoring:report_upload"), {
        "quarter": "2026-Q1", "title": "分析报告", "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(("name", "content", "message"), [
    ("报告.pdf", files.pdf_exe_polyglot(), "文件中夹带可执行程序"),
    ("报告.docx", files.docx_bytes(macro=True), "文件含有宏或控件代码"),
    ("报告.docx", files.docx_bytes(main_type=files.DOCM_MAIN), "文件含有宏或控件代码"),
    ("报告.doc", files.doc_bytes(macros=True), "文件含有宏或控件代码"),
    ("报告.pdf", files.pdf_with_script(), "PDF 文件含有脚本、附件或自动执行的动作"),
    ("报告.pdf", files.pdf_with_script(escaped=True), "PDF 文件含有脚本、附件或自动执行的动作"),
    ("报告.pdf", files.pdf_with_script(compressed=True), "PDF 文件含有脚本、附件或自动执行的动作"),
    ("报告.pdf", files.pdf_bytes(catalog=b"/Names<</EmbeddedFiles 9 0 R>>"), "PDF 文件含有脚本、附件或自动执行的动作"),
    ("报告.docx", files.docx_bytes(embedded="oleObject1.bin"), "文件中嵌入了对象、附件或脚本"),
    ("报告.docx", files.docx_bytes(embedded="Microsoft_Word_Macro-Enabled_Document.docm"), "文件中嵌入了对象、附件或脚本"),
    ("报告.doc", files.doc_bytes(package=True), "文件中嵌入了对象、附件或脚本"),
    ("报告.pdf", files.pdf_bytes()[:-40], "文件内容不是有效的PDF文件"),  # no startxref
    ("报告.docx", files.docx_bytes(main_type="application/xml"), "文件内容不是有效的Word(.docx)文件"),
    ("报告.doc", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 1024, "文件内容不是有效的Word(.doc)文件"),
])
def test_hostile_reports_are_refused_and_nothing_is_stored(world, login, _media, name, content, message):
    response = post_report(login(world.users["county"]), name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AnalysisReport.objects.exists()
    assert not [p for p in _media.rglob("*") if p.is_file()] if _media.exists() else True


def test_clean_reports_of_each_kind_are_still_accepted(world, login):
    client = login(world.users["county"])
    # A stream's bytes that spell a name (an image, a font) are not an action; a chart's workbook is kept.
    for name, content in (("a.pdf", files.pdf_bytes(b"BT /F1 12 Tf (MZ ok) Tj ET /JS /Launch")),
                          ("b.docx", files.docx_bytes()), ("c.doc", files.doc_bytes()),
                          ("d.docx", files.docx_bytes(embedded="Microsoft_Excel_Worksheet.xlsx"))):
        assert post_report(client, name, content).status_code == 302, name
    assert AnalysisReport.objects.count() == 4


# -- request bodies -----------------------------------------------------------------------------------------

class Unread(FakePayload):
    """A request body that records whether anyone read it."""

    def __init__(self):
        super().__init__(b"")
        self.touched = False

    def read(self, size=-1):
        self.touched = True
        return super().read(size)

    def readline(self, size=-1):
        self.touched = True
        return super().readline(size)


def huge_post(client, url, *, megabytes=100, **extra):
    body = Unread()
    response = client.generic("POST", url, b"", content_type="multipart/form-data; boundary=x",
                              **{"CONTENT_LENGTH": str(megabytes * MB), "wsgi.input": body, **extra})
    return response, body


def test_an_anonymous_100_mb_post_is_sent_to_sign_in_without_reading_it(client):
    response, body = huge_post(client, reverse("enterprises:import"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert not body.touched
    response, body = huge_post(client, "/api/v1/filings/", megabytes=1)
    assert response.status_code == 401 and not body.touched


def test_a_signed_in_body_over_the_limit_is_refused_with_413_unread(world, login):
    response, body = huge_post(login(world.users["county"]), reverse("enterprises:import"))
    assert response.status_code == 413 and "请求内容过大:不能超过 21 MB。" in response.content.decode()
    assert not body.touched


def test_an_authorization_header_alone_lifts_nothing(world, client):
    """Only a valid API token on the API counts as signed in: any other Authorization header leaves the body
    anonymous (refused unread), on pages and on the API alike."""
    for header in ("Bearer junk", "", "Token nope", "Token " + "0" * 40):
        response, body = huge_post(client, reverse("accounts:login"), HTTP_AUTHORIZATION=header)
        assert response.status_code == 302 and not body.touched, header
        response, body = huge_post(client, "/api/v1/filings/", megabytes=1, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401 and not body.touched, header
    token = Token.objects.create(user=world.users["county"])
    response, body = huge_post(client, "/api/v1/filings/", megabytes=1, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code != 401  # judged by the API as the county's call
    response, body = huge_post(client, reverse("accounts:login"), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 302 and not body.touched  # a token signs nobody in on a page


def test_a_clean_workbook_of_many_chunks_passes_the_check_and_goes_to_a_job(world, login, settings):
    """A sheet of several MB is scanned in 1 MB chunks: a cell split across two chunks is no cell without an
    address, and every row is counted. 30,000 rows are more than a request imports: a job is queued."""
    settings.ENTERPRISE_IMPORT_MAX_ROWS = 30_000
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": True})
    sheet = workbook.add_worksheet("企业名录")
    for r in range(30_001):
        sheet.write_row(r, 0, [f"91320685MA{r:08d}", f"企业{r}", "320685", "34", r, 100.5, 200.25])
    workbook.close()
    assert len(out.getvalue()) > 300 * 1024
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size > 3 * MB
    response = post_registry(login(world.users["county"]), out.getvalue())
    assert response.status_code == 302 and "/enterprises/import/jobs/" in response["Location"]


class Chunks:
    """A stream that returns the given pieces one read at a time, as inflating returns 1 MB chunks."""

    def __init__(self, *parts: bytes):
        self.parts = list(parts)

    def read(self, _size=-1) -> bytes:
        return self.parts.pop(0) if self.parts else b""


def test_a_cell_split_between_two_chunks_is_read_whole():
    xml = b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="B2"><v>1</v></c></row></sheetData>'
    area = uploads._SheetArea(max_rows=10, max_columns=10)
    for split in range(1, len(xml)):  # every place a chunk can end, "<c " | 'r="A1"' among them
        assert uploads._scan_sheet(Chunks(xml[:split], xml[split:]), area) == 2, split
    with pytest.raises(ValidationError):
        uploads._scan_sheet(Chunks(xml.replace(b'<c r="B2">', b"<c>")), area)


@pytest.mark.parametrize("spelling", [
    b'<row\nr="5000"><c\nr="XFD5000" t="inlineStr"><is><t>x</t></is></c></row>',
    b"<row r='5000'><c r='XFD5000' t='inlineStr'><is><t>x</t></is></c></row>",
    b'<row\tr="5000"><c\tr="XFD5000"><v>1</v></c></row>',
    b'<x:row r="5000"><x:c r="XFD5000"><x:v>1</x:v></x:c></x:row>',
])
def test_a_far_cell_is_found_however_its_markup_is_spelt(spelling):
    """Whitespace, quotes or a namespace prefix cannot hide a cell from the area check."""
    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:x="http://schemas'
           b'.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
           + spelling + b"</sheetData></worksheet>")
    area = uploads._SheetArea(max_rows=10000, max_columns=64)
    with pytest.raises(ValidationError) as refused:
        uploads._scan_sheet(Chunks(xml), area)
    assert refused.value.code == "sheet_area"


def test_rows_are_counted_however_their_markup_is_spelt():
    rows = b"".join(b'<row\nr="%d"><c\nr="A%d"><v>1</v></c></row>' % (i, i) for i in range(1, 2501))
    xml = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + rows + \
        b"</sheetData></worksheet>"
    area = uploads._SheetArea(max_rows=10000, max_columns=64)
    assert uploads._scan_sheet(Chunks(xml[:7000], xml[7000:]), area) == 2500
    with pytest.raises(ValidationError):
        uploads._scan_sheet(Chunks(b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + xml), area)
    with pytest.raises(ValidationError):
        uploads._scan_sheet(Chunks(xml[:-20]), area)  # truncated
