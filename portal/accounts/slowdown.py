"""Per-account slow-down across addresses: the answer to one password guessed from many addresses.

The two lockouts (portal.accounts.lockout) count per user name *and* address, and per address: a guesser
with many addresses (an IPv6 /64, a botnet) stays under both by trying a few passwords from each. This
module counts per user name alone. Once a user name has had ACCOUNT_SLOWDOWN_FAILURES failed logins within
ACCOUNT_SLOWDOWN_WINDOW, from at least ACCOUNT_SLOWDOWN_ADDRESSES different addresses, each further attempt
on it must wait: ACCOUNT_SLOWDOWN_FIRST after the last failure, twice as long after each further failure, at
most ACCOUNT_SLOWDOWN_LONGEST. An attempt made while it waits is refused unchecked (and, like any refused
attempt, not counted); the first failure that slows the account down, and each that lengthens the wait, is
written to the audit trail (action 登录暂缓).

It never locks the owner out: the wait is short and ends by itself, and it does not apply at all from an
address where the account signed in successfully within ACCOUNT_SLOWDOWN_KNOWN_ADDRESS (the office, home).
Failures followed by a successful login of the same user name from the same address are the owner's typos
and are not counted. It applies alike to user names that do not exist, so it tells nothing about which do.

Counted from django-axes' AccessFailureLog (failures) and AccessLog (successful logins); no table of its own.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import services as audit
from portal.audit.models import AuditEntry

from .models import User


@dataclass(frozen=True)
class Slowdown:
    username: str
    failures: int  # counted failures within the window
    addresses: int  # the addresses they came from
    last_failure: datetime
    until: datetime  # attempts before this are refused (except from a known address)


def delay_after(failures: int) -> timedelta:
    """The wait after the ``failures``-th counted failure (the first slowed one waits ACCOUNT_SLOWDOWN_FIRST)."""
    steps = min(failures - settings.ACCOUNT_SLOWDOWN_FAILURES, 16)
    return min(settings.ACCOUNT_SLOWDOWN_FIRST * 2 ** max(steps, 0), settings.ACCOUNT_SLOWDOWN_LONGEST)


def current(username: str | None, at: datetime | None = None) -> Slowdown | None:
    """The slow-down of ``username`` at ``at`` (now), whether or not its wait has run out; None below the
    thresholds. One query."""
    if not username:
        return None
    at = at or timezone.now()
    forgiven = AccessLog.objects.filter(username=OuterRef("username"), ip_address=OuterRef("ip_address"),
                                        attempt_time__gt=OuterRef("attempt_time"))
    counts = (AccessFailureLog.objects
              .filter(username=username, attempt_time__gt=at - settings.ACCOUNT_SLOWDOWN_WINDOW)
              .exclude(Exists(forgiven))
              .aggregate(failures=Count("id"), addresses=Count("ip_address", distinct=True), last=Max("attempt_time")))
    failures, addresses = counts["failures"], counts["addresses"]
    if failures < settings.ACCOUNT_SLOWDOWN_FAILURES or addresses < settings.ACCOUNT_SLOWDOWN_ADDRESSES:
        return None
    return Slowdown(username=username, failures=failures, addresses=addresses, last_failure=counts["last"],
                    until=counts["last"] + delay_after(failures))


def known_address(username: str, ip_address: str | None, at: datetime) -> bool:
    """The account signed in successfully from this address recently: its owner's office or home."""
    return bool(ip_address) and AccessLog.objects.filter(
        username=username, ip_address=ip_address,
        attempt_time__gt=at - settings.ACCOUNT_SLOWDOWN_KNOWN_ADDRESS).exists()


def refused_until(username: str | None, ip_address: str | None, at: datetime | None = None) -> datetime | None:
    """Until when an attempt on ``username`` from ``ip_address`` is refused unchecked; None: it may be tried."""
    at = at or timezone.now()
    slowdown = current(username, at)
    if slowdown is None or slowdown.until <= at or known_address(slowdown.username, ip_address, at):
        return None
    return slowdown.until


@transaction.atomic
def note_failure(username: str | None, at: datetime | None = None) -> Slowdown | None:
    """After a failed login (already in AccessFailureLog): the slow-down it starts or lengthens, recorded in
    the audit trail; None when the account is below the thresholds."""
    slowdown = current(username, at)
    if slowdown is None:
        return None
    account = User.objects.filter(username=slowdown.username).values_list("pk", flat=True).first()
    wait = slowdown.until - slowdown.last_failure
    audit.record(actor=None, action=AuditEntry.Action.SLOW_DOWN, model=User._meta.label,
                 object_id=str(account or ""), object_repr=slowdown.username[:150],
                 changes={"failures": [None, slowdown.failures], "addresses": [None, slowdown.addresses],
                          "refused_until": [None, slowdown.until.isoformat()]},
                 note=_("%(hours)d 小时内来自 %(addresses)d 个网络地址登录失败 %(failures)d 次,该账号的登录暂缓 "
                        "%(minutes)d 分钟(近期登录成功过的地址除外)。") % {
                     "hours": settings.ACCOUNT_SLOWDOWN_WINDOW.total_seconds() // 3600,
                     "addresses": slowdown.addresses, "failures": slowdown.failures,
                     "minutes": math.ceil(wait.total_seconds() / 60)})
    return slowdown
