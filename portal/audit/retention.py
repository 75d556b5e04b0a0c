"""How long the audit trail is kept, and the one place where old rows are removed.

Graded protection (等保 2.0) and the Cybersecurity Law (网络安全法 第二十一条) require network logs to
be kept for at least six months. ``AUDIT_RETENTION_DAYS`` (default 365) may not be set below 183 days.

Why there is a delete path at all: the trail grows without bound (bulk imports write a row per
enterprise), and keeping it forever is a decision of the operator, not of the code. So
``manage.py purge_audit`` may remove rows older than the retention period, and nothing else may:

- the model and its queryset refuse ``save()`` of an existing row, ``update()``, ``delete()`` and the
  collector's ``_raw_delete()``; the admin and the API are read-only;
- ``purge_expired()`` below deletes with its own SQL statement, by primary key, in batches, only rows
  whose ``at`` is before ``now - retention`` (never a caller-chosen cutoff, never "everything"); it
  records the purge itself as an audit row (which is younger than any cutoff and so never purged by it).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import services as audit
from .models import AuditEntry

MIN_RETENTION_DAYS = 183  # six months, rounded up
DEFAULT_RETENTION_DAYS = 365
BATCH = 5000


def retention_days() -> int:
    days = getattr(settings, "AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    if not isinstance(days, int) or isinstance(days, bool) or days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS must be an integer of at least {MIN_RETENTION_DAYS} "
            f"(audit logs are kept at least six months), not {days!r}."
        )
    return days


def cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=retention_days())


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    deleted: int


def purge_expired(*, dry_run: bool = False) -> PurgeResult:
    """Delete audit rows older than the retention period. Returns how many (or would be, on dry run)."""
    limit = cutoff()
    expired = AuditEntry.objects.filter(at__lt=limit)
    if dry_run:
        return PurgeResult(limit, expired.count())
    using = router.db_for_write(AuditEntry)
    connection = connections[using]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    pk = connection.ops.quote_name(AuditEntry._meta.pk.column)
    deleted = 0
    with transaction.atomic(using=using):
        while True:
            ids = list(expired.order_by("pk").values_list("pk", flat=True)[:BATCH])
            if not ids:
                break
            placeholders = ", ".join(["%s"] * len(ids))
            with connection.cursor() as cursor:
                # The only statement that deletes audit rows (see the module docstring).
                cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({placeholders})", ids)  # noqa: S608
                deleted += cursor.rowcount
        audit.record(
            actor=None, action=AuditEntry.Action.DELETE, model="audit.AuditEntry",
            object_repr=_("审计日志清理:%(n)d 条") % {"n": deleted}, changes={"deleted": [None, deleted]},
            note=_("删除 %(cutoff)s 之前的记录(保存期限 %(days)d 天)") % {
                "cutoff": f"{timezone.localtime(limit):%Y-%m-%d %H:%M}", "days": retention_days()},
        )
    return PurgeResult(limit, deleted)
