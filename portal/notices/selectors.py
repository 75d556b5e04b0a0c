from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from portal.accounts.models import Role
from portal.accounts.scoping import Viewer, scope_for

from .models import Notice, NoticeKind

HOME_ITEMS = 8


def can_manage(user: Viewer) -> bool:
    """Province staff publish news, notices and policies."""
    return getattr(user, "role", None) == Role.OFFICIAL and scope_for(user).can_manage_notices


def home_columns(*, user: Viewer) -> list[dict]:
    """The three columns of the home page: one query per column, eight items each."""
    visible = Notice.objects.visible_to(user).published()
    return [
        {"kind": kind, "label": kind.label,
         "items": list(visible.filter(kind=kind).only("id", "title", "published_at", "kind")[:HOME_ITEMS])}
        for kind in (NoticeKind.NEWS, NoticeKind.NOTICE, NoticeKind.POLICY)
    ]


def headline(*, user: Viewer) -> Notice | None:
    """The newest published notice (通知公告), shown large on the home page."""
    return Notice.objects.visible_to(user).published().filter(kind=NoticeKind.NOTICE).first()


def notice_list(*, user: Viewer, kind: str | None = None, q: str = "") -> Any:
    """The public list: published items only, also for the staff who see drafts elsewhere."""
    qs = Notice.objects.visible_to(user).published()
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return qs.select_related("author")


def latest(*, user: Viewer, limit: int = 5) -> list[Notice]:
    return list(Notice.objects.visible_to(user).published().only("id", "title", "published_at", "kind")[:limit])


class ManageStatus:
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


def manage_list(*, user: Viewer, kind: str | None = None, q: str = "", status: str | None = None) -> Any:
    """Everything the province staff manage, drafts included; nothing for anyone else."""
    if not can_manage(user):
        return Notice.objects.none()
    qs = Notice.objects.visible_to(user)
    now = timezone.now()
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    if status == ManageStatus.DRAFT:
        qs = qs.filter(is_published=False)
    elif status == ManageStatus.SCHEDULED:
        qs = qs.filter(is_published=True, published_at__gt=now)
    elif status == ManageStatus.PUBLISHED:
        qs = qs.filter(is_published=True, published_at__lte=now)
    return qs.select_related("author")


def managed_notice(*, user: Viewer, pk: int) -> Notice | None:
    if not can_manage(user):
        return None
    return Notice.objects.visible_to(user).filter(pk=pk).first()


def manage_counts(*, user: Viewer) -> dict:
    """Drafts and scheduled items waiting for the staff: one query."""
    if not can_manage(user):
        return {"drafts": 0, "scheduled": 0}
    now = timezone.now()
    return Notice.objects.visible_to(user).aggregate(
        drafts=Count("id", filter=Q(is_published=False)),
        scheduled=Count("id", filter=Q(is_published=True, published_at__gt=now)),
    )
