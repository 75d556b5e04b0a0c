"""Bulk import of the registry: the template from the page, all-or-nothing validation, audit, the command."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from portal.audit.models import AuditEntry
from portal.enterprises.credit_code import make_code
from portal.enterprises.models import Enterprise

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(client) -> bytes:
    response = client.get(reverse("enterprises:import_template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return response.content


def fill(template_bytes: bytes, rows: list[dict]) -> bytes:
    """Write rows (header -> value) under the template's header line."""
    wb = load_workbook(BytesIO(template_bytes))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    for row in rows:
        unknown = set(row) - set(headers)
        assert not unknown, unknown
        ws.append([row.get(h) for h in headers])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, content: bytes, name="名录.xlsx"):
    return client.post(reverse("enterprises:import"), {"file": SimpleUploadedFile(name, content, XLSX)})


def row(code_body: str, name: str, region="320685", **extra) -> dict:
    return {"统一社会信用代码": make_code(code_body), "企业名称": name, "所在县(市、区)代码": region,
            "行业代码": "34", "从业人员(人)": 120, "营业收入(万元)": 2500, "资产总额(万元)": 1800,
            "纳入监测日期": "2026-01-01", "监测联系人": "张三", "联系电话": "13800000000", **extra}


GOOD = [
    row("91320685MA1JMP001", "海安导入一号有限公司", **{"从业人员(人)": 350}),
    row("91320685MA1JMP002", "海安导入二号有限公司", **{"专精特新(是/否)": "是", "从业人员(人)": 8}),
    row("91320685MA1JMP003", "海安导入三号有限公司", **{"规模以上工业企业(是/否)": "是"}),
]


def test_template_lists_only_the_officials_counties(world, login):
    wb = load_workbook(BytesIO(template(login(world.users["county"]))))
    codes = {r[0] for r in wb["代码表"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert codes == {"320685"}
    assert [c.value for c in wb.worksheets[0][1]][:3] == ["统一社会信用代码", "企业名称", "所在县(市、区)代码"]


def test_import_page_links_the_template(world, login):
    text = login(world.users["county"]).get(reverse("enterprises:import")).content.decode()
    assert reverse("enterprises:import_template") in text


def test_bad_rows_reject_the_whole_file_with_row_numbers(world, login):
    client = login(world.users["county"])
    bad_check = make_code("91320685MA1JMP005")
    bad_check = bad_check[:17] + ("0" if bad_check[17] != "0" else "1")
    rows = [
        *GOOD,  # rows 2-4 are fine
        row("91320685MA1JMP004", "越界企业", region="320682"),  # row 5: a county outside the official's scope
        {**row("91320685MA1JMP005", "校验位错"), "统一社会信用代码": bad_check},  # row 6
        row("91320685MA1JMP006", "人数不是数", **{"从业人员(人)": "很多"}),  # row 7
        {**row("91320685MA1JMP001", "重复代码")},  # row 8: same code as row 2
        row("91320685MA1JMP007", "", **{"行业代码": "99"}),  # row 9: no name, unknown industry
    ]
    before = AuditEntry.objects.count()
    response = upload(client, fill(template(client), rows))
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.ok and (result.created, result.updated, result.unchanged) == (0, 0, 0)
    errors = "\n".join(result.errors)
    assert "第5行:地区代码“320682”不是您管辖范围内的县(市、区)。" in errors
    assert "第6行:统一社会信用代码校验位错误" in errors
    assert "第7行“从业人员(人)”填写为“很多”,应为非负整数。" in errors
    assert "第8行:统一社会信用代码与第2行重复。" in errors
    assert "第9行“企业名称”不能为空。" in errors and "第9行:行业代码“99”不存在" in errors
    assert not any(e.startswith(("第2行", "第3行", "第4行")) for e in result.errors)
    text = response.content.decode()
    assert "本次未保存任何数据" in text and "第5行" in text
    assert not Enterprise.objects.filter(name__startswith="海安导入").exists()
    assert AuditEntry.objects.count() == before


def test_good_import_creates_rows_with_one_audit_row_each(world, login):
    client = login(world.users["county"])
    response = upload(client, fill(template(client), GOOD))
    result = response.context["result"]
    assert result.ok and (result.created, result.updated, result.unchanged) == (3, 0, 0)
    assert "导入完成" in response.content.decode()
    created = Enterprise.objects.filter(name__startswith="海安导入").order_by("name")
    assert created.count() == 3
    by_name = {e.name: e for e in created}
    assert by_name["海安导入一号有限公司"].size_class == "medium"
    assert by_name["海安导入二号有限公司"].size_class == "micro" and by_name["海安导入二号有限公司"].is_specialized
    assert by_name["海安导入三号有限公司"].above_designated_size
    assert all(e.region_path == world.haian.path for e in created)
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.BULK_CREATE)
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(str(e.pk) for e in created)
    assert {e.channel for e in entries} == {"web"} and {e.actor_id for e in entries} == {world.users["county"].pk}
    assert all(e.region_path == world.haian.path and e.enterprise_id for e in entries)


def test_reimport_updates_changed_rows_and_counts_the_rest(world, login):
    client = login(world.users["county"])
    upload(client, fill(template(client), GOOD))
    changed = [GOOD[0], {**GOOD[1], "监测联系人": "李四"}, GOOD[2]]
    result = upload(client, fill(template(client), changed)).context["result"]
    assert result.ok and (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert Enterprise.objects.get(name="海安导入二号有限公司").contact_name == "李四"
    update = AuditEntry.objects.get(action=AuditEntry.Action.BULK_UPDATE)
    assert update.changes == {"contact_name": ["张三", "李四"]}


def test_an_enterprise_of_another_region_cannot_be_overwritten(world, login):
    client = login(world.users["county"])
    foreign = {**GOOD[0], "统一社会信用代码": world.e_rugao.credit_code}
    result = upload(client, fill(template(client), [foreign])).context["result"]
    assert result.errors == ["第2行:该统一社会信用代码已由其他地区登记,请联系上级主管部门。"]
    world.e_rugao.refresh_from_db()
    assert world.e_rugao.name == "如皋乙企业"


def test_wrong_files_are_explained(world, login):
    client = login(world.users["county"])
    response = upload(client, b"not a spreadsheet", name="名录.csv")
    assert response.context["form"].errors["file"] == ["请上传 .xlsx 格式的文件。"]
    response = upload(client, b"not a spreadsheet")
    assert response.context["form"].errors["file"] == ["文件内容不是Excel(.xlsx)格式,请检查后重新上传。"]

    wb = Workbook()
    wb.active.append(["名称", "代码"])
    out = BytesIO()
    wb.save(out)
    response = upload(client, out.getvalue())
    assert response.context["result"].errors[0].startswith("表头与模板不一致")


def test_only_officials_import(world, login):
    for role in ("enterprise", "platform_operator", "system_admin"):
        client = login(world.users[role])
        assert client.get(reverse("enterprises:import")).status_code == 403
        assert upload(client, b"x").status_code == 403


def test_import_command_writes_cli_audit_rows(world, login, tmp_path):
    path = tmp_path / "名录.xlsx"
    path.write_bytes(fill(template(login(world.users["city"])), GOOD))
    call_command("import_enterprises", str(path), "--user", "nantong")
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.BULK_CREATE)
    assert entries.count() == 3
    assert {e.channel for e in entries} == {"cli"} and {e.actor_name for e in entries} == {"nantong"}
    assert Enterprise.objects.filter(name__startswith="海安导入").count() == 3


def test_import_command_saves_nothing_on_errors(world, login, tmp_path):
    path = tmp_path / "名录.xlsx"
    path.write_bytes(fill(template(login(world.users["county"])), [*GOOD, row("91320685MA1JMP009", "越界",
                                                                               region="320115")]))
    with pytest.raises(CommandError, match="发现 1 处错误"):
        call_command("import_enterprises", str(path), "--user", "haian")
    assert not Enterprise.objects.filter(name__startswith="海安导入").exists()
    with pytest.raises(CommandError, match="只有主管部门"):
        call_command("import_enterprises", str(path), "--user", "qiye")
    with pytest.raises(CommandError, match="用户不存在"):
        call_command("import_enterprises", str(path), "--user", "nobody-here")


def test_a_large_registry_file_is_imported_by_a_job_its_owner_follows(world, login, settings, tmp_path,
                                                                      django_capture_on_commit_callbacks):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    settings.UPLOAD_SPOOL_DIR = tmp_path / "spool"
    client = login(world.users["county"])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = upload(client, fill(template(client), GOOD))
    assert response.status_code == 302 and "/enterprises/import/jobs/" in response["Location"]
    page_url = response["Location"]
    status_url = page_url + "status/"
    assert client.get(status_url).json()["state"] == "running"
    assert 'data-testid="import-progress"' in client.get(page_url).content.decode()
    assert not Enterprise.objects.filter(name__startswith="海安导入").exists()
    for role in ("other_county", "city"):
        assert login(world.users[role]).get(page_url).status_code == 404
        assert login(world.users[role]).get(status_url).status_code == 404

    for callback in callbacks:
        callback()
    assert client.get(status_url).json() == {"state": "done", "label": "已完成", "progress": 100, "message": ""}
    page = client.get(page_url)
    assert page.context["result"].created == 3 and 'data-testid="import-summary"' in page.content.decode()
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.BULK_CREATE)
    assert entries.count() == 3 and {e.channel for e in entries} == {"import"}
    assert not list((tmp_path / "spool").iterdir())


def test_a_registry_job_that_finds_errors_saves_nothing(world, login, settings, tmp_path,
                                                        django_capture_on_commit_callbacks):
    settings.IMPORT_INLINE_MAX_ROWS = 2
    settings.UPLOAD_SPOOL_DIR = tmp_path / "spool"
    client = login(world.users["county"])
    bad = [*GOOD, row("91320685MA1JMP009", "越界", region="320115")]
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, fill(template(client), bad))
    page = client.get(response["Location"])
    assert page.context["result"].errors == ["第5行:地区代码“320115”不是您管辖范围内的县(市、区)。"]
    assert "文件未导入" in page.content.decode()
    assert not Enterprise.objects.filter(name__startswith="海安导入").exists()
