"""Nantong's part of the demo: the seed's targets carried into the current three-year window, a pool built
from a synthetic tax list and 退统 list, three years of monthly sales, crossers and leavers, and work waiting
for the county officials (candidates to screen, dispatch follow-ups due)."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from portal.enterprises.credit_code import make_code
from portal.enterprises.models import Enterprise, Industry, SizeClass
from portal.enterprises.standards import current_standard
from portal.enterprises.synthetic import enterprise_name
from portal.regions.models import Region

from .models import CountyTarget, DispatchNote, MonthlySales, MonthlySource, PoolEntry, Screening, Stage

# Seed 002's 附件 (2022–2024), one figure per county and year, unchanged in every year of the window.
SEED_TARGETS = {"海安市": 130, "如皋市": 140, "如东县": 140, "启东市": 150, "崇川区": 50, "通州区": 140,
                "海门区": 140, "开发区": 60, "苏锡通": 25, "通州湾": 25}
SEED_OUTPUT_PER_YEAR = Decimal("1000") / 3  # 1,000 亿元 over three years, shared by target
CANDIDATES = 2000
SEASON = [0.06, 0.07, 0.085, 0.085, 0.085, 0.09, 0.08, 0.08, 0.085, 0.085, 0.09, 0.105]


def load(*, users: dict) -> None:
    rng = random.Random(2022)  # noqa: S311 — reproducible demo data, not a secret
    today = timezone.localdate()
    counties = {r.name: r for r in Region.objects.filter(parent__code="320600")}
    total = sum(SEED_TARGETS.values())
    CountyTarget.objects.bulk_create([
        CountyTarget(region=counties[name], region_path=counties[name].path, year=year, new_enterprises=n,
                     new_output=(SEED_OUTPUT_PER_YEAR * n / total).quantize(Decimal("0.01")))
        for year in (today.year - 1, today.year, today.year + 1) for name, n in SEED_TARGETS.items()])
    industry = Industry.objects.get(code="C")
    # Manufacturing divisions (GB/T 4754 C13–C43): each candidate is named for the trade it is in.
    divisions = list(Industry.objects.filter(code__regex=r"^(1[3-9]|[23][0-9]|4[0-3])$")) or [industry]
    taken = set(Enterprise.objects.values_list("name", flat=True))
    standard = current_standard()
    names = list(SEED_TARGETS)
    weights = [SEED_TARGETS[n] for n in names]
    enterprises = []
    for i in range(CANDIDATES):
        region = counties[rng.choices(names, weights)[0]]
        division = rng.choice(divisions)
        enterprises.append(Enterprise(
            credit_code=make_code(f"9132{region.code[2:6]}MA{i:07d}"[:17]), name=enterprise_name(rng, region, division, taken),
            region=region, region_path=region.path, industry=division, employees=None, assets=None,
            revenue=Decimal(rng.randint(500, 1999)), size_class=SizeClass.UNKNOWN, size_standard=standard))
    Enterprise.objects.bulk_create(enterprises, batch_size=2000)
    entries, months = [], []
    for i, e in enumerate(Enterprise.objects.filter(credit_code__in=[x.credit_code for x in enterprises])):
        base = float(rng.uniform(500, 1990))
        growth = rng.uniform(0.85, 1.35)
        entry = PoolEntry(enterprise=e, region_path=e.region_path, on_tax_list=i % 5 != 0, on_stats_list=i % 4 == 0,
                          base_year=today.year - 2, base_sales=Decimal(f"{base:.2f}"),
                          left_stats_year=today.year - 2 if i % 4 == 0 else None)
        _screen_and_stage(entry, i, rng, today)
        entries.append(entry)
        for k, year in enumerate((today.year - 2, today.year - 1, today.year)):
            annual = base * growth ** k
            last_month = 12 if year < today.year else today.month - 2  # the last month stays to be imported
            months.extend(MonthlySales(enterprise=e, region_path=e.region_path, year=year, month=m,
                                       sales=Decimal(f"{annual * SEASON[m - 1] * rng.uniform(0.9, 1.1):.2f}"),
                                       taxes=Decimal(f"{annual * SEASON[m - 1] * 0.05:.2f}"), source=MonthlySource.TAX)
                          for m in range(1, last_month + 1))
    PoolEntry.objects.bulk_create(entries, batch_size=2000)
    MonthlySales.objects.bulk_create(months, batch_size=5000)
    notes = [DispatchNote(entry=entry, problems="订单增长但产能不足,需协调用地与用电", help_given="协调电力部门增容",
                          responsible="周科长", follow_up_on=today - timedelta(days=3 - k % 3), author=users.get("haian"))
             for k, entry in enumerate(PoolEntry.objects.filter(screening=Screening.IN_POOL, stage=Stage.NEAR)
                                       .order_by("id")[:6])]
    notes += [DispatchNote(entry=entry, problems="订单增长但产能不足,需协调用地与用电", help_given="协调电力部门增容",
                           responsible="吴审核", follow_up_on=today, author=users.get("haian"))
              for entry in PoolEntry.objects.filter(screening=Screening.IN_POOL, stage=Stage.NEAR,
                                                    enterprise__region__code="320685")[:4]]
    DispatchNote.objects.bulk_create(notes)


def _screen_and_stage(entry: PoolEntry, i: int, rng: random.Random, today: date) -> None:
    """A realistic spread: most screened in by tier, some left out, a third of the rest waiting; crossers,
    applicants and a few leavers."""
    if i % 3 == 0:
        return  # still a candidate to screen
    if i % 17 == 0:
        entry.screening, entry.out_reason = Screening.OUT, "主营业务不属于工业"
        return
    entry.screening, entry.tier, entry.tier_year = Screening.IN_POOL, i % 3, today.year
    roll = rng.random()
    if roll < 0.25:
        entry.stage = Stage.ENTERED
        entry.entered_on = date(today.year - (1 if roll < 0.08 else 0), rng.randint(1, max(today.month - 1, 1)), 15)
        entry.materials = ["profit_statement", "vat_return", "site_photos", "pledge", "history"]
        if roll < 0.02:
            entry.stage, entry.left_on = Stage.LEFT, date(today.year, max(today.month - 1, 1), 1)
    elif roll < 0.35:
        entry.stage, entry.materials = Stage.APPLYING, ["profit_statement", "vat_return"]
    elif roll < 0.5:
        entry.stage = Stage.NEAR
    entry.refuses_entry = 0.5 <= roll < 0.52
