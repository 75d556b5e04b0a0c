"""Accounts through real requests: lockout, password rules and age, idle timeout, disabling, reset."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from portal.accounts import services
from portal.accounts.middleware import LAST_SEEN_KEY
from portal.accounts.models import User, UserSession
from portal.audit.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

LOGIN = "accounts:login"
NEW_PASSWORD = "Neu#Kennwort2026"


def sign_in(client: Client, username: str, password: str = f.PASSWORD):
    """Log in through the login form, as a person does."""
    return client.post(reverse(LOGIN), {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return client.get(reverse("core:dashboard")).status_code == 200


# -- lockout (django-axes) ----------------------------------------------------------------------------
def test_login_through_the_form(client, world):
    response = sign_in(client, "haian")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard")
    assert logged_in(client)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, actor=world.users["county"]).exists()


def test_wrong_password_is_explained(client, world):
    response = sign_in(client, "haian", "not-the-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()
    assert not logged_in(client)


def test_lockout_after_failure_limit_refuses_even_the_right_password(client, world):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    for _attempt in range(limit - 1):
        response = sign_in(client, "haian", "wrong-password")
        assert response.status_code == 200
    response = sign_in(client, "haian", "wrong-password")
    assert response.status_code == 429
    text = response.content.decode()
    assert "账号已锁定" in text
    assert "5 次" in text and "30 分钟" in text
    # While locked, the correct password is refused too.
    response = sign_in(client, "haian", f.PASSWORD)
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert not logged_in(client)
    # Another account from the same address is not locked (lockout is per user name and address).
    other = Client()
    assert sign_in(other, "rugao").status_code == 302


def test_lockout_ends_after_the_cool_off(client, world):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "haian", "wrong-password")
    assert sign_in(client, "haian").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert sign_in(client, "haian").status_code == 302
    assert logged_in(client)


def test_home_page_login_box_is_locked_out_too(client, world):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse(LOGIN), {"username": "qiye", "password": "x"}, HTTP_REFERER="/")
    assert sign_in(client, "qiye").status_code == 429


# -- password rules ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("password", "message"), [
    ("Ab1!", "密码太短"),
    ("abcdefghijkl", "大写字母、小写字母、数字、符号中的 3 类"),
    ("Password123", "这个密码太常见了"),
    ("12345678901234", "密码只包含数字"),
])
def test_weak_passwords_are_refused_with_chinese_messages(world, login, password, message):
    client = login(world.users["county"])
    response = client.post(reverse("accounts:password_change"), {
        "old_password": f.PASSWORD, "new_password1": password, "new_password2": password})
    assert response.status_code == 200
    assert message in response.content.decode()
    user = User.objects.get(pk=world.users["county"].pk)
    assert user.check_password(f.PASSWORD)


def test_strong_password_is_accepted_and_dated(world, login):
    user = world.users["county"]
    user.password_changed_at = timezone.now() - timedelta(days=30)
    user.save()
    client = login(user)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": f.PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.password_changed_at > timezone.now() - timedelta(minutes=1)
    assert logged_in(client)  # the session survives its own password change
    # ...and is still followed, so disabling the account would end it.
    assert UserSession.objects.filter(user=user, session_key=client.session.session_key).exists()


def test_new_password_must_differ_from_the_current_one(world, login):
    client = login(world.users["county"])
    response = client.post(reverse("accounts:password_change"), {
        "old_password": f.PASSWORD, "new_password1": f.PASSWORD, "new_password2": f.PASSWORD})
    assert "新密码不能与当前密码相同" in response.content.decode()


def test_password_page_explains_the_rules(world, login):
    text = login(world.users["county"]).get(reverse("accounts:password_change")).content.decode()
    assert "至少10位" in text and f"每{settings.PASSWORD_MAX_AGE_DAYS}天" in text


# -- password age ---------------------------------------------------------------------------------
@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_old_password_forces_the_change_page_until_changed(client, world):
    user = world.users["county"]
    user.password_changed_at = timezone.now() - timedelta(days=91)
    user.save()
    assert sign_in(client, "haian").status_code == 302
    for url in (reverse("core:dashboard"), reverse("accounts:registrations"), reverse("notices:list")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert "请先修改密码" in page.content.decode()
    # Logging out is always possible.
    assert client.post(reverse("accounts:logout")).status_code == 302
    sign_in(client, "haian")
    client.post(reverse("accounts:password_change"), {
        "old_password": f.PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get(reverse("core:dashboard")).status_code == 200


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_password_within_age_is_not_bothered(world, login):
    user = world.users["county"]
    user.password_changed_at = timezone.now() - timedelta(days=89)
    user.save()
    assert login(user).get(reverse("core:dashboard")).status_code == 200


@override_settings(PASSWORD_MAX_AGE_DAYS=0)
def test_password_age_limit_can_be_switched_off(world, login):
    user = world.users["county"]
    user.password_changed_at = timezone.now() - timedelta(days=3000)
    user.save()
    assert login(user).get(reverse("core:dashboard")).status_code == 200


# -- idle timeout -----------------------------------------------------------------------------------
@override_settings(SESSION_IDLE_TIMEOUT=600)
def test_idle_session_is_logged_out(client, world):
    sign_in(client, "haian")
    assert client.get(reverse("core:dashboard")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = session[LAST_SEEN_KEY] - 601
    session.save()
    response = client.get(reverse("accounts:registrations") + "?status=pending")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(LOGIN) + "?next=")
    assert "registrations" in response["Location"]
    page = client.get(response["Location"])
    assert "长时间未操作" in page.content.decode()
    assert not logged_in(client)


@override_settings(SESSION_IDLE_TIMEOUT=600)
def test_active_session_stays(client, world):
    sign_in(client, "haian")
    session = client.session
    session[LAST_SEEN_KEY] = session[LAST_SEEN_KEY] - 590
    session.save()
    assert client.get(reverse("core:dashboard")).status_code == 200
    # each request moves the mark forward
    assert client.session[LAST_SEEN_KEY] > session[LAST_SEEN_KEY]


# -- disabling ends sessions ----------------------------------------------------------------------
def test_disabling_an_account_ends_its_sessions_and_tokens(world, login):
    officer = world.users["enterprise"]
    browser_a, browser_b = Client(), Client()
    sign_in(browser_a, "qiye")
    sign_in(browser_b, "qiye")
    Token.objects.create(user=officer)
    keys = set(UserSession.objects.filter(user=officer).values_list("session_key", flat=True))
    assert keys == {browser_a.session.session_key, browser_b.session.session_key}
    admin = login(world.users["system_admin"])
    response = admin.post(reverse("accounts:user_active", args=[officer.pk]), {"active": "0"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_active
    for browser in (browser_a, browser_b):
        response = browser.get(reverse("core:dashboard"))
        assert response.status_code == 302 and response["Location"].startswith(reverse(LOGIN))
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=officer).exists()
    assert not Token.objects.filter(user=officer).exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DISABLE, object_id=str(officer.pk)).exists()
    # ...and cannot log in again
    assert sign_in(Client(), "qiye").status_code == 200


def test_ending_sessions_does_not_scan_the_session_table(world, login, django_assert_max_num_queries):
    for _n in range(30):  # other people's sessions
        Client().force_login(f.UserFactory(), backend="django.contrib.auth.backends.ModelBackend")
    officer = world.users["enterprise"]
    sign_in(Client(), "qiye")
    with django_assert_max_num_queries(6):
        assert services._end_sessions(officer) == 1
    assert Session.objects.count() >= 30


def test_county_official_disables_own_enterprise_officer_only(world, login):
    county = login(world.users["county"])
    assert county.post(reverse("accounts:user_active", args=[world.users["enterprise"].pk]),
                       {"active": "0"}).status_code == 302
    response = county.post(reverse("accounts:user_active", args=[world.users["other_enterprise"].pk]),
                           {"active": "0"})
    assert response.status_code == 404
    assert User.objects.get(pk=world.users["other_enterprise"].pk).is_active


def test_logout_forgets_the_session(client, world):
    sign_in(client, "haian")
    key = client.session.session_key
    assert UserSession.objects.filter(session_key=key).exists()
    client.post(reverse("accounts:logout"))
    assert not UserSession.objects.filter(session_key=key).exists()


# -- password reset by email ------------------------------------------------------------------------
def test_password_reset_by_email(client, world):
    user = world.users["county"]
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert "重置密码" in message.subject
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)
    response = client.get(link)  # Django moves the token into the session, then redirects
    assert response.status_code == 302
    form_url = response["Location"]
    assert "设置新密码" in client.get(form_url).content.decode()
    # A weak password is refused on the same page
    response = client.post(form_url, {"new_password1": "abc", "new_password2": "abc"})
    assert response.status_code == 200
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse(LOGIN)
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The link works once.
    assert "该链接已失效" in client.get(link, follow=True).content.decode()
    assert sign_in(Client(), "haian", NEW_PASSWORD).status_code == 302


def test_password_reset_lifts_a_lockout(client, world):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "haian", "wrong-password")
    assert sign_in(client, "haian").status_code == 429
    client.post(reverse("accounts:password_reset"), {"email": world.users["county"].email})
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert sign_in(client, "haian", NEW_PASSWORD).status_code == 302


def test_password_reset_for_unknown_email_sends_nothing_and_says_the_same(client, world):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@nowhere.cn"}, follow=True)
    assert "如果该邮箱已注册" in response.content.decode()
    assert mail.outbox == []


# -- own profile --------------------------------------------------------------------------------------
def test_user_keeps_own_contact_details(world, login):
    officer = world.users["enterprise"]
    client = login(officer)
    response = client.post(reverse("accounts:profile"), {"full_name": "陈信息员", "phone": "12345", "email": ""})
    assert "请输入11位手机号码" in response.content.decode()
    response = client.post(reverse("accounts:profile"),
                           {"full_name": "陈信息员", "phone": "13912345678", "email": "chen@example.cn"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert (officer.full_name, officer.phone, officer.email) == ("陈信息员", "13912345678", "chen@example.cn")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UPDATE, object_id=str(officer.pk))
    assert entry.enterprise_id == officer.enterprise_id
    # role and region are not in the form and cannot be smuggled in
    client.post(reverse("accounts:profile"), {"full_name": "x", "phone": "", "email": "", "role": "system_admin"})
    officer.refresh_from_db()
    assert officer.role == "enterprise"
