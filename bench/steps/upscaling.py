"""The upscaling work at scale: importing a tax list into the pool, projecting the pool, the progress page."""

import time
from io import BytesIO

import numpy as np
import xlsxwriter

from bench.registry import Context, step
from bench.steps.lists import client_for, timed_get
from portal.audit.context import origin
from portal.enterprises.credit_code import make_code
from upscaling import imports
from upscaling.projection import backtest, project

FULL_LIST_ROWS = 100_000  # the size the tax bureau's list runs to
SMALL_LIST_ROWS = 2_000  # for a small bench run (the test's)
POOL = 50_000
MAPPING = {"credit_code": "纳税人识别号", "name": "纳税人名称", "county": "所在地", "sales": "应税销售额",
           "industry": ""}


def _tax_list(rows: int, county: str) -> BytesIO:
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, list(MAPPING.values())[:4])
    for i in range(1, rows + 1):
        sheet.write_row(i, 0, [make_code(f"91320685BN{i:07d}"), f"基准培育企业{i}", county, 5_000_000 + i * 100])
    book.close()
    buffer.seek(0)
    buffer.name = "tax.xlsx"
    return buffer


@step("pool_import_rows_per_s", order=700, needs=("counties",))
def pool_import(ctx: Context) -> None:
    """A tax list (100,000 rows; 2,000 in a small run) read, mapped, matched and imported by a county official."""
    rows = FULL_LIST_ROWS if ctx.enterprises >= 10_000 else SMALL_LIST_ROWS
    user = ctx.users["county"]
    upload = _tax_list(rows, user.region.name)
    started = time.perf_counter()
    with origin("cli"):
        result = imports.import_list(actor=user, kind="tax", fileobj=upload, mapping=MAPPING, year=2025)
    seconds = time.perf_counter() - started
    if not result.ok:
        raise AssertionError(result.errors[:5])
    ctx.record("pool_import_rows_per_s", rows / seconds)
    ctx.note("pool_import_rows_per_s", f"{rows} rows; target ≥ 20,000 rows/s on PostgreSQL")


@step("projection_pool_s", order=710)
def projection_pool(ctx: Context) -> None:
    """Project 50,000 pool enterprises with 36 months each (and the backtest on the year before)."""
    rng = np.random.default_rng(ctx.seed)
    months = rng.uniform(30, 200, size=(POOL, 36))
    started = time.perf_counter()
    project(months[:, 24:], months[:, 12:24], 10)
    backtest(months[:, 12:24], months[:, :12])
    ctx.record("projection_pool_s", time.perf_counter() - started)
    ctx.note("projection_pool_s", "target < 5 s")


@step("county_progress_page_s", order=720, needs=("pool_import_rows_per_s",))
def county_progress_page(ctx: Context) -> None:
    """The county official's progress page (median of 3), target < 0.3 s."""
    seconds, _queries = timed_get(ctx, client_for(ctx.users["county"]), "/upscaling/")
    ctx.record("county_progress_page_s", seconds)
