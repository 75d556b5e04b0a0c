"""Login lockout: one user name from one address (django-axes), one address across user names, and the
slow-down of one user name across addresses (portal.accounts.slowdown).

- Per user name and address (AXES_LOCKOUT_PARAMETERS): AXES_FAILURE_LIMIT failures lock that user name
  *from that address* for AXES_COOLOFF_TIME. Nobody can lock someone else's account from their own
  address: the owner still logs in from theirs.
- Per address (this module): LOGIN_ADDRESS_FAILURE_LIMIT failures within LOGIN_ADDRESS_WINDOW, whatever
  the user names, refuse every login from that address for LOGIN_ADDRESS_LOCKOUT (an AddressLockout row).
  This stops one address spraying guesses over many accounts, each staying under the per-account limit.
  The per-address limit is twice the per-account one, and typos followed by a successful login of the
  same user name are forgiven, so one person's typos on their own account never shut out the colleagues
  who share their NAT address.

- Per user name across addresses (portal.accounts.slowdown): many failures of one user name from several
  addresses make each further attempt on it wait a short, growing interval (except from an address where it
  signed in successfully lately).

Failures are counted from django-axes' AccessFailureLog (one row per failed login, with its time and the
client address computed by portal.core.middleware.client_address). Attempts refused while locked are not
checked against the password and not counted (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False): a
lockout runs its time and does not grow while someone keeps knocking.
"""

import ipaddress
import logging
import math
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.utils import timezone

from . import slowdown
from .models import AddressLockout

# request attribute naming what refused the login: "account" (user name and address), "address" or
# "slowdown" (the user name, across addresses; SLOWDOWN_ATTR holds until when)
REASON_ATTR = "portal_lockout"
SLOWDOWN_ATTR = "portal_slowdown_until"

logger = logging.getLogger(__name__)
# Where a reverse proxy of our own can be (RFC 1918, unique local IPv6).
LOCAL_NETWORKS = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")]


def forwards_for_others(request) -> bool:
    """The address seen is a proxy on our own network that forwards for others but is not in TRUSTED_PROXIES
    (a private or loopback address sending X-Forwarded-For): locking it at the address limit would lock every
    client behind it out of the portal for one person's spray, so it is locked only at the much higher
    LOGIN_PROXY_FAILURE_LIMIT (a spray through it, or by anyone on our network sending the header, is still
    bounded) and the misconfiguration is logged. An address on the internet cannot pass as private, so a
    forged header gains an attacker nothing."""
    if not request.META.get("HTTP_X_FORWARDED_FOR"):
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if address.is_loopback or any(address in net for net in LOCAL_NETWORKS if net.version == address.version):
        logger.warning("login failure from %s, which forwards for others but is not in TRUSTED_PROXIES: "
                       "address lockout only at LOGIN_PROXY_FAILURE_LIMIT (set TRUSTED_PROXIES, docs/operations.md)",
                       address)
        return True
    return False


def address_locked(ip_address: str | None, at=None) -> bool:
    return bool(ip_address) and AddressLockout.objects.active(at).filter(ip_address=ip_address).exists()


def active_address_lockout(ip_address: str | None) -> AddressLockout | None:
    return AddressLockout.objects.active().filter(ip_address=ip_address).first() if ip_address else None


def address_failures(ip_address: str, at=None) -> int:
    """Failed logins from the address within the window that count towards its lockout.

    Not counted: failures before the address's last lockout ended, and typos forgiven by a later
    successful login of the same user name from the same address (axes' AccessLog).
    """
    at = at or timezone.now()
    since = at - settings.LOGIN_ADDRESS_WINDOW
    last = AddressLockout.objects.filter(ip_address=ip_address).order_by("-locked_at").first()
    if last is not None and last.ended_at > since:
        since = last.ended_at
    later_success = AccessLog.objects.filter(
        ip_address=OuterRef("ip_address"), username=OuterRef("username"), attempt_time__gt=OuterRef("attempt_time"))
    return (AccessFailureLog.objects.filter(ip_address=ip_address, attempt_time__gte=since)
            .exclude(Exists(later_success)).count())


@transaction.atomic
def note_address_failure(ip_address: str | None, at=None, *, limit: int | None = None) -> AddressLockout | None:
    """After a failed login: lock the address out when it has reached ``limit`` (LOGIN_ADDRESS_FAILURE_LIMIT
    unless given; returns the lockout)."""
    if not ip_address:
        return None
    at = at or timezone.now()
    failures = address_failures(ip_address, at)
    if failures < (limit or settings.LOGIN_ADDRESS_FAILURE_LIMIT) or address_locked(ip_address, at):
        return None
    return AddressLockout.objects.create(ip_address=ip_address, failures=failures, locked_at=at,
                                         locked_until=at + settings.LOGIN_ADDRESS_LOCKOUT)


class PortalAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus the lockout of an address across user names."""

    def is_locked(self, request, credentials=None) -> bool:
        # The address first: its lockout is the wider one, and the page should say so.
        if address_locked(getattr(request, "axes_ip_address", None)):
            setattr(request, REASON_ATTR, "address")
            return True
        if super().is_locked(request, credentials):
            setattr(request, REASON_ATTR, "account")
            return True
        until = slowdown.refused_until(get_client_username(request, credentials),
                                       getattr(request, "axes_ip_address", None),
                                       getattr(request, "axes_attempt_time", None))
        if until is not None:
            setattr(request, REASON_ATTR, "slowdown")
            setattr(request, SLOWDOWN_ATTR, until)
            return True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        refused = request is not None and getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused:  # refused while locked: nothing was tried, nothing is counted
            return
        if request.axes_locked_out:
            setattr(request, REASON_ATTR, "account")
        self._note_account_failure(request, credentials)
        limit = settings.LOGIN_PROXY_FAILURE_LIMIT if forwards_for_others(request) else None
        if note_address_failure(request.axes_ip_address, request.axes_attempt_time, limit=limit) is not None:
            setattr(request, REASON_ATTR, "address")
            request.axes_locked_out = True
            request.axes_credentials = credentials

    @staticmethod
    def _note_account_failure(request, credentials: dict) -> None:
        """Count the failure against the user name across addresses; when it slows the account down, this
        attempt already answers the slow-down page (unless a lockout answers, or the address is known)."""
        noted = slowdown.note_failure(get_client_username(request, credentials), request.axes_attempt_time)
        if noted is None or request.axes_locked_out:
            return
        until = slowdown.refused_until(noted.username, request.axes_ip_address, request.axes_attempt_time)
        if until is not None:
            setattr(request, REASON_ATTR, "slowdown")
            setattr(request, SLOWDOWN_ATTR, until)
            request.axes_locked_out = True
            request.axes_credentials = credentials


def _minutes(delta: timedelta | None) -> int:
    return int(delta.total_seconds() // 60) if delta else 0


def lockout_response(request, original_response=None, credentials=None):
    """The Chinese lockout page (AXES_LOCKOUT_CALLABLE), 429, for each kind of lockout and the slow-down."""
    reason = getattr(request, REASON_ATTR, "account")
    by_address = reason == "address"
    if reason == "slowdown":
        until = getattr(request, SLOWDOWN_ATTR, None) or timezone.now()
        context = {"by_slowdown": True, "addresses": settings.ACCOUNT_SLOWDOWN_ADDRESSES,
                   "minutes": max(1, math.ceil((until - timezone.now()).total_seconds() / 60))}
    elif by_address:
        lockout = active_address_lockout(getattr(request, "axes_ip_address", None))
        context = {"by_address": True, "failure_limit": lockout.failures if lockout else settings.LOGIN_ADDRESS_FAILURE_LIMIT,
                   "window_minutes": _minutes(settings.LOGIN_ADDRESS_WINDOW),
                   "minutes": _minutes(settings.LOGIN_ADDRESS_LOCKOUT)}
    else:
        context = {"by_address": False, "failure_limit": settings.AXES_FAILURE_LIMIT,
                   "minutes": _minutes(get_cool_off(request))}
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
