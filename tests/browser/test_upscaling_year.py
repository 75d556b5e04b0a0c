"""A county official's year of upscaling work in a real browser: import the tax and 退统 lists in their own
layouts, screen a candidate into the pool, import a month's tax figures, read the likely crossers, record a
dispatch note, move the enterprise through the funnel to entered and see the county's progress."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import Workbook
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.helpers import sign_in
from upscaling.models import CountyTarget, MonthlySales, PoolEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sheet(header, rows) -> dict:
    book = Workbook()
    for r in [header, *rows]:
        book.active.append(r)
    buf = BytesIO()
    book.save(buf)
    return {"name": "list.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": buf.getvalue()}


def upload(page, live_server, kind, file, *, year, month=None):
    page.goto(f"{live_server.url}/upscaling/import/{kind}/")
    page.get_by_label("名单文件(.xlsx)").set_input_files(file)
    page.get_by_label("年度").fill(str(year))
    if month:
        page.get_by_label("月份(月度数据)").fill(str(month))
    page.get_by_role("button", name="上传").click()


def test_a_county_officials_year(world, live_server, page):
    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    code, other = f.next_credit_code(), f.next_credit_code()
    CountyTarget.objects.create(region=world.haian, region_path=world.haian.path, year=year, new_enterprises=2)
    sign_in(page, live_server, world.users["county"].username)

    # The tax list, in the tax bureau's own layout: map the columns, preview, import.
    upload(page, live_server, "tax", sheet(["纳税人识别号", "纳税人名称", "所在地", "应税销售收入(元)"], [
        [code, "海安培育机械有限公司", "海安市", 15_000_000], [other, "海安小作坊", "海安市", 3_000_000]]),
        year=year - 1)
    page.get_by_label("统一社会信用代码").select_option("纳税人识别号")
    page.get_by_label("企业名称").select_option("纳税人名称")
    page.get_by_label("所在县(市、区)").select_option("所在地")
    page.get_by_label("应税销售额(元)").select_option("应税销售收入(元)")
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_test_id("import-preview")).to_contain_text("海安培育机械有限公司")
    page.get_by_role("button", name="全部导入").click()
    expect(page.get_by_test_id("pool-table")).to_contain_text("海安培育机械有限公司")
    expect(page.get_by_test_id("pool-table")).not_to_contain_text("海安小作坊")  # below 5 million yuan

    # The 退统 list names the same enterprise: one entry, both sources.
    upload(page, live_server, "stats", sheet(["统一社会信用代码", "企业名称", "所在县(市、区)", "退统年度"], [
        [code, "海安培育机械有限公司", "海安市", year - 2]]), year=year)
    page.get_by_role("button", name="全部导入").click()
    row = page.get_by_test_id("pool-row").filter(has_text="海安培育机械有限公司")
    expect(row).to_contain_text("税务名单、退统名单")

    # Screen it into the pool, expected to cross this year.
    row.get_by_label("培育梯度").select_option(label="当年有望升规")
    row.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("pool-row").filter(has_text="海安培育机械有限公司")).to_contain_text("已入库培育")

    # Its history so far; then the tax bureau's file for the last month.
    entry = PoolEntry.objects.get(enterprise__credit_code=code)
    MonthlySales.objects.bulk_create(
        [MonthlySales(enterprise_id=entry.enterprise_id, region_path=entry.region_path, year=year - 1, month=m,
                      sales=Decimal(100), source="tax") for m in range(1, 13)]
        + [MonthlySales(enterprise_id=entry.enterprise_id, region_path=entry.region_path, year=year, month=m,
                        sales=Decimal(1700) / (month - 1), source="tax") for m in range(1, month)])
    upload(page, live_server, "monthly", sheet(["统一社会信用代码", "所在县(市、区)", "当月销售额(元)", "当月税收(元)"], [
        [code, "海安市", 2_000_000, 100_000]]), year=year, month=month)
    page.get_by_role("button", name="全部导入").click()

    # The analysis: on course for 20 million yuan this year.
    expect(page.get_by_test_id("crossers")).to_contain_text("海安培育机械有限公司")
    expect(page.get_by_role("heading", name="预测方法与去年的准确度")).to_be_visible()

    # A dispatch note, the materials, and the funnel to entered.
    page.get_by_test_id("crossers").get_by_role("link", name="海安培育机械有限公司").click()
    page.get_by_label("存在问题").fill("产能不足,需协调用电")
    page.get_by_label("帮扶措施(生产保障、市场开拓、入统前注册登记等)").fill("协调供电公司增容")
    page.get_by_label("责任人").fill("吴审核")
    page.get_by_label("跟进日期").fill(today.isoformat())
    page.get_by_role("button", name="记录调度情况").click()
    expect(page.get_by_test_id("notes")).to_contain_text("产能不足")
    for label in ("利润表", "增值税纳税申报表", "生产现场照片", "数据真实性承诺书", "近12个月经营数据"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="保存申报材料").click()
    for stage in ("入库申报中", "已纳入统计"):
        page.get_by_label("转为").select_option(label=stage)
        page.get_by_role("button", name="更新升规进度").click()
        expect(page.get_by_test_id("stage")).to_contain_text(stage)

    # Progress against the county's target: one of two.
    page.goto(f"{live_server.url}/upscaling/?year={year}")
    expect(page.get_by_test_id("progress-海安市")).to_contain_text("50.0%")
