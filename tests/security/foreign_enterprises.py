"""Enterprise routes with arguments: for each role of the `world`, an enterprise it may NOT see.

The province sees every enterprise (None). Officials of a county or city get one outside their subtree,
information officers another enterprise than theirs, every other role any enterprise at all.
"""

from tests import factories as f

from ._objects import Own


def _foreign_enterprise(world, role):
    foreign = {
        "province": None,
        "city": world.e_jiangning,
        "other_city": world.e_haian,
        "county": world.e_rugao,
        "other_county": world.e_haian,
        "enterprise": world.e_rugao,
        "other_enterprise": world.e_haian,
    }
    if role in foreign:
        return None if foreign[role] is None else {"pk": foreign[role].pk}
    return {"pk": world.e_haian.pk}  # operators, managers, administrators, no role: no enterprise at all


FOREIGN = {
    "enterprises:detail": _foreign_enterprise,
    "enterprises:edit": _foreign_enterprise,
    "enterprises:account_create": _foreign_enterprise,
}


def _well_formed_edit(world, role):
    """A complete, valid edit of the foreign enterprise: a refusal must come from scope, not from the form."""
    kwargs = _foreign_enterprise(world, role)
    if kwargs is None:
        return {}
    e = next(x for x in (world.e_haian, world.e_rugao, world.e_jiangning) if x.pk == kwargs["pk"])
    return {
        "credit_code": e.credit_code, "name": "被篡改的名称", "region": e.region_id, "industry": e.industry_id,
        "employees": 999, "revenue": "99999", "assets": "99999", "monitored_from": "2025-01-01",
        "contact_name": "越权", "contact_phone": "13000000000", "contact_email": "x@example.cn", "address": "越权地址",
    }


def _well_formed_account(world, role):
    return {"account-username": "intruder", "account-full_name": "越权", "account-phone": "13000000000",
            "account-email": "intruder@example.cn", "account-password": "Intruder@12345",
            "account-password2": "Intruder@12345"}


POST_DATA = {
    "enterprises:edit": _well_formed_edit,
    "enterprises:account_create": _well_formed_account,
}


# -- the same routes for a role that may reach the object -------------------------------------------------
def _own_enterprise(world):
    return [Own("county", {"pk": world.e_haian.pk}, "海安甲企业"),
            Own("other_city", {"pk": world.e_jiangning.pk}, "江宁丙企业")]


def _own_account(world):
    """POST only (the account form is on the detail page), for an enterprise of the county without an account."""

    newcomer = f.EnterpriseFactory(region=world.haian, name="海安新企业")
    data = {"account-username": "haian_new", "account-full_name": "新信息员", "account-phone": "13000000001",
            "account-email": "new@example.cn", "account-password": "Xk9#mPq2vL!w", "account-password2": "Xk9#mPq2vL!w"}
    return [Own("county", {"pk": newcomer.pk}, method="post", data=data, status=302)]


OWN = {
    "enterprises:detail": lambda world: [*_own_enterprise(world), Own("enterprise", {"pk": world.e_haian.pk}, "海安甲企业")],
    "enterprises:edit": _own_enterprise,
    "enterprises:account_create": _own_account,
}
