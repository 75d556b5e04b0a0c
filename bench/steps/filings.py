"""A year of monthly filings for the whole synthetic province, and the county's review queue at scale."""

from bench.registry import Context, step
from bench.steps.lists import client_for, timed_get
from monitoring import analysis, periods
from monitoring.synthetic import generate_filings as generate
from portal.core.periods import month_code
from portal.enterprises.models import Enterprise


@step("generate_filings_s", order=200)
def generate_filings(ctx: Context) -> None:
    """ctx.months months of filings for every monitored enterprise (bulk inserts), products in the last month."""

    with ctx.measure("generate_filings_s"):
        total = generate(enterprises=Enterprise.objects.all(), months=ctx.months, filed_by=ctx.users["county"],
                         seed=ctx.seed)
    ctx.last_period = periods.open_filing_period()
    ctx.record("filings", total)
    ctx.record("filings_per_s", total / ctx.figures["generate_filings_s"])


@step("review_queue_county_s", order=300)
def review_queue_county(ctx: Context) -> None:
    """The county official's review queue page for the last month through the test client (median of 3)."""

    last = ctx.last_period
    client = client_for(ctx.users["county"])
    seconds, queries = timed_get(ctx, client, f"/monitoring/review/?period={month_code(last)}")
    ctx.record("review_queue_county_s", seconds)
    ctx.record("review_queue_county_queries", queries)


@step("status_page_province_s", order=310)
def status_page_province(ctx: Context) -> None:
    """The province official's reporting-status page for the last month (median of 3) and its queries."""

    last = ctx.last_period
    client = client_for(ctx.users["province"])
    seconds, queries = timed_get(ctx, client, f"/monitoring/status/?period={month_code(last)}")
    ctx.record("status_page_province_s", seconds)
    ctx.record("status_page_province_queries", queries)


@step("diffusion_index_month_s", order=320)
def diffusion_index_month(ctx: Context) -> None:
    """The province's diffusion indices by city for the last month (the analysis query itself)."""

    ctx.record("diffusion_index_month_s", ctx.median_time(
        lambda: analysis.diffusion_by_region(user=ctx.users["province"], period=ctx.last_period, region=ctx.province)))
