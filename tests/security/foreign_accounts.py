"""Accounts routes with arguments: for each role of the `world`, an object it may NOT reach.

- registration_decide: only the county official of the registration's own county decides it, so a
  registration of another county (and, for everyone who is not an official, any registration);
- user_role: the security administrator sees every account (None); everyone else another account;
- user_active: the system and security administrators see every account (None); officials an account
  outside their subtree; officers and the other roles someone else;
- user_grants: the security administrator grants to every account (None); everyone else another account.
"""

from ._objects import Own, outsider, registration


def _registration(world, role):
    foreign = {
        "province": None,
        "city": world.jiangning,
        "other_city": world.haian,
        "county": world.rugao,
        "other_county": world.haian,
    }
    if role in foreign:
        return None if foreign[role] is None else {"pk": registration(world, foreign[role]).pk}
    return {"pk": registration(world, world.haian).pk}


def _user_role(world, role):
    if role == "security_admin":
        return None
    return {"pk": outsider(world, role).pk}


def _user_active(world, role):
    if role in ("system_admin", "security_admin"):
        return None
    return {"pk": outsider(world, role).pk}


FOREIGN = {
    "accounts:registration_decide": _registration,
    "accounts:user_role": _user_role,
    "accounts:user_active": _user_active,
    "accounts:user_grants": _user_role,
}

# What a POST carries besides the generic payload of the matrix: an approval, a role, an activation.
POST_DATA = {
    "accounts:registration_decide": lambda world, role: {"approve": "1", "reason": ""},
    "accounts:user_role": lambda world, role: {"role": "official", "region": str(world.province.pk)},
    "accounts:user_active": lambda world, role: {"active": "0"},
    "accounts:user_grants": lambda world, role: {"target": f"platforms.Platform:{world.other_platform.pk}"},
}


# -- the same routes for a role that may reach the object -------------------------------------------------
def _own_registration(world):
    reg = registration(world, world.haian)
    return [Own("county", {"pk": reg.pk}, reg.name),
            Own("county", {"pk": reg.pk}, method="post", data={"approve": "1", "reason": ""}, status=302)]


def _own_user_role(world):
    officer = world.users["other_enterprise"]
    return [Own("security_admin", {"pk": officer.pk}, officer.username)]


def _own_user_active(world):
    return [Own("system_admin", {"pk": world.users["other_enterprise"].pk}, method="post", data={"active": "0"},
                status=302)]


def _own_user_grants(world):
    operator = world.users["platform_operator"]
    return [Own("security_admin", {"pk": operator.pk}, world.platform.name),
            Own("security_admin", {"pk": operator.pk}, method="post",
                data={"target": f"platforms.Platform:{world.other_platform.pk}"}, status=302)]


OWN = {
    "accounts:registration_decide": _own_registration,
    "accounts:user_role": _own_user_role,
    "accounts:user_active": _own_user_active,
    "accounts:user_grants": _own_user_grants,
}
