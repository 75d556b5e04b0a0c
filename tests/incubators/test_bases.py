"""Startup bases (seed 003): actuals from one definition, targets rolled up, self-check and visit flags, status
history, scoping of every page, the all-or-nothing tenant import, query bounds."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from incubators import figures, selectors, services
from incubators.calendar import CheckState, missing_ten_days, self_check_state, ten_days_of
from incubators.models import BaseStatus, SelfCheck, StatusChange, Target, Tenant, TenantFigures
from portal.enterprises.credit_code import make_code
from portal.notifications.models import Notification
from tests import factories as f

pytestmark = pytest.mark.django_db


def _tenant(base, enterprise=None, code=None, **kwargs):
    code = code or (enterprise.credit_code if enterprise else f.next_credit_code())
    return Tenant.objects.create(base=base, credit_code=code, name=kwargs.pop("name", "入孵企业"),
                                 enterprise=enterprise, entered_on=kwargs.pop("entered_on", date(2025, 1, 1)), **kwargs)


def _filing(enterprise, year, month, **values):
    period = f.PeriodFactory(year=year, month=month)
    return f.FilingFactory(enterprise=enterprise, period=period, **values)


# -- actuals ---------------------------------------------------------------------------------------------

def test_actuals_take_each_filers_latest_ytd_and_the_bases_figures_for_the_others(world):
    base = world.base
    monitored = f.EnterpriseFactory(region=world.haian, monitored_from=date(2025, 1, 1))
    filer = _tenant(base, monitored)
    for month, revenue, taxes, employees in ((1, 1000, 50, 10), (2, 2500, 120, 12), (3, 4000, 200, 15)):
        _filing(monitored, 2026, month, revenue=Decimal(revenue), taxes=Decimal(taxes), employees=employees)
    other = _tenant(base)  # not in the registry: the base enters its quarters
    TenantFigures.objects.create(tenant=other, year=2026, quarter=1, revenue=Decimal("30"), taxes=Decimal("2"),
                                 employees=5)
    # figures typed for a filer are never counted twice
    TenantFigures.objects.create(tenant=filer, year=2026, quarter=1, revenue=Decimal("999"), taxes=Decimal("9"),
                                 employees=99)

    revenue = figures.compute("revenue", [base.pk], 2026, 3)[base.pk]
    # 4000 千元 (the latest YTD, not 1000 + 2500 + 4000) = 400 万元, plus the base's 30 万元
    assert revenue == Decimal("430")
    assert figures.compute("taxes", [base.pk], 2026, 3)[base.pk] == Decimal("22")
    assert figures.compute("employees", [base.pk], 2026, 3)[base.pk] == 20
    assert figures.compute("revenue", [base.pk], 2026, 2)[base.pk] == Decimal("250")  # Q1 not ended by February


def test_tenants_and_graduates_are_counted_at_the_end_of_the_month(world):
    base = world.base
    _tenant(base, entered_on=date(2026, 1, 5))
    _tenant(base, entered_on=date(2026, 4, 5))
    _tenant(base, entered_on=date(2025, 1, 5), exited_on=date(2026, 2, 1), graduated_on=date(2026, 2, 1),
            graduation_reason="营业收入超过1000万元")
    assert figures.compute("tenants", [base.pk], 2026, 3)[base.pk] == 1
    assert figures.compute("tenants", [base.pk], 2026, 1)[base.pk] == 2
    assert figures.compute("graduates", [base.pk], 2026, 3)[base.pk] == 1
    assert figures.compute("graduates", [base.pk], 2026, 1)[base.pk] == 0


def test_a_monitored_tenants_quarter_cannot_be_typed(world):
    monitored = f.EnterpriseFactory(region=world.haian, monitored_from=date(2025, 1, 1))
    tenant = _tenant(world.base, monitored)
    with pytest.raises(services.Conflict):
        services.save_tenant_figures(actor=world.users["base_manager"], tenant=tenant, year=2026, quarter=1,
                                     revenue=Decimal(1), taxes=Decimal(1), employees=1)


# -- targets ---------------------------------------------------------------------------------------------

def test_targets_roll_up_from_bases_to_counties_to_the_city(world, login):
    other = f.StartupBaseFactory(region=world.haian)
    rugao_base = f.StartupBaseFactory(region=world.rugao)
    county, city = world.users["county"], world.users["city"]
    services.set_target(actor=county, year=2026, base=world.base, revenue=100, taxes=10, tenants=5, employees=50,
                        graduates=1)
    services.set_target(actor=county, year=2026, base=other, revenue=200, taxes=20, tenants=5, employees=50,
                        graduates=1)
    services.set_target(actor=world.users["other_county"], year=2026, base=rugao_base, revenue=50, taxes=5, tenants=1,
                        employees=5, graduates=0)
    services.set_target(actor=city, year=2026, region=world.haian, revenue=400, taxes=40, tenants=10,
                        employees=100, graduates=2)
    services.set_target(actor=city, year=2026, region=world.nantong, revenue=1430000, taxes=69200, tenants=690,
                        employees=30000, graduates=50)
    data = selectors.progress(user=city, year=2026, upto_month=10)
    haian = next(r for r in data["counties"] if r.region == world.haian)
    assert haian.children_target["revenue"] == Decimal("300")
    assert haian.target["revenue"] == Decimal("400")
    assert data["city"].children_target["revenue"] == Decimal("400")  # the counties' own targets
    assert data["city"].target["tenants"] == 690
    # a county official may not set another county's base target, nor the city's county targets
    with pytest.raises(services.NotFound):
        services.set_target(actor=county, year=2026, base=rugao_base, revenue=1)
    with pytest.raises(services.NotFound):
        services.set_target(actor=county, year=2026, region=world.haian, revenue=1)
    assert Target.objects.count() == 5


# -- self-check and visits -------------------------------------------------------------------------------

@pytest.mark.parametrize(("filed_on", "today", "state"), [
    (date(2026, 5, 30), date(2026, 6, 5), CheckState.FILED),
    (date(2026, 5, 31), date(2026, 6, 5), CheckState.LATE),
    (None, date(2026, 5, 30), CheckState.OPEN),
    (None, date(2026, 5, 31), CheckState.MISSING),
])
def test_self_check_is_late_or_missing_after_30_may(filed_on, today, state):
    assert self_check_state(filed_on=filed_on, due_on=date(2026, 5, 30), today=today) == state


def test_ten_day_periods_end_on_the_months_last_day():
    assert ten_days_of(date(2026, 1, 31)).first == date(2026, 1, 21)
    assert ten_days_of(date(2026, 1, 31)).last == date(2026, 1, 31)
    assert ten_days_of(date(2026, 2, 28)).last == date(2026, 2, 28)
    assert ten_days_of(date(2028, 2, 29)).part == 3
    visits = [date(2026, 1, 3), date(2026, 1, 31), date(2026, 2, 12), date(2026, 2, 28)]
    missing = missing_ten_days(visits, date(2026, 1, 1), date(2026, 3, 1))
    assert [(t.month, t.part) for t in missing] == [(1, 2), (2, 1)]
    # the ten days still running are not missing yet
    assert missing_ten_days([], date(2026, 3, 1), date(2026, 3, 10)) == []
    assert len(missing_ten_days([], date(2026, 3, 1), date(2026, 3, 11))) == 1


def test_the_manager_drafts_and_the_county_files_the_self_check(world, login):
    manager, county = world.users["base_manager"], world.users["county"]
    items = {k: {"present": True, "evidence": "有"} for k in ("department", "office", "team", "funding", "policies")}
    check = services.save_self_check(actor=manager, base=world.base, year=2026, problems="问题", measures="措施",
                                     items=items)
    with pytest.raises(services.NotFound):
        services.file_self_check(actor=manager, check=check)
    with pytest.raises(services.NotFound):
        services.file_self_check(actor=world.users["other_county"], check=check)
    services.file_self_check(actor=county, check=check)
    check.refresh_from_db()
    assert check.status == "filed" and check.filed_by == county
    with pytest.raises(services.Conflict):
        services.save_self_check(actor=manager, base=world.base, year=2026, problems="", measures="", items=items)
    page = login(world.users["city"]).get("/incubators/self-checks/?year=2026")
    assert page.status_code == 200


def test_reminders_before_the_due_date_reach_the_manager_and_the_county(world):
    services.remind_self_checks(today=date(2026, 5, 23))
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"jidi", "haian"} <= recipients and "rugao" not in recipients
    services.remind_self_checks(today=date(2026, 5, 23))  # once per key
    count = Notification.objects.count()
    services.remind_self_checks(today=date(2026, 5, 31))
    assert "nantong" in set(Notification.objects.values_list("recipient__username", flat=True))
    assert Notification.objects.count() > count
    before = Notification.objects.count()
    services.remind_self_checks(today=date(2026, 5, 25))
    assert Notification.objects.count() == before


# -- status history --------------------------------------------------------------------------------------

def test_a_status_change_is_an_act_with_its_history(world, login):
    city = world.users["city"]
    services.change_status(actor=city, base=world.base, status=BaseStatus.RECTIFYING, on=date(2026, 1, 5),
                           reason="三类基地,限期整改")
    services.change_status(actor=city, base=world.base, status=BaseStatus.PROPOSED, on=date(2027, 1, 5),
                           reason="连续两年三类")
    world.base.refresh_from_db()
    assert world.base.status == BaseStatus.PROPOSED
    assert list(StatusChange.objects.values_list("new_status", flat=True)) == ["proposed", "rectifying"]
    with pytest.raises(services.NotFound):
        services.change_status(actor=world.users["base_manager"], base=world.base, status=BaseStatus.LISTED,
                               on=date(2027, 2, 1), reason="x")
    with pytest.raises(services.ValidationError):
        services.change_status(actor=city, base=world.base, status=BaseStatus.LISTED, on=date(2027, 2, 1), reason=" ")
    page = login(world.users["base_manager"]).get(f"/incubators/{world.base.pk}/")
    assert "连续两年三类" in page.content.decode()


# -- scoping ---------------------------------------------------------------------------------------------

def test_a_manager_sees_and_changes_only_their_base(world, login):
    other = f.StartupBaseFactory(region=world.rugao)
    tenant = _tenant(other)
    client = login(world.users["base_manager"])
    assert client.get("/incubators/", follow=True).redirect_chain[-1][0] == f"/incubators/{world.base.pk}/"
    for url in (f"/incubators/{other.pk}/", f"/incubators/tenants/{tenant.pk}/", f"/incubators/{other.pk}/tenants/new/",
                f"/incubators/{other.pk}/tenants/export/", f"/incubators/{other.pk}/tenants/import/",
                f"/incubators/{other.pk}/self-check/2026/"):
        assert client.get(url).status_code == 404, url
    posts = {f"/incubators/tenants/{tenant.pk}/": {"act": "tenant", "credit_code": tenant.credit_code, "name": "x",
                                                   "entered_on": "2026-01-01"},
             f"/incubators/{other.pk}/tenants/import/": {"file": SimpleUploadedFile("t.xlsx", _xlsx([]))},
             f"/incubators/{other.pk}/status/": {"status": "delisted", "on": "2026-01-01", "reason": "x"}}
    for url, data in posts.items():
        assert client.post(url, data).status_code == 404, url
    tenant.refresh_from_db()
    assert tenant.name == "入孵企业" and Tenant.objects.filter(base=other).count() == 1


def test_a_county_official_sees_not_another_countys_bases(world, login):
    other = f.StartupBaseFactory(region=world.rugao, name="如皋基地")
    client = login(world.users["county"])
    listing = client.get("/incubators/").content.decode()
    assert world.base.name in listing and "如皋基地" not in listing
    assert client.get(f"/incubators/{other.pk}/").status_code == 404
    assert client.post(f"/incubators/{other.pk}/visits/", {"visited_on": "2026-01-05", "visitor": "局长",
                                                          "notes": "检查"}).status_code == 404
    assert login(world.users["other_city"]).get(f"/incubators/{world.base.pk}/").status_code == 404
    assert login(world.users["enterprise"]).get("/incubators/").status_code == 404


# -- import ----------------------------------------------------------------------------------------------

def _xlsx(rows):
    book = Workbook()
    sheet = book.active
    sheet.append(list(services.IMPORT_HEADERS))
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_tenant_import_is_all_or_nothing(world, login):
    client = login(world.users["base_manager"])
    url = f"/incubators/{world.base.pk}/tenants/import/"
    good = make_code("91320685MA1TEN001")
    rows = [[good, "甲公司", "2026-01-05", None], [world.e_haian.credit_code, "", "2026-02-01", None],
            ["91320685MA1TEN00X", "坏代码", "2026-01-05", None]]
    page = client.post(url, {"file": SimpleUploadedFile("t.xlsx", _xlsx(rows))})
    assert "第4行" in page.content.decode()
    assert Tenant.objects.count() == 0
    page = client.post(url, {"file": SimpleUploadedFile("t.xlsx", _xlsx(rows[:2]))})
    assert page.status_code == 200
    assert Tenant.objects.filter(base=world.base).count() == 2
    assert Tenant.objects.get(credit_code=world.e_haian.credit_code).enterprise == world.e_haian


# -- query bounds ----------------------------------------------------------------------------------------

def test_the_lists_do_not_grow_with_the_rows(world, login, django_assert_max_num_queries):
    for i in range(6):
        base = f.StartupBaseFactory(region=world.haian if i % 2 else world.rugao)
        for _k in range(3):
            _tenant(base)
        SelfCheck.objects.create(base=base, year=2026)
    client = login(world.users["city"])
    with django_assert_max_num_queries(30):
        assert client.get("/incubators/?year=2026").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/incubators/self-checks/?year=2026").status_code == 200
    with django_assert_max_num_queries(50):
        assert login(world.users["base_manager"]).get(f"/incubators/{world.base.pk}/").status_code == 200
