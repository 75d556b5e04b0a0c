"""Accounts routes with arguments: for each role of the `world`, an object it may NOT reach.

- registration_decide: only the county official of the registration's own county decides it, so a
  registration of another county (and, for everyone who is not an official, any registration);
- user_role: the security administrator sees every account (None); everyone else another account;
- user_active: the system and security administrators see every account (None); officials an account
  outside their subtree; officers and the other roles someone else.
"""

from ._objects import outsider, registration


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
}

# What a POST carries besides the generic payload of the matrix: an approval, a role, an activation.
POST_DATA = {
    "accounts:registration_decide": lambda world, role: {"approve": "1", "reason": ""},
    "accounts:user_role": lambda world, role: {"role": "official", "region": str(world.province.pk)},
    "accounts:user_active": lambda world, role: {"active": "0"},
}
