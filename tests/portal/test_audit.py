"""The audit trail: written by services (bulk acts too), append-only, read by scope, kept by retention."""

import io
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from portal.audit import context
from portal.audit import services as audit
from portal.audit.checks import check_audit_retention
from portal.audit.models import AuditEntry, AuditTrailIsAppendOnly
from portal.audit.retention import retention_days
from portal.enterprises import services as enterprise_services
from portal.enterprises.models import Enterprise
from tests import factories as f

pytestmark = pytest.mark.django_db


def rows(**filters):
    return AuditEntry.objects.filter(**filters).order_by("id")


# -- written by the services, with who / when / from where ----------------------------------------
def test_a_web_act_records_actor_time_address_and_channel(world, login):
    official = world.users["county"]
    registration = f.RegistrationFactory(region=world.haian, name="待审企业")
    before = timezone.now()
    response = login(official).post(
        reverse("accounts:registration_decide", kwargs={"pk": registration.pk}),
        {"approve": "0", "reason": "材料不全"}, REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 302
    entry = rows(action=AuditEntry.Action.REJECT).get()
    assert entry.actor == official
    assert entry.actor_name == official.username
    assert entry.channel == "web"
    assert entry.ip_address == "10.20.30.40"
    assert before <= entry.at <= timezone.now()
    assert entry.model == "accounts.EnterpriseRegistration"
    assert entry.object_id == str(registration.pk)
    assert entry.region_path == world.haian.path
    assert "材料不全" in entry.note


def test_reclassify_all_writes_one_row_per_changed_enterprise(world):
    # Figures changed behind the registry's back (as a revised standard would): the class is stale.
    Enterprise.objects.filter(pk=world.e_haian.pk).update(employees=5, revenue=100)
    Enterprise.objects.filter(pk=world.e_rugao.pk).update(employees=400, revenue=5000)
    actor = world.users["province"]
    with context.origin("cli"):
        changed = enterprise_services.reclassify_all(actor=actor)
    assert changed == 2
    bulk = {e.object_id: e for e in rows(action=AuditEntry.Action.BULK_UPDATE)}
    assert set(bulk) == {str(world.e_haian.pk), str(world.e_rugao.pk)}
    assert bulk[str(world.e_haian.pk)].changes == {"size_class": ["small", "micro"]}
    assert bulk[str(world.e_rugao.pk)].changes == {"size_class": ["small", "medium"]}
    for entry in bulk.values():
        assert entry.actor == actor
        assert entry.channel == "cli"
        assert entry.note  # the standard's code
    assert bulk[str(world.e_haian.pk)].region_path == world.haian.path


def _workbook(rows_):
    wb = Workbook()
    ws = wb.active
    ws.append([c.header for c in enterprise_services.IMPORT_COLUMNS])
    for row in rows_:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def test_a_bulk_import_writes_a_row_per_enterprise(world):
    actor = world.users["county"]
    code_a, code_b = f.next_credit_code(), f.next_credit_code()
    upload = _workbook([
        [code_a, "导入甲公司", "320685", "34", 30, "500", "400"],
        [code_b, "导入乙公司", "320685", "34", 5, "50", "40"],
    ])
    with context.origin("web", "192.0.2.7"):
        result = enterprise_services.import_enterprises(actor=actor, fileobj=upload)
    assert result.ok, result.errors
    assert result.created == 2
    created = list(rows(action=AuditEntry.Action.BULK_CREATE))
    assert {e.object_repr for e in created} == {"导入甲公司", "导入乙公司"}
    for entry in created:
        assert entry.actor == actor and entry.channel == "web" and entry.ip_address == "192.0.2.7"
        assert entry.region_path == world.haian.path
        assert entry.changes["name"][0] is None
    # The county's official reads them, the neighbouring county's does not.
    assert AuditEntry.objects.visible_to(world.users["county"]).filter(action="bulk_create").count() == 2
    assert AuditEntry.objects.visible_to(world.users["other_county"]).filter(action="bulk_create").count() == 0


# -- append-only -----------------------------------------------------------------------------------
def test_entries_cannot_be_changed_or_deleted(world):
    entry = audit.record(actor=world.users["county"], action=AuditEntry.Action.UPDATE, obj=world.e_haian)
    entry.note = "篡改"
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(note="篡改")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditTrailIsAppendOnly), transaction.atomic():  # bulk_update marks its atomic block
        AuditEntry.objects.bulk_update([entry], ["note"])
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk)._raw_delete(AuditEntry.objects.db)
    # The actor of a recorded act cannot be deleted from under the trail.
    with pytest.raises((ProtectedError, IntegrityError)), transaction.atomic():
        world.users["county"].delete()
    entry.refresh_from_db()
    assert entry.note == ""


def test_the_admin_registration_is_read_only_for_everyone(world, rf):
    model_admin = admin.site._registry[AuditEntry]
    for role, user in world.users.items():
        request = rf.get("/")
        request.user = user
        assert not model_admin.has_add_permission(request), role
        assert not model_admin.has_change_permission(request), role
        assert not model_admin.has_delete_permission(request), role
        assert not model_admin.get_actions(request), role
        # Only the audit administrator could read it there, and they have no admin at all.
        assert model_admin.has_view_permission(request) == (role == "audit_admin"), role


def test_the_admin_pages_of_the_trail_are_closed(world, login):
    entry = audit.record(actor=None, action=AuditEntry.Action.UPDATE, obj=world.e_haian)
    for role in ("system_admin", "audit_admin", "province"):
        client = login(world.users[role])
        for url in (reverse("admin:audit_auditentry_changelist"), reverse("admin:audit_auditentry_add"),
                    reverse("admin:audit_auditentry_change", args=[entry.pk]),
                    reverse("admin:audit_auditentry_delete", args=[entry.pk])):
            response = client.get(url)
            assert response.status_code in (302, 403, 404), (role, url, response.status_code)
            if response.status_code == 302:
                assert "login" in response["Location"], (role, url)
        response = client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"})
        assert response.status_code in (302, 403, 404)
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_api_of_the_trail_is_read_only(world, login):
    entry = audit.record(actor=None, action=AuditEntry.Action.UPDATE, obj=world.e_haian)
    client = login(world.users["audit_admin"])
    detail = reverse("api:audit-detail", kwargs={"pk": entry.pk})
    assert client.get(detail).status_code == 200
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(detail, {"note": "x"}, content_type="application/json").status_code == 405
    assert client.post(reverse("api:audit-list"), {"note": "x"}).status_code == 405
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


# -- who reads what --------------------------------------------------------------------------------
@pytest.fixture
def trail(world):
    """One row about each enterprise, written through the registry's service by the province."""
    actor = world.users["province"]
    for e in (world.e_haian, world.e_rugao, world.e_jiangning):
        enterprise_services.update_enterprise(actor=actor, enterprise=e, data={"address": f"{e.name}地址"})
    return world


def _page_names(client, **params):
    response = client.get(reverse("audit:list"), params)
    assert response.status_code == 200
    text = response.content.decode()
    return {name for name in ("海安甲企业", "如皋乙企业", "江宁丙企业") if name in text}


def test_officials_read_their_subtree_and_the_auditor_everything(trail, login):
    users = trail.users
    assert _page_names(login(users["province"])) == {"海安甲企业", "如皋乙企业", "江宁丙企业"}
    assert _page_names(login(users["city"])) == {"海安甲企业", "如皋乙企业"}
    assert _page_names(login(users["county"])) == {"海安甲企业"}
    assert _page_names(login(users["other_county"])) == {"如皋乙企业"}
    assert _page_names(login(users["other_city"])) == {"江宁丙企业"}
    assert _page_names(login(users["audit_admin"])) == {"海安甲企业", "如皋乙企业", "江宁丙企业"}


def test_the_other_region_sees_none_of_it_in_the_api_either(trail, login):
    rugao_row = rows(object_repr="如皋乙企业").get()
    client = login(trail.users["county"])
    listed = client.get(reverse("api:audit-list")).json()["results"]
    assert {r["object_repr"] for r in listed if r["model"] == "enterprises.Enterprise"} == {"海安甲企业"}
    assert client.get(reverse("api:audit-detail", kwargs={"pk": rugao_row.pk})).status_code == 404
    assert client.get(reverse("api:audit-detail", kwargs={"pk": 10**9})).status_code == 404
    auditor = login(trail.users["audit_admin"])
    assert auditor.get(reverse("api:audit-detail", kwargs={"pk": rugao_row.pk})).status_code == 200


@pytest.mark.parametrize("role", ["system_admin", "security_admin", "enterprise", "platform_operator",
                                  "base_manager", "no_role"])
def test_roles_outside_the_audit_see_nothing_of_it(trail, login, role):
    client = login(trail.users[role])
    assert client.get(reverse("audit:list")).status_code == 403
    assert client.get(reverse("api:audit-list")).status_code == 403
    row = rows(object_repr="海安甲企业").get()
    assert client.get(reverse("api:audit-detail", kwargs={"pk": row.pk})).status_code in (403, 404)
    assert not AuditEntry.objects.visible_to(trail.users[role]).exists()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("audit:list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# -- filters, pagination, query count --------------------------------------------------------------
def test_filters(trail, login):
    users = trail.users
    auditor = login(users["audit_admin"])
    audit.record(actor=users["county"], action=AuditEntry.Action.APPROVE, model="accounts.EnterpriseRegistration",
                 object_repr="注册申请甲", region_path=trail.haian.path, note="同意开通")
    assert _page_names(auditor, actor="prov") == {"海安甲企业", "如皋乙企业", "江宁丙企业"}
    assert _page_names(auditor, actor="haian") == set()
    assert _page_names(auditor, q="如皋") == {"如皋乙企业"}
    assert _page_names(auditor, model="enterprises.Enterprise", action="update") == {
        "海安甲企业", "如皋乙企业", "江宁丙企业"}
    assert _page_names(auditor, action="approve") == set()
    assert "注册申请甲" in auditor.get(reverse("audit:list"), {"q": "同意"}).content.decode()
    today = timezone.localdate()
    assert _page_names(auditor, date_from=today.isoformat(), date_to=today.isoformat()) == {
        "海安甲企业", "如皋乙企业", "江宁丙企业"}
    assert _page_names(auditor, date_to=(today - timedelta(days=1)).isoformat()) == set()
    assert _page_names(auditor, date_from=(today + timedelta(days=1)).isoformat()) == set()
    # A reversed range is an error shown on the form, not a crash.
    response = auditor.get(reverse("audit:list"), {"date_from": today.isoformat(),
                                                   "date_to": (today - timedelta(days=3)).isoformat()})
    assert response.status_code == 200
    assert "截止日期不能早于起始日期" in response.content.decode()
    # The API takes the same filters.
    api_rows = auditor.get(reverse("api:audit-list"), {"q": "如皋", "model": "enterprises.Enterprise"}).json()
    assert [r["object_repr"] for r in api_rows["results"]] == ["如皋乙企业"]
    assert auditor.get(reverse("api:audit-list"), {"action": "nonsense"}).status_code == 400


def test_filters_never_widen_the_scope(trail, login):
    client = login(trail.users["county"])
    assert _page_names(client, q="如皋") == set()
    assert _page_names(client, model="enterprises.Enterprise") == {"海安甲企业"}


def test_the_list_is_paginated_with_a_bounded_query_count(world, login, django_assert_max_num_queries):
    entries = [
        AuditEntry(actor_name="batch", channel="test", action=AuditEntry.Action.BULK_UPDATE,
                   model="enterprises.Enterprise", object_id=str(i), object_repr=f"批量对象{i}",
                   region_path=world.haian.path, changes={"size_class": ["small", "micro"]})
        for i in range(120)
    ]
    AuditEntry.objects.bulk_create(entries)
    client = login(world.users["audit_admin"])
    client.get(reverse("audit:list"))  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get(reverse("audit:list"), {"page": 2})
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("批量对象") == 50
    assert "第 2 / 3 页" in text
    with django_assert_max_num_queries(8):
        api_page = client.get(reverse("api:audit-list"), {"page_size": 100})
    assert len(api_page.json()["results"]) == 100


# -- retention -------------------------------------------------------------------------------------
def _entry_at(when, repr_):
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit.record(actor=None, action=AuditEntry.Action.UPDATE, model="x.Y", object_repr=repr_)


def test_purge_removes_only_rows_older_than_the_retention(db, settings):
    settings.AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    old = _entry_at(now - timedelta(days=400), "旧记录")
    kept = _entry_at(now - timedelta(days=300), "半年以上一年以内")
    recent = _entry_at(now - timedelta(days=1), "新记录")

    out = io.StringIO()
    call_command("purge_audit", "--dry-run", stdout=out)
    assert "would delete 1 " in out.getvalue()
    assert AuditEntry.objects.filter(pk=old.pk).exists()

    out = io.StringIO()
    call_command("purge_audit", stdout=out)
    assert "deleted 1 " in out.getvalue()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk__in=[kept.pk, recent.pk]).count() == 2
    purge = rows(model="audit.AuditEntry").get()
    assert purge.action == AuditEntry.Action.DELETE
    assert purge.channel == "cli"
    assert purge.changes == {"deleted": [None, 1]}
    assert "365" in purge.note


@pytest.mark.parametrize("days", [0, 30, 182, "365", None])
def test_purge_refuses_a_retention_below_six_months(db, settings, days):
    settings.AUDIT_RETENTION_DAYS = days
    old = _entry_at(timezone.now() - timedelta(days=200), "旧记录")
    with pytest.raises(CommandError, match="183"):
        call_command("purge_audit", stdout=io.StringIO())
    assert AuditEntry.objects.filter(pk=old.pk).exists()


def test_retention_defaults_to_a_year(db, settings):
    del settings.AUDIT_RETENTION_DAYS
    assert retention_days() == 365


def test_the_system_check_rejects_a_short_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 90
    assert [e.id for e in check_audit_retention()] == ["audit.E001"]
    settings.AUDIT_RETENTION_DAYS = 183
    assert check_audit_retention() == []
