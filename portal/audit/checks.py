"""System check: the audit trail is kept at least six months (see retention.py).

Registered when imported; ``AuditConfig.ready()`` imports this module.
"""

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from .retention import retention_days


@register(Tags.security)
def check_audit_retention(app_configs=None, **kwargs):
    try:
        retention_days()
    except ImproperlyConfigured as exc:
        return [Error(str(exc), hint="Set AUDIT_RETENTION_DAYS to 183 or more (default 365).",
                      id="audit.E001")]
    return []
