"""The analysis page as an official reads it: a county's own page, diffusion rows named and in the tree's order
(page and workbook), size classes largest first, chart headings that say what the charts hold, and the charts'
figures read from the one definition of growth."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from monitoring import analysis, services
from monitoring.exports import workbook as exports
from portal.enterprises.models import SizeClass
from tests import factories as f

from .helpers import open_period, past_period, valid_data

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]


def file(world, enterprise, period, **overrides):
    return services.file_one(actor=world.users["province"], enterprise=enterprise, period=period,
                             data=valid_data(**overrides), submit=True).filing


def page(client, period, **params):
    response = client.get(reverse("monitoring:analysis"), {"period": f"{period.year}-{period.month:02d}", **params})
    assert response.status_code == 200
    return response.content.decode()


def table(html: str, testid: str) -> str:
    return re.search(rf'data-testid="{testid}".*?</table>', html, re.S).group(0)


def body_rows(html: str, testid: str) -> list[str]:
    """The first cell of each body row of a table."""
    tbody = re.search(r"<tbody>(.*?)</tbody>", table(html, testid), re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<tr><td[^>]*>(.*?)</td>", tbody, re.S)]


def json_data(html: str, element_id: str):
    return json.loads(re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
                      .group(1))


def test_a_county_page_shows_its_own_row_and_no_empty_notice(world, login):
    period = open_period()
    file(world, world.e_haian, period)
    html = page(login(world.users["county"]), period)
    assert "本期暂无已报送数据" not in html
    assert body_rows(html, "totals") == ["海安市"]
    assert body_rows(html, "diffusion") == []  # no child regions; the footer is the county's own row
    assert str(world.haian.pk) not in re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", table(html, "diffusion"))
    assert "<th scope=\"row\">海安市</th><td class=\"num\"><b>1</b></td>" in table(html, "diffusion")
    assert 'id="compare-chart"' not in html  # a county has no child regions to compare


def test_an_empty_month_still_says_so(world, login):
    period = open_period()
    assert "本期暂无已报送数据" in page(login(world.users["county"]), period)


def test_diffusion_rows_are_named_and_in_the_tree_order_on_the_page_and_in_the_workbook(world, login):
    # Tree order puts 海安 first (sort_order); by name (or by code) 如皋 would come first.
    world.haian.sort_order, world.rugao.sort_order = 1, 2
    world.haian.save()
    world.rugao.save()
    period = open_period()
    file(world, world.e_rugao, period)
    file(world, world.e_haian, period)
    html = page(login(world.users["city"]), period)
    assert body_rows(html, "diffusion") == ["海安市", "如皋市"]
    assert body_rows(html, "totals") == ["海安市", "如皋市"]

    buffer = io.BytesIO()
    exports.write_summary(buffer, user=world.users["city"], period=period, region=world.nantong, generated_by="测试")
    buffer.seek(0)
    sheet = load_workbook(buffer)["景气扩散指数"]
    names = [r[0] for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]]  # title, unit, header above
    assert names[:3] == ["海安市", "如皋市", "南通市合计"]


def test_the_county_workbook_diffusion_sheet_has_no_id_rows(world):
    period = open_period()
    file(world, world.e_haian, period)
    buffer = io.BytesIO()
    exports.write_summary(buffer, user=world.users["county"], period=period, region=world.haian, generated_by="测试")
    buffer.seek(0)
    sheet = load_workbook(buffer)["景气扩散指数"]
    first = [r[0] for r in sheet.iter_rows(min_row=4, max_row=4, values_only=True)]  # title, unit, header above
    assert first == ["海安市合计"]


def test_size_classes_are_ordered_largest_first(world, login):
    period = open_period()
    for size in (SizeClass.MICRO, SizeClass.SMALL, SizeClass.LARGE, SizeClass.MEDIUM):
        file(world, f.EnterpriseFactory(region=world.haian, size_class=size), period)
    html = page(login(world.users["city"]), period, by="size")
    assert body_rows(html, "totals") == ["大型", "中型", "小型", "微型"]


def test_trend_heading_counts_the_months_the_chart_shows(world, login):
    period = open_period()
    earlier = past_period(*divmod(period.year * 12 + period.month - 1 - 4, 12)[0:1],
                          divmod(period.year * 12 + period.month - 1 - 4, 12)[1] + 1)
    file(world, world.e_haian, earlier)
    file(world, world.e_haian, period)
    html = page(login(world.users["city"]), period)
    chart = json_data(html, "trend-data")
    assert len(chart["labels"]) == 5  # from the first month with filings to this one, the gap months kept
    assert chart["labels"][0] == f"{earlier.year}-{earlier.month:02d}"
    assert chart["labels"][-1] == f"{period.year}-{period.month:02d}"
    assert chart["composite"][1] is None and chart["composite"][-1] is not None
    heading = re.search(r'data-testid="trend-heading">(.*?)</h2>', html).group(1)
    assert "近5个月" in heading and "24" not in heading
    client = login(world.users["city"])
    client.cookies["django_language"] = "en"
    with translation.override("en"):  # the request activates English; restored for the tests after this one
        english = client.get(reverse("monitoring:analysis"), {"period": f"{period.year}-{period.month:02d}"},
                             HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "5 months" in re.search(r'data-testid="trend-heading">(.*?)</h2>', english).group(1)


def test_growth_chart_reads_the_one_definition(world, login):
    period = open_period()
    last_year = past_period(period.year - 1, period.month)
    file(world, world.e_haian, last_year, revenue=Decimal("1000"))
    file(world, world.e_haian, period, revenue=Decimal("1250"))
    file(world, f.EnterpriseFactory(region=world.haian), period, revenue=Decimal("9000"))  # no last year: left out
    html = page(login(world.users["city"]), period)
    growth = json_data(html, "growth-data")
    revenue = next(s for s in growth["series"] if s["code"] == "revenue")
    assert growth["labels"] == [f"{period.year}-{period.month:02d}"]
    now, then = analysis.comparable_sums(user=world.users["city"], period=period, region=world.nantong, key=None)
    assert revenue["data"][-1] == float(analysis.growth(now[None]["revenue"], then[None]["revenue"])) == 25.0
    assert "近1个月" in re.search(r'data-testid="growth-heading">(.*?)</h2>', html).group(1)


def test_growth_by_month_equals_growth_of_each_month(world):
    period = open_period()
    previous = open_period(2)
    for p, revenue in ((past_period(period.year - 1, period.month), "1000"),
                       (past_period(previous.year - 1, previous.month), "800")):
        file(world, world.e_haian, p, revenue=Decimal(revenue))
    file(world, world.e_haian, previous, revenue=Decimal("1000"))
    file(world, world.e_haian, period, revenue=Decimal("1100"))
    trend = analysis.growth_trend(user=world.users["city"], region=world.nantong, until=period, months=12)
    assert [t["growth"]["revenue"] for t in trend] == [Decimal("25.0"), Decimal("10.0")]
    for p, row in zip((previous, period), trend, strict=True):
        now, then = analysis.comparable_sums(user=world.users["city"], period=p, region=world.nantong, key=None)
        assert row["growth"] == analysis.growth_of(now[None], then[None])


def test_region_comparison_chart_holds_each_child_regions_figures(world, login):
    period = open_period()
    file(world, world.e_haian, period, revenue=Decimal("1200"))
    file(world, world.e_rugao, period, revenue=Decimal("3400"))
    html = page(login(world.users["city"]), period, by="industry")
    compare = json_data(html, "compare-data")
    revenue = next(i for i in compare["indicators"] if i["code"] == "revenue")
    assert dict(zip(compare["labels"], revenue["values"], strict=True)) == {"海安市": 1200.0, "如皋市": 3400.0}
