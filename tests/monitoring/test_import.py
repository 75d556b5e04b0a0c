"""A month's filings uploaded by the county from the xlsx template: validated row by row, all or nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from monitoring import imports
from monitoring.models import Filing
from portal.audit.models import AuditEntry
from tests import factories as f

from .helpers import open_period

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]

GOOD = {"revenue": 1200, "operating_cost": 900, "total_profit": 80, "taxes": 40, "export_value": 0,
        "industrial_output": 1300, "employees": 120, "receivables": 300, "finished_goods": 150,
        "total_assets": 5000, "total_liabilities": 2500}


def filled_template(client, period, rows: dict[str, dict], products=()) -> SimpleUploadedFile:
    url = reverse("monitoring:import") + f"?period={period.year}-{period.month}&template=1"
    response = client.get(url)
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb[imports.MAIN_SHEET]
    keys = [k for k, _label in imports.HEAD]
    for r in range(2, ws.max_row + 1):
        code = ws.cell(r, 1).value
        for key, value in rows.get(code, {}).items():
            ws.cell(r, keys.index(key) + 1, value)
    ps = wb[imports.PRODUCT_SHEET]
    for i, row in enumerate(products, start=2):
        for c, value in enumerate(row, start=1):
            ps.cell(i, c, value)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("filings.xlsx", out.getvalue())


def survey(word="持平"):
    return {q.field_name: word for q in imports.SURVEY}


def test_good_file_imports_every_row(world, login):
    period = open_period()
    second = f.EnterpriseFactory(region=world.haian, name="海安丁企业")
    client = login(world.users["county"])
    rows = {e.credit_code: {**GOOD, **survey()} for e in (world.e_haian, second)}
    upload = filled_template(client, period, rows, [(world.e_haian.credit_code, "齿轮", "件", 10, 8, 5)])
    response = client.post(reverse("monitoring:import") + f"?period={period.year}-{period.month}", {"file": upload})
    assert response.status_code == 200
    assert "导入成功:新增 2 份" in response.content.decode()
    assert Filing.objects.count() == 2 and all(f.on_behalf for f in Filing.objects.all())
    assert Filing.objects.get(enterprise=world.e_haian).products.get().name == "齿轮"


def test_one_bad_row_rejects_the_whole_file_with_row_numbers(world, login):
    period = open_period()
    second = f.EnterpriseFactory(region=world.haian, name="海安丁企业")
    client = login(world.users["county"])
    audit_before = AuditEntry.objects.count()
    rows = {world.e_haian.credit_code: {**GOOD, **survey()},
            second.credit_code: {**GOOD, **survey(), "revenue": "很多", "taxes": -3}}
    upload = filled_template(client, period, rows)
    sheet = load_workbook(io.BytesIO(upload.read()))[imports.MAIN_SHEET]
    upload.seek(0)
    row_of = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    response = client.post(reverse("monitoring:import") + f"?period={period.year}-{period.month}", {"file": upload})
    text = response.content.decode()
    assert "文件未导入" in text
    assert "营业收入应为数字" in text and "应交税金总额不能为负数" in text
    assert f"第{row_of[second.credit_code]}行" in text  # the bad row is named
    assert f"第{row_of[world.e_haian.credit_code]}行" not in text  # the good one is not
    assert Filing.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_enterprise_of_another_county_is_refused(world, login):
    period = open_period()
    client = login(world.users["county"])
    upload = filled_template(client, period, {world.e_haian.credit_code: {**GOOD, **survey()}})
    wb = load_workbook(io.BytesIO(upload.read()))
    wb[imports.MAIN_SHEET].cell(2, 1, world.e_rugao.credit_code)
    out = io.BytesIO()
    wb.save(out)
    response = client.post(reverse("monitoring:import") + f"?period={period.year}-{period.month}",
                           {"file": SimpleUploadedFile("x.xlsx", out.getvalue())})
    assert "不是您管辖范围内的企业" in response.content.decode()
    assert not Filing.objects.exists()


def test_not_a_spreadsheet_gets_a_clear_message(world, login):
    period = open_period()
    client = login(world.users["county"])
    response = client.post(reverse("monitoring:import") + f"?period={period.year}-{period.month}",
                           {"file": SimpleUploadedFile("x.xlsx", b"not a zip")})
    assert "文件内容不是Excel(.xlsx)格式,请检查后重新上传。" in response.content.decode()


def test_template_lists_only_own_enterprises(world, login):
    period = open_period()
    response = login(world.users["county"]).get(
        reverse("monitoring:import") + f"?period={period.year}-{period.month}&template=1")
    ws = load_workbook(io.BytesIO(response.content))[imports.MAIN_SHEET]
    names = {ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}
    assert names == {"海安甲企业"}


# -- a large file is filed by a background job (issue 11 §1) ---------------------------------------------------

@pytest.fixture
def spool(settings, tmp_path):
    settings.UPLOAD_SPOOL_DIR = tmp_path / "spool"
    settings.IMPORT_INLINE_MAX_ROWS = 1
    return settings.UPLOAD_SPOOL_DIR


def queue(client, period, upload, capture):
    """POST a file over the inline limit; returns (job page, status URL, the queued task's callbacks)."""
    with capture(execute=False) as callbacks:
        response = client.post(reverse("monitoring:import") + f"?period={period.year}-{period.month}", {"file": upload})
    assert response.status_code == 302 and "/monitoring/import/jobs/" in response["Location"]
    task_id = response["Location"].split("/jobs/")[1].split("/")[0]
    return response["Location"], reverse("monitoring:import_job_status", args=[task_id]), callbacks


def test_a_large_file_is_filed_by_a_job_its_owner_follows(world, login, spool, django_capture_on_commit_callbacks):
    period = open_period()
    second = f.EnterpriseFactory(region=world.haian, name="海安丁企业")
    client = login(world.users["county"])
    upload = filled_template(client, period, {e.credit_code: {**GOOD, **survey()} for e in (world.e_haian, second)})
    page_url, status_url, callbacks = queue(client, period, upload, django_capture_on_commit_callbacks)

    # Queued: its bar is at 0, the file waits in the spool, nothing is filed yet.
    assert client.get(status_url).json() == {"state": "running", "label": "正在导入", "progress": 0, "message": ""}
    page = client.get(page_url).content.decode()
    assert 'data-testid="import-progress"' in page and 'aria-valuenow="0"' in page and "job-progress.js" in page
    assert len(list(spool.iterdir())) == 1 and not Filing.objects.exists()
    # Nobody else sees it, another county's official nor the province.
    for role in ("other_county", "province"):
        other = login(world.users[role])
        assert other.get(page_url).status_code == 404 and other.get(status_url).status_code == 404

    for callback in callbacks:  # the worker runs it (eagerly here)
        callback()
    assert client.get(status_url).json()["state"] == "done" and client.get(status_url).json()["progress"] == 100
    page = client.get(page_url).content.decode()
    assert "导入成功:新增 2 份" in page and 'data-testid="import-progress"' in page
    assert Filing.objects.count() == 2 and not list(spool.iterdir())
    entries = AuditEntry.objects.filter(model="monitoring.Filing")
    assert entries.count() == 2 and {e.channel for e in entries} == {"import"}
    assert {e.actor for e in entries} == {world.users["county"]}


def test_a_job_files_all_or_nothing(world, login, spool, django_capture_on_commit_callbacks):
    period = open_period()
    second = f.EnterpriseFactory(region=world.haian, name="海安丁企业")
    client = login(world.users["county"])
    upload = filled_template(client, period, {world.e_haian.credit_code: {**GOOD, **survey()},
                                              second.credit_code: {**GOOD, **survey(), "taxes": -3}})
    page_url, status_url, callbacks = queue(client, period, upload, django_capture_on_commit_callbacks)
    for callback in callbacks:
        callback()
    assert client.get(status_url).json()["state"] == "done"
    page = client.get(page_url).content.decode()
    assert "发现 1 处错误,文件未导入" in page and "应交税金总额不能为负数" in page
    assert not Filing.objects.exists() and not list(spool.iterdir())
