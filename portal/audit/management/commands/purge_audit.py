"""manage.py purge_audit [--dry-run]: remove audit rows older than AUDIT_RETENTION_DAYS (≥ 183 days).

See portal/audit/retention.py for why this is the only delete path of the audit trail.
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from portal.audit import context
from portal.audit.retention import purge_expired, retention_days


class Command(BaseCommand):
    help = "Delete audit entries older than the retention period (AUDIT_RETENTION_DAYS, at least 183 days)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, dry_run=False, **options):
        try:
            days = retention_days()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        with context.origin("cli"):
            result = purge_expired(dry_run=dry_run)
        when = timezone.localtime(result.cutoff).strftime("%Y-%m-%d %H:%M")
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {result.deleted} audit entries older than {when} (retention {days} days)")
