from .models import AuditEntry


def audit_list(*, user, q: str = "", model: str = ""):
    qs = AuditEntry.objects.visible_to(user).select_related("actor")
    if q:
        qs = qs.filter(object_repr__icontains=q) | qs.filter(actor_name__icontains=q)
    if model:
        qs = qs.filter(model=model)
    return qs
