from django.db.models import Q

from .models import Notice, NoticeKind

HOME_ITEMS = 8


def home_columns(*, user) -> list[dict]:
    """The three columns of the home page: one query per column, eight items each."""
    visible = Notice.objects.visible_to(user).published()
    return [
        {"kind": kind, "label": label,
         "items": list(visible.filter(kind=kind).only("id", "title", "published_at", "kind")[:HOME_ITEMS])}
        for kind, label in ((NoticeKind.NEWS, NoticeKind.NEWS.label), (NoticeKind.NOTICE, NoticeKind.NOTICE.label),
                            (NoticeKind.POLICY, NoticeKind.POLICY.label))
    ]


def notice_list(*, user, kind: str | None = None, q: str = ""):
    qs = Notice.objects.visible_to(user)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return qs.select_related("author")
