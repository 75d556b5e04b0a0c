"""The demo province passes the portal's own checks: loaded through the services (a small one here), it raises
no hard error, every warning it keeps is explained, year-to-date flows never fall, names are plausible and
unique, size classes are the standard's, lateness is the real deadline's and returned reports say why."""

import re
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from monitoring import periods
from monitoring.indicators import FLOWS
from monitoring.models import Filing, FilingEvent, FilingStatus
from monitoring.selectors import build_contexts
from monitoring.validation import validate
from portal.enterprises.models import Enterprise
from portal.enterprises.standards import Classifier, current_standard
from portal.regions.models import Region, RegionLevel, RegionQuota

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]


@pytest.fixture
def demo():
    call_command("load_demo", enterprises=40, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo_filings", months=13, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Filing.objects.select_related("period", "enterprise", "enterprise__industry")


def check_no_hard_error_and_every_warning_explained(demo):
    filings = list(demo.exclude(status=FilingStatus.DRAFT))
    assert len(filings) > 300
    assert any(f.warnings for f in filings), "the demo shows what an explained warning looks like"
    for f in filings:
        for warning in f.warnings:
            assert (f.explanations or {}).get(warning["code"], "").strip(), (f, warning)
    # Validated again now against what is stored: no hard error on any filed report.
    by_period = defaultdict(list)
    for f in filings:
        by_period[f.period].append(f)
    for period, rows in by_period.items():
        contexts = build_contexts([f.enterprise for f in rows], period)
        for f in rows:
            data = {**{i.code: getattr(f, i.code) for i in FLOWS}, **{
                name: getattr(f, name) for name in ("employees", "receivables", "finished_goods", "total_assets",
                                                    "total_liabilities", "difficulties", "difficulties_text")},
                **{q: getattr(f, q) for q in ("q_overall", "q_orders", "q_sales", "q_costs", "q_financing",
                                               "q_labour", "q_profit")},
                "products": [{"name": p.name, "unit": p.unit, "production": p.production, "sales": p.sales,
                              "inventory": p.inventory} for p in f.products.all()]}
            assert validate(data, contexts[f.enterprise_id]).ok, f


def check_year_to_date_never_falls_and_growth_varies(demo):
    series = defaultdict(list)
    for f in demo.exclude(status=FilingStatus.DRAFT).order_by("period__year", "period__month"):
        series[(f.enterprise_id, f.period.year)].append(f)
    for rows in series.values():
        for before, after in zip(rows, rows[1:], strict=False):
            for ind in FLOWS:
                if not ind.allow_negative and getattr(before, ind.code) is not None:
                    assert getattr(after, ind.code) >= getattr(before, ind.code), (after, ind.code)
    last = periods.filing_month(timezone.localdate())
    changes = set()
    for f in demo.filter(period__year=last.year, period__month=last.month).exclude(status=FilingStatus.DRAFT):
        before = Filing.objects.filter(enterprise=f.enterprise, period__year=last.year - 1,
                                       period__month=last.month).first()
        if before and before.revenue and before.total_profit:
            changes.add((round(float(f.revenue / before.revenue), 2),
                         round(float(f.total_profit / before.total_profit), 2)))
    assert len({c[0] for c in changes}) > 5, "each enterprise grows (or shrinks) at its own rate"
    assert any(r > 1 for r, _p in changes) and any(r < 1 for r, _p in changes)
    assert any(r != p for r, p in changes), "profit does not follow revenue"


def check_names_unique_without_digits_and_sizes_from_the_standard(demo):
    enterprises = list(Enterprise.objects.select_related("industry"))
    names = [e.name for e in enterprises]
    assert len(names) == len(set(names))
    assert not [n for n in names if re.search(r"\d", n)]
    assert all(n.endswith("有限公司") for n in names)
    classifier = Classifier(current_standard())
    for e in enterprises:
        assert e.size_class == classifier.classify(e.industry.size_category, employees=e.employees,
                                                   revenue=e.revenue, assets=e.assets), e


def check_lateness_is_the_real_deadline(demo):
    filed = list(demo.filter(first_submitted_at__isnull=False))
    assert any(f.days_late for f in filed) and any(f.on_time for f in filed)
    for f in filed:
        days = (timezone.localdate(f.first_submitted_at) - f.period.enterprise_deadline).days
        assert f.days_late == max(days, 0) and f.on_time == (days <= 0), f


def check_returned_reports_have_a_reason_and_a_history(demo):
    returns = FilingEvent.objects.filter(action=FilingEvent.Action.RETURN).select_related("filing")
    assert returns.exists()
    for event in returns:
        assert event.reason.strip()
        assert event.filing.return_reason.strip()
        actions = list(event.filing.events.values_list("action", flat=True))
        assert actions.index(FilingEvent.Action.SUBMIT) < actions.index(FilingEvent.Action.RETURN)


def check_cities_without_enterprises_are_not_taking_part(demo):
    with_enterprises = set(Enterprise.objects.values_list("region__parent_id", flat=True))
    cities = Region.objects.filter(level=RegionLevel.CITY)
    quota_regions = set(RegionQuota.objects.values_list("region_id", flat=True))
    assert {c.pk for c in cities if c.pk not in with_enterprises}, "the tree has cities without counties"
    for city in cities:
        assert (city.pk in quota_regions) == (city.pk in with_enterprises), city


def test_the_demo_province_passes_the_portals_checks(demo):
    """One load (the slow part), every check on it."""
    check_no_hard_error_and_every_warning_explained(demo)
    check_year_to_date_never_falls_and_growth_varies(demo)
    check_names_unique_without_digits_and_sizes_from_the_standard(demo)
    check_lateness_is_the_real_deadline(demo)
    check_returned_reports_have_a_reason_and_a_history(demo)
    check_cities_without_enterprises_are_not_taking_part(demo)
