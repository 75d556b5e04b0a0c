"""The security administrator's grant page: a platform to its operator, a base to its manager; granted and
revoked through the page, audited, only by the security administrator, only to users of the matching role."""

import pytest
from django.urls import reverse
from django.utils import translation

from platforms.models import Platform
from portal.accounts.scoping import is_granted
from portal.audit.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def main(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def url(user):
    return reverse("accounts:user_grants", args=[user.pk])


def target(obj):
    return f"{obj._meta.label}:{obj.pk}"


def test_the_page_lists_what_the_operator_holds_and_offers_the_rest(world, login):
    client = login(world.users["security_admin"])
    html = main(client.get(url(world.users["platform_operator"])).content.decode())
    granted, offered = html.split("授予</label>")[0], html.split("<select")[1]
    assert world.platform.name in granted
    assert f'value="{target(world.other_platform)}"' in offered and f'value="{target(world.platform)}"' not in offered
    assert world.base.name not in html  # bases are not a platform operator's kind
    users = client.get(reverse("accounts:users")).content.decode()
    assert url(world.users["platform_operator"]) in users and url(world.users["base_manager"]) in users
    assert url(world.users["county"]) not in users


def test_grant_and_revoke_are_done_and_audited(world, login):
    operator, client = world.users["platform_operator"], login(world.users["security_admin"])
    response = client.post(url(operator), {"target": target(world.other_platform)}, follow=True)
    assert "已授予 pingtai 管理权限。" in response.content.decode()
    assert is_granted(operator, world.other_platform)
    assert world.other_platform in Platform.objects.visible_to(operator)
    row = AuditEntry.objects.get(action=AuditEntry.Action.GRANT, model="platforms.Platform")
    assert row.actor == world.users["security_admin"] and row.object_id == str(world.other_platform.pk)
    assert row.changes == {"grantee": [None, "pingtai"]} and world.other_platform.name in row.note

    response = client.post(url(operator), {"target": target(world.other_platform), "revoke": "1"}, follow=True)
    assert "已撤销 pingtai 的管理权限。" in response.content.decode()
    assert not is_granted(operator, world.other_platform)
    assert world.other_platform not in Platform.objects.visible_to(operator)
    row = AuditEntry.objects.get(action=AuditEntry.Action.REVOKE)
    assert row.changes == {"grantee": ["pingtai", None]}

    # the audit trail reads it in words
    trail = login(world.users["audit_admin"]).get(reverse("audit:list"), {"action": "revoke"}).content.decode()
    trail = trail.split('<table class="data">', 1)[1]
    assert "撤销授权" in trail and "授权用户" in trail and "服务平台" in trail and "platforms.Platform" not in trail


def test_granting_twice_or_revoking_what_is_not_held_is_refused(world, login):
    operator, client = world.users["platform_operator"], login(world.users["security_admin"])
    before = AuditEntry.objects.count()
    twice = client.post(url(operator), {"target": target(world.platform)}, follow=True).content.decode()
    assert "已管理" in twice
    never = client.post(url(operator), {"target": target(world.other_platform), "revoke": "1"}, follow=True)
    assert "并未管理" in never.content.decode()
    assert AuditEntry.objects.count() == before


@pytest.mark.parametrize("role", ["system_admin", "audit_admin", "province", "platform_operator", "base_manager"])
def test_only_the_security_administrator_grants(world, login, role):
    client = login(world.users[role])
    assert client.get(url(world.users["platform_operator"])).status_code == 403
    assert client.post(url(world.users["platform_operator"]),
                       {"target": target(world.other_platform)}).status_code == 403
    assert not is_granted(world.users["platform_operator"], world.other_platform)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.GRANT).exists()


def test_only_to_users_of_the_matching_role(world, login):
    client = login(world.users["security_admin"])
    # a base to a platform operator, a platform to a base manager, a platform to an official
    cases = [(world.users["platform_operator"], world.base), (world.users["base_manager"], world.other_platform),
             (world.users["county"], world.other_platform)]
    for user, obj in cases:
        response = client.post(url(user), {"target": target(obj)}, follow=True)
        assert response.status_code == 200
        assert "不能管理此类对象" in response.content.decode()
        assert not is_granted(user, obj)
    page = main(client.get(url(world.users["county"])).content.decode())
    assert "没有可授予的管理对象" in page and "<select" not in page
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.GRANT).exists()


@pytest.mark.parametrize("value", ["", "platforms.Platform:999999", "platforms.Platform:x", "accounts.User:1",
                                   "nonsense"])
def test_bad_targets_get_a_message_and_write_nothing(world, login, value):
    client = login(world.users["security_admin"])
    response = client.post(url(world.users["platform_operator"]), {"target": value}, follow=True)
    assert response.status_code == 200
    assert "请选择要授予的对象" in response.content.decode() or "未找到要授予的对象" in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.GRANT).exists()


def test_a_disabled_account_is_not_granted(world, login):
    operator = f.UserFactory(role=world.users["platform_operator"].role, username="old", is_active=False)
    response = login(world.users["security_admin"]).post(url(operator), {"target": target(world.other_platform)},
                                                        follow=True)
    assert "该账号已停用" in response.content.decode() and not is_granted(operator, world.other_platform)


def test_the_page_in_english(world, login):
    client = login(world.users["security_admin"])
    client.cookies["django_language"] = "en"
    with translation.override("en"):  # the request activates English; restored for the tests after this one
        html = main(client.get(url(world.users["platform_operator"]), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "管理对象" not in html and "授予" not in html and "Grant" in html
