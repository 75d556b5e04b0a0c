"""Regions and enterprises over the API: scoped like the pages, filtered, paginated, read-only."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.enterprises.models import Industry
from tests import factories as f

pytestmark = pytest.mark.django_db

ALL = {"海安甲企业", "如皋乙企业", "江宁丙企业"}
VISIBLE = {
    "province": ALL,
    "city": {"海安甲企业", "如皋乙企业"},
    "other_city": {"江宁丙企业"},
    "county": {"海安甲企业"},
    "other_county": {"如皋乙企业"},
    "enterprise": {"海安甲企业"},
    "other_enterprise": {"如皋乙企业"},
}


def names(response):
    return {row["name"] for row in response.json()["results"]}


def test_enterprise_list_is_scoped_for_every_role(world, api):
    for role, user in world.users.items():
        response = api(user).get(reverse("api:enterprises-list"))
        assert response.status_code == 200, role
        assert names(response) & ALL == VISIBLE.get(role, set()), role


def test_region_list_is_scoped(world, api):
    def codes(role):
        response = api(world.users[role]).get(reverse("api:regions-list"))
        assert response.status_code == 200
        return {row["code"] for row in response.json()["results"]}

    assert codes("province") == {"32", "320600", "320100", "320685", "320682", "320115"}
    assert codes("city") == {"320600", "320685", "320682"}
    assert codes("county") == {"320685"}
    assert codes("enterprise") == {"320685"}
    for role in ("system_admin", "security_admin", "audit_admin", "platform_operator", "base_manager", "no_role"):
        assert codes(role) == set(), role


def test_region_filters_and_detail(world, api):
    client = api(world.users["province"])
    response = client.get(reverse("api:regions-list"), {"level": 3, "parent": "320600"})
    assert {r["code"] for r in response.json()["results"]} == {"320685", "320682"}
    detail = client.get(reverse("api:regions-detail", kwargs={"code": "320685"})).json()
    assert detail == {"code": "320685", "name": "海安市", "level": 3, "level_display": "县(市、区)",
                      "parent": "320600", "official_code": True}


def test_foreign_and_missing_objects_answer_the_same_404(world, api):
    client = api(world.users["county"])
    foreign = client.get(reverse("api:enterprises-detail", kwargs={"credit_code": world.e_rugao.credit_code}))
    missing = client.get(reverse("api:enterprises-detail", kwargs={"credit_code": "91320685000000000X"}))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert client.get(reverse("api:regions-detail", kwargs={"code": "320682"})).status_code == 404
    assert client.get(reverse("api:regions-detail", kwargs={"code": "999999"})).status_code == 404
    own = client.get(reverse("api:enterprises-detail", kwargs={"credit_code": world.e_haian.credit_code.lower()}))
    assert own.status_code == 200
    assert own.json()["name"] == "海安甲企业"
    assert own.json()["region"] == "320685"


def test_enterprise_filters(world, api):
    haian = world.haian
    micro = f.EnterpriseFactory(region=haian, name="海安微型企业", employees=5, revenue=Decimal("100"),
                                monitored_from=None)
    retail = f.EnterpriseFactory(region=haian, name="海安零售店", industry=Industry.objects.get(code="52"),
                                 monitored_from=date(2025, 1, 1))
    client = api(world.users["province"])
    url = reverse("api:enterprises-list")

    assert names(client.get(url, {"region": "320600"})) == {"海安甲企业", "如皋乙企业", "海安微型企业", "海安零售店"}
    assert names(client.get(url, {"region": "320685"})) == {"海安甲企业", "海安微型企业", "海安零售店"}
    assert names(client.get(url, {"size_class": "micro"})) == {micro.name}
    assert names(client.get(url, {"industry": "52"})) == {retail.name}
    assert micro.name not in names(client.get(url, {"monitored": "true"}))
    assert names(client.get(url, {"monitored": "false"})) == {micro.name}
    assert names(client.get(url, {"search": "零售"})) == {retail.name}
    assert names(client.get(url, {"search": world.e_rugao.credit_code[:12]})) >= {"如皋乙企业"}
    assert client.get(url, {"size_class": "huge"}).status_code == 400
    assert client.get(url, {"monitored": "perhaps"}).status_code == 400


def test_filter_by_a_region_outside_the_scope_gives_nothing(world, api):
    client = api(world.users["county"])
    url = reverse("api:enterprises-list")
    assert names(client.get(url, {"region": "320682"})) == set()
    assert names(client.get(url, {"region": "320100"})) == set()
    assert names(client.get(url, {"region": "nonsense"})) == set()
    assert names(client.get(url, {"industry": "ZZ"})) == set()


def test_pagination_is_bounded(world, api, django_assert_max_num_queries):
    for i in range(7):
        f.EnterpriseFactory(region=world.haian, name=f"分页企业{i}")
    client = api(world.users["province"])
    url = reverse("api:enterprises-list")
    first = client.get(url, {"page_size": 4}).json()
    assert first["count"] == 10
    assert len(first["results"]) == 4
    assert first["next"]
    assert len(client.get(url, {"page_size": 100000}).json()["results"]) == 10  # capped at 500, not refused
    with django_assert_max_num_queries(8):  # session, user, region, count, rows: not one per row
        response = client.get(url, {"page_size": 10})
    assert len(response.json()["results"]) == 10


def test_api_is_read_only(world, api):
    client = api(world.users["province"])
    e = world.e_haian
    for url in (reverse("api:enterprises-list"), reverse("api:enterprises-detail", kwargs={"credit_code": e.credit_code}),
                reverse("api:regions-list"), reverse("api:regions-detail", kwargs={"code": "320685"})):
        for method in ("post", "put", "patch", "delete"):
            assert getattr(client, method)(url, {"name": "改名"}, format="json").status_code == 405, (method, url)
    e.refresh_from_db()
    assert e.name == "海安甲企业"


def test_anonymous_gets_nothing(world, api):
    client = api()
    for name in ("api:enterprises-list", "api:regions-list", "api:audit-list", "api:me", "api:tokens"):
        assert client.get(reverse(name)).status_code in (401, 403), name


def test_me(world, api):
    county = api(world.users["county"]).get(reverse("api:me")).json()
    assert county["role"] == "official"
    assert county["role_label"] == "县级主管部门"
    assert county["region"] == {"code": "320685", "name": "海安市", "level": 3}
    assert county["enterprise"] is None
    officer = api(world.users["enterprise"]).get(reverse("api:me")).json()
    assert officer["enterprise"] == {"credit_code": world.e_haian.credit_code, "name": "海安甲企业"}
    assert officer["region"] is None
    admin = api(world.users["audit_admin"]).get(reverse("api:me")).json()
    assert admin["role"] == "audit_admin"
    assert admin["region"] is None and admin["enterprise"] is None
