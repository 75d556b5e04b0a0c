"""The audit trail's labels in templates: ``{% load audit_tags %}``, ``{{ e.model|model_label }}``,
``{{ e.channel|channel_label }}``, ``{% for c in e|readable_changes %}``."""

from django import template

from portal.audit import presenting

register = template.Library()


@register.filter
def model_label(label: str) -> str:
    return presenting.model_label(label)


@register.filter
def channel_label(channel: str) -> str:
    return presenting.channel_label(channel)


@register.filter
def readable_changes(entry) -> list[presenting.Change]:
    return presenting.readable_changes(entry.model, entry.changes)
