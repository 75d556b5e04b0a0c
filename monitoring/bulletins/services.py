"""The quarterly bulletin of every region's reporting (每季度通报各地监测企业报送情况, seed 000 §五): a kind of
bulletin (``portal.bulletins``), whose life — draft, review, publish as a notice, send to the regions, print
and .xlsx — is the portal's; its figures are monitoring's.

For each level — the province over its cities, each city over its counties — one bulletin per quarter: each
child region's monitored enterprises against its quota, the quarter's expected filings, submitted, on time,
late, returned, approved, the reporting rate and its rank (equal rates share a rank), and the quarter's
analysis reports. The filing figures are the reporting-status page's (``selectors.reporting_counts``) summed
over the quarter's three months, so the bulletin and the page never disagree.

Drafted on a set day after each quarter (``settings.BULLETIN_DAY_AFTER_QUARTER``) or on demand by province
staff; reviewed and published by them.
"""
from dataclasses import asdict, dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import periods, selectors
from monitoring.models import AnalysisReport, Period
from monitoring.selectors import ReportingCounts
from portal.accounts.scoping import Viewer, scope_for, within
from portal.bulletins.kinds import BulletinKind, Column, PeriodChoice, Table
from portal.core.periods import Quarter, parse_quarter, quarter_code
from portal.regions import selectors as region_selectors
from portal.regions.models import Region

KIND = "monitoring.reporting"
COLUMNS = (
    Column("rank", gettext_lazy("排名")),
    Column("name", gettext_lazy("地区"), "text"),
    Column("gb_code", gettext_lazy("区划代码"), "text"),  # GB/T 2260, six digits, as the summary workbook writes it
    Column("monitored", gettext_lazy("监测企业数")),
    Column("quota", gettext_lazy("配额")),
    Column("completion", gettext_lazy("配额完成率"), "pct"),
    Column("expected", gettext_lazy("应报")),
    Column("submitted", gettext_lazy("已报")),
    Column("on_time", gettext_lazy("按时报送")),
    Column("late", gettext_lazy("迟报")),
    Column("returned", gettext_lazy("退回")),
    Column("approved", gettext_lazy("审核通过")),
    Column("not_submitted", gettext_lazy("未报")),
    Column("rate", gettext_lazy("报送率"), "pct"),
    Column("reports", gettext_lazy("本季度分析报告(篇)"), help=gettext_lazy("本季度上传的季度运行分析报告篇数(本地区及下级地区)")),
)


@dataclass(kw_only=True)
class Row(ReportingCounts):
    """A child region's quarter: the status page's counts summed over three months, plus quota and reports."""

    code: str
    name: str
    gb_code: str = ""
    monitored: int = 0
    quota: int | None = None
    reports: int = 0
    months: list = field(default_factory=list)

    @property
    def completion(self) -> float | None:
        return round(100.0 * self.monitored / self.quota, 1) if self.quota else None

    def as_dict(self) -> dict:
        return {**asdict(self), "rate": self.rate, "not_submitted": self.not_submitted, "completion": self.completion}


# ------------------------------------------------------------------------------------------------
# Figures
# ------------------------------------------------------------------------------------------------

def compute_quarter(*, viewer: Viewer, region: Region, year: int, quarter: int) -> tuple[list[Row], dict]:
    """The quarter's lines: each child region of ``region`` and the region's own (合计), from the same reads —
    each month's ``selectors.reporting_counts`` (the status page's figures; the own line counted over the whole
    subtree, never summed from the rows), monitored enterprises at the quarter's end against the year's quota
    (the overview's rows and own line: the region's own quota is not the sum of its children's), analysis
    reports (each child's subtree, and the region's whole subtree). Rows ranked by rate. About twenty queries,
    whatever the number of regions and enterprises."""
    if not scope_for(viewer).region_in_scope(region):
        raise PermissionDenied(_("无权查看该地区。"))
    rows: dict[str, Row] = {}
    total = Row(code=region.code, name=str(_("合计")), gb_code=region.gb_code)
    for month in quarter_months(year, quarter):
        _region, own, statuses = selectors.reporting_counts(user=viewer, period=periods.read_period(year, month),
                                                            region=region)
        for line, s in [*((rows.setdefault(s.region.code, Row(code=s.region.code, name=s.region.name,
                                                           gb_code=s.region.gb_code)), s)
                          for s in statuses), *([(total, own)] if own is not None else [])]:
            for name in ("expected", "submitted", "on_time", "late", "returned", "approved"):
                setattr(line, name, getattr(line, name) + getattr(s, name))
            line.months.append({"month": month, "expected": s.expected, "submitted": s.submitted, "rate": s.rate})
    overview = region_selectors.overview(user=viewer, region=region, year=year, today=quarter_end(year, quarter))
    for unit in overview["rows"]:
        child = rows.get(unit.region.code)
        if child is not None:
            child.monitored, child.quota = unit.total, unit.quota
    total.monitored, total.quota = overview["own"].total, overview["own"].quota
    paths = {r.path: r.code for r in Region.objects.visible_to(viewer).filter(parent=region).only("path", "code")}
    for path, n in (within(AnalysisReport.objects.visible_to(viewer), region).filter(year=year, quarter=quarter)
                    .values_list("region__path").annotate(n=Count("id")).order_by()):
        total.reports += n
        for child_path, code in paths.items():
            if path.startswith(child_path) and code in rows:
                rows[code].reports += n
    out = list(rows.values())
    selectors.rank_by_rate(out)
    return out, {**total.as_dict(), "rank": None}


def compute(*, viewer: Viewer, region: Region, year: int, quarter: int) -> list[Row]:
    """Each child region's line for the quarter (``compute_quarter``)."""
    return compute_quarter(viewer=viewer, region=region, year=year, quarter=quarter)[0]


def compute_total(*, viewer: Viewer, region: Region, year: int, quarter: int) -> dict:
    """The region's own line for the quarter (``compute_quarter``)."""
    return compute_quarter(viewer=viewer, region=region, year=year, quarter=quarter)[1]


def has_expected(*, viewer: Viewer, region: Region, year: int, quarter: int) -> bool:
    """Whether any enterprise in ``region``'s subtree was to file in the quarter (the bulletin's 应报 is not 0):
    a region with nothing expected gets no bulletin of its own, as the status page shows it "—", unranked."""
    start = date(year, quarter_months(year, quarter)[0], 1)
    return within(selectors.monitored_during(user=viewer, start=start, end=quarter_end(year, quarter)), region).exists()


def quarter_months(year: int, quarter: int) -> list[int]:
    return [3 * (quarter - 1) + i for i in (1, 2, 3)]


def quarter_end(year: int, quarter: int) -> date:
    return Period(year=year, month=3 * quarter).month_end


def previous_quarter(today: date) -> tuple[int, int]:
    q = (today.month - 1) // 3 + 1
    return (today.year, q - 1) if q > 1 else (today.year - 1, 4)


def check_quarter(year: int, quarter: int, today: date) -> None:
    if quarter_end(year, quarter) >= today:
        raise ValidationError({"quarter": _("%(y)d年第%(q)d季度尚未结束,不能生成通报。") % {"y": year, "q": quarter}})


def title_of(region: Region, year: int, quarter: int) -> str:
    children = _("各县(市、区)") if region.level == 2 else _("各地")
    return _("%(region)s%(y)d年第%(q)d季度%(children)s监测企业报送情况通报") % {
        "region": region.name, "y": year, "q": quarter, "children": children}


def _months_text(year: int, quarter: int) -> str:
    return _("、").join(_("%(m)d月") % {"m": m} for m in quarter_months(year, quarter))


class ReportingBulletin(BulletinKind):
    """每季度通报各地监测企业报送情况."""

    key = KIND
    label = gettext_lazy("监测企业报送情况季度通报")
    columns = COLUMNS
    total_label = gettext_lazy("合计")
    footnote = gettext_lazy("报送率 = 已报 ÷ 应报(三个月合计);报送率相同的地区并列同一名次,没有应报企业的地区不排名、不计报送率(—);"
                  "本季度分析报告为该地区及其下级地区本季度上传的季度运行分析报告篇数。")

    def clean_period(self, period: str, today: date) -> str:
        year, quarter = parse_quarter(period)
        check_quarter(year, quarter, today)
        return quarter_code(year, quarter)

    def period_choices(self, today: date) -> list[PeriodChoice]:
        quarter = Quarter(*previous_quarter(today))
        out = []
        for _i in range(8):
            out.append(PeriodChoice(quarter.code, _("%(y)d年第%(q)d季度") % {"y": quarter.year, "q": quarter.quarter}))
            quarter = quarter.previous()
        return out

    def due(self, today: date) -> str | None:
        if today.month not in (1, 4, 7, 10) or today.day != settings.BULLETIN_DAY_AFTER_QUARTER:
            return None
        return quarter_code(*previous_quarter(today))

    def describe_period(self, period: str) -> str:
        year, quarter = parse_quarter(period)
        return _("统计月份:%(months)s") % {"months": _months_text(year, quarter)}

    def levels(self, viewer: Viewer) -> list[Region]:
        """The province, then each city (in the viewer's scope)."""
        province = viewer.region
        if province is None:
            return []
        cities = list(Region.objects.visible_to(viewer).filter(parent=province).order_by("sort_order", "code"))
        return [province, *cities]

    skip_reason = gettext_lazy("本季度没有应报的监测企业")

    def has_figures(self, *, viewer: Viewer, region: Region, period: str) -> bool:
        year, quarter = parse_quarter(period)
        return has_expected(viewer=viewer, region=region, year=year, quarter=quarter)

    def title(self, region: Region, period: str) -> str:
        return title_of(region, *parse_quarter(period))

    def compute(self, *, viewer: Viewer, region: Region, period: str) -> Table:
        rows, total = compute_quarter(viewer=viewer, region=region, year=parse_quarter(period)[0],
                                      quarter=parse_quarter(period)[1])
        ordered = sorted((row.as_dict() for row in rows), key=selectors.rank_order)
        return Table(rows=ordered, total={k: v for k, v in total.items() if k != "rank"})

    def notice_lines(self, *, region: Region, period: str, rows: list[dict], total: dict) -> list[str]:
        year, quarter = parse_quarter(period)
        lines = [
            _("%(y)d年第%(q)d季度(%(months)s)%(region)s监测企业报送情况通报如下:") % {
                "y": year, "q": quarter, "region": region.name, "months": _months_text(year, quarter)},
            _("合计应报 %(e)d 份,已报 %(s)d 份,报送率 %(r)s。") % {
                "e": total["expected"], "s": total["submitted"], "r": _percent(total["rate"])},
            "",
        ]
        for row in rows:
            rank = _("第%(n)d名") % {"n": row["rank"]} if row["rank"] is not None else _("不排名(无应报企业)")
            lines.append(_("%(rank)s %(name)s:监测企业 %(m)d 家(配额 %(quota)s),应报 %(e)d 份,已报 %(s)d 份,"
                           "按时 %(t)d 份,退回 %(ret)d 份,报送率 %(rate)s,季度分析报告 %(rep)d 篇。") % {
                "rank": rank, "name": row["name"], "m": row["monitored"],
                "quota": row["quota"] if row["quota"] is not None else "-", "e": row["expected"],
                "s": row["submitted"], "t": row["on_time"], "ret": row["returned"], "rate": _percent(row["rate"]),
                "rep": row["reports"]})
        lines += ["", _("请各地及时掌握报送情况,督促监测企业按时报送,对报送工作好的企业予以表彰。")]
        return lines


def _percent(rate: float | None) -> str:
    """A rate as the notice writes it; a region with nothing expected has none ("—", never 0.0%)."""
    return "—" if rate is None else f"{rate}%"
