"""Login lockout per user name and address, the per-address throttle across user names, and the
security administrator's 解锁 of both."""

from datetime import timedelta
from itertools import cycle

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.accounts import services
from portal.accounts.models import AddressLockout
from portal.audit.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

LOGIN = "accounts:login"
HOME = "203.0.113.9"  # the owner's office
ATTACKER = "198.51.100.7"
ELSEWHERE = "192.0.2.44"


def sign_in(username: str, password: str = f.PASSWORD, address: str = HOME, client: Client | None = None, **extra):
    """Log in through the login form from a client address (REMOTE_ADDR unless a proxy header is given)."""
    client = client or Client()
    return client.post(reverse(LOGIN), {"username": username, "password": password},
                       REMOTE_ADDR=address, **extra)


def fail(username: str, address: str, times: int = 1):
    return [sign_in(username, "wrong-password", address).status_code for _attempt in range(times)]


def spray(usernames, address: str, failures: int) -> list[int]:
    """Wrong passwords over several accounts in turn, ``failures`` in all: the statuses answered."""
    names = cycle(usernames)
    return [sign_in(next(names), "wrong-password", address).status_code for _attempt in range(failures)]


def is_lockout_page(response) -> bool:
    return response.status_code == 429 and 'data-testid="locked-out"' in response.content.decode()


# -- per user name and address --------------------------------------------------------------------------
def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(world):
    """The probe of the issue: anyone could lock the province official with five tries. No more: the lock
    holds for the attacker's address only."""
    limit = settings.AXES_FAILURE_LIMIT
    statuses = fail("prov", ATTACKER, limit)
    assert statuses == [200] * (limit - 1) + [429]
    locked = sign_in("prov", address=ATTACKER)  # the right password, from the attacker's address
    assert is_lockout_page(locked)
    assert "账号已锁定" in locked.content.decode()
    # The official logs in from their own address as usual.
    assert sign_in("prov", address=HOME).status_code == 302
    # ...and that success does not lift the attacker's lock.
    assert is_lockout_page(sign_in("prov", address=ATTACKER))


def test_lockout_follows_the_address_computed_from_trusted_proxies(world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    proxy = "10.0.0.2"
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in("prov", "wrong-password", proxy, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {proxy}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    # The owner behind the same proxy, from another client address, is not locked out...
    assert sign_in("prov", address=proxy, HTTP_X_FORWARDED_FOR=f"{HOME}, {proxy}").status_code == 302
    # ...and the attacker is, through the proxy or directly.
    assert is_lockout_page(sign_in("prov", address=proxy, HTTP_X_FORWARDED_FOR=f"{ATTACKER}, {proxy}"))
    assert is_lockout_page(sign_in("prov", address=ATTACKER))


def test_forged_forwarded_header_locks_the_forger_not_the_victim(world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in("prov", "wrong-password", ATTACKER, HTTP_X_FORWARDED_FOR=HOME)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    assert sign_in("prov", address="10.0.0.2", HTTP_X_FORWARDED_FOR=HOME).status_code == 302


def test_attempts_refused_while_locked_do_not_prolong_the_lock(world):
    limit = settings.AXES_FAILURE_LIMIT
    fail("haian", HOME, limit)
    fail("haian", HOME, 3)  # refused: not checked, not counted
    assert AccessAttempt.objects.get(username="haian").failures_since_start == limit
    assert AccessFailureLog.objects.filter(username="haian").count() == limit


# -- per address, across user names -------------------------------------------------------------------
def test_a_spray_over_three_accounts_is_stopped_by_the_address_throttle(world):
    accounts = ["haian", "rugao", "nantong"]
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    statuses = spray(accounts, ATTACKER, limit)
    # None of the three accounts reached its own limit: only the throttle across user names stops this.
    per_account = {name: AccessAttempt.objects.filter(username=name).first().failures_since_start
                   for name in accounts}
    assert max(per_account.values()) < settings.AXES_FAILURE_LIMIT
    assert sum(per_account.values()) == limit
    assert statuses == [200] * (limit - 1) + [429]
    assert AddressLockout.objects.active().filter(ip_address=ATTACKER).count() == 1
    # From that address every login is refused now, the right password of a sprayed or another account too.
    for name in ("haian", "qiye"):
        response = sign_in(name, address=ATTACKER)
        assert is_lockout_page(response), name
        text = response.content.decode()
        assert "登录已暂停" in text
        assert f"{int(settings.LOGIN_ADDRESS_LOCKOUT.total_seconds() // 60)} 分钟" in text
    # Everyone elsewhere is unaffected.
    assert sign_in("haian", address=ELSEWHERE).status_code == 302
    assert sign_in("rugao", address=HOME).status_code == 302


def test_an_untrusted_proxy_on_our_network_is_locked_only_at_its_higher_limit(world, settings):
    """TRUSTED_PROXIES left empty behind the reverse proxy: every client arrives from the proxy's private
    address. A few people's failures through it must not lock the whole portal out, but a spray through it
    (or by someone on our network adding the header) is still stopped, at LOGIN_PROXY_FAILURE_LIMIT."""
    settings.TRUSTED_PROXIES = []
    settings.LOGIN_PROXY_FAILURE_LIMIT = settings.LOGIN_ADDRESS_FAILURE_LIMIT * 3
    proxy = "172.18.0.1"
    for i in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT + 2):
        sign_in(f"nobody{i}", "wrong-password", proxy, HTTP_X_FORWARDED_FOR=f"203.0.113.{i + 10}")
    assert not AddressLockout.objects.exists()
    assert sign_in("prov", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 302
    statuses = [sign_in(f"sprayed{i}", "wrong-password", proxy, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code
                for i in range(settings.LOGIN_PROXY_FAILURE_LIMIT - settings.LOGIN_ADDRESS_FAILURE_LIMIT - 2)]
    assert statuses[-1] == 429 and 429 not in statuses[:-1]
    lockout = AddressLockout.objects.get(ip_address=proxy)
    assert lockout.failures == settings.LOGIN_PROXY_FAILURE_LIMIT
    page = sign_in("prov", address=proxy, HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert is_lockout_page(page) and f"{settings.LOGIN_PROXY_FAILURE_LIMIT} 次" in page.content.decode()
    # An address on the internet cannot pass as such a proxy by sending the header.
    names = cycle(["haian", "rugao", "nantong"])
    statuses = [sign_in(next(names), "wrong-password", ATTACKER, HTTP_X_FORWARDED_FOR="10.1.1.1").status_code
                for _attempt in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT)]
    assert statuses[-1] == 429 and AddressLockout.objects.filter(ip_address=ATTACKER).exists()


def test_one_persons_typos_do_not_shut_out_their_office(world):
    """A county office behind one NAT address: one person locks their own account (and keeps knocking);
    their colleagues still log in."""
    fail("haian", HOME, settings.AXES_FAILURE_LIMIT + 10)
    assert not AddressLockout.objects.exists()
    assert is_lockout_page(sign_in("haian", address=HOME))
    assert sign_in("qiye", address=HOME).status_code == 302


def test_typos_followed_by_a_successful_login_are_forgiven(world):
    """Several colleagues mistyping several times each, then getting in, do not add up to a lockout."""
    names = ["haian", "qiye", "rugao", "nantong"]
    for name in names:
        fail(name, HOME, settings.AXES_FAILURE_LIMIT - 1)
        assert sign_in(name, address=HOME).status_code == 302
    assert len(names) * (settings.AXES_FAILURE_LIMIT - 1) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT
    assert not AddressLockout.objects.exists()
    assert sign_in("prov", address=HOME).status_code == 302


def test_failures_older_than_the_window_do_not_count(world):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    spray(["haian", "rugao", "nantong"], ATTACKER, limit - 1)
    AccessFailureLog.objects.update(
        attempt_time=timezone.now() - settings.LOGIN_ADDRESS_WINDOW - timedelta(minutes=1))
    AccessAttempt.objects.all().delete()  # the per-account counts are not what this test is about
    assert spray(["haian", "rugao", "nantong"], ATTACKER, limit - 1) == [200] * (limit - 1)
    assert not AddressLockout.objects.exists()
    assert sign_in("prov", address=ATTACKER).status_code == 302


def travel(delta: timedelta) -> None:
    """Move every recorded login time back by ``delta``, as if that much time had passed."""
    for model, fields in ((AccessFailureLog, ("attempt_time",)), (AccessAttempt, ("attempt_time",)),
                          (AddressLockout, ("locked_at", "locked_until"))):
        model.objects.update(**{name: F(name) - delta for name in fields})


def test_address_lockout_ends_after_its_time(world):
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    spray(["haian", "rugao", "nantong"], ATTACKER, limit)
    lockout = AddressLockout.objects.get()
    assert lockout.failures == limit
    assert lockout.locked_until - lockout.locked_at == settings.LOGIN_ADDRESS_LOCKOUT
    travel(settings.LOGIN_ADDRESS_LOCKOUT - timedelta(minutes=1))
    assert is_lockout_page(sign_in("qiye", address=ATTACKER))
    travel(timedelta(minutes=2))
    assert not AddressLockout.objects.active().exists()
    assert fail("prov", ATTACKER) == [200]
    assert sign_in("qiye", address=ATTACKER).status_code == 302


# -- the security administrator's 解锁 ---------------------------------------------------------------
def test_security_admin_lists_and_releases_an_account_lockout(world, login):
    fail("prov", ATTACKER, settings.AXES_FAILURE_LIMIT)
    admin = login(world.users["security_admin"])
    page = admin.get(reverse("accounts:lockouts"))
    assert page.status_code == 200
    rows = page.content.decode().split('data-testid="account-lockouts"')[1]
    assert "prov" in rows and ATTACKER in rows and "解锁" in rows

    response = admin.post(reverse("accounts:lockout_release"),
                          {"kind": "account", "username": "prov", "ip_address": ATTACKER}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "已解除 prov 在来源地址 198.51.100.7 的登录锁定" in text
    assert "当前没有被锁定的登录名" in text
    assert not AccessAttempt.objects.filter(username="prov").exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCK)
    assert (entry.actor, entry.object_id) == (world.users["security_admin"], str(world.users["province"].pk))
    assert ATTACKER in entry.note
    assert entry.changes == {"failures": [settings.AXES_FAILURE_LIMIT, 0]}
    # The lock is lifted: the next try from that address is judged on its password again.
    assert sign_in("prov", address=ATTACKER).status_code == 302


def test_security_admin_releases_an_address_lockout(world, login):
    spray(["haian", "rugao", "nantong"], ATTACKER, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    admin = login(world.users["security_admin"])
    rows = admin.get(reverse("accounts:lockouts")).content.decode().split('data-testid="address-lockouts"')[1]
    assert ATTACKER in rows.split('data-testid="account-lockouts"')[0]

    response = admin.post(reverse("accounts:lockout_release"), {"kind": "address", "ip_address": ATTACKER})
    assert response.status_code == 302
    lockout = AddressLockout.objects.get()
    assert lockout.released_by == world.users["security_admin"]
    assert lockout.released_at is not None
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCK)
    assert (entry.model, entry.object_id, entry.actor) == (
        "accounts.AddressLockout", str(lockout.pk), world.users["security_admin"])
    assert sign_in("qiye", address=ATTACKER).status_code == 302
    # Failures before the release do not count towards the next lockout.
    assert fail("prov", ATTACKER) == [200]
    assert AddressLockout.objects.count() == 1


def test_releasing_a_lock_of_a_guessed_user_name_is_audited_by_name(world, login):
    fail("administrator", ATTACKER, settings.AXES_FAILURE_LIMIT)
    admin = login(world.users["security_admin"])
    assert "无此账号" in admin.get(reverse("accounts:lockouts")).content.decode()
    admin.post(reverse("accounts:lockout_release"),
               {"kind": "account", "username": "administrator", "ip_address": ATTACKER})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.UNLOCK)
    assert (entry.model, entry.object_repr, entry.actor) == (
        "axes.AccessAttempt", "administrator", world.users["security_admin"])


def test_releasing_what_is_not_locked_changes_nothing(world, login):
    fail("prov", ATTACKER, settings.AXES_FAILURE_LIMIT - 1)
    admin = login(world.users["security_admin"])
    for payload, message in (
        ({"kind": "account", "username": "haian", "ip_address": ATTACKER}, "该锁定已解除或已过期"),
        ({"kind": "account", "username": "prov", "ip_address": ATTACKER}, "该锁定已解除或已过期"),  # below the limit
        ({"kind": "address", "ip_address": ATTACKER}, "该锁定已解除或已过期"),
        ({"kind": "account", "username": "prov", "ip_address": "not-an-address"}, "解锁请求无效"),
    ):
        response = admin.post(reverse("accounts:lockout_release"), payload, follow=True)
        assert response.status_code == 200
        text = response.content.decode()
        assert message in text, payload
        assert "的登录锁定。" not in text, payload
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UNLOCK).exists()
    assert AccessAttempt.objects.get(username="prov").failures_since_start == settings.AXES_FAILURE_LIMIT - 1


@pytest.mark.parametrize("role", ["province", "county", "system_admin", "audit_admin", "enterprise", "no_role"])
def test_only_the_security_admin_unlocks(world, login, role):
    fail("prov", ATTACKER, settings.AXES_FAILURE_LIMIT)
    spray(["haian", "rugao", "nantong"], ELSEWHERE, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    actor = world.users[role]
    client = login(actor)
    assert client.get(reverse("accounts:lockouts")).status_code in (403, 404)
    for payload in ({"kind": "account", "username": "prov", "ip_address": ATTACKER},
                    {"kind": "address", "ip_address": ELSEWHERE}):
        assert client.post(reverse("accounts:lockout_release"), payload).status_code in (403, 404)
    with pytest.raises(PermissionDenied):
        services.release_account_lockout(actor=actor, username="prov", ip_address=ATTACKER)
    with pytest.raises(PermissionDenied):
        services.release_address_lockout(actor=actor, ip_address=ELSEWHERE)
    assert is_lockout_page(sign_in("prov", address=ATTACKER))
    assert AddressLockout.objects.active().filter(ip_address=ELSEWHERE).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.UNLOCK).exists()
    # Nor is the page offered to them.
    assert reverse("accounts:lockouts") not in client.get(reverse("accounts:users")).content.decode()


def test_anonymous_cannot_reach_the_lockout_list(client, world):
    assert client.get(reverse("accounts:lockouts")).status_code == 302
    assert client.post(reverse("accounts:lockout_release"), {"kind": "address", "ip_address": ATTACKER}
                       ).status_code == 302


def test_lockout_list_is_linked_where_the_security_admin_manages_accounts(world, login):
    fail("prov", ATTACKER, settings.AXES_FAILURE_LIMIT)
    admin = login(world.users["security_admin"])
    assert reverse("accounts:lockouts") in admin.get(reverse("accounts:users")).content.decode()
    dashboard = admin.get(reverse("core:dashboard")).content.decode()
    assert reverse("accounts:lockouts") in dashboard
    assert "登录锁定" in dashboard


def test_lockout_pages_speak_english_too(world, login):
    spray(["haian", "rugao", "nantong"], ATTACKER, settings.LOGIN_ADDRESS_FAILURE_LIMIT)
    page = Client().post(reverse(LOGIN), {"username": "qiye", "password": f.PASSWORD}, REMOTE_ADDR=ATTACKER,
                         HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 429
    assert "Logins suspended" in page.content.decode()
    admin = login(world.users["security_admin"])
    text = admin.get(reverse("accounts:lockouts"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Source addresses with logins suspended" in text and ATTACKER in text
