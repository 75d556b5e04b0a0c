"""Service platforms: dated honours, the registry's scope, service records (page, import, API), activities,
the service results computed from dated honours, the re-review reminder and the operator's history."""

import io
from datetime import date, timedelta

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from platforms import figures, services
from platforms.imports import HEADERS
from platforms.models import OperatorTerm, Platform, PlatformKind, Recognition, ServiceRecord
from portal.accounts.roles import Role
from portal.accounts.scoping import grant_object, scope_for
from portal.audit.models import AuditEntry
from portal.enterprises import services as enterprise_services
from portal.enterprises.models import Enterprise, Honour, HonourKind
from portal.notifications.models import Notification
from tests import factories as f
from tests.upload_files import pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]


def today():
    return timezone.localdate()


def record(platform, enterprise=None, *, served_on=None, code=None, **kwargs):
    return ServiceRecord.objects.create(
        platform=platform, credit_code=code or enterprise.credit_code, enterprise=enterprise,
        enterprise_name=enterprise.name if enterprise else "名录外企业", area=kwargs.pop("area", "testing"),
        served_on=served_on or today(), **kwargs)


def xlsx(rows, headers=None):
    wb = Workbook()
    ws = wb.active
    ws.append(headers or HEADERS)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# -- dated honours ---------------------------------------------------------------------------------------

def test_existing_flags_become_undated_records(world):
    Enterprise.objects.filter(pk=world.e_haian.pk).update(is_specialized=True, is_high_tech=True)
    migration = __import__("portal.enterprises.migrations.0007_honours_from_flags", fromlist=["forwards"])
    migration.forwards(django_apps, None)
    kinds = set(Honour.objects.filter(enterprise=world.e_haian).values_list("kind", "granted_on"))
    assert kinds == {("specialized", None), ("high_tech", None)}


def test_flags_are_derived_from_the_records(world):
    county = world.users["county"]
    honour = enterprise_services.grant_honour(actor=county, enterprise=world.e_haian, kind=HonourKind.LITTLE_GIANT,
                                              level="national", granted_on=date(2026, 3, 1), document_no="工信部〔2026〕1号")
    world.e_haian.refresh_from_db()
    assert world.e_haian.is_little_giant
    enterprise_services.revoke_honour(actor=county, honour=honour)
    world.e_haian.refresh_from_db()
    assert not world.e_haian.is_little_giant
    assert AuditEntry.objects.filter(model="enterprises.Honour").count() == 2


def test_an_official_of_another_county_may_not_grant(world):
    with pytest.raises(PermissionDenied):
        enterprise_services.grant_honour(actor=world.users["other_county"], enterprise=world.e_haian,
                                         kind="specialized", granted_on=None)
    assert not Honour.objects.exists()


def test_ticking_a_flag_on_the_form_records_an_undated_honour(world):
    enterprise_services.update_enterprise(actor=world.users["county"], enterprise=world.e_haian,
                                          data={"is_single_champion": True})
    assert Honour.objects.current().filter(enterprise=world.e_haian, kind="single_champion",
                                           granted_on__isnull=True).count() == 1
    enterprise_services.update_enterprise(actor=world.users["county"], enterprise=world.e_haian,
                                          data={"is_single_champion": False})
    assert not Honour.objects.current().filter(enterprise=world.e_haian).exists()


def test_registry_page_shows_dates_and_unknown_dates(world, login):
    Honour.objects.create(enterprise=world.e_haian, kind="specialized", granted_on=date(2025, 5, 6))
    Honour.objects.create(enterprise=world.e_haian, kind="high_tech")
    page = login(world.users["county"]).get(reverse("enterprises:detail", args=[world.e_haian.pk])).content.decode()
    assert "2025-05-06" in page and "日期未知" in page


# -- the service results: honours after the first service ---------------------------------------------------

def test_service_results_count_only_honours_after_the_first_service(world):
    p = world.platform
    before, after, undated = world.e_haian, world.e_rugao, f.EnterpriseFactory(region=world.haian)
    record(p, before, served_on=date(2026, 5, 1))
    record(p, after, served_on=date(2026, 5, 1))
    record(p, after, served_on=date(2026, 8, 1))
    record(p, undated, served_on=date(2026, 5, 1))
    Honour.objects.create(enterprise=before, kind="specialized", granted_on=date(2026, 4, 1))  # before service
    Honour.objects.create(enterprise=after, kind="little_giant", granted_on=date(2026, 6, 1))  # after the first
    Honour.objects.create(enterprise=after, kind="high_tech", granted_on=date(2026, 6, 1))  # not a result honour
    Honour.objects.create(enterprise=undated, kind="specialized")  # no date: never counts
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    assert figures.compute("honoured_after_service", [p.pk, world.other_platform.pk], start, end) == {
        p.pk: 1, world.other_platform.pk: 0}
    listed = figures.honoured_enterprises(p.pk, start, end)
    assert [r["credit_code"] for r in listed] == [after.credit_code]
    assert [h.kind for h in listed[0]["honours"]] == ["little_giant"]
    assert figures.compute("services_count", [p.pk], start, end) == {p.pk: 4}
    assert figures.compute("distinct_enterprises", [p.pk], start, end) == {p.pk: 3}


def test_service_results_query_count_does_not_grow(world, django_assert_max_num_queries):
    ids = [world.platform.pk, world.other_platform.pk]
    for i in range(20):
        e = f.EnterpriseFactory(region=world.haian)
        record(world.platform, e, served_on=date(2026, 2, 1))
        Honour.objects.create(enterprise=e, kind="specialized", granted_on=date(2026, 3, i + 1))
    with django_assert_max_num_queries(1):
        assert figures.honoured_after_service(ids, date(2026, 1, 1), date(2026, 12, 31))[world.platform.pk] == 20


# -- scope -------------------------------------------------------------------------------------------------

@pytest.fixture
def city_platforms(world):
    """Nantong's city platform operated by a new operator; a cluster platform in 如皋; Nanjing's in 江宁."""
    city = f.PlatformFactory(region=world.nantong, kind=PlatformKind.CITY, name="南通市平台")
    cluster = f.PlatformFactory(region=world.rugao, kind=PlatformKind.CLUSTER, name="如皋集群平台")
    operator = f.UserFactory(role=Role.PLATFORM_OPERATOR, username="city_op")
    grant_object(operator, city)
    return city, cluster, operator


def test_city_platform_operator_reads_its_citys_platforms_and_changes_only_its_own(world, city_platforms):
    city, cluster, operator = city_platforms
    visible = set(Platform.objects.visible_to(operator))
    assert visible == {city, cluster, world.platform}
    assert world.other_platform not in visible
    assert set(Platform.objects.changeable_by(operator)) == {city}
    assert scope_for(operator).may_compile(Platform, world.rugao)
    assert not scope_for(operator).may_compile(Platform, world.jiangning)
    assert not scope_for(world.users["platform_operator"]).may_compile(Platform, world.haian)
    rec = record(cluster, world.e_rugao)
    assert ServiceRecord.objects.visible_to(operator).filter(pk=rec.pk).exists()
    assert not ServiceRecord.objects.changeable_by(operator).filter(pk=rec.pk).exists()


def test_an_operator_sees_only_its_platforms_records(world, login, city_platforms):
    own = record(world.platform, world.e_haian)
    foreign = record(world.other_platform, world.e_jiangning)
    client = login(world.users["platform_operator"])
    page = client.get(reverse("platforms:records")).content.decode()
    assert world.e_haian.name in page and world.e_jiangning.name not in page
    export = load_workbook(io.BytesIO(client.get(reverse("platforms:records_export")).content))
    names = [row[2] for row in export.active.iter_rows(min_row=2, values_only=True)]
    assert names == [world.e_haian.name]
    assert client.get(reverse("platforms:record_edit", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("platforms:record_delete", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("platforms:record_edit", args=[own.pk])).status_code == 200
    assert ServiceRecord.objects.count() == 2


def test_a_county_official_reads_only_its_county(world, login):
    record(world.platform, world.e_haian)
    other = f.PlatformFactory(region=world.rugao, name="如皋平台")
    record(other, world.e_rugao)
    page = login(world.users["other_county"]).get(reverse("platforms:records")).content.decode()
    assert world.e_rugao.name in page and world.e_haian.name not in page
    assert login(world.users["other_county"]).get(reverse("platforms:detail", args=[world.platform.pk])).status_code == 404


# -- service records: page, import, API ---------------------------------------------------------------------

def test_the_operator_adds_edits_and_deletes_a_record(world, login):
    client = login(world.users["platform_operator"])
    response = client.post(reverse("platforms:record_add", args=[world.platform.pk]), {
        "credit_code": world.e_haian.credit_code, "area": "financing", "served_on": today().isoformat(),
        "charging": "paid", "description": "融资对接"})
    assert response.status_code == 302
    rec = ServiceRecord.objects.get()
    assert rec.enterprise == world.e_haian and rec.enterprise_name == world.e_haian.name and rec.channel == "web"
    response = client.post(reverse("platforms:record_edit", args=[rec.pk]), {
        "credit_code": world.e_haian.credit_code, "area": "listing", "served_on": today().isoformat(),
        "charging": "free"})
    assert response.status_code == 302
    rec.refresh_from_db()
    assert rec.area == "listing"
    assert client.post(reverse("platforms:record_delete", args=[rec.pk])).status_code == 302
    assert not ServiceRecord.objects.exists()


def test_a_closed_quarter_and_a_bad_code_are_refused(world, login):
    client = login(world.users["platform_operator"])
    response = client.post(reverse("platforms:record_add", args=[world.platform.pk]), {
        "credit_code": "91320685MA1XXXXXX1", "area": "financing", "served_on": "2026-01-05", "charging": "free"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "季度已结束" in body
    assert not ServiceRecord.objects.exists()


def test_the_import_is_all_or_nothing_with_row_errors(world, login):
    client = login(world.users["platform_operator"])
    url = reverse("platforms:record_import", args=[world.platform.pk])
    day = today().isoformat()
    bad = xlsx([[world.e_haian.credit_code, "", "检验检测", day, "公益", "检测", "A1"],
                ["91320685MA1XXXXXX1", "某公司", "检验检测", day, "公益", "", "A2"],
                [world.e_rugao.credit_code, "", "算命", day, "公益", "", "A3"]])
    page = client.post(url, {"file": SimpleUploadedFile("r.xlsx", bad)}).content.decode()
    assert "第3行" in page and "第4行" in page and "服务领域" in page
    assert not ServiceRecord.objects.exists()
    good = xlsx([[world.e_haian.credit_code, "", "检验检测", day, "公益", "检测", "A1"],
                 [f.next_credit_code(), "名录外公司", "融资担保", day, "收费", "", "A2"]])
    page = client.post(url, {"file": SimpleUploadedFile("r.xlsx", good)}).content.decode()
    assert 'data-testid="import-summary"' in page
    assert ServiceRecord.objects.count() == 2
    assert set(ServiceRecord.objects.values_list("channel", flat=True)) == {"import"}
    template = client.get(reverse("platforms:import_template", args=[world.platform.pk]))
    assert template.status_code == 200
    sheet = load_workbook(io.BytesIO(template.content)).active
    assert sheet.data_validations.dataValidation  # drop-downs for the area and 公益/收费


def _token(world, platform, name):
    _user, token = services.create_platform_system(platform=platform, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _item(enterprise, own_id, **kwargs):
    return {"external_id": own_id, "credit_code": enterprise.credit_code, "area": "testing",
            "served_on": today().isoformat(), **kwargs}


def test_api_push_is_idempotent_and_has_a_dry_run(world):
    client = _token(world, world.platform, "haian-platform-sys")
    url = reverse("platforms_api:service-records", args=[world.platform.pk])
    items = [_item(world.e_haian, "X-1"), _item(world.e_rugao, "X-2")]
    dry = client.post(url, {"dry_run": True, "items": items}, format="json")
    assert dry.status_code == 200 and dry.json()["created"] == 2 and not ServiceRecord.objects.exists()
    first = client.post(url, {"items": items}, format="json").json()
    assert first["created"] == 2 and ServiceRecord.objects.count() == 2
    again = client.post(url, {"items": items}, format="json").json()
    assert again["unchanged"] == 2 and ServiceRecord.objects.count() == 2
    changed = client.post(url, {"items": [_item(world.e_haian, "X-1", area="financing")]}, format="json").json()
    assert changed["updated"] == 1 and ServiceRecord.objects.get(external_id="X-1").area == "financing"
    bad = client.post(url, {"items": [_item(world.e_haian, "X-3", area="nothing"), _item(world.e_haian, "")]},
                      format="json").json()
    assert bad["rejected"] == 2 and set(bad["results"][0]["errors"]) == {"area"}
    assert "external_id" in bad["results"][1]["errors"]
    assert ServiceRecord.objects.count() == 2 and set(ServiceRecord.objects.values_list("channel", flat=True)) == {"api"}
    too_many = client.post(url, {"items": [_item(world.e_haian, f"Y-{i}") for i in range(1001)]}, format="json")
    assert too_many.status_code == 400


def test_another_platforms_token_is_refused(world):
    client = _token(world, world.other_platform, "jiangning-platform-sys")
    url = reverse("platforms_api:service-records", args=[world.platform.pk])
    response = client.post(url, {"items": [_item(world.e_haian, "Z-1")]}, format="json")
    assert response.status_code == 404
    assert not ServiceRecord.objects.exists()


# -- activities, recognitions, operators --------------------------------------------------------------------

def test_an_activity_with_a_stored_file(world, login):
    client = login(world.users["platform_operator"])
    response = client.post(reverse("platforms:activities", args=[world.platform.pk]), {
        "kind": "news", "happened_on": today().isoformat(), "title": "原创新闻一则",
        "file": SimpleUploadedFile("证明.pdf", pdf_bytes(b"x"))})
    assert response.status_code == 302
    activity = world.platform.activities.get()
    assert activity.original_name == "证明.pdf" and "证明" not in activity.file.name
    assert figures.compute("activity_count", [world.platform.pk], today() - timedelta(days=1), today(),
                           kind="news") == {world.platform.pk: 1}
    download = client.get(reverse("core:stored_file", args=["platforms.activity", activity.pk]))
    assert download.status_code == 200
    other = login(world.users["other_county"]).get(reverse("core:stored_file", args=["platforms.activity", activity.pk]))
    assert other.status_code == 404


def test_re_review_reminder_ninety_days_before(world):
    p = world.platform
    soon = Recognition.objects.create(platform=p, level="provincial", recognised_by="省工信厅",
                                      granted_on=today() - timedelta(days=1000), valid_until=today() + timedelta(days=90))
    Recognition.objects.create(platform=p, level="city", recognised_by="市工信局",
                               granted_on=today() - timedelta(days=900), valid_until=today() + timedelta(days=91))
    result = services.remind_recognition_reviews()
    assert result["recognitions"] == 1
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"pingtai", "haian"}
    assert services.remind_recognition_reviews()["recognitions"] == 0  # once
    soon.refresh_from_db()
    assert soon.reminded_on == today()


def test_recognition_defaults_to_three_years(world):
    rec = services.add_recognition(actor=world.users["county"], platform=world.platform, level="national",
                                   recognised_by="工业和信息化部", granted_on=date(2025, 3, 1))
    assert rec.valid_until == date(2028, 3, 1)


def test_operator_replacement_keeps_the_history(world, login):
    OperatorTerm.objects.create(platform=world.platform, operator_name="运营单位", started_on=date(2022, 1, 1))
    services.replace_operator(actor=world.users["county"], platform=world.platform, operator_name="新运营公司",
                              on=date(2026, 7, 1), reason="连续两年排名末位")
    world.platform.refresh_from_db()
    assert world.platform.operator_name == "新运营公司"
    terms = list(OperatorTerm.objects.filter(platform=world.platform).order_by("started_on").values_list(
        "operator_name", "ended_on"))
    assert terms == [("运营单位", date(2026, 6, 30)), ("新运营公司", None)]
    assert AuditEntry.objects.filter(model="platforms.Platform").exists()
    page = login(world.users["platform_operator"]).get(reverse("platforms:detail", args=[world.platform.pk]))
    assert "连续两年排名末位" in page.content.decode()
    with pytest.raises(PermissionDenied):
        services.replace_operator(actor=world.users["platform_operator"], platform=world.platform,
                                  operator_name="自己换", on=date(2026, 8, 1), reason="x")


# -- pages and their query counts ---------------------------------------------------------------------------

def test_dashboard_names_the_platform_and_the_quarter(world, login):
    record(world.platform, world.e_haian, area="talent")
    page = login(world.users["platform_operator"]).get(reverse("platforms:dashboard")).content.decode()
    assert world.platform.name in page and "2026-Q4" in page and "人才招引" in page and "2026-12-10" in page
    city = login(world.users["city"]).get(reverse("platforms:dashboard")).content.decode()
    assert 'data-testid="side-by-side"' in city and world.platform.name in city


@pytest.mark.parametrize("n", [3, 30])
def test_list_and_dashboard_queries_are_bounded(world, login, django_assert_max_num_queries, n):
    for _i in range(n):
        record(world.platform, f.EnterpriseFactory(region=world.haian))
    client = login(world.users["platform_operator"])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("platforms:records")).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("platforms:dashboard")).status_code == 200
    with django_assert_max_num_queries(18):
        assert client.get(reverse("platforms:detail", args=[world.platform.pk])).status_code == 200


def test_the_command_prints_a_working_token_and_rotates_it(world):
    out = io.StringIO()
    call_command("create_platform_system", "haian-sys", "--platform", str(world.platform.pk), stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    url = reverse("platforms_api:service-records", args=[world.platform.pk])
    assert client.post(url, {"items": [_item(world.e_haian, "C-1")]}, format="json").status_code == 200
    call_command("create_platform_system", "haian-sys", "--platform", str(world.platform.pk), stdout=io.StringIO())
    assert client.post(url, {"items": [_item(world.e_haian, "C-1")]}, format="json").status_code == 401


def test_a_system_name_of_another_platform_is_refused_and_its_token_kept(world):
    _user, token = services.create_platform_system(platform=world.platform, name="haian-sys")
    other = f.PlatformFactory(region=world.rugao, name="如皋平台")
    with pytest.raises(ValidationError, match="另一服务平台"):
        services.create_platform_system(platform=other, name="haian-sys")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = reverse("platforms_api:service-records", args=[world.platform.pk])
    assert client.post(url, {"items": [_item(world.e_haian, "C-2")]}, format="json").status_code == 200
