"""Throttles of the public forms: self-registration per address, password reset per address and per email."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.accounts.models import EnterpriseRegistration
from portal.core import ratelimit
from tests.portal.test_accounts_registration import registration_data

pytestmark = pytest.mark.django_db

HERE = "203.0.113.9"
THERE = "192.0.2.44"


def limit(name: str) -> int:
    return ratelimit.rate(name).limit


# -- registration ---------------------------------------------------------------------------------------
def post_registration(client, world, address, n: int, **overrides):
    data = registration_data(world, username=f"applicant{n}", **overrides)
    return client.post(reverse("accounts:register"), data, REMOTE_ADDR=address)


def test_registration_is_throttled_per_address(client, world):
    allowed = limit("register")
    # Every submission counts, those the form refuses too (they can probe user names and credit codes).
    for n in range(allowed - 1):
        response = post_registration(client, world, HERE, n, password2="Not#TheSame2026")
        assert response.status_code == 200
        assert "两次输入的密码不一致" in response.content.decode()
    assert "注册申请已提交" in post_registration(client, world, HERE, allowed).content.decode()

    response = post_registration(client, world, HERE, allowed + 1)
    assert response.status_code == 429
    assert "本网络地址提交注册申请过于频繁,请稍后再试" in response.content.decode()
    assert int(response["Retry-After"]) == ratelimit.rate("register").period
    assert EnterpriseRegistration.objects.count() == 1
    # Another address is not affected.
    response = post_registration(client, world, THERE, allowed + 2)
    assert response.status_code == 200
    assert "注册申请已提交" in response.content.decode()
    assert EnterpriseRegistration.objects.count() == 2


def test_registration_throttle_counts_the_client_behind_the_trusted_proxy(client, world, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for _n in range(limit("register")):
        client.post(reverse("accounts:register"), {}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=HERE)
    throttled = client.post(reverse("accounts:register"), {}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=HERE)
    assert throttled.status_code == 429
    # Another client behind the same proxy is counted on its own.
    response = client.post(reverse("accounts:register"), registration_data(world), REMOTE_ADDR="10.0.0.2",
                           HTTP_X_FORWARDED_FOR=THERE)
    assert response.status_code == 200
    assert "注册申请已提交" in response.content.decode()


def test_the_registration_page_itself_is_not_throttled(client, world):
    for n in range(limit("register") + 1):
        post_registration(client, world, HERE, n, password2="x")
    assert client.get(reverse("accounts:register"), REMOTE_ADDR=HERE).status_code == 200


# -- password reset -------------------------------------------------------------------------------------
def reset(client, email: str, address: str):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_is_throttled_per_address(client, world):
    allowed = limit("password_reset")
    for n in range(allowed):
        assert reset(client, f"someone{n}@example.cn", HERE).status_code == 302
    response = reset(client, world.users["county"].email, HERE)
    assert response.status_code == 429
    assert "本网络地址的找回密码请求过于频繁,请稍后再试" in response.content.decode()
    assert mail.outbox == []
    # From another address the same request goes through.
    assert reset(client, world.users["county"].email, THERE).status_code == 302
    assert [m.to for m in mail.outbox] == [[world.users["county"].email]]


def test_password_reset_is_throttled_per_email_without_telling_whether_it_has_an_account(client, world):
    allowed = limit("password_reset_email")
    known, unknown = world.users["county"].email, "nobody@nowhere.cn"
    answers = {}
    for email in (known, unknown):
        statuses = [reset(client, email.upper() if n % 2 else email, f"198.51.100.{n + 1}").status_code
                    for n in range(allowed)]
        refused = reset(client, email, f"198.51.100.{allowed + 1}")
        answers[email] = (statuses, refused.status_code,
                          "该邮箱的找回密码请求过于频繁,请稍后再试" in refused.content.decode())
    # The same answers for an email with an account and one without.
    assert answers[known] == answers[unknown] == ([302] * allowed, 429, True)
    assert len(mail.outbox) == allowed
    assert {tuple(m.to) for m in mail.outbox} == {(known,)}
    # Another email from the same addresses is not affected.
    assert reset(client, world.users["enterprise"].email, f"198.51.100.{allowed + 1}").status_code == 302


def test_invalid_email_is_not_counted_against_anyone_but_the_address(client, world):
    allowed = limit("password_reset")
    response = reset(client, "not-an-email", HERE)
    assert response.status_code == 200
    for n in range(allowed - 1):
        assert reset(client, f"someone{n}@example.cn", HERE).status_code == 302
    assert reset(client, "another@example.cn", HERE).status_code == 429


# -- the counter ----------------------------------------------------------------------------------------
def test_rates_are_read_as_count_per_period():
    assert ratelimit.Rate.parse("20/hour") == ratelimit.Rate(20, 3600)
    assert ratelimit.Rate.parse("3/day") == ratelimit.Rate(3, 86400)
    for wrong in ("20", "0/hour", "x/hour", "20/week"):
        with pytest.raises(ValueError):
            ratelimit.Rate.parse(wrong)


def test_the_window_slides(settings):
    settings.FORM_THROTTLE_RATES = {**settings.FORM_THROTTLE_RATES, "probe": "4/hour"}
    start = 1_000 * 3600.0  # the start of an hour
    assert all(ratelimit.hit("probe", "a", now=start + 3000 + i) for i in range(4))
    assert not ratelimit.hit("probe", "a", now=start + 3010)
    assert ratelimit.hit("probe", "b", now=start + 3010)  # counted per identity
    # Ten minutes into the next hour, the five hits of the last one still weigh 5 x 50/60 > 4.
    assert not ratelimit.hit("probe", "a", now=start + 3600 + 600)
    # Late in the next hour they have faded: 5 x 5/60 + 2 < 4.
    assert ratelimit.hit("probe", "a", now=start + 3600 + 3300)
    # An hour with no hits later, nothing is left.
    assert all(ratelimit.hit("probe", "a", now=start + 4 * 3600 + i) for i in range(4))
