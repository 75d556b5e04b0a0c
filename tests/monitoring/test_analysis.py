"""Status counts, ranks and the analysis, against cases computed by hand."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from monitoring import analysis, selectors, services
from monitoring.indicators import SURVEY
from tests import factories as f

from .helpers import open_period, past_period, valid_data

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]


def file(world, enterprise, period, **overrides):
    actor = world.users["province"]
    return services.file_one(actor=actor, enterprise=enterprise, period=period, data=valid_data(**overrides),
                             submit=True).filing


def test_diffusion_index_formula_by_hand():
    # 3 up, 4 same, 3 down of 10 → 100 × (0.3 + 0.5 × 0.4) = 50.0
    assert analysis.diffusion(3, 4, 10) == Decimal("50.0")
    assert analysis.diffusion(7, 2, 10) == Decimal("80.0")
    assert analysis.diffusion(0, 0, 0) is None


def test_diffusion_by_region_on_real_filings(world):
    period = open_period()
    answers = [("up", "up"), ("up", "same"), ("down", "same"), ("same", "down")]
    enterprises = [world.e_haian, world.e_rugao] + [f.EnterpriseFactory(region=world.haian) for _ in range(2)]
    for e, (overall, orders) in zip(enterprises, answers, strict=True):
        data = {q.field_name: "same" for q in SURVEY}
        data.update(q_overall=overall, q_orders=orders)
        file(world, e, period, **data)
    rows, own = analysis.diffusion_by_region(user=world.users["city"], period=period, region=world.nantong)
    # overall: up, up, down, same → 100 × (2 + 0.5) / 4 = 62.5 ; orders: up, same, same, down → 100 × (1 + 1) / 4 = 50
    assert own["overall"] == Decimal("62.5") and own["orders"] == Decimal("50.0") and own["n"] == 4
    by_name = {r["region"]: r for r in rows}
    # 海安: e_haian (up, up) and two extra (down,same), (same,down) → overall 100 × (1 + 0.5)/3 = 50.0
    assert by_name["海安市"]["overall"] == Decimal("50.0")
    assert by_name["如皋市"]["overall"] == Decimal("100.0")


def test_year_on_year_growth_uses_the_same_enterprises_only(world):
    this_year = open_period()
    last_year = past_period(this_year.year - 1, this_year.month)
    file(world, world.e_haian, last_year, revenue=Decimal("1000"), operating_cost=Decimal("800"))
    file(world, world.e_haian, this_year, revenue=Decimal("1200"), operating_cost=Decimal("900"),
         explanations={})
    newcomer = f.EnterpriseFactory(region=world.haian)
    file(world, newcomer, this_year, revenue=Decimal("5000"), operating_cost=Decimal("4000"))
    rows, total = analysis.indicator_totals(user=world.users["city"], period=this_year, region=world.nantong)
    assert total.values["revenue"] == Decimal("6200")  # every filing counts in the total
    assert total.growth["revenue"] == Decimal("20.0")  # but growth only on e_haian: 1200 vs 1000
    by_size = analysis.indicator_totals(user=world.users["city"], period=this_year, region=world.nantong, by="size")[0]
    assert sum(r.values["revenue"] for r in by_size) == Decimal("6200")


def test_rank_with_ties_shares_the_rank():
    class Row:
        def __init__(self, rate):
            self.rate = rate

    rows = [Row(90.0), Row(100.0), Row(90.0), Row(50.0)]
    selectors.rank_by_rate(rows)
    assert [r.rank for r in rows] == [2, 1, 2, 4]


def test_expected_counts_follow_monitoring_dates(world):
    period = past_period(open_period().year - 1, 6)
    world.e_haian.monitored_from = date(period.year, 6, 20)  # enters mid-month: expected in June
    world.e_haian.save()
    f.EnterpriseFactory(region=world.haian, monitored_from=date(period.year, 7, 1))  # not yet monitored
    f.EnterpriseFactory(region=world.haian, monitored_from=date(2020, 1, 1),
                        monitored_until=date(period.year, 5, 31))  # left before June
    f.EnterpriseFactory(region=world.haian, monitored_from=date(2020, 1, 1),
                        monitored_until=date(period.year, 6, 1))  # left during June: still expected
    _region, rows = selectors.status_by_child(user=world.users["city"], period=period)
    assert {r.region.name: r.expected for r in rows}["海安市"] == 2


def test_analysis_page_is_scoped_and_bounded(world, login, django_assert_max_num_queries):
    period = open_period()
    file(world, world.e_haian, period)
    file(world, world.e_jiangning, period)
    url = reverse("monitoring:analysis") + f"?period={period.year}-{period.month}"
    city = login(world.users["city"])
    city.get(url)
    with django_assert_max_num_queries(20):
        response = city.get(url)
    text = response.content.decode()
    assert "海安市" in text and "南京市" not in text and 'id="trend-chart"' in text
    assert city.get(url + "&region=320100").status_code == 404
    assert login(world.users["enterprise"]).get(url).status_code == 403
