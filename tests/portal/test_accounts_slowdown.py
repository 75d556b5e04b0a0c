"""The slow-down of one account guessed from many addresses (portal/accounts/slowdown.py): each attempt
waits a short, growing interval; the owner is never locked out for long, and not at all from an address
they signed in from; every step is audited."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse

from portal.accounts import slowdown
from portal.accounts.models import AddressLockout
from portal.audit.models import AuditEntry
from tests import factories as f
from tests.portal.test_accounts_lockout import HOME, LOGIN, is_lockout_page, sign_in

pytestmark = pytest.mark.django_db

NEW_PLACE = "192.0.2.44"  # an address the owner never signed in from


def botnet(count: int) -> list[str]:
    return [f"198.51.100.{n}" for n in range(1, count + 1)]


def guess(username: str, addresses: list[str], failures: int) -> list[int]:
    """Wrong passwords for one account from the addresses in turn: the statuses answered."""
    return [sign_in(username, "wrong-password", addresses[n % len(addresses)]).status_code
            for n in range(failures)]


def travel(delta: timedelta) -> None:
    """Move every recorded login time back by ``delta``, as if that much time had passed."""
    for model in (AccessFailureLog, AccessAttempt, AccessLog):
        model.objects.update(attempt_time=F("attempt_time") - delta)
    AddressLockout.objects.update(locked_at=F("locked_at") - delta, locked_until=F("locked_until") - delta)


def is_slowdown_page(response) -> bool:
    return is_lockout_page(response) and "登录已暂缓" in response.content.decode()


def slowdowns(username: str):
    return AuditEntry.objects.filter(action=AuditEntry.Action.SLOW_DOWN, object_repr=username).order_by("id")


def test_a_guess_from_many_addresses_is_slowed_down_and_audited(world):
    limit = settings.ACCOUNT_SLOWDOWN_FAILURES
    addresses = botnet(5)  # two guesses from each: under both lockouts
    statuses = guess("prov", addresses, limit)
    assert statuses == [200] * (limit - 1) + [429]
    assert not AddressLockout.objects.exists()
    assert max(AccessAttempt.objects.values_list("failures_since_start", flat=True)) < settings.AXES_FAILURE_LIMIT

    # Every further attempt waits, the right password from a new address too, and is not even counted.
    for address in (*addresses, "203.0.113.200", NEW_PLACE):
        response = sign_in("prov", address=address)
        assert is_slowdown_page(response), address
    assert AccessFailureLog.objects.filter(username="prov").count() == limit
    assert "1 分钟" in sign_in("prov", address=NEW_PLACE).content.decode()

    entry = slowdowns("prov").get()
    assert entry.object_id == str(world.users["province"].pk) and entry.model == "accounts.User"
    assert entry.changes["failures"] == [None, limit] and entry.changes["addresses"] == [None, 5]
    assert entry.ip_address == addresses[(limit - 1) % 5] and entry.actor is None

    # The wait runs out by itself: the owner signs in from the new address.
    travel(settings.ACCOUNT_SLOWDOWN_FIRST + timedelta(seconds=1))
    assert sign_in("prov", address=NEW_PLACE).status_code == 302


def test_the_wait_doubles_with_each_further_failure_up_to_its_longest(world):
    limit = settings.ACCOUNT_SLOWDOWN_FAILURES
    addresses = botnet(8)
    guess("prov", addresses, limit)
    waits = []
    for step in range(7):
        wait = slowdown.delay_after(limit + step)
        waits.append(int(wait.total_seconds() // 60))
        travel(wait - timedelta(seconds=5))
        assert is_slowdown_page(sign_in("prov", "wrong-password", addresses[step])), step  # refused, uncounted
        travel(timedelta(seconds=10))
        assert is_slowdown_page(sign_in("prov", "wrong-password", addresses[step])), step  # counted, slowed again
        assert AccessFailureLog.objects.filter(username="prov").count() == limit + step + 1
    assert waits == [1, 2, 4, 8, 15, 15, 15]
    assert int(settings.ACCOUNT_SLOWDOWN_LONGEST.total_seconds() // 60) == 15
    assert slowdowns("prov").count() == 8  # the first slow-down and each one after it
    last = slowdowns("prov").last()
    assert "15 分钟" in last.note


def test_the_owner_is_not_slowed_from_an_address_they_signed_in_from(world):
    assert sign_in("prov", address=HOME).status_code == 302  # the office, last week
    travel(timedelta(days=7))
    guess("prov", botnet(5), settings.ACCOUNT_SLOWDOWN_FAILURES)
    assert is_slowdown_page(sign_in("prov", address=NEW_PLACE))
    assert sign_in("prov", address=HOME).status_code == 302
    # A success long ago does not make an address known.
    travel(settings.ACCOUNT_SLOWDOWN_KNOWN_ADDRESS)
    guess("prov", botnet(5), settings.ACCOUNT_SLOWDOWN_FAILURES)
    assert is_slowdown_page(sign_in("prov", address=HOME))


def test_other_accounts_are_not_slowed(world):
    guess("prov", botnet(5), settings.ACCOUNT_SLOWDOWN_FAILURES)
    for name in ("nantong", "qiye"):
        assert sign_in(name, address=botnet(5)[0]).status_code == 302, name


def test_failures_from_one_or_two_addresses_are_left_to_the_lockouts(world):
    """Those are the per-account and per-address lockouts' business; this one is for many addresses."""
    assert settings.ACCOUNT_SLOWDOWN_ADDRESSES == 3
    guess("prov", botnet(2), 2 * (settings.AXES_FAILURE_LIMIT + 3))
    assert AccessFailureLog.objects.filter(username="prov").count() >= settings.ACCOUNT_SLOWDOWN_FAILURES
    assert not slowdowns("prov").exists()
    assert sign_in("prov", address=NEW_PLACE).status_code == 302


def test_typos_followed_by_a_successful_login_do_not_count(world):
    limit = settings.ACCOUNT_SLOWDOWN_FAILURES
    for address in ("203.0.113.9", "203.0.113.10"):  # the owner mistypes at the office and at home
        guess("prov", [address], 3)
        assert sign_in("prov", address=address).status_code == 302
    assert guess("prov", botnet(3), limit - 1) == [200] * (limit - 1)
    assert not slowdowns("prov").exists()
    assert guess("prov", botnet(3), 1) == [429]


def test_failures_older_than_the_window_do_not_count(world):
    limit = settings.ACCOUNT_SLOWDOWN_FAILURES
    guess("prov", botnet(5), limit - 1)
    travel(settings.ACCOUNT_SLOWDOWN_WINDOW)
    assert guess("prov", botnet(5), limit - 1) == [200] * (limit - 1)
    assert sign_in("prov", address=NEW_PLACE).status_code == 302


def test_a_user_name_that_does_not_exist_answers_the_same(world):
    """The slow-down tells nothing about which user names exist."""
    limit = settings.ACCOUNT_SLOWDOWN_FAILURES
    assert guess("nosuchuser", botnet(5), limit) == [200] * (limit - 1) + [429]
    assert is_slowdown_page(sign_in("nosuchuser", address=NEW_PLACE))
    assert slowdowns("nosuchuser").get().object_id == ""


def test_the_slowdown_page_speaks_english_too(world):
    guess("prov", botnet(5), settings.ACCOUNT_SLOWDOWN_FAILURES)
    page = Client().post(reverse(LOGIN), {"username": "prov", "password": f.PASSWORD}, REMOTE_ADDR=NEW_PLACE,
                         HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 429
    text = page.content.decode()
    assert "Login delayed" in text and "登录已暂缓" not in text


def test_the_audit_trail_names_the_slowdown(world, login):
    guess("prov", botnet(5), settings.ACCOUNT_SLOWDOWN_FAILURES)
    text = login(world.users["audit_admin"]).get(reverse("audit:list")).content.decode()
    assert "登录暂缓" in text and "prov" in text
