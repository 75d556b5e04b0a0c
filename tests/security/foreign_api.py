"""API routes with arguments (/api/v1/): for each role of the `world`, an object it may NOT see."""

from ._objects import Own, audit_row

ENTERPRISE = {
    "province": None,
    "city": "e_jiangning",
    "other_city": "e_haian",
    "county": "e_rugao",
    "other_county": "e_haian",
    "enterprise": "e_rugao",
    "other_enterprise": "e_haian",
}
REGION = {
    "province": None,
    "city": "nanjing",
    "other_city": "nantong",
    "county": "rugao",
    "other_county": "haian",
    "enterprise": "rugao",  # an officer sees the region of their enterprise only
    "other_enterprise": "haian",
}


def _enterprise(world, role):
    name = ENTERPRISE.get(role, "e_haian")
    return None if name is None else getattr(world, name)


def _region(world, role):
    name = REGION.get(role, "province")
    return None if name is None else {"code": getattr(world, name).code}


def _enterprise_detail(world, role):
    e = _enterprise(world, role)
    return None if e is None else {"credit_code": e.credit_code}


def _audit_detail(world, role):
    """A row about an enterprise outside the role's subtree; the audit administrator reads every row."""
    if role == "audit_admin":
        return None
    e = _enterprise(world, role)
    if role in ("enterprise", "other_enterprise"):  # officers read no audit rows, not even their own
        e = world.e_haian
    return None if e is None else {"pk": audit_row(world, e).pk}


FOREIGN = {
    "api:regions-detail": _region,
    "api:enterprises-detail": _enterprise_detail,
    "api:audit-detail": _audit_detail,
}


def _own_audit(world):
    row = audit_row(world, world.e_rugao)
    return [Own("audit_admin", {"pk": row.pk}, row.object_repr)]


OWN = {
    "api:regions-detail": lambda world: [Own("county", {"code": world.haian.code}, "海安市")],
    "api:enterprises-detail": lambda world: [
        Own("other_county", {"credit_code": world.e_rugao.credit_code}, "如皋乙企业"),
        Own("enterprise", {"credit_code": world.e_haian.credit_code}, "海安甲企业")],
    "api:audit-detail": _own_audit,
}
