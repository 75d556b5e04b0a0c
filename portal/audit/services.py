"""Writing the audit trail. Called by every service that changes registry or report data."""
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import models

from . import context
from .models import AuditEntry


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in after
        if _plain(before.get(key)) != _plain(after.get(key))
    }


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict:
    return {name: getattr(instance, name) for name in fields}


def entry(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    model: str | None = None,
    object_id: str = "",
    object_repr: str = "",
    region_path: str = "",
    enterprise_id: int | None = None,
    changes: dict | None = None,
    note: str = "",
) -> AuditEntry:
    """One unsaved audit row, its origin (channel, address) from the context: what ``record`` saves and
    ``record_many`` saves in bulk."""
    origin = context.current()
    if obj is not None:
        model = model or obj._meta.label
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        region_path = region_path or getattr(obj, "region_path", "") or getattr(getattr(obj, "region", None), "path", "")
    return AuditEntry(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if getattr(actor, "pk", None) else origin.channel)[:150],
        ip_address=origin.ip_address,
        channel=origin.channel,
        action=action,
        model=model or "",
        object_id=object_id,
        object_repr=object_repr[:200],
        region_path=region_path,
        enterprise_id=enterprise_id,
        changes=changes or {},
        note=note,
    )


def record(**kwargs: Any) -> AuditEntry:
    """Record one act (see ``entry`` for the arguments)."""
    row = entry(**kwargs)
    row.save()
    return row


def record_many(entries: Iterable[AuditEntry], *, batch_size: int = 2000) -> int:
    """Record the acts of a batch (import, bulk filing, reclassification) in bulk: rows built by ``entry``."""
    rows = list(entries)
    AuditEntry.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
