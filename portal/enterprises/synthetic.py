"""Synthetic enterprises for the demo province and the benchmark (bulk inserts, deterministic)."""

import random
from datetime import date
from decimal import Decimal

from portal.regions.models import Region

from .credit_code import make_code
from .models import HONOUR_FLAGS, Enterprise, Honour, Industry
from .standards import Classifier, current_standard

WORDS = "华 瑞 通 达 海 鑫 盛 恒 泰 宏 远 博 联 创 新 科 锦 丰 源 诚 信 安 康 德 隆 昌 旺 顺 兴 福".split()
KINDS = ["机械", "电子", "纺织", "化工", "材料", "精密", "智能", "食品", "船舶", "软件", "医疗器械", "新能源"]


def _size_inputs(rng: random.Random, target: str) -> tuple[int, Decimal, Decimal]:
    """Employees, revenue and assets (10k yuan) landing mostly in the wanted class for industry."""
    if target == "medium":
        return rng.randint(300, 900), Decimal(rng.randint(2000, 39000)), Decimal(rng.randint(3000, 50000))
    if target == "small":
        return rng.randint(20, 299), Decimal(rng.randint(300, 1999)), Decimal(rng.randint(200, 5000))
    return rng.randint(3, 19), Decimal(rng.randint(20, 299)), Decimal(rng.randint(10, 500))


def build_enterprises(n: int, *, counties: list[Region] | None = None, seed: int = 2026, start: int = 0,
                      monitored_from: date = date(2025, 1, 1)) -> list[Enterprise]:
    rng = random.Random(seed)
    counties = counties or list(Region.objects.counties())
    manufacturing = list(Industry.objects.filter(parent__code="C"))
    services = list(Industry.objects.filter(code__in=["65", "73", "74", "75", "72"]))
    classifier = Classifier(current_standard())
    standard = classifier.standard
    rows = []
    for i in range(start, start + n):
        county = counties[i % len(counties)]
        industry = rng.choice(manufacturing) if rng.random() < 0.8 else rng.choice(services)
        target = rng.choices(["medium", "small", "micro"], weights=[15, 45, 40])[0]
        employees, revenue, assets = _size_inputs(rng, target)
        area = county.code[:6] if county.official_code else county.parent.code
        body = f"91{area}{i:09d}"
        name = f"{county.name.rstrip('市县区')}{rng.choice(WORDS)}{rng.choice(WORDS)}{rng.choice(KINDS)}有限公司{i}"
        size_class = classifier.classify(industry.size_category, employees=employees, revenue=revenue, assets=assets)
        rows.append(Enterprise(
            credit_code=make_code(body), name=name, region=county, region_path=county.path, industry=industry,
            employees=employees, revenue=revenue, assets=assets, size_class=size_class, size_standard=standard,
            above_designated_size=industry.is_industrial and revenue >= 2000,
            is_specialized=rng.random() < 0.08, is_high_tech=rng.random() < 0.15,
            monitored_from=monitored_from if rng.random() < 0.95 else None,
            contact_name=rng.choice("张王李赵刘陈杨黄周吴") + rng.choice(["伟", "芳", "敏", "静", "磊", "洋", "勇", "艳"]),
            contact_phone=f"139{i % 100000000:08d}",
        ))
    return rows


def generate_enterprises(n: int, **kwargs) -> int:
    rows = build_enterprises(n, **kwargs)
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    # The flags are the honour records' cache: each flag set gets its record (granted on a day not known).
    # bulk_create set the ids (PostgreSQL and SQLite return them).
    Honour.objects.bulk_create([Honour(enterprise_id=e.pk, kind=kind, note="示例数据,认定日期未知")
                                for e in rows for kind, flag in HONOUR_FLAGS.items() if getattr(e, flag)],
                               batch_size=5000)
    return len(rows)
