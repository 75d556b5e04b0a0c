"""The Django admin is the system administrator's configuration tool, and nobody else's (三员分立).

Only an active system administrator enters it; every registered model decides by role; business data
(enterprises, registrations, users, tokens, the audit trail) cannot be changed there; every save is audited.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from rest_framework.authtoken.models import TokenProxy

from portal.accounts.models import EnterpriseRegistration, User
from portal.audit.models import AuditEntry
from portal.core.admin_site import PortalAdminSite, is_system_admin
from portal.enterprises.models import Enterprise
from portal.notices.models import Notice
from portal.regions.models import Region, RegionQuota
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_only_the_system_administrator_passes_the_site(world, rf):
    site = PortalAdminSite(name="probe")
    for role, user in world.users.items():
        request = rf.get("/")
        request.user = user
        assert site.has_permission(request) == (role == "system_admin"), role
    # is_staff set by hand on another role does not open it; nor does a disabled system administrator.
    sec = world.users["security_admin"]
    sec.is_staff = True
    assert not is_system_admin(sec)
    sysadmin = world.users["system_admin"]
    sysadmin.is_active = False
    assert not is_system_admin(sysadmin)


def test_every_registered_model_decides_by_role(world, rf):
    staff_impostor = f.UserFactory(username="impostor", is_staff=True, role="security_admin")
    users = {**world.users, "staff_impostor": staff_impostor}
    for model, model_admin in admin.site._registry.items():
        for role, user in users.items():
            request = rf.get("/")
            request.user = user
            if role == "system_admin" or (model is AuditEntry and role == "audit_admin"):
                continue
            label = f"{model._meta.label} / {role}"
            assert not model_admin.has_module_permission(request), label
            assert not model_admin.has_view_permission(request), label
            assert not model_admin.has_add_permission(request), label
            assert not model_admin.has_change_permission(request), label
            assert not model_admin.has_delete_permission(request), label


def test_business_data_and_credentials_are_absent(db):
    for model in (Enterprise, EnterpriseRegistration, User, TokenProxy, Group):
        assert not admin.site.is_registered(model), model._meta.label
    labels = {m._meta.label for m in admin.site._registry}
    assert not any(label.startswith("axes.") for label in labels)
    assert {"regions.Region", "regions.RegionQuota", "enterprises.Industry", "enterprises.SizeStandard",
            "notices.Notice", "platforms.Platform", "incubators.StartupBase",
            "django_celery_beat.PeriodicTask"} <= labels


def test_system_administrator_sees_the_configuration(world, login):
    client = login(world.users["system_admin"])
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    text = index.content.decode()
    for url in (reverse("admin:regions_region_changelist"), reverse("admin:notices_notice_changelist"),
                reverse("admin:django_celery_beat_periodictask_changelist")):
        assert url in text
        assert client.get(url).status_code == 200, url
    assert reverse("admin:audit_auditentry_changelist") not in text
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 403
    # No bulk actions (they would bypass the audited save and delete).
    changelist = client.get(reverse("admin:notices_notice_changelist")).content.decode()
    assert "delete_selected" not in changelist


@pytest.mark.parametrize("role", ["province", "county", "enterprise", "security_admin", "audit_admin",
                                  "platform_operator", "no_role"])
def test_everyone_else_gets_no_admin(world, login, role):
    user = world.users[role]
    client = login(user)
    for url in (reverse("admin:index"), reverse("admin:regions_region_changelist"),
                reverse("admin:notices_notice_add"), reverse("admin:django_celery_beat_periodictask_changelist")):
        response = client.get(url)
        if response.status_code == 200:  # only an index page that lists nothing may answer
            assert url == reverse("admin:index") and user.is_staff, (role, url)
            assert reverse("admin:regions_region_changelist") not in response.content.decode()
        else:
            assert response.status_code in (302, 403), (role, url, response.status_code)
            if response.status_code == 302:
                assert reverse("admin:login") in response["Location"]


def test_a_staff_flag_on_another_role_opens_nothing(world, login):
    impostor = world.users["security_admin"]
    User.objects.filter(pk=impostor.pk).update(is_staff=True)
    impostor.refresh_from_db()
    client = login(impostor)
    response = client.get(reverse("admin:index"))
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert reverse("admin:regions_region_changelist") not in response.content.decode()
    assert client.get(reverse("admin:regions_region_changelist")).status_code in (302, 403)
    response = client.post(reverse("admin:notices_notice_add"), {"kind": "notice", "title": "越权", "body": "x",
                                                                 "is_published": "on",
                                                                 "published_at_0": "2026-01-01",
                                                                 "published_at_1": "08:00:00"})
    assert response.status_code in (302, 403)
    assert not Notice.objects.filter(title="越权").exists()


def test_configuration_changes_are_audited(world, login):
    sysadmin = world.users["system_admin"]
    client = login(sysadmin)
    region = world.haian
    url = reverse("admin:regions_region_change", args=[region.pk])
    response = client.post(url, {"name": "海安市(新)", "official_code": "on", "sort_order": "3",
                                 "code": "999999"})
    assert response.status_code == 302, response.content.decode()[:2000]
    region.refresh_from_db()
    assert region.name == "海安市(新)"
    assert region.code == "320685"  # code, level and parent are fixed once created
    entry = AuditEntry.objects.get(model="regions.Region", action=AuditEntry.Action.UPDATE)
    assert entry.actor == sysadmin
    assert entry.channel == "web"
    assert entry.changes["name"] == ["海安市", "海安市(新)"]
    assert "code" not in entry.changes

    # Notices are province staff's to publish: read-only in the system administrator's admin.
    response = client.post(reverse("admin:notices_notice_add"), {
        "kind": "notice", "title": "系统维护通知", "source": "省厅", "body": "今晚维护",
        "is_published": "on", "published_at_0": "2026-01-01", "published_at_1": "08:00:00"})
    assert response.status_code == 403
    assert not Notice.objects.filter(title="系统维护通知").exists()
    assert client.get(reverse("admin:notices_notice_changelist")).status_code == 200


def test_quotas_standards_and_regions_cannot_be_changed_or_deleted_there(world, login):
    client = login(world.users["system_admin"])
    quota = f.QuotaFactory(region=world.haian, year=2026, quota=50)
    assert client.get(reverse("admin:regions_regionquota_change", args=[quota.pk])).status_code == 200  # view
    client.post(reverse("admin:regions_regionquota_change", args=[quota.pk]),
                {"region": world.haian.pk, "year": 2026, "quota": 1})
    quota.refresh_from_db()
    assert quota.quota == 50
    assert client.get(reverse("admin:regions_regionquota_add")).status_code == 403
    assert client.post(reverse("admin:regions_region_delete", args=[world.haian.pk]), {"post": "yes"}).status_code == 403
    assert Region.objects.filter(pk=world.haian.pk).exists()
    assert client.get(reverse("admin:enterprises_sizestandard_add")).status_code == 403
    assert not RegionQuota.objects.filter(quota=1).exists()


def test_every_page_of_the_configuration_renders(world, login):
    client = login(world.users["system_admin"])
    f.QuotaFactory(region=world.haian, year=2026)
    f.NoticeFactory()
    for model in list(admin.site._registry):
        if model is AuditEntry:
            continue
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        assert client.get(reverse(f"{prefix}_changelist")).status_code == 200, model
        add = client.get(reverse(f"{prefix}_add")).status_code
        assert add in (200, 403), model
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(reverse(f"{prefix}_change", args=[obj.pk])).status_code == 200, model
