from django.db.models import Q

from .models import EnterpriseRegistration, User
from .scoping import scope_for


def user_list(*, user, q: str = ""):
    qs = User.objects.visible_to(user).select_related("region", "enterprise").order_by("username")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(enterprise__name__icontains=q))
    return qs


def registration_list(*, user, status: str | None = EnterpriseRegistration.Status.PENDING):
    qs = scope_for(user).registrations(EnterpriseRegistration.objects.all()).select_related(
        "region", "industry", "decided_by")
    if status:
        qs = qs.filter(status=status)
    return qs


def registration_for_decision(*, user, pk: int) -> EnterpriseRegistration | None:
    return scope_for(user).registrations(EnterpriseRegistration.objects.select_related("region")).filter(pk=pk).first()


def pending_registration_count(*, user) -> int:
    return scope_for(user).decidable_registrations(
        EnterpriseRegistration.objects.filter(status=EnterpriseRegistration.Status.PENDING)).count()
