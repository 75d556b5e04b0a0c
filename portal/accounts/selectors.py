from django.db.models import Count, Q
from django.utils import timezone

from .models import EnterpriseRegistration, Role, User
from .scoping import scope_for


def user_list(*, user, q: str = "", role: str | None = None, active: bool | None = None):
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
    from portal.audit.models import AuditEntry

    counts = User.objects.aggregate(
        total=Count("id"),
        inactive=Count("id", filter=Q(is_active=False)),
        no_role=Count("id", filter=Q(role=Role.NONE, is_active=True)),
    )
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    counts["logins_today"] = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN, at__gte=start).count()
    return counts


def registration_list(*, user, status: str | None = EnterpriseRegistration.Status.PENDING):
    qs = EnterpriseRegistration.objects.visible_to(user).select_related(
        "region", "industry", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs


def registration_for_decision(*, user, pk: int) -> EnterpriseRegistration | None:
    """A pending or decided registration of the user's own county (city and sibling counties: None)."""
    if user.role != Role.OFFICIAL:
        return None
    return scope_for(user).decidable_registrations(
        EnterpriseRegistration.objects.visible_to(user).select_related("region", "industry", "decided_by")
    ).filter(pk=pk).first()


def pending_registration_count(*, user) -> int:
    if user.role != Role.OFFICIAL:
        return 0
    return scope_for(user).decidable_registrations(
        EnterpriseRegistration.objects.visible_to(user).filter(status=EnterpriseRegistration.Status.PENDING)).count()
