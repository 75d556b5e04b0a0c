"""Reads of the unlock requests: the officials' queue (what they may decide) and an enterprise's own."""

from typing import Any

from monitoring.models import FilingStatus, Period
from monitoring.unlocks.models import UnlockRequest
from portal.accounts.scoping import Viewer, scope_for


def _listed(qs: Any) -> Any:
    return qs.select_related("enterprise", "enterprise__region", "period", "requested_by", "decided_by")


def pending_for(*, user: Viewer, limit: int | None = None) -> list[UnlockRequest]:
    """The requests waiting for ``user``'s decision: those in their subtree they may unlock (cities and the
    province; a county sees none), oldest first."""
    if not scope_for(user).may_unlock_filings:
        return []
    qs = _listed(UnlockRequest.objects.visible_to(user).filter(status=UnlockRequest.Status.PENDING)
                 .order_by("requested_at", "id"))
    rows = list(qs[:limit] if limit else qs)
    for row in rows:  # the report's status when the request was made, by its label
        row.filing_label = FilingStatus(row.filing_status).label if row.filing_status else ""
    return rows


def pending_count(*, user: Viewer) -> int:
    if not scope_for(user).may_unlock_filings:
        return 0
    return UnlockRequest.objects.visible_to(user).filter(status=UnlockRequest.Status.PENDING).count()


def decided_for(*, user: Viewer, limit: int = 50) -> list[UnlockRequest]:
    """The latest answered requests in ``user``'s subtree."""
    return list(_listed(UnlockRequest.objects.visible_to(user).exclude(status=UnlockRequest.Status.PENDING)
                        .order_by("-decided_at", "-id"))[:limit])


def request_detail(*, user: Viewer, pk: int) -> UnlockRequest | None:
    return _listed(UnlockRequest.objects.visible_to(user)).filter(pk=pk).first()


def latest_for(*, user: Viewer, enterprise: Any, period: Period) -> UnlockRequest | None:
    """The enterprise's latest request about ``period`` (None for a month nobody opened)."""
    if period.pk is None:
        return None
    return (UnlockRequest.objects.visible_to(user).filter(enterprise=enterprise, period_id=period.pk)
            .select_related("decided_by").order_by("-requested_at", "-id").first())


def pending_periods(*, user: Viewer, enterprise: Any) -> set[int]:
    """The ids of the periods the enterprise has a request waiting for."""
    return set(UnlockRequest.objects.visible_to(user).filter(enterprise=enterprise, status=UnlockRequest.Status.PENDING)
               .values_list("period_id", flat=True))
