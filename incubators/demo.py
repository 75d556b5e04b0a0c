"""The startup bases' part of the demo province (registered with portal.core.registry): Nantong's fifteen bases
(the seed's count) across its counties, tenants linked to demo enterprises (some monitored, some not) and others
the registry does not know, two years of quarterly figures and self-checks, visits with a few ten-day periods
missing, and the seed's 2012 targets (附表一) carried into the current year. The demo manager ``jidi`` manages the
海安 base: a draft self-check to finish, tenants to update, a growth plan due."""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from portal.accounts.scoping import grant_object
from portal.enterprises.credit_code import make_code
from portal.enterprises.models import Enterprise
from portal.regions.models import Region

from .calendar import ended_ten_days
from .models import (
    FIVE_HAVES,
    BaseLevel,
    BaseStatus,
    GrowthPlan,
    SelfCheck,
    SelfCheckItem,
    SelfCheckStatus,
    StartupBase,
    StatusChange,
    Target,
    Tenant,
    TenantFigures,
    Visit,
)

# The seed's city targets for 2012 (revenue +30% to 143 亿元, taxes +30% to 6.92 亿元, tenants +100 to 690,
# 30,000 employees, 50 graduates), in 万元.
CITY_TARGET = {"revenue": Decimal("1430000"), "taxes": Decimal("69200"), "tenants": 690, "employees": 30000,
               "graduates": 50}
SUFFIXES = ("小企业创业基地", "创业园", "小微企业孵化园")


def _split(total, parts: int, i: int):
    share = total / parts if isinstance(total, Decimal) else total // parts + (1 if i < total % parts else 0)
    return share.quantize(Decimal("1")) if isinstance(share, Decimal) else share


def _bases(counties: list[Region]) -> list[StartupBase]:
    out = []
    for i in range(15):
        county = counties[i % len(counties)]
        level = [BaseLevel.NATIONAL, BaseLevel.PROVINCE, BaseLevel.CITY, BaseLevel.NONE][i % 4]
        since = date(2021 + i % 4, 6, 1) if level else None
        out.append(StartupBase(
            name=f"{county.name}{SUFFIXES[i // len(counties) % len(SUFFIXES)]}", region=county,
            manager_name=f"{county.name}创业服务中心", floor_area=Decimal(20000 + 3500 * i), level=level,
            level_since=since, level_until=since.replace(year=since.year + 3) if since else None))
    return StartupBase.objects.bulk_create(out)


def _tenants(base: StartupBase, known: list[Enterprise], rng: random.Random, year: int, n: int) -> list[Tenant]:
    rows = []
    for k, enterprise in enumerate(known):
        rows.append(Tenant(base=base, credit_code=enterprise.credit_code, name=enterprise.name, enterprise=enterprise,
                           entered_on=date(year - 2, 1 + k % 12, 5)))
    for k in range(n):
        code = make_code(f"92{base.region.code}MA{base.pk:03d}{k:04d}"[:17].ljust(17, "0"))
        rows.append(Tenant(base=base, credit_code=code, name=f"{base.region.name}{'甲乙丙丁戊己庚辛壬癸'[k % 10]}{k}号创业企业",
                           entered_on=date(year - 1 - k % 2, 1 + (k * 5) % 12, 10)))
    if rows:
        graduate = rows[-1]
        graduate.graduated_on = graduate.exited_on = date(year, 3, 15)
        graduate.graduation_reason = "营业收入连续两年超过1000万元"
    return Tenant.objects.bulk_create(rows)


def _figures(tenants: list[Tenant], rng: random.Random, year: int, today: date) -> None:
    rows = []
    for tenant in tenants:
        if tenant.enterprise_id and tenant.enterprise.monitored_from:
            continue  # a monitored tenant's figures come from its filings
        size = rng.randint(80, 900)
        for y in (year - 1, year):
            for q in (1, 2, 3, 4):
                if y == year and q * 3 >= today.month:
                    break
                revenue = Decimal(size * q * (110 if y == year else 100) // 4)
                rows.append(TenantFigures(tenant=tenant, year=y, quarter=q, revenue=revenue,
                                          taxes=(revenue * Decimal("0.05")).quantize(Decimal("0.01")),
                                          employees=8 + size // 40))
    TenantFigures.objects.bulk_create(rows)


def _targets(city: Region, bases: list[StartupBase], year: int) -> None:
    counties = sorted({b.region for b in bases}, key=lambda r: r.path)
    rows = [Target(year=year, region=city, region_path=city.path, **CITY_TARGET)]
    for i, county in enumerate(counties):
        own = [b for b in bases if b.region_id == county.pk]
        county_target = {m: _split(v, len(counties), i) for m, v in CITY_TARGET.items()}
        rows.append(Target(year=year, region=county, region_path=county.path, **county_target))
        for j, base in enumerate(own):
            rows.append(Target(year=year, region=county, base=base, region_path=county.path,
                               **{m: _split(v, len(own), j) for m, v in county_target.items()}))
    Target.objects.bulk_create(rows)


def _self_checks(bases: list[StartupBase], year: int, today: date, manager_base: StartupBase, county_user) -> None:
    checks = []
    for i, base in enumerate(bases):
        checks.append(SelfCheck(base=base, year=year - 1, status=SelfCheckStatus.FILED, problems="管理队伍人员不足。",
                                measures="增配专职管理人员两名。", filed_by=county_user,
                                filed_on=date(year - 1, 5, 20) if i % 7 else date(year - 1, 6, 3)))
        if base.pk == manager_base.pk:
            checks.append(SelfCheck(base=base, year=year, problems="部分入孵企业未签订帮扶成长计划。"))
        elif i % 5 != 4:  # a few this year are missing
            checks.append(SelfCheck(base=base, year=year, status=SelfCheckStatus.FILED, filed_by=county_user,
                                    filed_on=date(year, 5, 25), problems="优惠政策落实不到位。",
                                    measures="会同税务部门开展政策宣讲。"))
    SelfCheck.objects.bulk_create(checks)
    SelfCheckItem.objects.bulk_create([
        SelfCheckItem(check_form=c, key=key, present=c.status == SelfCheckStatus.FILED or k < 3,
                      evidence="见基地管理制度汇编。" if k < 3 or c.status == SelfCheckStatus.FILED else "")
        for c in checks for k, (key, _label) in enumerate(FIVE_HAVES)
        if c.status == SelfCheckStatus.FILED or k < 3])


def _visits(bases: list[StartupBase], year: int, today: date, rng: random.Random) -> None:
    rows = []
    periods = ended_ten_days(date(year, 1, 1), today)
    for i, base in enumerate(bases):
        for k, period in enumerate(periods):
            if (k + i) % 11 == 3 and i % 3 == 0:  # a few ten-day periods without a visit
                continue
            day = period.first + timedelta(days=rng.randint(0, (period.last - period.first).days))
            rows.append(Visit(base=base, visited_on=day, visitor=f"{base.region.name}民营企业管理局 局长",
                              notes="检查基地运行和入孵企业帮扶情况,协调解决场地和政策问题。"))
    Visit.objects.bulk_create(rows)


def load(*, users: dict) -> None:
    rng = random.Random(2012)  # noqa: S311 (demo data, not secrets)
    today = timezone.localdate()
    year = today.year
    city = Region.objects.get(code="320600")
    counties = list(Region.objects.filter(parent=city).order_by("sort_order", "code"))
    haian = next(c for c in counties if c.code == "320685")
    counties.remove(haian)
    counties.insert(0, haian)
    bases = _bases(counties)
    manager_base = bases[0]
    enterprises: dict[int, list[Enterprise]] = {}
    for e in Enterprise.objects.filter(region__in=counties).order_by("id"):
        enterprises.setdefault(e.region_id, []).append(e)
    all_tenants = []
    for i, base in enumerate(bases):
        pool = enterprises.get(base.region_id, [])
        known = pool[(i // len(counties)) * 3:(i // len(counties)) * 3 + 3]
        all_tenants += _tenants(base, known, rng, year, n=5 + i % 4)
    _figures(all_tenants, rng, year, today)
    _targets(city, bases, year)
    # Status history: every base listed; one under rectification.
    city_user = users.get("nantong")
    StatusChange.objects.bulk_create(
        [StatusChange(base=b, old_status="", new_status=BaseStatus.LISTED, on=date(year - 2, 3, 1),
                      reason="列入全市小企业创业基地名录", actor=city_user) for b in bases]
        + [StatusChange(base=bases[-1], old_status=BaseStatus.LISTED, new_status=BaseStatus.RECTIFYING,
                        on=date(year - 1, 12, 28), reason="年终考评为三类基地,限期整改", actor=city_user)])
    StartupBase.objects.filter(pk=bases[-1].pk).update(status=BaseStatus.RECTIFYING)
    _self_checks(bases, year, today, manager_base, users.get("haian"))
    _visits(bases, year, today, rng)
    # jidi's work: one growth plan due for follow-up, the rest of the tenants without one yet.
    first = Tenant.objects.filter(base=manager_base).order_by("id").first()
    if first is not None:
        GrowthPlan.objects.create(tenant=first, goals="三年内营业收入突破2000万元", licences="协助办理食品经营许可证",
                                  training="参加市局组织的财务管理培训", financing="对接银行创业担保贷款",
                                  recruitment="组织专场招聘会", responsible="蒋主任", due_on=today - timedelta(days=3))
    if "jidi" in users:
        grant_object(users["jidi"], manager_base)
