"""Every figure is defined once: the same answer on the analysis page, in every sheet of the summary workbook
and in the bulletin. The hard case is an enterprise that moved county between last year and now."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from monitoring import analysis, selectors
from monitoring import periods as monitoring_periods
from monitoring.bulletins import services as bulletins
from monitoring.indicators import INDICATORS
from portal.bulletins import services as bulletin_services
from portal.core import registry
from portal.enterprises import services as enterprise_services
from tests import factories as f

from .helpers import open_period, past_period
from .test_exports import FIRST, header_index, make_filing, workbook

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]
REVENUE = next(i for i in INDICATORS if i.code == "revenue")


@pytest.fixture
def moved(world):
    """海安甲企业: revenue 1000 last year, filed in 海安; moved to 如皋; revenue 1500 now, filed in 如皋."""
    now = open_period()
    then = past_period(now.year - 1, now.month)
    make_filing(world.e_haian, then, revenue=Decimal("1000.0"))
    enterprise_services.update_enterprise(actor=world.users["province"], enterprise=world.e_haian,
                                          data={"region": world.rugao})
    world.e_haian.refresh_from_db()
    make_filing(world.e_haian, now, revenue=Decimal("1500.0"))
    return now


def test_the_moved_enterprise_grows_the_same_everywhere(world, moved, login):
    user, period = world.users["city"], moved
    expected = Decimal("50.0")
    # The selector: attributed to where it filed now (如皋), compared with its own last year.
    now, then = analysis.comparable_sums(user=user, period=period, region=world.nantong, key="county_id")
    assert set(now) == set(then) == {world.rugao.id}
    # The analysis page, by region, industry and size.
    for by, key in (("region", str(world.rugao.id)), ("industry", world.e_haian.industry.code),
                    ("size", world.e_haian.size_class)):
        rows, total = analysis.indicator_totals(user=user, period=period, region=world.nantong, by=by)
        assert [r.growth["revenue"] for r in rows if r.key == key] == [expected], by
        assert total.growth["revenue"] == expected, by
    client = login(user)
    page = client.get(reverse("monitoring:analysis"), {"period": f"{period.year}-{period.month}"})
    assert page.status_code == 200 and "50.0" in page.content.decode()
    # Every sheet of the workbook.
    book, _written = workbook(user, period, world.nantong)
    growth_header = f"{REVENUE.label}同比(%)"
    for sheet, label_col, label in (("分地区指标", "地区", "如皋市"), ("分行业指标", None, None), ("分规模指标", None, None)):
        ws = book[sheet]
        col = header_index(ws)[growth_header]
        values = [row[col] for row in ws.iter_rows(min_row=FIRST, values_only=True) if row[col] is not None]
        assert values and all(Decimal(str(v)).quantize(Decimal("0.1")) == expected for v in values), (sheet, values)
        if label_col:
            name_col = header_index(ws)[label_col]
            rugao = [row for row in ws.iter_rows(min_row=FIRST, values_only=True) if row[name_col] == label]
            assert Decimal(str(rugao[0][col])).quantize(Decimal("0.1")) == expected


def test_reporting_counts_are_one_selector_for_page_workbook_and_bulletin(world, login):
    period = open_period()
    for enterprise in (world.e_haian, world.e_rugao):
        make_filing(enterprise, period)
    f.EnterpriseFactory(region=world.rugao)  # expected, not filed
    user = world.users["city"]
    _region, own, rows = selectors.reporting_counts(user=user, period=period, region=world.nantong)
    assert (own.expected, own.submitted) == (sum(r.expected for r in rows), sum(r.submitted for r in rows))
    assert own.expected == 3 and own.submitted == 2
    # The page's 合计 row shows the selector's own figures, 未报 and 报送率 included.
    client = login(user)
    html = client.get(reverse("monitoring:status"), {"period": f"{period.year}-{period.month}"}).content.decode()
    footer = html[html.index("<tfoot>"):html.index("</tfoot>")]
    assert f">{own.expected}<" in footer and f">{own.not_submitted}<" in footer and f"{own.rate}%" in footer
    # The workbook's status sheet total row.
    book, _written = workbook(user, period, world.nantong)
    ws = book["报送情况"]
    heads = header_index(ws)
    total = [row for row in ws.iter_rows(min_row=FIRST, values_only=True) if row[heads["地区"]] == "合计"][0]
    assert (total[heads["应报"]], total[heads["已报"]], total[heads["未报"]]) == (
        own.expected, own.submitted, own.not_submitted)
    # The bulletin's rows are the selector's child rows (summed over the quarter's months).
    month_rows = {r.region.code: r for r in rows}
    figures = bulletins.compute(viewer=world.users["province"], region=world.nantong, year=period.year,
                                quarter=(period.month - 1) // 3 + 1)
    for row in figures:
        month = next(m for m in row.months if m["month"] == period.month)
        assert (month["expected"], month["submitted"]) == (month_rows[row.code].expected,
                                                           month_rows[row.code].submitted)


def test_the_bulletin_total_is_the_regions_own_line_not_a_sum(world):
    """The 合计 line reads the region's own figures: its own quota (not the sum of its children's) and the
    reporting counts of its whole subtree, month by month (the same selector as the status page)."""
    period = open_period()
    quarter = (period.month - 1) // 3 + 1
    f.QuotaFactory(region=world.province, year=period.year, quota=6000)
    for city in (world.nantong, world.nanjing):
        f.QuotaFactory(region=city, year=period.year, quota=400)
    make_filing(world.e_haian, period)
    total = bulletins.compute_total(viewer=world.users["province"], region=world.province, year=period.year,
                                    quarter=quarter)
    assert total["quota"] == 6000
    for month in bulletins.quarter_months(period.year, quarter):
        _region, own, _rows = selectors.reporting_counts(
            user=world.users["province"], period=monitoring_periods.read_period(period.year, month),
            region=world.province, children=False)
        assert next(m for m in total["months"] if m["month"] == month)["expected"] == own.expected
    assert total["submitted"] == 1


def test_a_region_with_nothing_expected_has_no_rate_and_no_rank_anywhere(world, login):
    """A city with no monitored enterprise is not given 0.0% and is not ranked — on the status page, in the
    workbook's status sheet, the status xlsx and the bulletin alike (one rule, in ``reporting_counts``)."""
    year, quarter = bulletins.previous_quarter(timezone.localdate())
    period = past_period(year, 3 * quarter)  # the last month of the last quarter that ended
    make_filing(world.e_haian, period)  # 南通: 1 of 2 filed (50%); 南京: 0 of 1 (0%)
    suzhou, wuxi = f.city("320500", "苏州市"), f.city("320200", "无锡市")  # nothing expected
    user = world.users["province"]
    _region, own, rows = selectors.reporting_counts(user=user, period=period, region=world.province)
    by_code = {r.region.code: r for r in rows}
    assert [(by_code[c].rate, by_code[c].rank) for c in ("320600", "320100", "320500", "320200")] == [
        (50.0, 1), (0.0, 2), (None, None), (None, None)]
    assert own.rate == round(100 / 3, 1)
    # The page: "—" for the empty cities' rate and rank, the others as ranked.
    html = login(user).get(reverse("monitoring:status"), {"period": f"{period.year}-{period.month}"}).content.decode()
    for code in (suzhou.code, wuxi.code):
        assert f'data-testid="rate-{code}">—<' in html and f'data-testid="rank-{code}">—<' in html
    assert 'data-testid="rate-320100">0.0%<' in html and 'data-testid="rank-320100">2<' in html
    # The workbook's status sheet and the status page's xlsx (the same sheet).
    book, _written = workbook(user, period, world.province)
    response = login(user).get(reverse("monitoring:status_xlsx"), {"period": f"{period.year}-{period.month}"})
    for ws in (book["报送情况"], load_workbook(io.BytesIO(response.content))["报送情况"]):
        heads = header_index(ws)
        lines = {row[heads["地区"]]: row for row in ws.iter_rows(min_row=FIRST, values_only=True)}
        assert (lines["苏州市"][heads["报送率(%)"]], lines["苏州市"][heads["排名"]]) == ("—", "—")
        assert (lines["南京市"][heads["报送率(%)"]], lines["南京市"][heads["排名"]]) == (0, 2)
    # The bulletin: unranked, no rate, listed after the ranked ones; its page and notice say so.
    kind = registry.bulletin_kind(bulletins.KIND)
    bulletin, _outcome = bulletin_services.generate_bulletin(kind=kind, region=world.province,
                                                             period=f"{year}-Q{quarter}", actor=user)
    figures = bulletin.figures
    notice = "\n".join(kind.notice_lines(region=bulletin.region, period=bulletin.period, rows=bulletin.figures,
                                          total=bulletin.totals))
    assert [(r["name"], r["rank"], r["rate"]) for r in figures][2:] == [("无锡市", None, None), ("苏州市", None, None)]
    assert [r["rank"] for r in figures][:2] == [1, 2]
    page = login(user).get(reverse("bulletins:detail", args=[bulletin.pk])).content.decode()
    row = page[page.index('data-region="320500"'):]
    assert row[:row.index("</tr>")].count("—") >= 2 and "0.0%" not in row[:row.index("</tr>")]
    assert "不排名(无应报企业)苏州市" not in notice
    assert "不排名(无应报企业) 苏州市" in notice
    assert "本季度分析报告" in page
