"""A user of another region or enterprise changes nothing by POST, even with a well-formed request."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from portal.accounts.models import EnterpriseRegistration, User
from portal.audit.models import AuditEntry
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_clock]


def test_a_neighbouring_county_cannot_decide_a_registration(world, login):
    registration = f.RegistrationFactory(region=world.haian, username="haian_new")
    for role in ("other_county", "city", "other_city", "enterprise", "system_admin"):
        response = login(world.users[role]).post(
            reverse("accounts:registration_decide", kwargs={"pk": registration.pk}), {"approve": "1", "reason": ""})
        assert response.status_code in (403, 404), role
    registration.refresh_from_db()
    assert registration.status == EnterpriseRegistration.Status.PENDING
    assert not User.objects.filter(username="haian_new").exists()
    assert not AuditEntry.objects.filter(model="accounts.EnterpriseRegistration").exists()


def test_officials_cannot_disable_accounts_outside_their_subtree(world, login):
    officer = world.users["enterprise"]  # 海安
    for role in ("other_county", "other_city", "other_enterprise"):
        response = login(world.users[role]).post(
            reverse("accounts:user_active", kwargs={"pk": officer.pk}), {"active": "0"})
        assert response.status_code in (403, 404), role
    officer.refresh_from_db()
    assert officer.is_active


def test_only_the_security_administrator_gives_roles(world, login):
    target = world.users["no_role"]
    for role in ("province", "system_admin", "audit_admin", "county"):
        response = login(world.users[role]).post(
            reverse("accounts:user_role", kwargs={"pk": target.pk}),
            {"role": "official", "region": str(world.province.pk)})
        assert response.status_code in (403, 404), role
    target.refresh_from_db()
    assert target.role == "none"


def test_a_draft_notice_cannot_be_published_or_deleted_by_others(world, login):
    draft = f.NoticeFactory(title="草稿", is_published=False)
    for role in ("city", "county", "enterprise", "system_admin"):
        client = login(world.users[role])
        for name in ("notices:publish", "notices:delete"):
            response = client.post(reverse(name, kwargs={"pk": draft.pk}))
            assert response.status_code in (403, 404), (role, name)
    draft.refresh_from_db()
    assert draft.is_published is False


def test_tokens_are_only_ever_ones_own(world):
    a, b = world.users["county"], world.users["other_county"]
    key = APIClient()
    key.force_login(a, backend="django.contrib.auth.backends.ModelBackend")
    a_key = key.post(reverse("api:tokens")).json()["key"]
    other = APIClient()
    other.force_login(b, backend="django.contrib.auth.backends.ModelBackend")
    assert other.delete(reverse("api:tokens")).status_code == 204  # revokes b's (none), never a's
    assert other.get(reverse("api:tokens")).json()["exists"] is False
    assert Token.objects.get(user=a).key == a_key
