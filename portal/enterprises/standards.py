"""Loading the size standard and the industry table (data files, versioned), and classifying."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from .models import Industry, SizeClass, SizeStandard, SizeThreshold

DATA_DIR = Path(__file__).resolve().parent / "data"
CLASS_ORDER = (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL)


BOUND_KEYS = ("employees", "revenue", "assets")


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
    if "other" not in seen:
        raise ValueError("the standard needs an 'other' category (其他未列明行业)")


@transaction.atomic
def load_size_standard(path: Path, *, apps=None) -> SizeStandard:
    """Load (or reload) a size standard from its JSON file. A revised standard is a new file."""
    standard_model = apps.get_model("enterprises", "SizeStandard") if apps else SizeStandard
    threshold_model = apps.get_model("enterprises", "SizeThreshold") if apps else SizeThreshold
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    check_standard_data(data)
    standard, _created = standard_model.objects.update_or_create(
        code=data["code"],
        defaults={"title": data["title"], "effective_from": date.fromisoformat(data["effective_from"])},
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
                    size_class=size_class.value,
                    min_employees=bounds.get("employees"),
                    min_revenue=bounds.get("revenue"),
                    min_assets=bounds.get("assets"),
                )
            )
    threshold_model.objects.bulk_create(rows)
    return standard


@transaction.atomic
def load_industries(path: Path, *, apps=None) -> int:
    model = apps.get_model("enterprises", "Industry") if apps else Industry
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    by_code = {}
    for row in data["industries"]:
        obj, _created = model.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "parent": by_code.get(row["parent"]),
                "size_category": row["size_category"],
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


class Classifier:
    """Size classification against one standard, with its thresholds held in memory.

    Large, medium and small need *all* their bounds met; an enterprise meeting no small bound is micro.
    """

    def __init__(self, standard: SizeStandard):
        self.standard = standard
        self.table: dict[str, dict[str, Threshold]] = {}
        for t in standard.thresholds.all():
            self.table.setdefault(t.category, {})[t.size_class] = Threshold(
                t.min_employees, t.min_revenue, t.min_assets
            )

    def classify(self, category: str, *, employees: int, revenue: Decimal, assets: Decimal) -> str:
        rules = self.table.get(category) or self.table["other"]
        for size_class in CLASS_ORDER:
            if rules[size_class.value].met_by(employees, Decimal(revenue), Decimal(assets)):
                return size_class.value
        return SizeClass.MICRO.value


def current_standard(on: date | None = None) -> SizeStandard:
    """The standard in force on ``on`` (today by default): a revision loaded ahead of its date waits."""
    from django.utils import timezone

    on = on or timezone.localdate()
    standard = SizeStandard.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if standard is None:
        raise LookupError("no size standard loaded: run `manage.py load_size_standard`")
    return standard


def uncovered_categories(standard: SizeStandard) -> set[str]:
    """Size categories used by the industry table that the standard has no row for (they would fall to 'other')."""
    covered = set(standard.thresholds.values_list("category", flat=True))
    used = set(Industry.objects.values_list("size_category", flat=True))
    return used - covered
