"""The `world` with every kind of object the portal keeps, for two counties of one city and a county of another
city, so that every list the scoping matrix walks has something it could leak.

Each object carries a marker (a product name, a title, a test id) that appears on the pages showing it.
``SEEN_BY`` says which roles of the world may see each marker; the matrix fails when any other role's page
shows it (``FOREIGN_MARKERS``), and the ``OWN`` tables (own_*.py) check that the roles who may see an object
do see its marker, so a marker that no page shows cannot hide a leak.
"""

import io
from decimal import Decimal

import xlsxwriter
from django.core.files.base import ContentFile
from django.utils import timezone

from monitoring import services
from monitoring.models import ExportJob
from monitoring.reports.services import last_ended_quarter
from tests import factories as f
from tests.monitoring.helpers import open_period, valid_data

from ._objects import memo

# Enterprise key -> its county's key and a product name no other object uses.
ENTERPRISES = {
    "e_haian": ("haian", "海安甲企业", "海安甲齿轮"),
    "e_rugao": ("rugao", "如皋乙企业", "如皋乙轴承"),
    "e_jiangning": ("jiangning", "江宁丙企业", "江宁丙阀门"),
}

# Who may see what belongs to each county / enterprise (officials of the region and above, its officer).
_HAIAN = {"province", "city", "county"}
_RUGAO = {"province", "city", "other_county"}
_JIANGNING = {"province", "other_city"}
_COUNTY_OF = {"e_haian": _HAIAN, "e_rugao": _RUGAO, "e_jiangning": _JIANGNING}
_OFFICER_OF = {"e_haian": {"enterprise"}, "e_rugao": {"other_enterprise"}, "e_jiangning": set()}

# The officials who queue an export job in the world; each sees its own job only.
OFFICIALS = ("province", "city", "other_city", "county", "other_county")


def report_title(county_name: str) -> str:
    return f"{county_name}季度监测分析报告"


def bulletin_label(city_name: str) -> str:
    """How the bulletin list names a bulletin of the world (2025 Q4)."""
    return f"{city_name}2025年第4季度"


def job_region_name(role: str, region_name: str) -> str:
    return f"{region_name}·{role}的汇总表"


def message_title(role: str) -> str:
    return f"给{role}的站内消息"


def _seen_by() -> dict[str, set[str]]:
    seen = {}
    for key, (_county, name, product) in ENTERPRISES.items():
        seen[name] = _COUNTY_OF[key] | _OFFICER_OF[key]
        seen[product] = _COUNTY_OF[key] | _OFFICER_OF[key]
    # Analysis reports: officials of the county and above (officials only).
    seen[report_title("海安市")] = _HAIAN
    seen[report_title("如皋市")] = _RUGAO
    seen[report_title("江宁区")] = _JIANGNING
    # County reports, shown on the reporting-status page of the levels above the county.
    seen['data-testid="report-320685"'] = {"province", "city", "county"}
    seen['data-testid="report-320682"'] = {"province", "city", "other_county"}
    seen['data-testid="report-320115"'] = {"province", "other_city"}
    # Bulletins: the officials of the city, of the province above it and of the counties below it.
    seen[bulletin_label("南通市")] = {"province", "city", "county", "other_county"}
    seen[bulletin_label("南京市")] = {"province", "other_city"}
    # Export jobs and messages: their owner alone.
    for role, region in (("province", "江苏省"), ("city", "南通市"), ("other_city", "南京市"), ("county", "海安市"),
                         ("other_county", "如皋市")):
        seen[job_region_name(role, region)] = {role}
    for role in ROLES_WITH_MESSAGES:
        seen[message_title(role)] = {role}
    return seen


ROLES_WITH_MESSAGES = ("province", "city", "other_city", "county", "other_county", "enterprise", "other_enterprise",
                       "platform_operator", "base_manager", "system_admin", "security_admin", "audit_admin", "no_role")
SEEN_BY = _seen_by()


def _xlsx(text: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet().write(0, 0, text)
    book.close()
    return out.getvalue()


def populate(world):
    """Add to ``world`` (in place) a filing with products and events per enterprise, a county report per county,
    an analysis report per county, a published bulletin per city, a finished export job per official and a
    message per user. The objects are kept on the world (``world.filings[key]``, ...) and registered with the
    foreign_*.py tables' memo, so those point at these objects."""

    period = open_period()
    world.period = period
    world.filings, world.products = {}, {}
    for key, (_county, _name, product) in ENTERPRISES.items():
        enterprise = getattr(world, key)
        data = valid_data(products=[{"name": product, "unit": "件", "production": Decimal("1000"),
                                     "sales": Decimal("900"), "inventory": Decimal("300")}])
        # Saved as a draft, then submitted: two events per filing.
        services.file_one(actor=world.users["province"], enterprise=enterprise, period=period, data=data, submit=False)
        world.filings[key] = services.file_one(actor=world.users["province"], enterprise=enterprise, period=period,
                                               data=data, submit=True).filing
        world.products[key] = product

    world.county_reports = {}
    for county_key, reporter in (("haian", "county"), ("rugao", "other_county"), ("jiangning", "province")):
        county = getattr(world, county_key)
        world.county_reports[county_key] = f.RegionReportFactory(region=county, period=period,
                                                                 reported_by=world.users[reporter])

    # In the quarter the reports page shows by default: the last one that ended.

    year, quarter = last_ended_quarter(timezone.localdate())
    world.reports = {}
    for county_key in ("haian", "rugao", "jiangning"):
        county = getattr(world, county_key)
        title = report_title(county.name)
        report = f.AnalysisReportFactory(region=county, title=title, year=year, quarter=quarter, uploaded_by=world.users["province"],
                                         content=f"%PDF-1.4 {title}".encode())
        world.reports[county_key] = report
        memo(world, ("analysis_report", county.code), lambda report=report: report)

    world.bulletins = {}
    for city_key in ("nantong", "nanjing"):
        city = getattr(world, city_key)
        bulletin = f.BulletinFactory(region=city, year=2025, quarter=4)
        world.bulletins[city_key] = bulletin
        memo(world, ("bulletin", city.code), lambda bulletin=bulletin: bulletin)

    world.jobs = {}
    for role in OFFICIALS:
        owner = world.users[role]
        region_name = job_region_name(role, owner.region.name)
        job = f.ExportJobFactory(owner=owner, status=ExportJob.Status.DONE, progress=100, rows=1,
                                 params={"year": period.year, "month": period.month, "region": owner.region.code,
                                         "region_name": region_name})
        job.file.save(f"{role}.xlsx", ContentFile(_xlsx(region_name)))
        world.jobs[role] = job
        memo(world, ("export_job", role), lambda job=job: job)

    world.messages = {}
    for role in ROLES_WITH_MESSAGES:
        user = world.users[role]
        world.messages[role] = note = f.NotificationFactory(recipient=user, title=message_title(role), key="world")
        memo(world, ("notification", user.pk), lambda note=note: note)
    return world
