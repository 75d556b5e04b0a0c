"""Scoped list pages at scale: a county official's and the province official's first page."""

from django.core.paginator import Paginator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

from bench.registry import Context, Skip, step
from portal.enterprises.models import Enterprise

ENTERPRISE_LIST_PATH = "/enterprises/"
ENTERPRISE_API_PATH = "/api/v1/enterprises/"
PAGE_SIZE = 50
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def routed(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def timed_get(ctx: Context, client: Client, path: str) -> tuple[float, int]:
    """Median time of GET path (first page) and the number of SQL queries one request makes."""

    def get():
        response = client.get(path)
        if response.status_code != 200:
            raise AssertionError(f"GET {path} answered {response.status_code}")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        return response

    seconds = ctx.median_time(get)
    with CaptureQueriesContext(connection) as queries:
        get()
    return seconds, len(queries.captured_queries)


@step("region_list_s", order=190, needs=("generate_enterprises_s",))
def region_list(ctx: Context) -> None:
    """The slower of the county and province officials' first enterprise-list page (median of 3).

    Until the list page exists (``/enterprises/`` not routed), times what that page will run: the
    scoped queryset's count and its first page of 50.
    """

    figures = {}
    if routed(ENTERPRISE_LIST_PATH):
        for who in ("county", "province"):
            seconds, queries = timed_get(ctx, client_for(ctx.users[who]), ENTERPRISE_LIST_PATH)
            figures[who] = seconds
            ctx.record(f"region_list_{who}_s", seconds)
            ctx.record(f"region_list_{who}_queries", queries)
    else:
        ctx.note("region_list_s", f"no page at {ENTERPRISE_LIST_PATH} yet: timed the scoped queryset's first page")
        for who in ("county", "province"):
            def first_page(user=ctx.users[who]):
                page = Paginator(Enterprise.objects.visible_to(user).select_related("region", "industry"),
                                 PAGE_SIZE).page(1)
                return [(e.credit_code, e.name, e.region.name, e.industry.name) for e in page]

            figures[who] = ctx.median_time(first_page)
            ctx.record(f"region_list_{who}_s", figures[who])
    ctx.record("region_list_s", max(figures.values()))


@step("api_enterprises_s", order=191, needs=("generate_enterprises_s",))
def api_enterprises(ctx: Context) -> None:
    """The province official's first page of GET /api/v1/enterprises/ (median of 3)."""
    if not routed(ENTERPRISE_API_PATH):
        raise Skip(f"{ENTERPRISE_API_PATH} is not routed yet")
    seconds, queries = timed_get(ctx, client_for(ctx.users["province"]), ENTERPRISE_API_PATH)
    ctx.record("api_enterprises_s", seconds)
    ctx.record("api_enterprises_queries", queries)
