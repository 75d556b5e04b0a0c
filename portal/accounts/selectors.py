from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from portal.audit.models import AuditEntry
from portal.core import registry

from .models import AddressLockout, EnterpriseRegistration, Role, User
from .scoping import grantable_rows, granted_rows, scope_for


def user_list(*, user: User, q: str = "", role: str | None = None, active: bool | None = None) -> Any:
    qs = User.objects.visible_to(user).select_related("region", "enterprise").order_by("username")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(enterprise__name__icontains=q))
    if role:
        qs = qs.filter(role=role)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def admin_counts() -> dict:
    """What the three administrators' dashboards count: two queries."""

    counts = User.objects.aggregate(
        total=Count("id"),
        inactive=Count("id", filter=Q(is_active=False)),
        no_role=Count("id", filter=Q(role=Role.NONE, is_active=True)),
    )
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    counts["logins_today"] = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, at__gte=start).count()
    return counts


def registration_list(*, user: User, status: str | None = EnterpriseRegistration.Status.PENDING) -> Any:
    qs = EnterpriseRegistration.objects.visible_to(user).select_related(
        "region", "industry", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs


def registration_for_decision(*, user: User, pk: int) -> EnterpriseRegistration | None:
    """A pending or decided registration of the user's own county (city and sibling counties: None)."""
    if user.role != Role.OFFICIAL:
        return None
    return scope_for(user).decidable_registrations(
        EnterpriseRegistration.objects.visible_to(user).select_related("region", "industry", "decided_by")
    ).filter(pk=pk).first()


def pending_registration_count(*, user: User) -> int:
    if user.role != Role.OFFICIAL:
        return 0
    return scope_for(user).decidable_registrations(
        EnterpriseRegistration.objects.visible_to(user).filter(status=EnterpriseRegistration.Status.PENDING)).count()


# -- login lockouts (for the security administrator) ------------------------------------------------
@dataclass(frozen=True)
class AccountLockout:
    """A user name locked from one address: django-axes' AccessAttempt rows of that pair, summed."""

    username: str
    ip_address: str
    failures: int
    last_failure: datetime
    locked_until: datetime
    user: User | None = None  # None: nobody has this user name (guessed names are locked too)


def account_lockouts(*, user: User) -> QuerySet:
    """Locked (user name, address) pairs, latest first: what axes refuses right now, as rows of
    {username, ip_address, failures, last_failure}. Empty for anyone who may not lift them."""

    if not scope_for(user).may_unlock_accounts:
        return AccessAttempt.objects.none().values("username", "ip_address")
    since = timezone.now() - get_cool_off()
    return (AccessAttempt.objects.filter(attempt_time__gte=since)
            .values("username", "ip_address")
            .annotate(failures=Sum("failures_since_start"), last_failure=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
            .order_by("-last_failure", "username"))


def account_lockout_rows(rows: Any) -> list[AccountLockout]:
    """A page of account_lockouts() with the accounts they name (one query) and when each lock ends."""

    rows = list(rows)
    cool_off = get_cool_off()
    users = {u.username: u for u in User.objects.filter(username__in=[r["username"] for r in rows if r["username"]])
             .select_related("region", "enterprise")}
    return [AccountLockout(username=r["username"] or "", ip_address=r["ip_address"] or "", failures=r["failures"],
                           last_failure=r["last_failure"], locked_until=r["last_failure"] + cool_off,
                           user=users.get(r["username"])) for r in rows]


def address_lockouts(*, user: User) -> QuerySet:
    """Addresses whose logins are refused right now (across user names), latest first."""
    return AddressLockout.objects.visible_to(user).active().order_by("-locked_at")


def lockout_count(*, user: User) -> int:
    return account_lockouts(user=user).count() + address_lockouts(user=user).count()


# -- object grants ---------------------------------------------------------------------------------------
@dataclass
class GrantGroup:
    """One grantable model for one user: what they hold, and what else may be granted to them."""

    label: str  # the model's label, the first half of a target "<label>:<pk>"
    name: str  # its verbose name (服务平台)
    granted: list
    offered: list


def grant_groups(*, user: User, target: User) -> list[GrantGroup]:
    """For the security administrator's grant page: per model registered for ``target``'s role, the objects
    granted to them and the others. Two queries per model."""
    out = []
    for grantable in registry.grantable_for_role(target.role):
        model = grantable.model
        held = list(granted_rows(target, model))
        held_ids = {o.pk for o in held}
        out.append(GrantGroup(label=model._meta.label, name=str(model._meta.verbose_name), granted=held,
                              offered=[o for o in grantable_rows(user, model) if o.pk not in held_ids]))
    return out


def grantable_roles() -> set[str]:
    return {g.role for g in registry.grantables()}
