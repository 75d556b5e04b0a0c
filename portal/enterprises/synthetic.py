"""Synthetic enterprises for the demo province and the benchmark (bulk inserts, deterministic).

Names are what a firm of its industry and county would be called (``data/name_stems.json``: the words of each
GB/T 4754 division), unique and without numbers; the size class is what the size standard gives from the
enterprise's own employees, revenue and assets, drawn within the standard's bounds for the class wanted."""

import json
import random
from datetime import date
from decimal import Decimal
from functools import cache

from portal.regions.models import Region

from .credit_code import make_code
from .models import HONOUR_FLAGS, Enterprise, Honour, Industry, SizeClass
from .standards import DATA_DIR, Classifier, current_standard

WORDS = "华 瑞 通 达 海 鑫 盛 恒 泰 宏 远 博 联 创 新 科 锦 丰 源 诚 信 安 康 德 隆 昌 旺 顺 兴 福 嘉 晟 润 力 辰 明".split()
# Yearly revenue per employee (10k yuan) by the size standard's category: what keeps the figures plausible.
PRODUCTIVITY = {"industry": (40, 110), "software": (20, 60), "leasing_business": (15, 50)}
DEFAULT_PRODUCTIVITY = (10, 35)


@cache
def name_stems() -> dict[str, dict]:
    """Each GB/T 4754 division's name words and typical products (``data/name_stems.json``)."""
    data = json.loads((DATA_DIR / "name_stems.json").read_text(encoding="utf-8"))
    return {code: row for code, row in data.items() if not code.startswith("_")}


def place_name(county: Region) -> str:
    """The place word of a firm registered in ``county``: 海安, 玄武, 吴江; the city's for zones (开发区, 园区)."""
    name = county.name
    if "开发" in name or "园区" in name or len(name.rstrip("市县区")) < 2:
        name = county.parent.name if county.parent_id else name
    return name.rstrip("市县区")


def enterprise_name(rng: random.Random, county: Region, industry: Industry, taken: set[str], *,
                    listed: bool = False) -> str:
    """A unique plausible name: place, two trade words, the division's word, 有限公司 / 股份有限公司."""
    stems = name_stems().get(industry.code, {}).get("stems") or ["科技"]
    suffix = "股份有限公司" if listed else "有限公司"
    for attempt in range(200):
        trade = "".join(rng.sample(WORDS, 2 if attempt < 50 else 3))
        name = f"{place_name(county)}{trade}{rng.choice(stems)}{suffix}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError(f"no free enterprise name left for {county.name} / {industry.code}")


def size_figures(rng: random.Random, classifier: Classifier, industry: Industry,
                 target: str) -> tuple[int, Decimal, Decimal, str]:
    """Employees, yearly revenue and assets (10k yuan) drawn for the wanted class within the standard's bounds
    for the industry's category, and the class the standard gives from them (never "large": the portal
    monitors SMEs)."""
    rules = classifier.table[industry.size_category]
    large = rules[SizeClass.LARGE.value].employees or 1000
    medium = rules[SizeClass.MEDIUM.value].employees or 100
    small = rules[SizeClass.SMALL.value].employees or 10
    ranges = {"medium": (medium, min(large - 1, medium * 3)), "small": (small, medium - 1), "micro": (3, small - 1)}
    low, high = PRODUCTIVITY.get(industry.size_category, DEFAULT_PRODUCTIVITY)
    for _attempt in range(20):
        employees = rng.randint(*ranges[target])
        revenue = Decimal(employees * rng.randint(low, high))
        assets = (revenue * Decimal(rng.randint(50, 160)) / 100).quantize(Decimal(1))
        size_class = classifier.classify(industry.size_category, employees=employees, revenue=revenue, assets=assets)
        if size_class != SizeClass.LARGE:
            return employees, revenue, assets, size_class
        target = "small"
    raise RuntimeError("size figures outside SME bounds")


def build_enterprises(n: int, *, counties: list[Region] | None = None, seed: int = 2026, start: int = 0,
                      monitored_from: date = date(2025, 1, 1)) -> list[Enterprise]:
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    counties = counties or list(Region.objects.counties().select_related("parent"))
    manufacturing = list(Industry.objects.filter(parent__code="C").exclude(code="16"))
    services = list(Industry.objects.filter(code__in=["65", "73", "74", "75", "72"]))
    classifier = Classifier(current_standard())
    standard = classifier.standard
    taken = set(Enterprise.objects.values_list("name", flat=True)) if start == 0 else set()
    rows = []
    for i in range(start, start + n):
        county = counties[i % len(counties)]
        industry = rng.choice(manufacturing) if rng.random() < 0.8 else rng.choice(services)
        target = rng.choices(["medium", "small", "micro"], weights=[15, 45, 40])[0]
        employees, revenue, assets, size_class = size_figures(rng, classifier, industry, target)
        area = county.code[:6] if county.official_code else county.parent.code
        body = f"91{area}{i:09d}"
        listed = size_class == SizeClass.MEDIUM and rng.random() < 0.3
        rows.append(Enterprise(
            credit_code=make_code(body), name=enterprise_name(rng, county, industry, taken, listed=listed),
            region=county, region_path=county.path, industry=industry,
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
