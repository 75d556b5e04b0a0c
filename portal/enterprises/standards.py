"""Loading the size standard and the industry table (data files, versioned), and classifying."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from portal.audit.context import current
from portal.audit.models import AuditEntry

from .models import Enterprise, Industry, SizeClass, SizeStandard, SizeThreshold

DATA_DIR = Path(__file__).resolve().parent / "data"
CLASS_ORDER = (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL)


BOUND_KEYS = ("employees", "revenue", "assets")

# How the industry table (GB/T 4754-2017) meets the 2011 standard (工信部联企业〔2011〕300号), whose
# 第三条 reads: "本规定适用的行业包括：农、林、牧、渔业，工业（包括采矿业，制造业，电力、热力、燃气及水生产和
# 供应业），建筑业，批发业，零售业，交通运输业（不含铁路运输业），仓储业，邮政业，住宿业，餐饮业，信息传输业
# （包括电信、互联网和相关服务），软件和信息技术服务业，房地产开发经营，物业管理，租赁和商务服务业，其他未列明
# 行业（包括科学研究和技术服务业，水利、环境和公共设施管理业，居民服务、修理和其他服务业，社会工作，文化、体育
# 和娱乐业等）。"
#
# - Codes spanning several of those categories (F, G, H, I, K, 59, 70) class nobody: an enterprise is filed
#   under the division or group below them (59: 591 装卸搬运 is 交通运输业, as it was in GB/T 4754-2011's
#   division 58 when the standard was issued; 592–599 are 仓储业. 70: 701 房地产开发经营, 702 物业管理,
#   the other groups 其他未列明行业).
# - Not applicable (Industry.NOT_APPLICABLE):
#   J 金融业 is not in the list; finance has a standard of its own (《金融业企业划型标准规定》, 银发〔2015〕309号).
#   53 铁路运输业: "交通运输业（不含铁路运输业）" names railway only to take it out of 交通运输业, so it is not
#   an "未列明" (unlisted) industry either, and the standard gives it no bounds. 第六条 says "个体工商户和本规定
#   以外的行业，参照本规定进行划型" (classed *by analogy*), which names no category to borrow for railway:
#   the registry records "not applicable" instead of guessing one.
# - Sections the list does not name (P 教育, 84 卫生, S, T) are classed by analogy under 第六条 with
#   其他未列明行业, the category for industries not listed.


def check_standard_data(data: dict) -> None:
    """Raise ValueError saying what is wrong with a standard file, before anything is written."""
    for key in ("code", "title", "effective_from", "categories"):
        if key not in data:
            raise ValueError(f"missing key {key!r}")
    date.fromisoformat(data["effective_from"])
    seen = set()
    for cat in data["categories"]:
        name = cat.get("category")
        if not name or not cat.get("label"):
            raise ValueError(f"a category without 'category' or 'label': {cat!r}")
        if name in seen:
            raise ValueError(f"category {name!r} listed twice")
        seen.add(name)
        previous = None
        for size_class in CLASS_ORDER:
            bounds = cat.get(size_class.value)
            if not isinstance(bounds, dict) or not bounds or set(bounds) - set(BOUND_KEYS):
                raise ValueError(f"{name}: {size_class.value} needs bounds among {', '.join(BOUND_KEYS)}")
            for key, value in bounds.items():
                if not isinstance(value, int | float) or value < 0:
                    raise ValueError(f"{name}: {size_class.value}.{key} must be a non-negative number")
                if previous is not None and key in previous and value > previous[key]:
                    raise ValueError(f"{name}: {size_class.value}.{key} is above the bound of the larger class")
            previous = bounds
    if Industry.NOT_APPLICABLE in seen:
        raise ValueError(f"{Industry.NOT_APPLICABLE!r} is reserved for industries outside the standard")


def _english(model, field: str, value: str | None) -> dict:
    """The English name of a row, for a model that has the column (the migrations before it load the same
    files into the tables as they were)."""
    return {field: value or ""} if any(f.name == field for f in model._meta.get_fields()) else {}


@transaction.atomic
def load_size_standard(path: Path, *, apps=None) -> SizeStandard:
    """Load (or reload) a size standard from its JSON file. A revised standard is a new file."""
    standard_model = apps.get_model("enterprises", "SizeStandard") if apps else SizeStandard
    threshold_model = apps.get_model("enterprises", "SizeThreshold") if apps else SizeThreshold
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    check_standard_data(data)
    standard, _created = standard_model.objects.update_or_create(
        code=data["code"],
        defaults={"title": data["title"], "effective_from": date.fromisoformat(data["effective_from"]),
                  **_english(standard_model, "title_en", data.get("title_en"))},
    )
    standard.thresholds.all().delete()
    rows = []
    for cat in data["categories"]:
        for size_class in CLASS_ORDER:
            bounds = cat[size_class.value]
            rows.append(
                threshold_model(
                    standard=standard,
                    category=cat["category"],
                    category_label=cat["label"],
                    **_english(threshold_model, "category_label_en", cat.get("label_en")),
                    size_class=size_class.value,
                    min_employees=bounds.get("employees"),
                    min_revenue=bounds.get("revenue"),
                    min_assets=bounds.get("assets"),
                )
            )
    threshold_model.objects.bulk_create(rows)
    return standard


def check_industry_data(data: dict) -> None:
    """Raise ValueError saying what is wrong with an industry table, before anything is written.

    A code with a category stands for that category all the way down: a section or division whose
    divisions or groups fall in different categories must have none (null), and then needs codes below it.
    """
    rows: dict[str, dict] = {}
    for row in data["industries"]:
        code = row.get("code")
        if not code or not row.get("name") or "size_category" not in row:
            raise ValueError(f"a row without code, name or size_category: {row!r}")
        if code in rows:
            raise ValueError(f"industry {code} listed twice")
        if row.get("parent") is not None and row["parent"] not in rows:
            raise ValueError(f"industry {code}: its parent {row['parent']} must be listed before it")
        category = row["size_category"]
        if category is not None and (not isinstance(category, str) or not category):
            raise ValueError(f"industry {code}: size_category must be a category name or null")
        rows[code] = row
    has_children = {row["parent"] for row in rows.values() if row.get("parent") is not None}
    for code, row in rows.items():
        category = row["size_category"]
        if category is None and code not in has_children:
            raise ValueError(f"industry {code} spans categories (null) but has no finer code to file under")
        parent = row.get("parent")
        while parent is not None:
            above = rows[parent]["size_category"]
            if above is not None and above != category:
                raise ValueError(
                    f"industry {code} ({category}) lies under {parent} ({above}): "
                    f"a code spanning several categories needs size_category null"
                )
            parent = rows[parent].get("parent")


@transaction.atomic
def load_industries(path: Path, *, apps=None) -> int:
    model = apps.get_model("enterprises", "Industry") if apps else Industry
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    check_industry_data(data)
    by_code = {}
    for row in data["industries"]:
        obj, _created = model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                **_english(model, "name_en", row.get("name_en")),
                "parent": by_code.get(row["parent"]),
                "size_category": row["size_category"] or Industry.SPANS_CATEGORIES,
                "is_industrial": row["is_industrial"],
            },
        )
        by_code[row["code"]] = obj
    return len(by_code)


@dataclass(frozen=True)
class Threshold:
    employees: int | None
    revenue: Decimal | None
    assets: Decimal | None

    def met_by(self, employees: int, revenue: Decimal, assets: Decimal) -> bool:
        return (
            (self.employees is None or employees >= self.employees)
            and (self.revenue is None or revenue >= self.revenue)
            and (self.assets is None or assets >= self.assets)
        )


class UnknownCategory(LookupError):
    """The industry's category is not one the standard classes (nor 'not applicable')."""


class Classifier:
    """Size classification against one standard, with its thresholds held in memory.

    Large, medium and small need *all* their bounds met; an enterprise meeting no small bound is micro.
    An industry the standard does not apply to is "not applicable"; any other category the standard
    has no bounds for (a code spanning several categories included) is refused, never guessed.
    """

    def __init__(self, standard: SizeStandard):
        self.standard = standard
        self.table: dict[str, dict[str, Threshold]] = {}
        for t in standard.thresholds.all():
            self.table.setdefault(t.category, {})[t.size_class] = Threshold(
                t.min_employees, t.min_revenue, t.min_assets
            )

    def classify(self, category: str, *, employees: int | None, revenue: Decimal | None,
                 assets: Decimal | None) -> str:
        if category == Industry.NOT_APPLICABLE:
            return SizeClass.NOT_APPLICABLE.value
        if employees is None or revenue is None or assets is None:
            return SizeClass.UNKNOWN.value
        rules = self.table.get(category)
        if rules is None:
            raise UnknownCategory(category)
        for size_class in CLASS_ORDER:
            if rules[size_class.value].met_by(employees, Decimal(revenue), Decimal(assets)):
                return size_class.value
        return SizeClass.MICRO.value


def finer_industries(industry: Industry, table) -> list[Industry]:
    """The codes below ``industry`` that an enterprise can be filed under (each in one category), in order.

    ``table`` is every industry (any iterable of them), so that no query is made per code.
    """
    children: dict[int | None, list[Industry]] = {}
    for row in table:
        children.setdefault(row.parent_id, []).append(row)
    found: list[Industry] = []

    def walk(node: Industry) -> None:
        for child in sorted(children.get(node.pk, []), key=lambda i: i.code):
            if child.spans_categories:
                walk(child)
            else:
                found.append(child)

    walk(industry)
    return found


@transaction.atomic
def rederive_size_classes(*, note: str, apps=None) -> int:
    """Re-derive every enterprise's size class by the standard it was classed by, after the industry table
    changed (a code moved to another category). Each change gets an audit row carrying ``note``.

    Enterprises filed under a code spanning several categories keep their class until a finer code is filed.
    """

    def model(app_label, name, default):
        return apps.get_model(app_label, name) if apps else default

    enterprise_model = model("enterprises", "Enterprise", Enterprise)
    audit_model = model("audit", "AuditEntry", AuditEntry)
    categories = dict(model("enterprises", "Industry", Industry).objects.values_list("id", "size_category"))
    classifiers = {s.pk: Classifier(s) for s in model("enterprises", "SizeStandard", SizeStandard).objects.all()}
    changed = []
    rows = enterprise_model.objects.only("id", "name", "industry_id", "employees", "revenue", "assets",
                                         "size_class", "size_standard_id", "region_path")
    for e in rows.iterator(chunk_size=5000):
        category = categories[e.industry_id]
        if category == Industry.SPANS_CATEGORIES:
            continue
        new = classifiers[e.size_standard_id].classify(category, employees=e.employees, revenue=e.revenue,
                                                       assets=e.assets)
        if new != e.size_class:
            changed.append((e, e.size_class, new))
            e.size_class = new
    enterprise_model.objects.bulk_update([e for e, _old, _new in changed], ["size_class"], batch_size=2000)
    channel = current().channel
    audit_model.objects.bulk_create([
        audit_model(actor=None, actor_name=channel, channel=channel, action=AuditEntry.Action.BULK_UPDATE.value,
                    model="enterprises.Enterprise", object_id=str(e.pk), object_repr=str(e.name)[:200],
                    region_path=e.region_path, enterprise_id=e.pk, changes={"size_class": [old, new]}, note=note)
        for e, old, new in changed
    ], batch_size=2000)
    return len(changed)


def current_standard(on: date | None = None) -> SizeStandard:
    """The standard in force on ``on`` (today by default): a revision loaded ahead of its date waits."""

    on = on or timezone.localdate()
    standard = SizeStandard.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if standard is None:
        raise LookupError("no size standard loaded: run `manage.py load_size_standard`")
    return standard


def uncovered_categories(standard: SizeStandard) -> set[str]:
    """Size categories used by the industry table that the standard has no bounds for (nobody could be classed)."""
    covered = set(standard.thresholds.values_list("category", flat=True))
    used = set(Industry.objects.values_list("size_category", flat=True))
    return used - covered - {Industry.SPANS_CATEGORIES, Industry.NOT_APPLICABLE}
