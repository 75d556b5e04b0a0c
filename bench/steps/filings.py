"""A year of monthly filings for the whole synthetic province, and the county's review queue at scale."""

from django.db import transaction

from bench import bulk
from bench.registry import Context, step
from bench.steps.lists import client_for, timed_get
from monitoring import analysis, periods
from monitoring.models import Filing, FilingProduct, Period
from monitoring.synthetic import generate_filings as generate
from portal.core.db import analyze
from portal.core.periods import month_code
from portal.enterprises.models import Enterprise


@step("generate_filings_s", order=200, needs=("generate_enterprises_s",))
def generate_filings(ctx: Context) -> None:
    """Set-up: ctx.months months of filings for every monitored enterprise, products in the last month.

    monitoring.synthetic's rows, written with COPY on PostgreSQL (bench/bulk.py; bulk_create elsewhere); the
    tables are analysed afterwards, not timed."""

    with ctx.measure("generate_filings_s"), transaction.atomic():  # one commit
        total = generate(enterprises=Enterprise.objects.all(), months=ctx.months, filed_by=ctx.users["county"],
                         seed=ctx.seed, write=bulk.filing_writer())
    ctx.last_period = periods.open_filing_period()
    analyze(Filing, FilingProduct, Period)
    ctx.record("filings", total)
    ctx.record("filings_per_s", total / ctx.figures["generate_filings_s"])


@step("review_queue_county_s", order=300, needs=("generate_filings_s",))
def review_queue_county(ctx: Context) -> None:
    """The county official's review queue page for the last month through the test client (median of 3)."""

    last = ctx.last_period
    client = client_for(ctx.users["county"])
    seconds, queries = timed_get(ctx, client, f"/monitoring/review/?period={month_code(last)}")
    ctx.record("review_queue_county_s", seconds)
    ctx.record("review_queue_county_queries", queries)


@step("status_page_province_s", order=310, needs=("generate_filings_s",))
def status_page_province(ctx: Context) -> None:
    """The province official's reporting-status page for the last month (median of 3) and its queries."""

    last = ctx.last_period
    client = client_for(ctx.users["province"])
    seconds, queries = timed_get(ctx, client, f"/monitoring/status/?period={month_code(last)}")
    ctx.record("status_page_province_s", seconds)
    ctx.record("status_page_province_queries", queries)


@step("diffusion_index_month_s", order=320, needs=("generate_filings_s",))
def diffusion_index_month(ctx: Context) -> None:
    """The province's diffusion indices by city for the last month (the analysis query itself)."""

    ctx.record("diffusion_index_month_s", ctx.median_time(
        lambda: analysis.diffusion_by_region(user=ctx.users["province"], period=ctx.last_period, region=ctx.province)))
