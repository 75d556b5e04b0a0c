"""``{{ job|file_url }}``: the scoped download of a row's stored file (portal.core.files)."""

from django import template

from portal.core import files

register = template.Library()


@register.filter
def file_url(obj) -> str:
    return files.file_url(obj)
