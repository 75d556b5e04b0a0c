"""The province's one-month summary workbook at scale, and the bare xlsxwriter writing the same cells as its limit.

Figures:
- ``province_xlsx_month_s``: monitoring.exports.workbook.write_summary for the province and ctx.last_period, written to a
  temporary file (all eight sheets; every query included), median of 3 after one warm-up run;
- ``province_xlsx_month_peak_mb``: the peak of Python memory allocations during one more run of the same, traced
  with ``tracemalloc`` (a separate, untimed run: tracing slows the run down). tracemalloc counts what Python
  allocates (rows fetched, strings, xlsxwriter's buffers); the database driver's C buffers are not in it;
  the process's RSS growth over the run (``ru_maxrss`` delta, which only shows a new high-water mark) is
  recorded as ``province_xlsx_month_rss_delta_mb`` beside it;
- ``province_xlsx_month_file_mb``, ``province_xlsx_month_rows``: the file's size and its enterprise rows;
- ``raw_xlsx_month_s``: the same sheets, rows, cells and column number formats written by a bare constant_memory
  xlsxwriter from Python lists prepared before the timing (values already floats and strings, names already
  joined): the limit; ``raw_xlsx_month_plain_s`` the same without any cell format (one run);
- ``province_xlsx_vs_raw_ratio`` = province_xlsx_month_s / raw_xlsx_month_s (and ``..._vs_plain_raw_ratio``).

Targets: peak under 300 MB, ratio within 1.5.
"""

import os
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

import xlsxwriter

from bench.registry import Context, Skip, step
from monitoring import analysis, selectors
from monitoring.exports import workbook as exports
from monitoring.exports.workbook import COUNT, INDEX, MONEY, NUMBER_FORMATS, PERCENT, TEXT, indicator_kind
from monitoring.indicators import INDICATORS, SURVEY
from monitoring.models import FilingStatus
from portal.enterprises.models import SizeClass
from portal.regions.models import Region

MB = 1024 * 1024


def _period_and_user(ctx: Context):
    period = getattr(ctx, "last_period", None) or ctx.extra.get("last_period")
    if period is None:
        raise Skip("no month of filings in this run (the filings step sets ctx.last_period)")
    return period, ctx.users["province"], ctx.province


@step("province_xlsx_month_s", order=400, needs=("generate_filings_s",))
def province_xlsx_month(ctx: Context) -> None:
    """monitoring.exports.workbook.write_summary: the province's workbook of the last month to a temporary file."""
    period, user, province = _period_and_user(ctx)
    with tempfile.TemporaryDirectory(prefix="bench-xlsx-") as tmp:
        path = Path(tmp) / "province.xlsx"
        written = {}

        def build():
            written["w"] = exports.write_summary(str(path), user=user, period=period, region=province,
                                                 generated_by="bench")

        ctx.record("province_xlsx_month_s", ctx.median_time(build, repeat=3, warmup=1))
        ctx.record("province_xlsx_month_rows", written["w"].filings)
        ctx.record("province_xlsx_month_file_mb", path.stat().st_size / MB)

        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        try:
            build()
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ctx.record("province_xlsx_month_peak_mb", peak / MB)
    ctx.record("province_xlsx_month_rss_delta_mb", (rss_after - rss_before) / 1024)  # Linux: KiB
    ctx.note("province_xlsx_month_peak_mb", "tracemalloc peak of Python allocations, one untimed run")


@step("raw_xlsx_month_s", order=410, needs=("generate_filings_s",))
def raw_xlsx_month(ctx: Context) -> None:
    """The limit: the same sheets, cells and column number formats from in-memory lists, written by a bare
    constant_memory xlsxwriter (median of 3). Also ``raw_xlsx_month_plain_s``: the same cells without any
    format (one run), to show what the formats themselves cost in xlsxwriter."""

    period, user, province = _period_and_user(ctx)
    sheets = prepared_sheets(user=user, period=period, region=province)

    def write(path, formatted=True):
        wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
        formats = {kind: wb.add_format({"num_format": pattern}) for kind, pattern in NUMBER_FORMATS.items()}
        formats["text"] = wb.add_format({"num_format": "@"})
        for name, kinds, rows in sheets:
            ws = wb.add_worksheet(name)
            column_formats = [formats[k] if formatted else None for k in kinds]
            for c, fmt in enumerate(column_formats):
                ws.set_column(c, c, 14, fmt)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if value.__class__ is str:
                        ws.write_string(r, c, value, column_formats[c] if r else None)
                    else:
                        ws.write_number(r, c, value, column_formats[c])
        wb.close()

    with tempfile.TemporaryDirectory(prefix="bench-xlsx-") as tmp:
        path = os.path.join(tmp, "raw.xlsx")
        ctx.record("raw_xlsx_month_s", ctx.median_time(lambda: write(path), repeat=3, warmup=1))
        ctx.record("raw_xlsx_month_file_mb", os.path.getsize(path) / MB)
        started = time.perf_counter()
        write(path, formatted=False)
        ctx.record("raw_xlsx_month_plain_s", time.perf_counter() - started)
    if "province_xlsx_month_s" in ctx.figures:
        ctx.record("province_xlsx_vs_raw_ratio", ctx.figures["province_xlsx_month_s"] / ctx.figures["raw_xlsx_month_s"])
        ctx.record("province_xlsx_vs_plain_raw_ratio",
                   ctx.figures["province_xlsx_month_s"] / ctx.figures["raw_xlsx_month_plain_s"])


def _num(value):
    return None if value is None else float(value)


def prepared_sheets(*, user, period, region) -> list[tuple[str, list[str], list[list]]]:
    """Every sheet of the summary workbook as (name, column kinds, rows of final cell values), header first.
    Values are str / float / None, names already looked up: nothing left to do but write."""

    codes = [i.code for i in INDICATORS]
    kinds = [indicator_kind(i) for i in INDICATORS]
    heads = [f"{i.label}({i.unit})" for i in INDICATORS]
    growth_heads = [f"{i.label}同比(%)" for i in INDICATORS]
    names = dict(Region.objects.visible_to(user).filter(path__startswith=region.path).values_list("id", "name"))
    out = []
    cover = [["中小企业运行监测汇总表"], ["报告期", str(period)], ["地区", region.name], ["生成人", "bench"],
             ["纳入汇总的报表数", str(analysis.counted_filings(user=user, period=period, region=region).count())]]
    out.append(("封面", [TEXT, TEXT], cover))
    _r, status = selectors.status_by_child(user=user, period=period, region=region)
    out.append(("报送情况", [TEXT, TEXT, *[COUNT] * 7, PERCENT, COUNT], [
        ["区划代码", "地区", "应报", "已报", "按时", "迟报", "退回", "审核通过", "未报", "报送率(%)", "排名"]] + [
        [s.region.code, s.region.name, *(float(getattr(s, k)) for k in ("expected", "submitted", "on_time", "late",
                                                                         "returned", "approved")),
         float(s.not_submitted), s.rate, float(s.rank)] for s in status]))
    tree = exports.region_tree_totals(user=user, period=period, region=region)
    out.append(("分地区指标", [TEXT, TEXT, TEXT, COUNT, *kinds, *[PERCENT] * len(codes)], [
        ["区划代码", "地区", "类别", "报表数", *heads, *growth_heads]] + [
        [t.region.code, t.region.name, t.kind, float(t.filings), *(_num(t.values.get(c)) for c in codes),
         *(_num(g) for g in t.growth.values())] for t in tree]))
    industry_rows = []
    for by, title in (("industry", "分行业指标"), ("size", "分规模指标")):
        rows, total = analysis.indicator_totals(user=user, period=period, region=region, by=by)
        if by == "industry":
            industry_rows = rows
        out.append((title, [TEXT, TEXT, COUNT, *kinds, *[PERCENT] * len(codes)], [
            ["代码", "名称", "报表数", *heads, *growth_heads]] + [
            [r.key, r.label, float(r.filings), *(_num(r.values.get(c)) for c in codes),
             *(_num(r.growth.get(c)) for c in codes)] for r in [*rows, total]]))
    industry_names = {r.key: r.label for r in industry_rows}
    statuses = {k: str(v) for k, v in FilingStatus.choices}
    sizes = {k: str(v) for k, v in SizeClass.choices}
    detail = [["统一社会信用代码", "企业名称", "县(市、区)", "行业代码", "行业名称", "企业规模", "报表状态", "报送及时性", *heads]]
    for row in exports.detail_rows(user=user, period=period, region=region):
        code, name, county_id, industry, size, status_value, on_time = row[:7]
        detail.append([code, name, names.get(county_id, ""), industry, industry_names.get(industry, industry),
                       sizes.get(size, size), statuses.get(status_value, status_value),
                       None if on_time is None else ("按时" if on_time else "迟报"), *(_num(v) for v in row[7:])])
    detail.append(["", "合计", "", "", "", "", "", "", *(_num(tree[0].values.get(c)) for c in codes)])
    out.append(("企业明细", [*[TEXT] * 8, *kinds], detail))
    products = [["统一社会信用代码", "企业名称", "县(市、区)", "产品名称", "计量单位", "产量", "销量", "期末库存"]]
    for code, name, county_id, product, unit, production, sales, inventory in exports.product_rows(
            user=user, period=period, region=region):
        products.append([code, name, names.get(county_id, ""), product, unit, float(production), float(sales),
                         float(inventory)])
    out.append(("主要产品", [*[TEXT] * 5, MONEY, MONEY, MONEY], products))
    di_rows, own = analysis.diffusion_by_region(user=user, period=period, region=region)
    out.append(("景气扩散指数", [TEXT, COUNT, *[INDEX] * (len(SURVEY) + 1)], [
        ["地区", "样本数", *(q.label for q in SURVEY), "综合指数"]] + [
        [str(r["region"]), float(r["n"]), *(_num(r[q.code]) for q in SURVEY), _num(r["composite"])]
        for r in [*di_rows, {**own, "region": "合计"}]]))
    return out
