"""The quarterly bulletin of every region's reporting (每季度通报各地监测企业报送情况, seed 000 §五).

For each level — the province over its cities, each city over its counties — one Bulletin per quarter: each
child region's monitored enterprises against its quota, the quarter's expected filings, submitted, on time,
late, returned, approved, the reporting rate and its rank (equal rates share a rank), and the quarter's
analysis reports. The filing figures are the reporting-status page's (``selectors.status_by_child``) summed
over the quarter's three months, so the bulletin and the page never disagree.

Drafted on a set day after each quarter (``settings.BULLETIN_DAY_AFTER_QUARTER``) or on demand by province
staff; reviewed and published by them: publishing creates a Notice (通知公告) and notifies the regions'
officials. Each draft is a printable page and an .xlsx.
"""
import io
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import xlsxwriter
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from monitoring import periods, selectors
from monitoring.models import AnalysisReport, Bulletin, Period
from monitoring.reminders.services import OFFICER_FIELDS, system_viewer
from monitoring.selectors import ReportingCounts
from portal.accounts.models import Role, User
from portal.accounts.scoping import scope_for, within
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core.exceptions import Conflict
from portal.core.periods import Quarter, quarter_code
from portal.notices import services as notice_services
from portal.notices.models import NoticeKind
from portal.notifications import services as notifications
from portal.regions import selectors as region_selectors
from portal.regions.models import Region

COLUMNS = (  # (key, header, kind)
    ("rank", _l("排名"), "int"),
    ("name", _l("地区"), "text"),
    ("monitored", _l("监测企业数"), "int"),
    ("quota", _l("配额"), "int"),
    ("completion", _l("配额完成率(%)"), "float"),
    ("expected", _l("应报"), "int"),
    ("submitted", _l("已报"), "int"),
    ("on_time", _l("按时报送"), "int"),
    ("late", _l("迟报"), "int"),
    ("returned", _l("退回"), "int"),
    ("approved", _l("审核通过"), "int"),
    ("not_submitted", _l("未报"), "int"),
    ("rate", _l("报送率(%)"), "float"),
    ("reports", _l("分析报告(篇)"), "int"),
)
SUMMED = ("monitored", "quota", "expected", "submitted", "on_time", "late", "returned", "approved", "not_submitted",
          "reports")


@dataclass(kw_only=True)
class Row(ReportingCounts):
    """A child region's quarter: the status page's counts summed over three months, plus quota and reports."""

    code: str
    name: str
    monitored: int = 0
    quota: int | None = None
    reports: int = 0
    months: list = field(default_factory=list)

    @property
    def completion(self) -> float | None:
        return round(100.0 * self.monitored / self.quota, 1) if self.quota else None

    def as_dict(self) -> dict:
        return {**asdict(self), "rate": self.rate, "not_submitted": self.not_submitted, "completion": self.completion}


def quarter_months(year: int, quarter: int) -> list[int]:
    return [3 * (quarter - 1) + i for i in (1, 2, 3)]


def quarter_end(year: int, quarter: int) -> date:
    return Period(year=year, month=3 * quarter).month_end


def previous_quarter(today: date) -> tuple[int, int]:
    q = (today.month - 1) // 3 + 1
    return (today.year, q - 1) if q > 1 else (today.year - 1, 4)


def check_quarter(year: int, quarter: int, today: date | None = None) -> None:
    today = today or timezone.localdate()
    if not 1 <= quarter <= 4 or year < 2000:
        raise ValidationError({"quarter": _("请选择季度。")})
    if quarter_end(year, quarter) >= today:
        raise ValidationError({"quarter": _("%(y)d年第%(q)d季度尚未结束,不能生成通报。") % {"y": year, "q": quarter}})


def title_of(region: Region, year: int, quarter: int) -> str:
    children = _("各县(市、区)") if region.level == 2 else _("各地")
    return _("%(region)s%(y)d年第%(q)d季度%(children)s监测企业报送情况通报") % {
        "region": region.name, "y": year, "q": quarter, "children": children}


# ------------------------------------------------------------------------------------------------
# Figures
# ------------------------------------------------------------------------------------------------

def compute_quarter(*, viewer: Any, region: Region, year: int, quarter: int) -> tuple[list[Row], dict]:
    """The quarter's lines: each child region of ``region`` and the region's own (合计), from the same reads —
    each month's ``selectors.reporting_counts`` (the status page's figures; the own line counted over the whole
    subtree, never summed from the rows), monitored enterprises at the quarter's end against the year's quota
    (the overview's rows and own line: the region's own quota is not the sum of its children's), analysis
    reports (each child's subtree, and the region's whole subtree). Rows ranked by rate. About twenty queries,
    whatever the number of regions and enterprises."""
    if not scope_for(viewer).region_in_scope(region):
        raise PermissionDenied(_("无权查看该地区。"))
    rows: dict[str, Row] = {}
    total = Row(code=region.code, name=str(_("合计")))
    for month in quarter_months(year, quarter):
        _region, own, statuses = selectors.reporting_counts(user=viewer, period=periods.read_period(year, month),
                                                            region=region)
        for line, s in [*((rows.setdefault(s.region.code, Row(code=s.region.code, name=s.region.name)), s)
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


def compute(*, viewer: Any, region: Region, year: int, quarter: int) -> list[Row]:
    """Each child region's line for the quarter (``compute_quarter``)."""
    return compute_quarter(viewer=viewer, region=region, year=year, quarter=quarter)[0]


def compute_total(*, viewer: Any, region: Region, year: int, quarter: int) -> dict:
    """The region's own line for the quarter (``compute_quarter``)."""
    return compute_quarter(viewer=viewer, region=region, year=year, quarter=quarter)[1]


def totals(figures: list[dict]) -> dict:
    """The sum of a bulletin's rows: only for bulletins drafted before their own total was kept."""
    out = {name: sum(r.get(name) or 0 for r in figures) for name in SUMMED}
    out["rate"] = round(100.0 * out["submitted"] / out["expected"], 1) if out["expected"] else 0.0
    return out


def total_of(bulletin: Bulletin) -> dict:
    return bulletin.totals or totals(bulletin.figures)


# ------------------------------------------------------------------------------------------------
# The spreadsheet
# ------------------------------------------------------------------------------------------------

def workbook(bulletin: Bulletin) -> bytes:
    """The bulletin as .xlsx: names and codes written as text (never as numbers or formulas), figures as numbers."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                     "strings_to_urls": False})
    sheet = book.add_worksheet(_("季度通报"))
    bold = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True})
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    cell = book.add_format({"border": 1})
    text = book.add_format({"border": 1, "num_format": "@"})
    pct = book.add_format({"border": 1, "num_format": "0.0"})
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, title_of(bulletin.region, bulletin.year, bulletin.quarter), title)
    sheet.write_string(1, 0, _("统计月份:%(months)s;生成时间:%(at)s") % {
        "months": "、".join(f"{m}月" for m in quarter_months(bulletin.year, bulletin.quarter)),
        "at": timezone.localtime(bulletin.generated_at or timezone.now()).strftime("%Y-%m-%d %H:%M")})
    for col, (_key, header, _kind) in enumerate(COLUMNS):
        sheet.write_string(3, col, str(header), bold)
    figures = sorted(bulletin.figures, key=selectors.rank_order)
    for i, row in enumerate([*figures, {**total_of(bulletin), "name": _("合计"), "rank": None}], start=4):
        for col, (key, _header, kind) in enumerate(COLUMNS):
            value = row.get(key)
            if value is None or value == "":
                sheet.write_blank(i, col, None, cell)
            elif kind == "text":
                sheet.write_string(i, col, str(value), text)
            else:
                sheet.write_number(i, col, value, pct if kind == "float" else cell)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 18)
    sheet.set_column(2, len(COLUMNS) - 1, 11)
    sheet.freeze_panes(4, 2)
    book.close()
    return out.getvalue()


# ------------------------------------------------------------------------------------------------
# Generating and publishing
# ------------------------------------------------------------------------------------------------

def actor_by_id(pk: int) -> User:
    """For tasks, which carry ids: the official who asked (an inactive one is refused by can_manage)."""
    return User.objects.select_related("region").get(pk=pk)


def can_manage(user: User) -> bool:
    """Province staff generate, review and publish bulletins."""
    return scope_for(user).may_manage_notices


@transaction.atomic
def generate_bulletin(*, region: Region, year: int, quarter: int, actor: User | None = None) -> tuple[Bulletin, str]:
    """Draft (or redraft) the region's bulletin for the quarter. Returns (bulletin, "created" | "updated" |
    "unchanged" | "published"): a published bulletin is left as it is, and an unchanged draft is not written."""
    check_quarter(year, quarter)
    viewer = actor if actor is not None and actor.pk else system_viewer()
    if actor is not None and actor.pk and not can_manage(actor):
        raise PermissionDenied(_("只有省级主管部门可以生成季度通报。"))
    bulletin = Bulletin.objects.select_for_update().filter(region=region, year=year, quarter=quarter).first()
    if bulletin is not None and bulletin.status == Bulletin.Status.PUBLISHED:
        return bulletin, "published"
    rows, total = compute_quarter(viewer=viewer, region=region, year=year, quarter=quarter)
    figures = [row.as_dict() for row in rows]
    if bulletin is not None and bulletin.figures == figures and bulletin.totals == total and bulletin.file:
        return bulletin, "unchanged"
    outcome = "created" if bulletin is None else "updated"
    bulletin = bulletin or Bulletin(region=region, year=year, quarter=quarter)
    bulletin.figures, bulletin.totals = figures, total
    bulletin.generated_by = actor if actor is not None and actor.pk else None
    bulletin.generated_at = timezone.now()
    if bulletin.file:
        bulletin.file.delete(save=False)
    bulletin.file.save(f"bulletin-{region.code}-{quarter_code(year, quarter)}.xlsx", ContentFile(workbook(bulletin)), save=False)
    bulletin.save()
    audit.record(actor=actor if actor is not None and actor.pk else None,
                 action=AuditEntry.Action.CREATE if outcome == "created" else AuditEntry.Action.UPDATE,
                 obj=bulletin, region_path=region.path, object_repr=title_of(region, year, quarter),
                 changes={"figures": [None, f"{len(figures)} rows"]}, note=_("生成季度通报"))
    return bulletin, outcome


def levels(viewer: User) -> list[Region]:
    """The regions a quarter's bulletins are made for: the province, then each city (in the viewer's scope)."""
    province = viewer.region
    if province is None:
        return []
    cities = list(Region.objects.visible_to(viewer).filter(parent=province).order_by("sort_order", "code"))
    return [province, *cities]


def generate_quarter(*, year: int, quarter: int, actor: User | None = None, progress: Any=None) -> dict:
    """Every level's bulletin for the quarter, one transaction each (a retry redoes only what changed)."""
    check_quarter(year, quarter)
    viewer = actor if actor is not None and actor.pk else system_viewer()
    if actor is not None and actor.pk and not can_manage(actor):
        raise PermissionDenied(_("只有省级主管部门可以生成季度通报。"))
    regions = levels(viewer)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "published": 0}
    first = None
    for i, region in enumerate(regions, start=1):
        bulletin, outcome = generate_bulletin(region=region, year=year, quarter=quarter, actor=actor)
        first = first or bulletin
        counts[outcome] += 1
        if progress:
            progress(i, len(regions))
    return {**counts, "bulletin": first.pk if first else None}


def generate_due(*, today: date | None = None) -> dict:
    """The scheduled run: on BULLETIN_DAY_AFTER_QUARTER of January, April, July and October, draft the previous
    quarter's bulletins and tell province staff they await review."""
    today = today or timezone.localdate()
    if today.month not in (1, 4, 7, 10) or today.day != settings.BULLETIN_DAY_AFTER_QUARTER:
        return {"due": 0}
    year, quarter = previous_quarter(today)
    counts = generate_quarter(year=year, quarter=quarter)
    viewer = system_viewer()
    if viewer.region is not None:
        link = reverse("monitoring:bulletins")
        title = _("%(y)d年第%(q)d季度监测企业报送情况通报已生成,请审核发布") % {"y": year, "q": quarter}
        body = _("%(y)d年第%(q)d季度全省及各市监测企业报送情况通报草稿已生成,请审核后发布。") % {"y": year, "q": quarter}
        staff = (User.objects.filter(role=Role.OFFICIAL, is_active=True, region=viewer.region)
                 .values(*OFFICER_FIELDS).order_by("id"))
        messages = []
        for row in staff:
            email, phone = notifications.personal_addresses(
                email=row["email"], phone=row["phone"], wants_email=row["notification_preference__email"],
                wants_sms=row["notification_preference__sms"])
            messages.append(notifications.Message(recipient_id=row["id"], title=title, body=body, link=link,
                                                  email=email, phone=phone))
        counts["notified"] = notifications.notify(key=f"bulletin-draft:{year}Q{quarter}", messages=messages)["created"]
    return {"due": 1, **counts}


def _percent(rate: float | None) -> str:
    """A rate as the notice writes it; a region with nothing expected has none ("—", never 0.0%)."""
    return "—" if rate is None else f"{rate}%"


def notice_body(bulletin: Bulletin) -> str:
    total = total_of(bulletin)
    lines = [
        _("%(y)d年第%(q)d季度(%(months)s)%(region)s监测企业报送情况通报如下:") % {
            "y": bulletin.year, "q": bulletin.quarter, "region": bulletin.region.name,
            "months": "、".join(f"{m}月" for m in quarter_months(bulletin.year, bulletin.quarter))},
        _("合计应报 %(e)d 份,已报 %(s)d 份,报送率 %(r)s。") % {"e": total["expected"], "s": total["submitted"],
                                                        "r": _percent(total["rate"])},
        "",
    ]
    for row in sorted(bulletin.figures, key=selectors.rank_order):
        rank = _("第%(n)d名") % {"n": row["rank"]} if row["rank"] is not None else _("不排名(无应报企业)")
        lines.append(_("%(rank)s %(name)s:监测企业 %(m)d 家(配额 %(quota)s),应报 %(e)d 份,已报 %(s)d 份,"
                       "按时 %(t)d 份,退回 %(ret)d 份,报送率 %(rate)s,季度分析报告 %(rep)d 篇。") % {
            "rank": rank, "name": row["name"], "m": row["monitored"],
            "quota": row["quota"] if row["quota"] is not None else "-", "e": row["expected"], "s": row["submitted"],
            "t": row["on_time"], "ret": row["returned"], "rate": _percent(row["rate"]), "rep": row["reports"]})
    lines += ["", _("请各地及时掌握报送情况,督促监测企业按时报送,对报送工作好的企业予以表彰。")]
    return "\n".join(lines)


@transaction.atomic
def publish_bulletin(*, actor: User, bulletin: Bulletin) -> Bulletin:
    """Publish a reviewed draft: a Notice (通知公告) on the portal, and a message to the officials of the
    bulletin's region and of each region it ranks (inbox, and email/SMS by their preferences)."""
    if not can_manage(actor):
        raise PermissionDenied(_("只有省级主管部门可以发布季度通报。"))
    bulletin = Bulletin.objects.select_for_update().select_related("region").get(pk=bulletin.pk)
    if bulletin.status == Bulletin.Status.PUBLISHED:
        raise Conflict(_("该季度通报已发布。"))
    title = title_of(bulletin.region, bulletin.year, bulletin.quarter)
    notice = notice_services.create_notice(actor=actor, publish=True, data={
        "kind": NoticeKind.NOTICE, "title": title, "source": _("省工业和信息化厅"), "body": notice_body(bulletin)})
    bulletin.status, bulletin.published_at, bulletin.notice = Bulletin.Status.PUBLISHED, timezone.now(), notice
    bulletin.save(update_fields=["status", "published_at", "notice"])
    audit.record(actor=actor, action=AuditEntry.Action.UPDATE, obj=bulletin, region_path=bulletin.region.path,
                 object_repr=title, changes={"status": [Bulletin.Status.DRAFT, Bulletin.Status.PUBLISHED]},
                 note=_("发布季度通报"))
    regions = [bulletin.region.pk, *Region.objects.filter(parent=bulletin.region).values_list("pk", flat=True)]
    link = reverse("monitoring:bulletin_detail", args=[bulletin.pk])
    body = _("%(title)s已发布,请查阅本地区的报送情况和排名。") % {"title": title}
    messages = []
    for row in (User.objects.filter(role=Role.OFFICIAL, is_active=True, region_id__in=regions)
                .exclude(pk=actor.pk).values(*OFFICER_FIELDS).order_by("id")):
        email, phone = notifications.personal_addresses(
            email=row["email"], phone=row["phone"], wants_email=row["notification_preference__email"],
            wants_sms=row["notification_preference__sms"])
        messages.append(notifications.Message(recipient_id=row["id"], title=title, body=body, link=link,
                                              email=email, phone=phone))
    notifications.notify(key=f"bulletin:{bulletin.pk}", messages=messages)
    return bulletin


# ------------------------------------------------------------------------------------------------
# Reads
# ------------------------------------------------------------------------------------------------

def visible_bulletins(*, user: User) -> Any:
    """Province staff see every bulletin, drafts too; other officials the published ones of their region,
    the levels above it and below it."""
    qs = Bulletin.objects.visible_to(user).select_related("region", "notice")
    return qs if can_manage(user) else qs.filter(status=Bulletin.Status.PUBLISHED)


def bulletin_for(*, user: User, pk: int) -> Bulletin | None:
    return visible_bulletins(user=user).filter(pk=pk).first()


def table(bulletin: Bulletin) -> tuple[list[dict], dict]:
    return sorted(bulletin.figures, key=selectors.rank_order), total_of(bulletin)


def quarter_choices(today: date | None = None, count: int = 8) -> list[Quarter]:
    """The last ``count`` ended quarters, newest first."""
    quarter = Quarter(*previous_quarter(today or timezone.localdate()))
    out = []
    for _i in range(count):
        out.append(quarter)
        quarter = quarter.previous()
    return out
