"""The lists that landed with the bulletins, unlock requests and grants read a bounded number of queries:
the count does not grow with the rows shown (measured with few rows, then with many)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f


def _queries(client, url) -> int:
    client.get(url)  # warm the per-user caches (unread count, menus), then count
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_the_bulletin_list_reads_a_fixed_number_of_queries(world, login):
    client = login(world.users["province"])
    url = reverse("bulletins:list")
    f.BulletinFactory(region=world.nantong, year=2025, quarter=1)
    few = _queries(client, url)
    for quarter in (2, 3, 4):
        f.BulletinFactory(region=world.nantong, year=2025, quarter=quarter)
        f.BulletinFactory(region=world.nanjing, year=2025, quarter=quarter)
    many = _queries(client, url)
    assert many == few and many <= 15, (few, many)


def test_the_unlock_request_list_reads_a_fixed_number_of_queries(world, login):
    client = login(world.users["city"])
    url = reverse("monitoring:unlock_requests")
    period = f.PeriodFactory()
    f.UnlockRequestFactory(enterprise=world.e_haian, period=period)
    few = _queries(client, url)
    for _i in range(4):
        f.UnlockRequestFactory(enterprise=f.EnterpriseFactory(region=world.rugao), period=period)
    many = _queries(client, url)
    assert many == few and many <= 20, (few, many)


def test_the_grant_page_reads_a_fixed_number_of_queries(world, login):
    client = login(world.users["security_admin"])
    url = reverse("accounts:user_grants", args=[world.users["platform_operator"].pk])
    few = _queries(client, url)
    for _i in range(4):
        f.PlatformFactory(region=world.haian)
    many = _queries(client, url)
    assert many == few and many <= 20, (few, many)
