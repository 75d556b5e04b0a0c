from django import template

register = template.Library()


@register.filter
def dictget(mapping, key):
    """{{ row|dictget:code }}: a value of a dict or attribute by a variable key."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    return getattr(mapping, key, None)
