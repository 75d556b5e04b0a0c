import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_shows_three_columns(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    text = response.content.decode()
    for label in ("资讯", "通知公告", "法律法规", "用户登录"):
        assert label in text


def test_each_role_sees_its_dashboard(world, login):
    expected = {"county": "注册审核", "system_admin": "账号管理", "audit_admin": "审计日志"}
    for role, label in expected.items():
        response = login(world.users[role]).get(reverse("core:dashboard"))
        assert response.status_code == 200
        assert label in response.content.decode(), role
