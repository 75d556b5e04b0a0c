"""Region routes with arguments: for each role of the `world`, a region outside what it may see.

The overview is for officials: the province sees every region (None), a city or county official gets a
region outside their subtree (a sibling, or their own parent), and every other role any region at all.
"""

from ._objects import Own


def _foreign_region(world, role):
    foreign = {
        "province": None,
        "city": world.nanjing,
        "other_city": world.haian,
        "county": world.rugao,
        "other_county": world.nantong,
    }
    if role in foreign:
        return None if foreign[role] is None else {"code": foreign[role].code}
    return {"code": world.haian.code}  # not officials: no region overview at all


FOREIGN = {
    "regions:region": _foreign_region,
    "regions:quota": _foreign_region,
}


def _well_formed_quota(world, role):
    return {"year": "2026", "quota": "1", "back": "32"}


POST_DATA = {"regions:quota": _well_formed_quota}


# -- the same routes for a role that may reach the region -------------------------------------------------
OWN = {
    "regions:region": lambda world: [Own("county", {"code": world.haian.code}, "海安市"),
                                     Own("city", {"code": world.rugao.code}, "如皋市")],
    "regions:quota": lambda world: [Own("province", {"code": world.haian.code}, method="post",
                                        data=_well_formed_quota(world, "province"), status=302)],
}
