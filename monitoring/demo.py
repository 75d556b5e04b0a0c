"""The demo province's monthly filings, made through the filing services as people would have made them.

Each act — an enterprise saving a draft, submitting, correcting a returned report; a county official approving
or returning it with a reason — is done by the services (``file_one``, ``return_filing``, ``approve_filing``)
at the moment it happens in the story: the clock is set to that moment (time-machine), so every rule of the
portal applies as it would have then (the period open, the deadline, the lateness recorded, the validation
against last month and last year, the warnings to explain) and the history, the audit trail and the inbox
carry their real dates.

The figures are each enterprise's own story (:class:`Story`): last year's revenue from the registry, a growth
rate of its own (some grow, some shrink), the same seasonality for all (a Chinese New Year dip in February, a
year-end peak), margins, tax, exports and staff drifting each on its own, products whose stock follows
production and sales. Year-to-date flows are sums of the months, so they never fall within a year.

Timeliness follows the deadlines: most enterprises file between the month's opening and the enterprise
deadline, a few a day or two late (before the review deadline); in the month being filed now only those whose
habitual day has come have filed, and the county has not reviewed everything yet.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from monitoring import periods, services
from monitoring.indicators import SURVEY, Difficulty
from monitoring.models import Filing, FilingStatus, Period
from portal.accounts.models import Role, User
from portal.audit.context import origin
from portal.enterprises.models import Enterprise
from portal.enterprises.synthetic import name_stems
from portal.notifications.tasking import replaying_history
from portal.regions.models import Region, RegionLevel

# Each month's activity against an average month (the same for every enterprise): the Chinese New Year
# holiday empties February, the year ends in a rush.
SEASON = {1: 0.96, 2: 0.70, 3: 1.00, 4: 0.98, 5: 1.00, 6: 1.04, 7: 0.97, 8: 0.96, 9: 1.03, 10: 0.99, 11: 1.05,
          12: 1.22}
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")

# Why an official returns a report: (reason, fields pointed at, how the enterprise's first version was wrong).
RETURN_REASONS = [
    ("营业成本高于营业收入的两倍,疑似按“元”而非“千元”填报,请核实后重新报送。", ["operating_cost"], "cost_unit"),
    ("应收账款较上月大幅变化,与营业收入不匹配,请核实应收账款期末数。", ["receivables"], "receivables"),
    ("出口交货值大于营业收入,请核实出口交货值(应为1月至本月累计)。", ["export_value"], "export"),
]
# What an enterprise writes under a warning it keeps (预警说明), by the warning's code (its prefix).
EXPLANATIONS = {
    "yoy_revenue": "今年新增生产线投产并承接了新客户订单,营业收入较去年同期大幅变化,数据经财务核对无误。",
    "yoy_industrial_output": "新生产线投产,产量较去年同期大幅变化,工业总产值数据经核对无误。",
    "employees_change": "本月按生产计划调整用工,从业人员变化属实。",
    "profit_over_revenue": "本月确认一笔投资收益,利润总额高于营业收入,数据属实。",
    "taxes_over_revenue": "本月补缴以前年度税款,应交税金较高,数据属实。",
    "product_sales": "本月销售了以前年度结转的库存产品,数据属实。",
}


def explanation_for(code: str) -> str:
    for prefix, text in EXPLANATIONS.items():
        if code.startswith(prefix):
            return text
    return "经核实,数据属实。"


@dataclass
class Story:
    """One enterprise's figures over the months, and its habits as a filer."""

    enterprise: Enterprise
    reviewer: Any
    monthly_revenue: Decimal  # an average month of last year, thousand yuan
    growth: float  # this year's revenue against last year's
    cost_ratio: float
    cost_drift: float
    margin: float  # profit over revenue at the start
    margin_drift: float  # added to the margin over a year
    tax_ratio: float
    export_share: float
    export_growth: float
    output_ratio: float
    staff: int
    staff_drift: float
    assets: Decimal
    leverage: float
    filing_day: int  # days after the month's end it usually files on
    lateness: float  # share of months it files late
    products: list[tuple[str, str, Decimal, float]] = field(default_factory=list)  # name, unit, price, share
    noise: dict = field(default_factory=dict)
    inventory: dict = field(default_factory=dict)
    ytd: dict = field(default_factory=dict)

    def factor(self, index: int, months: int) -> float:
        """Growth from the start of the months to month ``index`` (so the last 12 months grow by ``growth``)."""
        return (1 + self.growth) ** ((index - months + 12) / 12)


def _story(rng: random.Random, enterprise: Enterprise, reviewer: Any) -> Story:
    industrial = enterprise.industry.is_industrial
    roll = rng.random()
    # Most change a little; some grow fast, some are in trouble; a few (a new line, a lost customer) change by
    # more than half, which validation warns about and they explain.
    growth = (rng.uniform(0.55, 0.8) if roll < 0.03 else rng.uniform(-0.25, -0.08) if roll < 0.25
              else rng.uniform(0.12, 0.3) if roll > 0.85 else rng.uniform(-0.06, 0.1))
    products = []
    if industrial:
        catalogue = name_stems().get(enterprise.industry.code, {}).get("products") or []
        picked = rng.sample(catalogue, min(len(catalogue), rng.choice([1, 1, 2])))
        shares = [0.7, 0.2] if len(picked) == 2 else [0.85]
        products = [(name, unit, Decimal(str(price)), share) for (name, unit, price), share in zip(picked, shares,
                                                                                                  strict=False)]
    return Story(
        enterprise=enterprise, reviewer=reviewer,
        monthly_revenue=Decimal(enterprise.revenue) * 10 / 12,  # 10k yuan a year -> thousand yuan a month
        growth=growth, cost_ratio=rng.uniform(0.7, 0.86), cost_drift=rng.uniform(-0.03, 0.04),
        margin=rng.uniform(-0.02, 0.1), margin_drift=rng.uniform(-0.04, 0.03), tax_ratio=rng.uniform(0.02, 0.05),
        export_share=rng.choice([0, 0, rng.uniform(0.05, 0.4)]), export_growth=rng.uniform(-0.3, 0.25),
        output_ratio=rng.uniform(1.0, 1.12) if industrial else 0, staff=enterprise.employees,
        staff_drift=growth * rng.uniform(0.2, 0.6), assets=Decimal(enterprise.assets) * 10,
        leverage=rng.uniform(0.35, 0.7), filing_day=rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
        lateness=rng.choice([0.0, 0.0, 0.0, 0.05, 0.1, 0.3]), products=products)


def _q(value: float | Decimal, quantum: Decimal = TENTH) -> Decimal:
    return Decimal(str(value)).quantize(quantum)


def _month_values(story: Story, rng: random.Random, *, index: int, months: int, month: int) -> dict[str, float]:
    """The month's own flows (not yet summed), ``index`` counting months from the oldest generated (0)."""
    t = index / 12
    revenue = float(story.monthly_revenue) * SEASON[month] * story.factor(index, months) * rng.uniform(0.96, 1.04)
    margin = story.margin + story.margin_drift * t + rng.uniform(-0.01, 0.01)
    values = {
        "revenue": revenue,
        "operating_cost": revenue * (story.cost_ratio + story.cost_drift * t),
        "total_profit": revenue * margin,
        "taxes": revenue * (story.tax_ratio + rng.uniform(-0.004, 0.004)),
        "export_value": revenue * story.export_share * (1 + story.export_growth) ** t,
    }
    if story.output_ratio:
        values["industrial_output"] = revenue * (story.output_ratio + rng.uniform(-0.02, 0.02))
    return values


def figures(story: Story, rng: random.Random, *, index: int, months: int, year: int, month: int) -> dict:
    """The month's report of ``story``: year-to-date flows (sums of the months, the months before the first
    generated one included), end-of-month stocks, the survey and products. ``index`` counts the months
    generated so far (0 for the oldest)."""
    t = index / 12
    if month == 1:
        story.ytd = {}
    elif not story.ytd:  # the first month generated: the year's earlier months count in its year to date
        for earlier in range(1, month):
            for code, value in _month_values(story, rng, index=index - month + earlier, months=months,
                                             month=earlier).items():
                story.ytd[code] = story.ytd.get(code, Decimal(0)) + _q(value)
    month_values = _month_values(story, rng, index=index, months=months, month=month)
    revenue = month_values["revenue"]
    margin = float(month_values["total_profit"] / revenue) if revenue else 0.0
    if month == 1:
        story.ytd = {}
    data: dict[str, Any] = {}
    for code, value in month_values.items():
        story.ytd[code] = story.ytd.get(code, Decimal(0)) + _q(value)
        data[code] = story.ytd[code]
    staff = max(1, round(story.staff * (1 + story.staff_drift * t) * (0.97 if month == 2 else 1)
                         * rng.uniform(0.99, 1.01)))
    assets = story.assets * Decimal(str(1 + story.growth * t * 0.3))
    data.update({
        "industrial_output": data.get("industrial_output"), "employees": staff,
        "receivables": _q(revenue * rng.uniform(1.6, 2.2)), "finished_goods": _q(revenue * rng.uniform(0.3, 0.6)),
        "total_assets": _q(assets), "total_liabilities": _q(assets * Decimal(str(story.leverage))),
        "products": _products(story, rng, revenue), "explanations": {},
    })
    data.update(_survey(story, rng, margin))
    return data


def _products(story: Story, rng: random.Random, revenue: float) -> list[dict]:
    rows = []
    for name, unit, price, share in story.products:
        production = _q(revenue * share / float(price) * rng.uniform(0.97, 1.06), HUNDREDTH)
        opening = story.inventory.get(name, Decimal(0))
        sales = min(_q(production * Decimal(str(rng.uniform(0.93, 1.04))), HUNDREDTH), production + opening)
        story.inventory[name] = opening + production - sales
        rows.append({"name": name, "unit": unit, "production": production, "sales": sales,
                     "inventory": story.inventory[name]})
    return rows


def _trend(value: float, band: float = 0.03) -> str:
    return "up" if value > band else "down" if value < -band else "same"


def _survey(story: Story, rng: random.Random, margin: float) -> dict:
    growth = story.growth
    answers = {"overall": _trend(growth + margin - 0.04, 0.04), "orders": _trend(growth + rng.uniform(-0.05, 0.05)),
               "sales": _trend(growth), "costs": rng.choice(["up", "up", "same"]),
               "financing": rng.choice(["same", "same", "same", "down", "up"]), "labour": _trend(story.staff_drift),
               "profit": _trend(story.margin_drift + growth / 2)}
    pool = [Difficulty.ORDERS, Difficulty.COMPETITION, Difficulty.RECEIVABLES] if growth < 0 else [
        Difficulty.LABOUR_COST, Difficulty.RECRUITING, Difficulty.MATERIALS, Difficulty.ENERGY, Difficulty.FINANCING]
    return {**{q.field_name: answers[q.code] for q in SURVEY},
            "difficulties": sorted(rng.sample([d.value for d in pool], rng.choice([1, 2]))), "difficulties_text": ""}


# ------------------------------------------------------------------------------------------------
# The acts, in the order they happen
# ------------------------------------------------------------------------------------------------

def _at(day: date, rng: random.Random, hours: tuple[int, int] = (9, 17)) -> datetime:
    moment = time(rng.randint(*hours), rng.randint(0, 59), rng.randint(0, 59))
    return datetime.combine(day, moment, tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass
class Act:
    at: datetime
    kind: str  # draft | submit | return | approve
    story: Story
    data: dict | None = None
    reason: tuple | None = None


def _month_acts(stories: list[Story], rng: random.Random, *, period: Period, index: int, months: int,
                now: datetime) -> Iterator[Act]:
    """One month's acts of every enterprise (not in order), none after ``now``."""
    opens = period.opens_on()
    for story in stories:
        data = figures(story, rng, index=index, months=months, year=period.year, month=period.month)
        late = rng.random() < story.lateness
        deadline = period.enterprise_deadline
        day = (deadline + timedelta(days=rng.choice([1, 1, 2]))) if late else min(
            opens + timedelta(days=max(0, story.filing_day + rng.randint(-2, 2) - 1)), deadline)
        day = min(day, period.review_deadline)
        submitted = _at(day, rng)
        if submitted > now:
            began = min(_at(opens, rng), now - timedelta(minutes=5))
            if rng.random() < 0.3 and began.date() >= opens:  # begun, not yet sent
                yield Act(began, "draft", story, data)
            continue
        # Returned and corrected within the month's review time (the reviewer's day, the enterprise's days).
        returned = rng.random() < 0.04 and day + timedelta(days=4) <= period.review_deadline
        if returned:
            reason = rng.choice(RETURN_REASONS)
            yield Act(submitted, "submit", story, _mistaken(data, reason[2]))
            checked = submitted + timedelta(days=1, hours=rng.randint(0, 3))
            yield Act(checked, "return", story, reason=reason)
            fixed = checked + timedelta(days=rng.choice([0, 1, 2]), hours=2)
            yield Act(fixed, "submit", story, data)
            submitted = fixed
        else:
            yield Act(submitted, "submit", story, data)
        review = submitted + timedelta(days=rng.choice([0, 1, 1, 2, 3]), hours=rng.randint(1, 4))
        review = min(review, _at(period.review_deadline, rng, (16, 16)))
        yield Act(max(review, submitted + timedelta(minutes=30)), "approve", story)


def _mistaken(data: dict, kind: str) -> dict:
    """``data`` as first sent wrong, in the way the reviewer's reason says (still valid by the rules)."""
    wrong = dict(data)
    if kind == "cost_unit":
        wrong["operating_cost"] = data["operating_cost"] * 1000
    elif kind == "receivables":
        wrong["receivables"] = data["receivables"] * 10
    else:
        wrong["export_value"] = data["revenue"] * Decimal("1.5")
    return wrong


PHASES = {"return": (0, 10), "draft": (1, 14), "submit": (1, 14), "approve": (2, 17)}  # order in a day, hour


def _day_batches(acts: list[Act], now: datetime) -> Iterator[tuple[datetime, str, list[Act]]]:
    """The acts up to ``now`` as each day's batches: returns in the morning, then what was filed (one batch per
    city's data-exchange system), then approvals in the afternoon; each batch at its hour (``now`` at the latest)."""
    groups: dict[tuple, list[Act]] = {}
    for act in acts:
        if act.at <= now:
            order, _hour = PHASES[act.kind]
            city = act.story.enterprise.region.parent_id
            groups.setdefault((act.at.date(), order, act.kind, city), []).append(act)
    for (day, _order, kind, _city), batch in sorted(groups.items(), key=lambda kv: kv[0]):
        at = datetime.combine(day, time(PHASES[kind][1]), tzinfo=now.tzinfo)
        yield min(at, now), kind, batch


def _do(at: datetime, kind: str, batch: list[Act], period: Period, systems: dict[int, Any]) -> None:
    with time_machine.travel(at, tick=False):
        if kind in ("draft", "submit"):
            _file(batch, period, systems[batch[0].story.enterprise.region.parent_id], submit=kind == "submit")
            return
        filings = {f.enterprise_id: f for f in Filing.objects.filter(
            period=period, status=FilingStatus.SUBMITTED, enterprise__in=[a.story.enterprise for a in batch])}
        for act in batch:
            filing = filings.get(act.story.enterprise.id)
            if filing is None:
                continue
            if kind == "return" and act.reason:
                services.return_filing(actor=act.story.reviewer, filing=filing, reason=act.reason[0],
                                       fields=act.reason[1])
            else:
                services.approve_filing(actor=act.story.reviewer, filing=filing)


def _file(batch: list[Act], period: Period, system: Any, *, submit: bool) -> None:
    """Save or submit a day's reports through the city's data-exchange system (the services' batch path); a
    warning validation raises is explained, as the form asks, and sent again."""
    items = [(a.story.enterprise, a.data or {}, None) for a in batch]
    outcomes = services.file_batch(actor=system, period=period, items=items, submit=submit)
    again = []
    for out, (enterprise, data, _none) in zip(outcomes, items, strict=True):
        missing = [key.split(".", 1)[1] for key in out.errors if key.startswith("explanations.")]
        if out.outcome == "rejected" and missing and len(missing) == len(out.errors):
            data["explanations"] = {code: explanation_for(code) for code in missing}
            again.append((enterprise, data, None))
        elif out.outcome == "rejected":
            raise ValueError(f"demo filing of {enterprise} {period} refused: {out.errors}")
    if again:
        for out in services.file_batch(actor=system, period=period, items=again, submit=submit):
            if out.outcome == "rejected":
                raise ValueError(f"demo filing of {out.enterprise} {period} refused: {out.errors}")


# ------------------------------------------------------------------------------------------------
# Who acts
# ------------------------------------------------------------------------------------------------

def _systems(enterprises: list[Enterprise]) -> dict[int, Any]:
    """Each city's enterprise data-exchange system (数据交换系统, an API account without a usable password),
    through which the city's monitored enterprises send their reports; made if missing."""
    city_ids = {e.region.parent_id for e in enterprises}
    have = {u.region_id: u for u in User.objects.filter(role=Role.EXCHANGE, region_id__in=city_ids, is_active=True)}
    unusable = make_password(None)
    User.objects.bulk_create([
        User(username=f"jh{city.code}", full_name=f"{city.name}企业直报系统", role=Role.EXCHANGE, region=city,
             password=unusable) for city in Region.objects.filter(id__in=city_ids - set(have))])
    have.update({u.region_id: u for u in User.objects.filter(role=Role.EXCHANGE, region_id__in=city_ids - set(have))})
    return have


def _reviewers(enterprises: list[Enterprise]) -> dict[int, Any]:
    """Each county's reviewing official (the first of its officials; made if it has none)."""
    county_ids = {e.region_id for e in enterprises}
    have: dict[int, Any] = {}
    for user in User.objects.filter(role=Role.OFFICIAL, region_id__in=county_ids, is_active=True).order_by("id"):
        have.setdefault(user.region_id, user)
    unusable = make_password(None)
    counties = Region.objects.filter(id__in=county_ids - set(have), level=RegionLevel.COUNTY)
    User.objects.bulk_create([
        User(username=f"sh{county.code}", full_name=f"{county.name} 审核员", role=Role.OFFICIAL, region=county,
             password=unusable) for county in counties])
    for user in User.objects.filter(role=Role.OFFICIAL, region_id__in=county_ids - set(have)).order_by("id"):
        have.setdefault(user.region_id, user)
    return have


def months_back(count: int, today: date) -> list[tuple[int, int]]:
    """The last ``count`` ended months, oldest first."""
    last = periods.filing_month(today)
    out, year, month = [], last.year, last.month
    for _ in range(count):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(out))


def load_filings(*, enterprises: Any, months: int = 13, seed: int = 2026) -> int:
    """File ``months`` months up to the month being filed now for the monitored ``enterprises`` (a queryset),
    act by act through the services. Returns the number of filings made."""
    rng = random.Random(seed)  # noqa: S311 - demonstration data, not security
    rows = list(enterprises.filter(monitored_from__isnull=False).select_related("industry", "region")
                .order_by("id"))
    systems, reviewers = _systems(rows), _reviewers(rows)
    stories = [_story(rng, e, reviewers[e.region_id]) for e in rows]
    now = timezone.now()
    with origin("synthetic"), replaying_history():
        for index, (year, month) in enumerate(months_back(months, timezone.localdate(now))):
            period = periods.open_period(year, month)
            acts = list(_month_acts(stories, rng, period=period, index=index, months=months, now=now))
            with transaction.atomic():
                for at, kind, batch in _day_batches(acts, now):
                    _do(at, kind, batch, period, systems)
    return Filing.objects.filter(enterprise__in=rows).count()
