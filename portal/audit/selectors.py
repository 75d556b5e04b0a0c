"""Reads of the audit trail. Officials read their subtree's rows, the audit administrator every row."""
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from portal.accounts.models import Role
from portal.accounts.scoping import Viewer, scope_for

from .models import AuditEntry


def can_read_audit(*, user: Viewer) -> bool:
    """The audit administrator and officials (their subtree). The system and security administrators,
    whose acts the trail records, do not read it (三员分立)."""
    return user.is_authenticated and user.is_active and (
        user.role == Role.AUDIT_ADMIN or (user.role == Role.OFFICIAL and scope_for(user).is_official))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_list(*, user: Viewer, date_from: date | None = None, date_to: date | None = None, actor: str = "",
               model: str = "", action: str = "", q: str = "") -> Any:
    """The rows the user may read, newest first, filtered. Two queries a page (count + rows).

    Dates are local (Asia/Shanghai) and inclusive.
    """
    qs = AuditEntry.objects.visible_to(user)
    if date_from:
        qs = qs.filter(at__gte=_start_of(date_from))
    if date_to:
        qs = qs.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    if actor:
        qs = qs.filter(actor_name__icontains=actor)
    if model:
        qs = qs.filter(model=model)
    if action:
        qs = qs.filter(action=action)
    if q:
        qs = qs.filter(Q(object_repr__icontains=q) | Q(actor_name__icontains=q) | Q(note__icontains=q)
                       | Q(object_id=q))
    return qs.order_by("-at", "-id")


def audit_entry(*, user: Viewer, pk: int) -> AuditEntry | None:
    return AuditEntry.objects.visible_to(user).filter(pk=pk).first()
