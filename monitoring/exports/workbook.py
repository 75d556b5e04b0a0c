"""The summary workbook (汇总表) of a period and a region, written with xlsxwriter in constant_memory mode.

Sheets: cover (what, period, region, who, when, which filings were counted), reporting status by child
region, indicators by region in tree order with subtotals, by industry, by size class, enterprise
detail (one row per counted filing), products, diffusion indices.

Every read starts from a scoped queryset (``analysis.counted_filings`` / ``Model.objects.visible_to``)
or a selector; the whole workbook is a fixed number of queries whatever the number of filings. The two
long sheets (enterprise detail, products) are streamed from a server-side cursor in chunks, with no row
cap. Text is always written with ``write_string`` (never a formula, whatever it starts with); numbers
with ``write_number``. Totals are the database's own SUMs (``Decimal``), subtotals added up as ``Decimal``, so
that every total row equals the database's to the last digit; cells hold doubles, exact at one decimal place.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import xlsxwriter
from django.db.models import Count, F, FloatField, Sum
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import analysis, selectors
from monitoring.indicators import INDICATORS, SURVEY
from monitoring.models import Filing, FilingStatus, Period
from portal.accounts.scoping import within
from portal.enterprises.models import SIZE_CODES, SizeClass
from portal.regions.models import Region, RegionLevel

CHUNK = 2000
CODES = tuple(i.code for i in INDICATORS)

# Column kinds → number formats (one decimal for amounts in 千元, integers for counts and people).
# Product quantities are stored with two decimals (FilingProduct) and shown with both.
TEXT, COUNT, MONEY, QUANTITY, PERCENT, INDEX = "text", "count", "money", "quantity", "percent", "index"
NUMBER_FORMATS = {COUNT: "#,##0", MONEY: "#,##0.0", QUANTITY: "#,##0.00", PERCENT: "0.0", INDEX: "0.0"}
WIDTHS = {TEXT: 14, COUNT: 10, MONEY: 16, QUANTITY: 16, PERCENT: 11, INDEX: 10}


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    width: int | None = None


def indicator_kind(indicator) -> str:
    return COUNT if indicator.integer else MONEY


def indicator_columns() -> list[Column]:
    return [Column(i.heading, indicator_kind(i)) for i in INDICATORS]


def growth_columns() -> list[Column]:
    return [Column(_("%(label)s同比(%%)") % {"label": i.label}, PERCENT) for i in INDICATORS]


HEADER_ROW = 2  # row 0: the table's title, row 1: its unit line, row 2: the column headers
FOOTER = gettext_lazy("&C第 &P 页 共 &N 页")
A4 = 9


def print_setup(ws, *, repeat_rows: int | None = None, label_columns: int = 0, landscape: bool = True,
                one_page: bool = False) -> None:
    """A4, landscape, one page wide (as many pages long as it takes), the header row and the label columns
    repeated on every page, 第 N 页 共 M 页 in the footer; ``one_page``: the whole sheet on one page."""
    ws.set_paper(A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.center_horizontally()
    ws.fit_to_pages(1, 1 if one_page else 0)
    if repeat_rows is not None:
        ws.repeat_rows(repeat_rows)
    if label_columns:
        ws.repeat_columns(0, label_columns - 1)
    ws.set_footer(str(FOOTER))


class Sheet:
    """One worksheet written top to bottom: the table's title and unit line, the header row, per-column formats,
    frozen header and label columns, autofilter, set up for printing (``print_setup``)."""

    def __init__(self, book: "SummaryBook", name: str, columns: list[Column], *, title: str, unit: str,
                 label_columns: int = 1, filter_rows: bool = True):
        self.ws = book.wb.add_worksheet(str(name))
        self.columns = columns
        self.kinds = [c.kind for c in columns]
        self.formats = [book.formats[c.kind] for c in columns]
        self.bold_formats = [book.bold[c.kind] for c in columns]
        self.row_no = HEADER_ROW
        self.filter_rows = filter_rows
        for c, col in enumerate(columns):
            self.ws.set_column(c, c, col.width or WIDTHS[col.kind], self.formats[c])
        # Rows are written in order (constant_memory): each row's height is set before its cells.
        self.ws.set_row(0, 22)
        self.ws.write_string(0, 0, title, book.table_title)
        self.ws.write_string(1, 0, unit, book.unit)
        self.ws.set_row(HEADER_ROW, 32)
        for c, col in enumerate(columns):
            self.ws.write_string(HEADER_ROW, c, col.label, book.header)
        self.ws.freeze_panes(HEADER_ROW + 1, label_columns)
        print_setup(self.ws, repeat_rows=HEADER_ROW, label_columns=label_columns)

    def row(self, values: Iterable, *, bold: bool = False) -> None:
        self.row_no += 1
        r, ws = self.row_no, self.ws
        formats = self.bold_formats if bold else self.formats
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if self.kinds[c] == TEXT or isinstance(value, str):  # a figure that is not there: "—"
                ws.write_string(r, c, str(value), formats[c])
            else:
                ws.write_number(r, c, float(value), formats[c])

    def close(self) -> None:
        if self.filter_rows:
            self.ws.autofilter(HEADER_ROW, 0, max(self.row_no, HEADER_ROW + 1), len(self.columns) - 1)


class SummaryBook:
    def __init__(self, target):
        self.wb = xlsxwriter.Workbook(target, {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "default_date_format": "yyyy-mm-dd"})
        base = {"font_name": "宋体", "font_size": 10}
        self.header = self.wb.add_format({**base, "bold": True, "bg_color": "#DCE6F1", "border": 1,
                                          "text_wrap": True, "valign": "vcenter", "align": "center"})
        self.title = self.wb.add_format({**base, "bold": True, "font_size": 16})
        self.label = self.wb.add_format({**base, "bold": True, "valign": "top"})
        self.wrap = self.wb.add_format({**base, "text_wrap": True, "valign": "top"})
        self.table_title = self.wb.add_format({**base, "bold": True, "font_size": 14})
        self.unit = self.wb.add_format({**base, "italic": True})
        self.formats = {TEXT: self.wb.add_format({**base, "num_format": "@"})}
        self.bold = {TEXT: self.wb.add_format({**base, "num_format": "@", "bold": True})}
        for kind, pattern in NUMBER_FORMATS.items():
            self.formats[kind] = self.wb.add_format({**base, "num_format": pattern})
            self.bold[kind] = self.wb.add_format({**base, "num_format": pattern, "bold": True})

    def sheet(self, name: str, columns: list[Column], *, title: str, unit: str, **kwargs) -> Sheet:
        return Sheet(self, name, columns, title=title, unit=unit, **kwargs)

    def close(self) -> None:
        self.wb.close()


# -------------------------------------------------------------------------------------------------
# Reads (scoped: analysis.counted_filings / selectors / visible_to; a fixed number of queries)
# -------------------------------------------------------------------------------------------------

@dataclass
class TreeRow:
    region: Region
    kind: str  # "total" | "subtotal" | "county"
    filings: int = 0
    values: dict = field(default_factory=dict)
    now: dict = field(default_factory=dict)  # same-set sums this year (for growth)
    then: dict = field(default_factory=dict)  # same-set sums last year

    def add(self, other: "TreeRow") -> None:
        self.filings += other.filings
        for target, source in ((self.values, other.values), (self.now, other.now), (self.then, other.then)):
            for c in CODES:
                if source.get(c) is not None:
                    target[c] = (target.get(c) or 0) + source[c]

    @property
    def growth(self) -> dict:
        return {c: analysis.growth(self.now.get(c), self.then.get(c)) for c in CODES}


def _children_sorted(regions: list[Region], parent: Region) -> list[Region]:
    return sorted((r for r in regions if r.parent_id == parent.id), key=lambda r: (r.sort_order, r.code))


def region_tree_totals(*, user, period: Period, region: Region) -> list[TreeRow]:
    """Every indicator by county with city subtotals and the region's total, in tree order (province →
    city subtotal → its counties). Growth on the same set of enterprises (同口径). Four queries."""
    sums = {c: Sum(c) for c in CODES}
    current = analysis.counted_filings(user=user, period=period, region=region)
    by_county = {r["county_id"]: r for r in current.values("county_id").annotate(n=Count("id"), **sums)
                 .order_by("county_id")}
    now, then = analysis.comparable_sums(user=user, period=period, region=region, key="county_id")
    regions = list(Region.objects.visible_to(user).subtree(region))

    def leaf(county: Region, kind: str = "county") -> TreeRow:
        row = by_county.get(county.id) or {}
        return TreeRow(region=county, kind=kind, filings=row.get("n", 0),
                       values={c: row.get(c) for c in CODES},
                       now={c: (now.get(county.id) or {}).get(c) for c in CODES},
                       then={c: (then.get(county.id) or {}).get(c) for c in CODES})

    if region.level == RegionLevel.COUNTY:
        return [leaf(region, "total")]
    out: list[TreeRow] = []
    total = TreeRow(region=region, kind="total")
    out.append(total)
    cities = [region] if region.level == RegionLevel.CITY else _children_sorted(regions, region)
    for city in cities:
        subtotal = total if city is region else TreeRow(region=city, kind="subtotal")
        if subtotal is not total:
            out.append(subtotal)
        for county in _children_sorted(regions, city):
            row = leaf(county)
            out.append(row)
            subtotal.add(row)
        if subtotal is not total:
            total.add(subtotal)
    known = {r.region.id for r in out}
    # Filings of a county no longer in the tree (moved or merged since): counted in the total all the same.
    for county_id in sorted(set(by_county) - known, key=str):
        row = leaf(Region(id=county_id, code=str(county_id), name=_("其他"), level=RegionLevel.COUNTY,
                          official_code=False))
        out.append(row)
        total.add(row)
    return out


def status_counts(*, user, period: Period, region: Region) -> dict[str, int]:
    """Filings of the period in the region by status (for the cover: what was counted, what was not)."""
    qs = within(Filing.objects.visible_to(user), region).filter(period=period)
    return dict(qs.values_list("status").annotate(n=Count("id")).order_by("status"))


def _as_double(name: str, integer: bool = False):
    """A value column read as the double the cell will hold anyway (xlsx stores doubles): the driver hands
    over a float instead of building a Decimal per cell. Totals never come from these: they are the
    database's own SUMs (Decimal)."""
    return F(name) if integer else Cast(name, FloatField())


def detail_rows(*, user, period: Period, region: Region):
    """One tuple per counted filing, streamed from a server-side cursor (no row cap, no per-row query)."""
    return (analysis.counted_filings(user=user, period=period, region=region)
            .order_by("region_path", "enterprise__credit_code")
            .values_list("enterprise__credit_code", "enterprise__name", "county_id", "industry_code", "size_class",
                         "status", "on_time", *(_as_double(i.code, i.integer) for i in INDICATORS))
            .iterator(chunk_size=CHUNK))


def product_rows(*, user, period: Period, region: Region):
    """One tuple per product row of a counted filing, streamed like detail_rows."""
    return (analysis.counted_filings(user=user, period=period, region=region)
            .filter(products__isnull=False)
            .order_by("region_path", "enterprise__credit_code", "products__position", "products__id")
            .values_list("enterprise__credit_code", "enterprise__name", "county_id", "products__name",
                         "products__unit", _as_double("products__production"), _as_double("products__sales"),
                         _as_double("products__inventory"))
            .iterator(chunk_size=CHUNK))


# -------------------------------------------------------------------------------------------------
# The workbook
# -------------------------------------------------------------------------------------------------

SHEETS = {
    "cover": gettext_lazy("封面"), "status": gettext_lazy("报送情况"), "regions": gettext_lazy("分地区指标"),
    "industries": gettext_lazy("分行业指标"), "sizes": gettext_lazy("分规模指标"), "detail": gettext_lazy("企业明细"),
    "products": gettext_lazy("主要产品"), "diffusion": gettext_lazy("景气扩散指数"),
}
KIND_LABELS = {"total": gettext_lazy("合计"), "subtotal": gettext_lazy("小计"), "county": gettext_lazy("县(市、区)")}


def table_title(region: Region, period: Period, table) -> str:
    return _("%(region)s%(period)s%(table)s") % {"region": region.name, "period": period, "table": table}


def money_unit(period: Period) -> str:
    return _("金额单位:千元;从业人员:人;流量指标为1—%(m)d月累计值;同比为同口径增速(%%)") % {"m": period.month}


def status_unit() -> str:
    return _("单位:家;报送率:%")


@dataclass
class Written:
    filings: int = 0  # enterprise-detail rows
    products: int = 0
    totals: dict = field(default_factory=dict)  # code -> Decimal: the total row under the enterprise rows


def write_summary(target, *, user, period: Period, region: Region, generated_by: str = "",
                  progress: Callable[[int], None] | None = None) -> Written:
    """Write the summary workbook of ``period`` and ``region`` as ``user`` sees it to ``target`` (a path or a
    binary file object). ``progress(percent)`` is called as the sheets are written."""
    report = progress or (lambda _p: None)
    report(1)
    counted_n = analysis.counted_filings(user=user, period=period, region=region).count()
    by_status = status_counts(user=user, period=period, region=region)
    names = dict(Region.objects.visible_to(user).subtree(region).values_list("id", "name"))
    book = SummaryBook(target)
    _cover(book, user=user, period=period, region=region, generated_by=generated_by, counted=counted_n,
           by_status=by_status)
    _status_sheet(book, user=user, period=period, region=region)
    report(5)
    tree = region_tree_totals(user=user, period=period, region=region)
    _tree_sheet(book, tree, period=period)
    report(10)
    industry_rows, industry_total = analysis.indicator_totals(user=user, period=period, region=region, by="industry")
    _group_sheet(book, SHEETS["industries"], (_("行业代码"), _("行业名称")), industry_rows, industry_total,
                 title=table_title(region, period, SHEETS["industries"]), unit=money_unit(period))
    report(13)
    size_rows, size_total = analysis.indicator_totals(user=user, period=period, region=region, by="size")
    size_order = {code: i for i, code in enumerate(SizeClass.values)}
    size_rows.sort(key=lambda r: size_order.get(r.key, 99))
    for row in size_rows:  # the statistical tables' size code (1 大型 … 4 微型), not the stored value
        row.key = SIZE_CODES.get(row.key, "—")
    _group_sheet(book, SHEETS["sizes"], (_("规模代码"), _("企业规模")), size_rows, size_total,
                 title=table_title(region, period, SHEETS["sizes"]), unit=money_unit(period))
    report(15)
    industry_names = {r.key: r.label for r in industry_rows}
    written = _detail_sheet(book, user=user, period=period, region=region, names=names,
                            industry_names=industry_names, expected=counted_n, total=tree[0].values,
                            report=lambda p: report(15 + int(p * 0.7)))
    report(85)
    written.products = _product_sheet(book, user=user, period=period, region=region, names=names)
    report(92)
    _diffusion_sheet(book, user=user, period=period, region=region)
    report(95)
    book.close()
    report(99)
    return written


def _cover(book: SummaryBook, *, user, period, region, generated_by, counted, by_status) -> None:
    ws = book.wb.add_worksheet(str(SHEETS["cover"]))
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 80)
    ws.write_string(0, 0, _("中小企业运行监测汇总表"), book.title)
    print_setup(ws, landscape=False, one_page=True)  # the cover: one A4 page
    statuses = dict(FilingStatus.choices)
    counted_labels = "、".join(str(statuses[s]) for s in analysis.COUNTED)
    excluded = "、".join(_("%(status)s %(n)d 份") % {"status": statuses[s], "n": n}
                         for s, n in sorted(by_status.items()) if s not in analysis.COUNTED) or _("无")
    lines = [
        (_("报告期"), str(period)),
        (_("地区"), f"{region.name}({region.gb_code})"),
        (_("生成人"), generated_by or str(user)),
        (_("生成时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")),
        (_("纳入汇总的报表状态"), counted_labels),
        (_("纳入汇总的报表数"), str(counted)),
        (_("未纳入汇总的报表"), excluded),
        (_("金额单位"), _("千元(流量指标为1—%(m)d月累计值)") % {"m": period.month}),
        (_("同比口径"), _("同口径:本期与上年同期均纳入汇总的企业")),
        (_("工作表"), "、".join(str(v) for k, v in SHEETS.items() if k != "cover")),
    ]
    for r, (label, value) in enumerate(lines, start=2):
        ws.write_string(r, 0, label, book.label)
        ws.write_string(r, 1, value, book.wrap)


def _status_sheet(book: SummaryBook, *, user, period, region) -> None:
    _region, total, rows = selectors.reporting_counts(user=user, period=period, region=region)
    total = total or selectors.RegionStatus(region=region)
    if not rows:
        rows = [total]
    sheet = book.sheet(SHEETS["status"], [
        Column(_("区划代码"), width=10), Column(_("地区"), width=16), Column(_("应报"), COUNT),
        Column(_("已报"), COUNT), Column(_("按时"), COUNT), Column(_("迟报"), COUNT), Column(_("退回"), COUNT),
        Column(_("审核通过"), COUNT), Column(_("未报"), COUNT), Column(_("报送率(%)"), PERCENT),
        Column(_("排名"), COUNT)], title=table_title(region, period, SHEETS["status"]), unit=status_unit(),
        label_columns=2)
    keys = ("expected", "submitted", "on_time", "late", "returned", "approved")
    for r in rows:
        sheet.row([r.region.gb_code, r.region.name, *(getattr(r, k) for k in keys), r.not_submitted, _or_dash(r.rate),
                   _or_dash(r.rank)])
    sheet.row([region.gb_code, _("合计"), *(getattr(total, k) for k in keys), total.not_submitted, _or_dash(total.rate),
               None], bold=True)
    sheet.close()


def _or_dash(value):
    """A rate or rank a region with nothing expected does not have: "—", never 0."""
    return "—" if value is None else value


def write_status(target, *, user, period: Period, region: Region, not_filed=None) -> None:
    """The status page as .xlsx: its table (each child region and the region's own 合计, ``_status_sheet``) and,
    for a county, the enterprises that have not filed with their contacts (``not_filed``: the page's selector)."""
    book = SummaryBook(target)
    _status_sheet(book, user=user, period=period, region=region)
    if not_filed is not None:
        sheet = book.sheet(_("未报送企业"), [
            Column(_("企业"), width=28), Column(_("统一社会信用代码"), width=22), Column(_("地区"), width=12),
            Column(_("联系人"), width=12), Column(_("联系电话"), width=16)],
            title=table_title(region, period, _("未报送企业")), unit=_("按企业名称排序;联系人及电话取自企业登记信息"))
        for e in not_filed.iterator(chunk_size=CHUNK):
            sheet.row([e.name, e.credit_code, e.region.name, e.contact_name, e.contact_phone])
        sheet.close()
    book.close()


def _tree_sheet(book: SummaryBook, rows: list[TreeRow], *, period: Period) -> None:
    sheet = book.sheet(SHEETS["regions"], [
        Column(_("区划代码"), width=10), Column(_("地区"), width=16), Column(_("类别"), width=10),
        Column(_("报表数"), COUNT), *indicator_columns(), *growth_columns()],
        title=table_title(rows[0].region, period, SHEETS["regions"]), unit=money_unit(period), label_columns=3)
    for row in rows:
        growth = row.growth
        sheet.row([row.region.gb_code, row.region.name, str(KIND_LABELS[row.kind]), row.filings,
                   *(_zero(row.values.get(c)) for c in CODES), *(growth[c] for c in CODES)],
                  bold=row.kind != "county")
    sheet.close()


def _group_sheet(book: SummaryBook, name: str, heads: tuple[str, str], rows, total, *, title: str,
                 unit: str) -> None:
    sheet = book.sheet(name, [Column(heads[0], width=10), Column(heads[1], width=28), Column(_("报表数"), COUNT),
                              *indicator_columns(), *growth_columns()], title=title, unit=unit, label_columns=2)
    for row in rows:
        sheet.row([row.key, row.label, row.filings, *(_zero(row.values.get(c)) for c in CODES),
                   *(row.growth.get(c) for c in CODES)])
    sheet.row(["", _("合计"), total.filings, *(_zero(total.values.get(c)) for c in CODES),
               *(total.growth.get(c) for c in CODES)], bold=True)
    sheet.close()


def _detail_sheet(book: SummaryBook, *, user, period, region, names, industry_names, expected, total,
                  report) -> Written:
    """One row per counted filing; the total row below them is the database's SUM (the region's total of the
    tree sheet, the same filings), not a sum of the doubles written."""
    statuses = {k: str(v) for k, v in FilingStatus.choices}  # translated once, not per row
    sizes = {k: str(v) for k, v in SizeClass.choices}
    yes, no = _("按时"), _("迟报")
    sheet = book.sheet(SHEETS["detail"], [
        Column(_("统一社会信用代码"), width=21), Column(_("企业名称"), width=32), Column(_("县(市、区)"), width=12),
        Column(_("行业代码"), width=8), Column(_("行业名称"), width=24), Column(_("企业规模"), width=8),
        Column(_("报表状态"), width=12), Column(_("报送及时性"), width=10), *indicator_columns()],
        title=table_title(region, period, SHEETS["detail"]), unit=money_unit(period), label_columns=2)
    ws, formats = sheet.ws, sheet.formats
    text_format = formats[0]
    value_formats = formats[8:]
    count, step = 0, max(expected // 20, 1)
    # The innermost loop: written cell by cell without the generic Sheet.row dispatch.
    for row in detail_rows(user=user, period=period, region=region):
        count += 1
        r = HEADER_ROW + count
        credit_code, name, county_id, industry_code, size_class, status, on_time = row[:7]
        ws.write_string(r, 0, credit_code, text_format)
        ws.write_string(r, 1, name, text_format)
        ws.write_string(r, 2, names.get(county_id, ""), text_format)
        ws.write_string(r, 3, industry_code, text_format)
        ws.write_string(r, 4, industry_names.get(industry_code, industry_code), text_format)
        ws.write_string(r, 5, sizes.get(size_class, size_class), text_format)
        ws.write_string(r, 6, statuses.get(status, status), text_format)
        if on_time is not None:
            ws.write_string(r, 7, yes if on_time else no, text_format)
        for i, value in enumerate(row[7:]):
            if value is not None:
                ws.write_number(r, 8 + i, value, value_formats[i])
        if count % step == 0:
            report(min(count / expected, 1.0) * 100 if expected else 100)
    sheet.row_no = HEADER_ROW + count
    totals = [_zero(total.get(c)) for c in CODES]
    sheet.row(["", _("合计"), "", "", "", "", "", "", *totals], bold=True)
    sheet.row_no = HEADER_ROW + count  # the autofilter covers the enterprise rows, not the total below them
    sheet.close()
    return Written(filings=count, totals=dict(zip(CODES, totals, strict=True)))


def _product_sheet(book: SummaryBook, *, user, period, region, names) -> int:
    sheet = book.sheet(SHEETS["products"], [
        Column(_("统一社会信用代码"), width=21), Column(_("企业名称"), width=32), Column(_("县(市、区)"), width=12),
        Column(_("产品名称"), width=20), Column(_("计量单位"), width=10), Column(_("产量"), QUANTITY),
        Column(_("销量"), QUANTITY), Column(_("期末库存"), QUANTITY)],
        title=table_title(region, period, SHEETS["products"]),
        unit=_("数量单位:见“计量单位”列;产量、销量为1—%(m)d月累计值") % {"m": period.month}, label_columns=2)
    ws, formats = sheet.ws, sheet.formats
    count = 0
    for credit_code, name, county_id, product, unit, production, sales, inventory in product_rows(
            user=user, period=period, region=region):
        count += 1
        r = HEADER_ROW + count
        ws.write_string(r, 0, credit_code, formats[0])
        ws.write_string(r, 1, name, formats[1])
        ws.write_string(r, 2, names.get(county_id, ""), formats[2])
        ws.write_string(r, 3, product, formats[3])
        ws.write_string(r, 4, unit, formats[4])
        ws.write_number(r, 5, production, formats[5])
        ws.write_number(r, 6, sales, formats[6])
        ws.write_number(r, 7, inventory, formats[7])
    sheet.row_no = HEADER_ROW + count
    sheet.close()
    return count


def _diffusion_sheet(book: SummaryBook, *, user, period, region) -> None:
    rows, own = analysis.diffusion_by_region(user=user, period=period, region=region)
    sheet = book.sheet(SHEETS["diffusion"], [
        Column(_("地区"), width=16), Column(_("样本数"), COUNT),
        *(Column(_("%(q)s扩散指数") % {"q": q.label}, INDEX) for q in SURVEY), Column(_("综合指数"), INDEX)],
        title=table_title(region, period, SHEETS["diffusion"]), unit=_("单位:指数(50 为荣枯线);样本数:家"))
    for row in rows:
        sheet.row([row["region"], row["n"], *(row[q.code] for q in SURVEY), row["composite"]])
    sheet.row([_("%(region)s合计") % {"region": region.name}, own["n"], *(own[q.code] for q in SURVEY),
               own["composite"]], bold=True)
    sheet.close()
    note_row = sheet.row_no + 2
    sheet.ws.write_string(note_row, 0, _("扩散指数 = 100 ×(“增加/良好”占比 + 0.5 ×“持平/一般”占比),50 为荣枯线;"
                                         "综合指数按权重合成,成本分项取 100 − 指数。"))


def _zero(value):
    return 0 if value is None else value
