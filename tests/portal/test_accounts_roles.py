"""The three separated administrators (三员分立) and the one-role rule."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from portal.accounts import services
from portal.accounts.models import Role, User, UserSession
from portal.audit.models import AuditEntry
from portal.notices.models import Notice
from tests import factories as f

pytestmark = pytest.mark.django_db

NEW_ACCOUNT = {"username": "zhao_new", "full_name": "赵新", "email": "zhao@example.cn", "password": "Chushi#Mima2026"}


def role_form(role: str, region=None, enterprise_code: str = "") -> dict:
    return {"role": role, "region": region.pk if region else "", "enterprise_code": enterprise_code}


# -- system administrator: creates accounts, no roles, no audit ------------------------------------
def test_system_admin_creates_accounts_without_a_role(world, login):
    client = login(world.users["system_admin"])
    assert client.get(reverse("accounts:user_create")).status_code == 200
    response = client.post(reverse("accounts:user_create"), NEW_ACCOUNT)
    assert response.status_code == 302
    user = User.objects.get(username="zhao_new")
    assert (user.role, user.is_superuser, user.region, user.enterprise) == (Role.NONE, False, None, None)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(user.pk),
                                     actor=world.users["system_admin"]).exists()
    # The new account must choose its own password first, and then sees it has no role yet.
    person = Client()
    person.post(reverse("accounts:login"), {"username": "zhao_new", "password": NEW_ACCOUNT["password"]})
    assert person.get(reverse("core:dashboard"))["Location"] == reverse("accounts:password_change")


def test_system_admin_account_creation_checks_password_and_name(world, login):
    client = login(world.users["system_admin"])
    text = client.post(reverse("accounts:user_create"), {**NEW_ACCOUNT, "password": "123"}).content.decode()
    assert "密码太短" in text
    text = client.post(reverse("accounts:user_create"), {**NEW_ACCOUNT, "username": "haian"}).content.decode()
    assert "该登录名已被使用" in text


def test_system_admin_cannot_assign_roles_nor_read_audit(world, login):
    client = login(world.users["system_admin"])
    target = world.users["no_role"]
    assert client.get(reverse("accounts:user_role", args=[target.pk])).status_code == 403
    assert client.post(reverse("accounts:user_role", args=[target.pk]),
                       role_form(Role.OFFICIAL, world.haian)).status_code == 403
    assert client.get(reverse("audit:list")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.assign_role(actor=world.users["system_admin"], user=target, role=Role.OFFICIAL, region=world.haian)
    target.refresh_from_db()
    assert target.role == Role.NONE


# -- security administrator: roles, never accounts, never own role, no audit ------------------------
def test_security_admin_assigns_a_role(world, login):
    target = world.users["no_role"]
    session_holder = login(target)
    session_holder.get(reverse("core:dashboard"))
    client = login(world.users["security_admin"])
    assert client.get(reverse("accounts:user_role", args=[target.pk])).status_code == 200
    response = client.post(reverse("accounts:user_role", args=[target.pk]), role_form(Role.OFFICIAL, world.haian))
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.role, target.region) == (Role.OFFICIAL, world.haian)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.GRANT, object_id=str(target.pk)).exists()
    # The new role takes effect at the next login: the old session has ended.
    assert not UserSession.objects.filter(user=target).exists()
    assert session_holder.get(reverse("core:dashboard")).status_code == 302


def test_security_admin_binds_an_information_officer_to_an_enterprise(world, login):
    target = world.users["no_role"]
    client = login(world.users["security_admin"])
    text = client.post(reverse("accounts:user_role", args=[target.pk]),
                       role_form(Role.ENTERPRISE, enterprise_code="91320685000000000X")).content.decode()
    assert "未找到该统一社会信用代码对应的企业" in text
    text = client.post(reverse("accounts:user_role", args=[target.pk]), role_form(Role.OFFICIAL)).content.decode()
    assert "须指定所属地区" in text
    client.post(reverse("accounts:user_role", args=[target.pk]),
                role_form(Role.ENTERPRISE, enterprise_code=world.e_rugao.credit_code))
    target.refresh_from_db()
    assert (target.role, target.enterprise, target.region) == (Role.ENTERPRISE, world.e_rugao, None)


def test_security_admin_cannot_create_accounts_change_own_role_or_read_audit(world, login):
    admin = world.users["security_admin"]
    client = login(admin)
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.post(reverse("accounts:user_create"), NEW_ACCOUNT).status_code == 403
    assert not User.objects.filter(username="zhao_new").exists()
    with pytest.raises(PermissionDenied):
        services.create_account(actor=admin, username="zhao_new", password=NEW_ACCOUNT["password"])
    assert client.post(reverse("accounts:user_role", args=[admin.pk]),
                       role_form(Role.SYSTEM_ADMIN)).status_code == 403
    admin.refresh_from_db()
    assert admin.role == Role.SECURITY_ADMIN
    assert client.get(reverse("audit:list")).status_code == 403


def test_security_admin_cannot_disable_accounts(world, login):
    client = login(world.users["security_admin"])
    response = client.post(reverse("accounts:user_active", args=[world.users["county"].pk]), {"active": "0"})
    assert response.status_code == 403
    assert User.objects.get(pk=world.users["county"].pk).is_active


# -- audit administrator: reads the audit trail, changes nothing ------------------------------------
def test_audit_admin_reads_the_audit_trail(world, login):
    f.AuditEntryFactory(object_repr="某条变更记录")
    response = login(world.users["audit_admin"]).get(reverse("audit:list"))
    assert response.status_code == 200
    assert "某条变更记录" in response.content.decode()


def test_audit_admin_cannot_change_anything(world, login):
    client = login(world.users["audit_admin"])
    target = world.users["no_role"]
    notice = f.NoticeFactory()
    refused = [
        client.post(reverse("accounts:user_create"), NEW_ACCOUNT),
        client.post(reverse("accounts:user_role", args=[target.pk]), role_form(Role.AUDIT_ADMIN)),
        client.post(reverse("accounts:user_active", args=[target.pk]), {"active": "0"}),
        client.post(reverse("notices:create"), {"kind": "notice", "title": "x", "body": "y"}),
        client.post(reverse("notices:unpublish", args=[notice.pk])),
        client.post(reverse("notices:delete", args=[notice.pk])),
    ]
    assert [r.status_code for r in refused] == [403, 403, 404, 403, 403, 403]
    assert not User.objects.filter(username="zhao_new").exists()
    target.refresh_from_db()
    assert (target.role, target.is_active) == (Role.NONE, True)
    assert Notice.objects.filter(pk=notice.pk, is_published=True).exists()
    assert client.get(reverse("accounts:users")).status_code == 403


# -- one role per person ------------------------------------------------------------------------------
def test_a_user_holds_one_role_only():
    field = User._meta.get_field("role")
    assert field.choices and not field.many_to_many and field.max_length == 32


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_administrators_cannot_be_superusers(role):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username=f"super_{role}", role=role, is_superuser=True)


def test_role_assignment_never_leaves_a_superuser(world):
    legacy = f.UserFactory(username="legacy", is_superuser=True)
    services.assign_role(actor=world.users["security_admin"], user=legacy, role=Role.AUDIT_ADMIN)
    legacy.refresh_from_db()
    assert (legacy.role, legacy.is_superuser, legacy.is_staff) == (Role.AUDIT_ADMIN, False, False)


def test_only_the_system_admin_is_staff(world):
    user = f.UserFactory()
    services.assign_role(actor=world.users["security_admin"], user=user, role=Role.SYSTEM_ADMIN)
    user.refresh_from_db()
    assert user.is_staff
    services.assign_role(actor=world.users["security_admin"], user=user, role=Role.SECURITY_ADMIN)
    user.refresh_from_db()
    assert not user.is_staff


def test_account_list_filters_and_query_count(world, login, django_assert_max_num_queries):
    for _n in range(25):
        f.officer(world.e_haian)
    client = login(world.users["security_admin"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:users"))
    assert response.status_code == 200
    text = client.get(reverse("accounts:users"), {"role": "none"}).content.decode()
    assert "nobody" in text and "haian" not in text
    User.objects.filter(username="rugao").update(is_active=False)
    text = client.get(reverse("accounts:users"), {"active": "0"}).content.decode()
    assert "rugao" in text and "nobody" not in text


def test_official_sees_accounts_of_its_subtree_only(world, login):
    text = login(world.users["county"]).get(reverse("accounts:users")).content.decode()
    assert "qiye" in text and "qiye2" not in text and "rugao" not in text
