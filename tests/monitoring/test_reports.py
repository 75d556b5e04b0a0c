"""Quarterly analysis reports: checked by content, size-limited, stored under a generated name, audited;
the province (or a city) sees which child regions have uploaded; downloads are scoped."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from monitoring.models import AnalysisReport
from monitoring.reports import services as reports
from portal.audit.models import AuditEntry
from portal.core.files import file_url
from tests import upload_files

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

PDF = upload_files.pdf_bytes()
DOC = upload_files.doc_bytes()


def docx_bytes(with_document=True) -> bytes:
    return upload_files.docx_bytes(with_document=with_document)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def quarter_value():
    year, quarter = reports.last_ended_quarter(timezone.localdate())
    return year, quarter, f"{year}-{quarter}"


def upload(client, name, content, title="一季度中小企业运行分析", quarter=None):
    quarter = quarter or quarter_value()[2]
    return client.post(reverse("monitoring:report_upload"), {
        "quarter": quarter, "title": title, "file": SimpleUploadedFile(name, content)})


def stored_files(media):
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_a_real_pdf_is_stored_under_a_generated_name_and_audited(world, login, _media):
    client = login(world.users["county"])
    response = upload(client, "海安市2026年一季度分析 (终稿).pdf", PDF)
    assert response.status_code == 302
    report = AnalysisReport.objects.get()
    year, quarter, _value = quarter_value()
    assert (report.region, report.year, report.quarter) == (world.haian, year, quarter)
    assert re.fullmatch(r"analysis-reports/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", report.file.name)
    assert "海安" not in report.file.name and report.original_name == "海安市2026年一季度分析 (终稿).pdf"
    assert report.content_type == "application/pdf" and report.size == len(PDF)
    assert [p.read_bytes() for p in stored_files(_media)] == [PDF]
    entry = AuditEntry.objects.get(model="monitoring.AnalysisReport")
    assert entry.actor == world.users["county"] and entry.region_path == world.haian.path


def test_a_pdf_that_is_really_text_is_refused_with_a_clear_message(world, login, _media):
    response = upload(login(world.users["county"]), "报告.pdf", "这不是PDF,只是一段文字。".encode())
    assert response.status_code == 400
    assert "文件内容不是PDF、Word(.docx)、Word(.doc)格式" in response.content.decode()
    assert not AnalysisReport.objects.exists() and not stored_files(_media)
    # A file that starts like a PDF but is cut off (no cross-reference, no %%EOF) is refused too.
    response = upload(login(world.users["county"]), "报告.pdf", b"%PDF-1.4\nhello")
    assert "文件内容不是有效的PDF文件" in response.content.decode()


def test_too_large_is_refused(world, login, _media, settings):
    big = PDF[:-6] + b" " * (settings.UPLOAD_MAX_BYTES + 1 - len(PDF)) + b"%%EOF\n"
    assert len(big) > settings.UPLOAD_MAX_BYTES
    response = upload(login(world.users["city"]), "大文件.pdf", big)
    assert response.status_code == 400 and "文件过大:不能超过 20 MB。" in response.content.decode()
    assert not AnalysisReport.objects.exists() and not stored_files(_media)


def test_word_documents_by_content(world, login, _media):
    client = login(world.users["city"])
    assert upload(client, "分析.docx", docx_bytes()).status_code == 302
    assert upload(client, "分析.doc", DOC).status_code == 302
    assert sorted(AnalysisReport.objects.values_list("content_type", flat=True)) == [
        "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]
    refused = {
        "表格.docx": docx_bytes(with_document=False),  # a zip, but not a Word document
        "分析.exe": PDF,  # not an accepted extension
        "分析.docx": PDF,  # content and extension disagree
        "空.pdf": b"",
    }
    messages = {}
    for name, content in refused.items():
        response = upload(client, name, content)
        assert response.status_code == 400, name
        messages[name] = response.content.decode()
    assert "文件内容不是PDF、Word(.docx)、Word(.doc)格式" in messages["表格.docx"]
    assert "请上传 .pdf、.docx、.doc 格式的文件" in messages["分析.exe"]
    assert "与扩展名(.docx)不符" in messages["分析.docx"]
    assert AnalysisReport.objects.count() == 2


def test_the_province_sees_who_has_and_has_not_uploaded(world, login, django_assert_max_num_queries):
    assert upload(login(world.users["county"]), "海安.pdf", PDF).status_code == 302
    assert upload(login(world.users["city"]), "南通.pdf", PDF).status_code == 302
    _year, _quarter, value = quarter_value()
    client = login(world.users["province"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("monitoring:reports"), {"quarter": value})
    text = page.content.decode()
    assert 'data-testid="uploaded-320600"' in text and 'data-testid="missing-320100"' in text
    assert "1 / 2" in text  # of 南通's two counties, one has uploaded
    with django_assert_max_num_queries(12):
        page = client.get(reverse("monitoring:reports"), {"quarter": value, "region": "320600"})
    text = page.content.decode()
    assert 'data-testid="uploaded-320685"' in text and 'data-testid="missing-320682"' in text
    assert "南通市本级:" in text and "已上报 1 篇" in text  # the city's own report
    assert len(re.findall(r"/files/monitoring.analysisreport/\d+/", text)) == 2
    # The province receives reports, it does not upload them.
    assert 'data-testid="report-upload"' not in text
    assert upload(client, "省.pdf", PDF).status_code == 403


def test_query_count_does_not_grow_with_reports(world, login, django_assert_max_num_queries):
    client = login(world.users["county"])
    for i in range(5):
        assert upload(client, f"报告{i}.pdf", PDF, title=f"报告{i}").status_code == 302
    _year, _quarter, value = quarter_value()
    city = login(world.users["city"])
    city.get(reverse("monitoring:reports"))
    with django_assert_max_num_queries(12):
        assert city.get(reverse("monitoring:reports"), {"quarter": value}).status_code == 200


def test_a_county_without_a_report_sees_it_is_missing(world, login):
    text = login(world.users["other_county"]).get(reverse("monitoring:reports")).content.decode()
    assert 'data-testid="own-status"' in text and "如皋市本级:" in text and "未上报" in text
    assert 'data-testid="report-upload"' in text


def test_downloads_are_scoped(world, login):
    assert upload(login(world.users["county"]), "海安.pdf", PDF).status_code == 302
    report = AnalysisReport.objects.get()
    url = file_url(report)
    for role in ("county", "city", "province"):
        response = login(world.users[role]).get(url)
        assert response.status_code == 200, role
        assert b"".join(response.streaming_content) == PDF
        assert "attachment" in response["Content-Disposition"]
    for role in ("other_county", "other_city", "enterprise", "no_role"):
        assert login(world.users[role]).get(url).status_code == 404, role
    assert login(world.users["province"]).get(
        reverse("core:stored_file", args=["monitoring.analysisreport", report.pk + 99])).status_code == 404
    # Another region cannot be browsed either.
    assert login(world.users["other_city"]).get(reverse("monitoring:reports"), {"region": "320600"}).status_code == 404
    assert login(world.users["enterprise"]).get(reverse("monitoring:reports")).status_code == 403
