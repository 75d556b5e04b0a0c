"""The platform operator's quarter in a real browser: adds a service record, imports a file (fixing a bad row),
records an activity and reads the dashboard; the city official sees the platforms side by side with a chart."""

import io

import pytest
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from platforms.imports import HEADERS
from platforms.models import ServiceRecord
from tests.browser.helpers import sign_in
from tests.factories import next_credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _file(tmp_path, rows, name):
    wb = Workbook()
    wb.active.append(HEADERS)
    for row in rows:
        wb.active.append(row)
    path = tmp_path / name
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return str(path)


def test_operator_records_imports_and_sees_the_dashboard(world, live_server, page, tmp_path):
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, "pingtai")
    page.goto(f"{live_server.url}/platforms/")
    expect(page.get_by_role("heading", name=world.platform.name)).to_be_visible()
    page.get_by_role("link", name="登记服务记录").first.click()
    page.get_by_label("统一社会信用代码").fill(world.e_haian.credit_code)
    page.get_by_label("服务领域").select_option(label="融资担保")
    page.get_by_label("服务日期").fill(timezone.localdate().isoformat())
    page.get_by_label("服务内容").fill("融资对接会")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已登记服务记录。")).to_be_visible()
    assert ServiceRecord.objects.filter(platform=world.platform, area="financing").count() == 1

    page.goto(f"{live_server.url}/platforms/{world.platform.pk}/records/import/")
    day = timezone.localdate().isoformat()
    bad = _file(tmp_path, [[world.e_rugao.credit_code, "", "检验检测", day, "公益", "", "F-1"],
                           ["12345", "", "检验检测", day, "公益", "", "F-2"]], "bad.xlsx")
    page.get_by_label("服务记录文件(.xlsx)").set_input_files(bad)
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_test_id("import-errors")).to_contain_text("第3行")
    assert ServiceRecord.objects.count() == 1
    good = _file(tmp_path, [[world.e_rugao.credit_code, "", "检验检测", day, "公益", "", "F-1"],
                            [next_credit_code(), "名录外示范公司", "人才招引", day, "收费", "", "F-2"]],
                 "good.xlsx")
    page.get_by_label("服务记录文件(.xlsx)").set_input_files(good)
    page.get_by_role("button", name="上传并导入").click()
    expect(page.get_by_test_id("import-summary")).to_be_visible()

    page.goto(f"{live_server.url}/platforms/{world.platform.pk}/activities/")
    page.get_by_label("类别").select_option(label="原创新闻")
    page.get_by_label("日期").fill(day)
    page.get_by_label("标题").fill("平台原创新闻")
    page.get_by_label("链接").fill("https://example.cn/news/1")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("cell", name="平台原创新闻")).to_be_visible()

    page.goto(f"{live_server.url}/platforms/")
    own = page.get_by_test_id("own-platform")
    expect(own.get_by_role("row", name="融资担保")).to_contain_text("1")
    expect(own.get_by_role("row", name="原创新闻")).to_contain_text("1")


def test_city_official_sees_platforms_side_by_side(world, live_server, page):
    sign_in(page, live_server, "nantong")
    page.goto(f"{live_server.url}/platforms/")
    expect(page.get_by_test_id("side-by-side")).to_contain_text(world.platform.name)
    expect(page.get_by_test_id("side-by-side")).not_to_contain_text(world.other_platform.name)
    expect(page.locator("#platforms-chart[data-drawn='1']")).to_have_count(1)
