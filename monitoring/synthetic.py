"""Synthetic monthly filings for the demo province and the benchmark (bulk inserts, deterministic).

The rows are made as plain ``{column attribute: value}`` dicts (:func:`filing_batches`) and written by a writer:
``bulk_write`` (Django's ``bulk_create``, any database) unless the caller brings a faster one (the benchmark
writes them with PostgreSQL's COPY, see bench/copy.py)."""

import random
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from monitoring import periods
from monitoring.indicators import SURVEY
from monitoring.models import Filing, FilingProduct, FilingStatus

BATCH = 5000
ANSWERS = ["up", "same", "same", "down"]

# write(filings, products) -> rows written; ``products`` (or None) lines up with ``filings``: one product each.
Writer = Callable[[list[dict], list[dict] | None], int]


def months_back(count: int) -> list[tuple[int, int]]:
    """The last ``count`` ended months, oldest first."""
    last = periods.current_filing_period()
    out, year, month = [], last.year, last.month
    for _ in range(count):
        out.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return list(reversed(out))


def generate_filings(*, enterprises: Any, months: int, filed_by: Any, seed: int = 2026, open_share: float = 0.08,
                     write: Writer | None = None) -> int:
    """Filings for ``months`` months up to the current filing month. Earlier months are approved; the
    current one is a mix (submitted, approved, returned, drafts) with ``open_share`` not yet filed.

    ``enterprises`` is a queryset; values are year-to-date flows growing month by month. ``write`` writes each
    batch (default :func:`bulk_write`)."""
    write = write or bulk_write
    return sum(write(filings, products) for filings, products in filing_batches(
        enterprises=enterprises, months=months, filed_by=filed_by, seed=seed, open_share=open_share))


def filing_batches(*, enterprises: Any, months: int, filed_by: Any, seed: int = 2026,
                   open_share: float = 0.08) -> Iterator[tuple[list[dict], list[dict] | None]]:
    """(filings, products) in batches of BATCH: the rows of :func:`generate_filings`; products for the last month."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    rows = list(enterprises.filter(monitored_from__isnull=False).values_list(
        "id", "region_id", "region__parent_id", "region_path", "size_class", "industry__code",
        "industry__is_industrial"))
    base = {row[0]: rng.randint(*_scale(row[4])) for row in rows}
    now = timezone.now()
    all_months = months_back(months)
    for year, month in all_months:
        period = periods.open_period(year, month)
        is_last = (year, month) == all_months[-1]
        batch: list[dict] = []
        for row in rows:
            if is_last and rng.random() < open_share:
                continue
            batch.append(_filing(rng, row, period=period, month=month, is_last=is_last, now=now,
                                 base=base[row[0]], filed_by=filed_by))
            if len(batch) >= BATCH:
                yield batch, _products(batch, rng) if is_last else None
                batch = []
        if batch:
            yield batch, _products(batch, rng) if is_last else None


def _filing(rng: random.Random, row: tuple, *, period: Any, month: int, is_last: bool, now: Any, base: int,
            filed_by: Any) -> dict:
    eid, county, city, path, size, industry, industrial = row
    monthly = Decimal(base * rng.randint(80, 125) // 100)
    revenue = monthly * month  # year to date
    status = FilingStatus.APPROVED
    if is_last:
        status = rng.choices([FilingStatus.SUBMITTED, FilingStatus.APPROVED, FilingStatus.RETURNED,
                              FilingStatus.DRAFT], weights=[30, 60, 5, 5])[0]
    draft = status == FilingStatus.DRAFT
    late = rng.random() < 0.1
    return dict(
        enterprise_id=eid, period_id=period.pk, county_id=county, city_id=city, region_path=path,
        size_class=size, industry_code=industry, status=status, version=0 if draft else 1,
        revenue=revenue, operating_cost=(revenue * Decimal("0.82")).quantize(Decimal("0.1")),
        total_profit=(revenue * Decimal("0.06")).quantize(Decimal("0.1")),
        taxes=(revenue * Decimal("0.03")).quantize(Decimal("0.1")),
        export_value=(revenue * Decimal("0.1")).quantize(Decimal("0.1")),
        industrial_output=(revenue * Decimal("1.05")).quantize(Decimal("0.1")) if industrial else None,
        employees=rng.randint(5, 400), receivables=monthly * 2, finished_goods=monthly,
        total_assets=monthly * 20, total_liabilities=monthly * 9,
        channel="synthetic", filed_by_id=filed_by.pk if filed_by else None,
        first_submitted_at=None if draft else now - timedelta(days=rng.randint(1, 30)),
        submitted_at=None if draft else now,
        on_time=None if draft else not late,
        days_late=None if draft else (rng.randint(1, 9) if late else 0),
        return_reason="请核实营业成本" if status == FilingStatus.RETURNED else "",
        **{q.field_name: rng.choice(ANSWERS) for q in SURVEY},
    )


def _products(batch: list[dict], rng: random.Random) -> list[dict]:
    return [dict(position=0, name="主导产品", unit="件", production=Decimal(rng.randint(100, 5000)),
                 sales=Decimal(rng.randint(100, 5000)), inventory=Decimal(rng.randint(0, 800))) for _f in batch]


def _scale(size: str) -> tuple[int, int]:
    return {"medium": (1500, 6000), "small": (400, 1600)}.get(size, (60, 240))


def bulk_write(filings: list[dict], products: list[dict] | None) -> int:
    """The default writer: ``bulk_create`` of the filings, then of their products (one transaction)."""
    if not filings:
        return 0
    made = [Filing(**values) for values in filings]
    with transaction.atomic():
        Filing.objects.bulk_create(made, batch_size=BATCH)
        if products:
            if any(f.pk is None for f in made):  # backends without RETURNING
                ids = dict(Filing.objects.filter(period_id=made[0].period_id,
                                                 enterprise_id__in=[f.enterprise_id for f in made])
                           .values_list("enterprise_id", "id"))
                for f in made:
                    f.pk = ids[f.enterprise_id]
            FilingProduct.objects.bulk_create([FilingProduct(filing_id=f.pk, **p) for f, p in zip(made, products, strict=True)],
                                              batch_size=BATCH)
    return len(made)
