"""Bulletins (portal.bulletins) through monitoring's quarterly reporting kind: figures equal to the status page's,
ranks, quota, reports, the spreadsheet, generating on demand with progress, publishing as a notice, scoping, the
scheduled run, the old links; and a kind of another app's, to show the machinery is the portal's."""

import io
from datetime import date

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from monitoring import periods
from monitoring.bulletins import services as reporting
from monitoring.models import AnalysisReport, Filing, FilingStatus
from portal.audit.models import AuditEntry
from portal.bulletins import services as bulletins
from portal.bulletins import tasks
from portal.bulletins.kinds import BulletinKind, Column, PeriodChoice, Table
from portal.bulletins.models import Bulletin
from portal.core import registry
from portal.core.files import file_url
from portal.enterprises.models import Enterprise
from portal.notices.models import Notice, NoticeKind
from portal.notifications.models import Notification, TaskRun
from portal.regions.models import Region, RegionLevel
from tests import factories as f
from tests.clock import FROZEN_AT
from tests.notifications import fixtures

committed = fixtures.committed
eager_celery = fixtures.eager_celery

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_celery"), pytest.mark.frozen_clock]

YEAR, QUARTER = reporting.previous_quarter(FROZEN_AT.date())  # the module runs at FROZEN_AT
MONTHS = reporting.quarter_months(YEAR, QUARTER)
PERIOD = f"{YEAR}-Q{QUARTER}"
KIND = registry.bulletin_kind(reporting.KIND)


def generate(region, actor=None):
    return bulletins.generate_bulletin(kind=KIND, region=region, period=PERIOD, actor=actor)


def generate_all():
    return bulletins.generate_all(kind=KIND, period=PERIOD)


def filing(enterprise, month, status=FilingStatus.SUBMITTED, on_time=True):
    period = periods.open_period(YEAR, month)
    submitted = status != FilingStatus.DRAFT
    return Filing.objects.create(
        enterprise=enterprise, period=period, county=enterprise.region, city=enterprise.region.parent,
        region_path=enterprise.region_path, size_class=enterprise.size_class, industry_code=enterprise.industry.code,
        status=status, version=1 if submitted else 0, on_time=on_time if submitted else None,
        days_late=(0 if on_time else 2) if submitted else None,
        first_submitted_at=timezone.now() if submitted else None, submitted_at=timezone.now() if submitted else None)


@pytest.fixture
def quarter(world):
    """Three months of filings: Nantong (two enterprises) 4 of 6, Nanjing (one) 3 of 3."""
    m1, m2, m3 = MONTHS
    filing(world.e_haian, m1, FilingStatus.APPROVED)
    filing(world.e_rugao, m1, FilingStatus.SUBMITTED, on_time=False)
    filing(world.e_jiangning, m1, FilingStatus.RETURNED)
    filing(world.e_haian, m2, FilingStatus.SUBMITTED)
    filing(world.e_jiangning, m2, FilingStatus.APPROVED)
    filing(world.e_haian, m3, FilingStatus.RETURNED)
    filing(world.e_rugao, m3, FilingStatus.DRAFT)
    filing(world.e_jiangning, m3, FilingStatus.APPROVED, on_time=False)
    f.QuotaFactory(region=world.nantong, year=YEAR, quota=4)
    AnalysisReport.objects.create(region=world.haian, year=YEAR, quarter=QUARTER, title="海安季度分析",
                                  file="analysis-reports/x.pdf", original_name="x.pdf", content_type="application/pdf",
                                  size=10, uploaded_by=world.users["county"])
    return world


def rows_by_code(bulletin):
    return {r["code"]: r for r in bulletin.figures}


def test_figures_equal_the_status_page_summed_over_the_quarter(quarter, login):
    world = quarter
    bulletin, outcome = generate(world.province, actor=world.users["province"])
    assert outcome == "created" and bulletin.status == Bulletin.Status.DRAFT
    client = login(world.users["province"])
    page = {}
    for month in MONTHS:
        response = client.get(reverse("monitoring:status"), {"period": f"{YEAR}-{month}"})
        for r in response.context["rows"]:
            row = page.setdefault(r.region.code, dict.fromkeys(
                ("expected", "submitted", "on_time", "late", "returned", "approved"), 0))
            for k in row:
                row[k] += getattr(r, k)
    figures = rows_by_code(bulletin)
    assert set(figures) == set(page) == {"320600", "320100"}
    for code, expected in page.items():
        assert {k: figures[code][k] for k in expected} == expected, code
    nantong, nanjing = figures["320600"], figures["320100"]
    assert (nantong["expected"], nantong["submitted"], nantong["on_time"], nantong["returned"]) == (6, 4, 3, 1)
    assert (nanjing["expected"], nanjing["submitted"], nanjing["rate"], nanjing["rank"]) == (3, 3, 100.0, 1)
    assert nantong["rate"] == 66.7 and nantong["rank"] == 2
    assert (nantong["monitored"], nantong["quota"], nantong["completion"], nantong["reports"]) == (2, 4, 50.0, 1)
    assert nanjing["quota"] is None and nanjing["reports"] == 0


def test_equal_rates_share_a_rank(world):
    for month in MONTHS:
        filing(world.e_haian, month)
        filing(world.e_rugao, month)
    bulletin, _outcome = generate(world.nantong)
    assert sorted((r["name"], r["rank"]) for r in bulletin.figures) == [("如皋市", 1), ("海安市", 1)]
    third = f.county("320681", "启东市")
    f.EnterpriseFactory(region=third)
    bulletin, outcome = generate(world.nantong)
    assert outcome == "updated" and rows_by_code(bulletin)["320681"]["rank"] == 3


def test_generating_again_writes_nothing_twice_and_a_published_bulletin_is_kept(quarter):
    world = quarter
    counts = generate_all()
    assert counts["created"] == 3  # the province and its two cities
    audit_rows = AuditEntry.objects.filter(model="bulletins.Bulletin").count()
    files = {b.pk: b.file.name for b in Bulletin.objects.all()}
    again = generate_all()
    assert again["unchanged"] == 3 and again["created"] == again["updated"] == 0
    assert AuditEntry.objects.filter(model="bulletins.Bulletin").count() == audit_rows
    assert {b.pk: b.file.name for b in Bulletin.objects.all()} == files
    province = Bulletin.objects.get(region=world.province)
    bulletins.publish_bulletin(actor=world.users["province"], bulletin=province)
    filing(world.e_rugao, MONTHS[1])
    third = generate_all()
    assert third["published"] == 1 and third["updated"] == 1  # Nantong's draft changed; the province's is kept


def test_the_spreadsheet_writes_text_as_text(quarter):
    world = quarter
    Region.objects.create(code="320900", name="=SUM(1,2)市", level=RegionLevel.CITY, parent=world.province)
    bulletin, _outcome = generate(world.province)
    sheet = openpyxl.load_workbook(io.BytesIO(bulletin.file.read())).active
    assert sheet.cell(1, 1).value == f"江苏省{YEAR}年第{QUARTER}季度各地监测企业报送情况通报"
    assert [c.value for c in sheet[4]][:6] == ["排名", "地区", "区划代码", "监测企业数", "配额", "配额完成率(%)"]
    names = {sheet.cell(r, 2).value: r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 2).value}
    assert set(names) == {"南京市", "南通市", "=SUM(1,2)市", "合计"}
    formula_like = sheet.cell(names["=SUM(1,2)市"], 2)
    assert formula_like.data_type == "s"
    nantong = names["南通市"]
    assert sheet.cell(nantong, 7).value == 6 and sheet.cell(nantong, 14).value == 66.7
    assert sheet.cell(names["合计"], 7).value == 9


def test_a_province_official_generates_on_demand_and_follows_the_progress(quarter, login, committed):
    world = quarter
    client = login(world.users["province"])
    response = committed(client.post, reverse("bulletins:generate"), {"kind": KIND.key, "period": f"{YEAR}-{QUARTER}"})
    assert response.status_code == 302 and "?job=" in response["Location"]
    job = response["Location"].split("?job=")[1]
    page = client.get(response["Location"])
    assert page.context["job"] == job and b"data-status-url" in page.content
    status = client.get(reverse("bulletins:job", args=[job])).json()
    province = Bulletin.objects.get(region=world.province, period=PERIOD)
    assert status["state"] == "done" and status["progress"] == 100
    assert status["url"] == reverse("bulletins:detail", args=[province.pk])
    run = TaskRun.objects.get(task_id=job)
    assert run.outcome == "ok" and run.counts["created"] == 3
    # Nobody else follows that job, not even another province official.
    other = f.official(world.province, username="sheng2")
    assert login(other).get(reverse("bulletins:job", args=[job])).status_code == 404
    assert login(world.users["city"]).post(reverse("bulletins:generate"),
                                           {"kind": KIND.key, "period": PERIOD}).status_code == 403


def test_a_quarter_not_yet_over_cannot_be_generated(world, login):
    today = timezone.localdate()
    response = login(world.users["province"]).post(reverse("bulletins:generate"),
                                                   {"kind": KIND.key, "period": f"{today.year}-Q{(today.month - 1) // 3 + 1}"},
                                                   follow=True)
    assert "尚未结束" in response.content.decode() and not Bulletin.objects.exists()


def test_the_printable_page_and_the_download(quarter, login):
    world = quarter
    bulletin, _outcome = generate(world.province)
    client = login(world.users["province"])
    text = client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    assert "@media print" in text and "南通市" in text and "66.7%" in text and "审核发布" in text
    download = client.get(file_url(bulletin))
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
    assert b"".join(download.streaming_content)[:2] == b"PK"


def test_publishing_makes_a_notice_and_notifies_the_regions(quarter, login, committed):
    world = quarter
    bulletin, _outcome = generate(world.province)
    client = login(world.users["province"])
    committed(client.post, reverse("bulletins:publish", args=[bulletin.pk]))
    bulletin.refresh_from_db()
    notice = bulletin.notice
    assert bulletin.status == Bulletin.Status.PUBLISHED and bulletin.published_at
    assert notice.kind == NoticeKind.NOTICE and notice.state == "published"
    assert notice.title == f"江苏省{YEAR}年第{QUARTER}季度各地监测企业报送情况通报"
    assert "第1名 南京市" in notice.body and "第2名 南通市" in notice.body
    assert notice.title in client.get(reverse("core:home")).content.decode()
    notified = set(Notification.objects.filter(key=f"bulletin:{bulletin.pk}").values_list("recipient__username",
                                                                                            flat=True))
    assert notified == {"nantong", "nanjing"}  # the cities it ranks (the publisher is not told)
    committed(client.post, reverse("bulletins:publish", args=[bulletin.pk]))
    assert Notice.objects.count() == 1
    assert AuditEntry.objects.filter(model="bulletins.Bulletin", note="发布通报").count() == 1


def test_officials_see_published_bulletins_of_their_levels_only(quarter, login):
    world = quarter
    generate_all()
    province, nantong, nanjing = (Bulletin.objects.get(region=r) for r in (world.province, world.nantong, world.nanjing))
    city = login(world.users["city"])
    assert city.get(reverse("bulletins:detail", args=[nantong.pk])).status_code == 404  # a draft
    for b in (province, nantong, nanjing):
        bulletins.publish_bulletin(actor=world.users["province"], bulletin=b)
    assert city.get(reverse("bulletins:detail", args=[nantong.pk])).status_code == 200
    assert city.get(reverse("bulletins:detail", args=[province.pk])).status_code == 200
    assert city.get(reverse("bulletins:detail", args=[nanjing.pk])).status_code == 404
    county = login(world.users["county"])
    assert county.get(reverse("bulletins:detail", args=[nantong.pk])).status_code == 200
    assert county.post(reverse("bulletins:publish", args=[nantong.pk])).status_code in (403, 404)
    listed = city.get(reverse("bulletins:list")).content.decode()
    assert "南通市" in listed and "南京市" not in listed
    assert login(world.users["enterprise"]).get(reverse("bulletins:list")).status_code == 403


def test_the_scheduled_run_drafts_the_previous_quarter_on_the_set_day(quarter, settings):
    world = quarter
    settings.BULLETIN_DAY_AFTER_QUARTER = 20
    day = date(YEAR + (1 if QUARTER == 4 else 0), 1 if QUARTER == 4 else 3 * QUARTER + 1, 20)
    if day >= timezone.localdate():
        pytest.fail("the test quarter must have ended before its bulletin day")
    assert tasks.generate_due_bulletins.delay(today=day.replace(day=21).isoformat()).get() == {"due": 0}
    result = tasks.generate_due_bulletins.delay(today=day.isoformat()).get()
    assert result["due"] == 1
    assert result[KIND.key]["created"] == 3 and result[KIND.key]["notified"] == 1
    assert Bulletin.objects.filter(period=PERIOD, status="draft").count() == 3
    assert "请审核发布" in Notification.objects.get(recipient=world.users["province"]).title


def test_the_old_links_lead_to_the_moved_pages(quarter, login):
    bulletin, _outcome = generate(quarter.province)
    client = login(quarter.users["province"])
    response = client.get(f"/monitoring/bulletins/{bulletin.pk}/")
    assert response.status_code == 301 and response["Location"] == reverse("bulletins:detail", args=[bulletin.pk])
    response = client.get("/monitoring/bulletins/")
    assert response.status_code == 301 and response["Location"] == reverse("bulletins:list")


class _Headcount(BulletinKind):
    """Another app's kind: each city's enterprises, by year."""

    key = "probe.headcount"
    label = "企业数通报"
    columns = (Column("name", "地区", "text"), Column("enterprises", "企业数"), Column("share", "占比", "pct"))
    total_label = "全省"

    def clean_period(self, period, today):
        if not period.isdigit() or int(period) >= today.year:
            raise ValidationError("年度未结束")
        return period

    def period_choices(self, today):
        return [PeriodChoice(str(today.year - 1), f"{today.year - 1}年")]

    def levels(self, viewer):
        return [viewer.region]

    def title(self, region, period):
        return f"{region.name}{period}年企业数通报"

    def compute(self, *, viewer, region, period):
        cities = Region.objects.visible_to(viewer).filter(parent=region).order_by("code")
        total = Enterprise.objects.visible_to(viewer).count()
        rows = []
        for city in cities:
            n = Enterprise.objects.visible_to(viewer).filter(region_path__startswith=city.path).count()
            rows.append({"code": city.code, "name": city.name, "enterprises": n,
                         "share": round(100.0 * n / total, 1) if total else None})
        return Table(rows=rows, total={"enterprises": total, "share": 100.0})

    def notice_lines(self, *, region, period, rows, total):
        return [f"{r['name']}:{r['enterprises']}家" for r in rows]


def test_any_app_can_publish_a_kind_of_its_own(world, login, committed):
    kind = _Headcount()
    registry.register_bulletin_kind(kind)
    try:
        year = str(timezone.localdate().year - 1)
        client = login(world.users["province"])
        listed = client.get(reverse("bulletins:list")).content.decode()
        assert "企业数通报" in listed and f'value="{year}"' in listed
        response = committed(client.post, reverse("bulletins:generate"), {"kind": kind.key, "period": year})
        assert response.status_code == 302
        bulletin = Bulletin.objects.get(kind=kind.key, region=world.province, period=year)
        page = client.get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
        assert "南通市" in page and "66.7%" in page and "全省" in page  # 2 of the 3 enterprises are in Nantong
        sheet = openpyxl.load_workbook(io.BytesIO(bulletin.file.read())).active
        assert [c.value for c in sheet[4]] == ["地区", "企业数", "占比(%)"]
        assert sheet.cell(7, 1).value == "全省" and sheet.cell(7, 2).value == 3
        committed(client.post, reverse("bulletins:publish", args=[bulletin.pk]))
        bulletin.refresh_from_db()
        assert bulletin.status == "published" and "南通市:2家" in bulletin.notice.body
        bad = client.post(reverse("bulletins:generate"), {"kind": kind.key, "period": "9999"}, follow=True)
        assert "年度未结束" in bad.content.decode()
        assert client.post(reverse("bulletins:generate"), {"kind": "no.such", "period": year}).status_code == 403
    finally:
        registry._bulletin_kinds.pop(kind.key)
