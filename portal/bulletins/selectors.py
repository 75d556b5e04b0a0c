"""Reads of bulletins: every kind's, through the viewer's scope."""

from typing import Any

from django.db.models import Q

from portal.accounts.scoping import Viewer
from portal.core import registry

from .kinds import BulletinKind
from .models import Bulletin


def managed_kinds(*, user: Viewer) -> list[BulletinKind]:
    """The kinds ``user`` drafts and publishes."""
    return [k for k in registry.bulletin_kinds() if k.may_manage(user)]


def visible_bulletins(*, user: Viewer, kind: str = "") -> Any:
    """Officials read the published bulletins of their region, the levels above it and below it; the managers
    of a kind its drafts too."""
    qs = Bulletin.objects.visible_to(user).select_related("region", "notice")
    if kind:
        qs = qs.filter(kind=kind)
    managed = [k.key for k in managed_kinds(user=user)]
    return qs.filter(Q(status=Bulletin.Status.PUBLISHED) | Q(kind__in=managed))


def bulletin_for(*, user: Viewer, pk: int) -> Bulletin | None:
    return visible_bulletins(user=user).filter(pk=pk).first()


def table(bulletin: Bulletin, kind: BulletinKind) -> dict:
    """What the printable page shows: the kind's columns, the rows as stored, the own line."""
    return {"columns": kind.columns, "rows": bulletin.figures,
            "total": {**bulletin.totals, "name": str(kind.total_label)}}
