"""The region overview: monitored enterprises against quotas and the 15/45/40 mix, drill-down, quotas, scoping."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.regions.models import RegionQuota
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]


@pytest.fixture
def case(world):
    """A small hand-made case on top of the world (whose three enterprises are small and monitored).

    海安市: 2 medium, 1 small (the world's), 1 micro monitored; plus one never monitored, one that left
    yesterday and one that starts tomorrow. 如皋市: 1 small (the world's) and 1 large monitored.
    """
    today = timezone.localdate()
    medium = {"employees": 400, "revenue": Decimal(5000)}
    micro = {"employees": 5, "revenue": Decimal(100)}
    f.EnterpriseFactory(region=world.haian, name="海安中型一", **medium)
    f.EnterpriseFactory(region=world.haian, name="海安中型二", **medium)
    f.EnterpriseFactory(region=world.haian, name="海安微型", **micro)
    f.EnterpriseFactory(region=world.haian, name="海安未纳入", monitored_from=None)
    f.EnterpriseFactory(region=world.haian, name="海安已退出", monitored_until=today - timedelta(days=1))
    f.EnterpriseFactory(region=world.haian, name="海安明日纳入", monitored_from=today + timedelta(days=1), **micro)
    f.EnterpriseFactory(region=world.rugao, name="如皋大型", employees=1200, revenue=Decimal(50000))
    year = today.year
    f.QuotaFactory(region=world.haian, year=year, quota=5)
    f.QuotaFactory(region=world.rugao, year=year, quota=2)
    f.QuotaFactory(region=world.nantong, year=year, quota=10)
    f.QuotaFactory(region=world.haian, year=year - 1, quota=99)
    return world


def rows_of(response) -> dict:
    return {row.region.code: row for row in response.context["rows"]}


def mix_of(row) -> dict:
    return {p.size_class: (p.count, p.share) for p in row.mix}


def test_city_overview_counts_and_mix(case, login):
    response = login(case.users["city"]).get(reverse("regions:overview"))
    assert response.status_code == 200
    rows = rows_of(response)
    assert set(rows) == {"320685", "320682"}

    haian = rows["320685"]
    assert (haian.quota, haian.total, haian.completion, haian.gap) == (5, 4, 80.0, 1)
    assert mix_of(haian) == {"medium": (2, 50.0), "small": (1, 25.0), "micro": (1, 25.0)}
    assert {p.size_class: p.deviation for p in haian.mix} == {"medium": 35.0, "small": -20.0, "micro": -15.0}
    assert not haian.mix_ok

    rugao = rows["320682"]
    assert (rugao.quota, rugao.total, rugao.large, rugao.completion) == (2, 2, 1, 100.0)
    assert mix_of(rugao) == {"medium": (0, 0.0), "small": (1, 100.0), "micro": (0, 0.0)}

    own = response.context["own"]
    assert (own.quota, own.total, own.large, own.completion) == (10, 6, 1, 60.0)
    assert mix_of(own) == {"medium": (2, 40.0), "small": (2, 40.0), "micro": (1, 20.0)}

    text = response.content.decode()
    assert "监测企业配额与结构" in text and "南京" not in text and "江宁" not in text
    assert reverse("regions:region", args=["320685"]) in text  # drill-down link


def test_province_overview_groups_by_city(case, login):
    rows = rows_of(login(case.users["province"]).get(reverse("regions:overview")))
    assert {code: row.total for code, row in rows.items()} == {"320600": 6, "320100": 1}
    assert rows["320600"].quota == 10 and rows["320100"].quota is None


def test_drill_down_to_a_county(case, login):
    response = login(case.users["city"]).get(reverse("regions:region", args=["320685"]))
    assert response.status_code == 200
    own = response.context["own"]
    assert (own.total, own.quota) == (4, 5) and response.context["rows"] == []
    assert [r.code for r in response.context["trail"]] == ["320600", "320685"]  # never above the user's region


def test_a_past_year_counts_those_monitored_at_its_end(case, login):
    year = timezone.localdate().year - 1
    response = login(case.users["county"]).get(reverse("regions:overview"), {"year": year})
    own = response.context["own"]
    assert response.context["as_of"].isoformat() == f"{year}-12-31"
    assert own.quota == 99
    assert own.total == 5  # the one that left yesterday still counted; tomorrow's not yet


def test_a_balanced_mix_is_on_target(world, login):
    for size, n in (("medium", 3), ("small", 9), ("micro", 8)):
        kwargs = {"medium": {"employees": 400, "revenue": Decimal(5000)},
                  "micro": {"employees": 5, "revenue": Decimal(100)}}.get(size, {})
        for _i in range(n):
            f.EnterpriseFactory(region=world.rugao, **kwargs)
    row = rows_of(login(world.users["city"]).get(reverse("regions:overview")))["320682"]
    assert mix_of(row) == {"medium": (3, 14.3), "small": (10, 47.6), "micro": (8, 38.1)}
    assert row.mix_ok


def test_one_group_by_query_on_enterprises(case, login, django_assert_max_num_queries):
    client = login(case.users["province"])
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("regions:overview"))
    for code, name in (("320500", "苏州市"), ("320200", "无锡市"), ("320300", "徐州市")):
        county = f.county(code[:4] + "99", name + "某区", code, name)
        f.EnterpriseFactory(region=county)
    with django_assert_max_num_queries(len(first)) as second:
        response = client.get(reverse("regions:overview"))
    assert len(rows_of(response)) == 5
    on_enterprises = [q["sql"] for q in second.captured_queries if "enterprises_enterprise" in q["sql"]]
    assert len(on_enterprises) == 1 and "GROUP BY" in on_enterprises[0]


@pytest.mark.parametrize("role,code", [
    ("county", "320600"), ("county", "320682"), ("county", "32"), ("other_city", "320685"), ("city", "320100"),
    ("city", "nope"), ("enterprise", "320685"), ("platform_operator", "320685"), ("system_admin", "32"),
])
def test_foreign_regions_answer_404(case, login, role, code):
    assert login(case.users[role]).get(reverse("regions:region", args=[code])).status_code == 404


@pytest.mark.parametrize("role", ["enterprise", "platform_operator", "base_manager", "system_admin",
                                  "audit_admin", "no_role"])
def test_overview_is_for_officials(world, login, role):
    assert login(world.users[role]).get(reverse("regions:overview")).status_code == 403


# -- quotas ----------------------------------------------------------------------------------------
def test_province_sets_a_quota_from_the_page(case, login):
    client = login(case.users["province"])
    year = timezone.localdate().year
    page = client.get(reverse("regions:region", args=["320600"])).content.decode()
    assert reverse("regions:quota", args=["320685"]) in page
    response = client.post(reverse("regions:quota", args=["320685"]), {"year": year, "quota": 7, "back": "320600"})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('regions:region', args=['320600'])}?year={year}"
    assert RegionQuota.objects.get(region=case.haian, year=year).quota == 7
    entry = AuditEntry.objects.get(model="regions.RegionQuota")
    assert entry.changes == {"quota": [5, 7]} and entry.region_path == case.haian.path
    row = rows_of(client.get(reverse("regions:region", args=["320600"])))["320685"]
    assert row.quota == 7


def test_new_quota_for_a_region_without_one(case, login):
    client = login(case.users["province"])
    client.post(reverse("regions:quota", args=["320100"]), {"year": 2027, "quota": 40, "back": "32"})
    assert RegionQuota.objects.get(region=case.nanjing, year=2027).quota == 40


@pytest.mark.parametrize("role", ["city", "county"])
def test_only_the_province_sets_quotas(case, login, role):
    client = login(case.users[role])
    year = timezone.localdate().year
    assert "保存配额" not in client.get(reverse("regions:overview")).content.decode()
    response = client.post(reverse("regions:quota", args=["320685"]), {"year": year, "quota": 999})
    assert response.status_code == 403
    assert RegionQuota.objects.get(region=case.haian, year=year).quota == 5


def test_invalid_quota_changes_nothing(case, login):
    client = login(case.users["province"])
    year = timezone.localdate().year
    response = client.post(reverse("regions:quota", args=["320685"]), {"year": year, "quota": -3}, follow=True)
    assert "配额不能为负数。" in response.content.decode()
    assert RegionQuota.objects.get(region=case.haian, year=year).quota == 5
    assert client.get(reverse("regions:quota", args=["320685"])).status_code == 405


def test_dashboard_panel_and_menu(case, login):
    response = login(case.users["city"]).get(reverse("core:dashboard"))
    panel = next(p for p in response.context["panels"] if p["title"] == "监测企业配额与结构")
    assert panel["items"][0]["count"] == 6 and "配额 10 家" in panel["items"][0]["label"]
    assert "监测企业配额与结构" in [item["label"] for item in response.context["nav_items"]]
