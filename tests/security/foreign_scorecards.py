"""Scorecard routes with arguments (portal.scorecards), with enterprises as the subjects of a test adapter.

Nantong (the city's officials) and Nanjing (the other city's) each publish a scheme over their enterprises,
with results, a consequence (top of each group) and an objection. The province sees both (None); the other
city's official is foreign to Nantong's; every other role of the world to Nanjing's (a Nantong county sees its
city's scheme, an officer only its own enterprise's rows).
"""

from portal.scorecards import services
from portal.scorecards.models import Consequence, ConsequenceRule, Entry, Indicator
from tests import factories as f
from tests.scorecards.helpers import build_scheme, register, score_round

from ._objects import Own, memo


def _published(world, city_role, region, year, enterprise):
    def make():
        register()
        user = world.users[city_role]
        scheme, _r, _c = build_scheme(user, region, year=year, last_rule=False)
        services.add_consequence_rule(user=user, scheme=scheme, kind=ConsequenceRule.Kind.TOP_N, n=1, min_group=1,
                                      action="demonstration", label="示范推荐")
        services.activate_scheme(user=user, scheme=scheme)
        rnd = score_round(user, scheme.rounds.get(), {})
        officer = f.officer(enterprise) if not enterprise.officers.exists() else enterprise.officers.first()
        entry = Entry.objects.get(sheet__round=rnd, sheet__subject_id=enterprise.pk,
                                  indicator__method=Indicator.Method.RATED)
        objection = services.raise_objection(user=officer, entry=entry, text="材料漏计")
        return {"scheme": scheme, "round": rnd, "sheet": entry.sheet, "objection": objection,
                "consequence": Consequence.objects.filter(result__scheme=scheme).first()}
    return make


def nantong(world):
    return memo(world, "scorecards_nantong", _published(world, "city", world.nantong, 2025, world.e_haian))


def nanjing(world):
    return memo(world, "scorecards_nanjing", _published(world, "other_city", world.nanjing, 2024, world.e_jiangning))


def _foreign(name):
    def pick(world, role):
        if role == "province":
            return None
        objects = nantong(world) if role == "other_city" else nanjing(world)
        return {"pk": objects[name].pk}
    return pick


ROUTES = {"scheme": "scheme", "ranking": "scheme", "round": "round", "sheet": "sheet", "objection": "objection",
          "consequence": "consequence"}
FOREIGN = {f"scorecards:{route}": _foreign(name) for route, name in ROUTES.items()}


def _own(name, marker):
    return lambda world: [Own("province", {"pk": nanjing(world)[name].pk}, marker=marker(world)),
                          Own("other_city", {"pk": nanjing(world)[name].pk}, marker=marker(world))]


def _title(world):
    return "2024年度企业考核"


def _subject(world):
    return "江宁丙企业"


OWN = {
    "scorecards:scheme": _own("scheme", _title),
    "scorecards:ranking": _own("scheme", _subject),
    "scorecards:round": _own("round", _subject),
    "scorecards:sheet": _own("sheet", _subject),
    "scorecards:objection": _own("objection", _subject),
    "scorecards:consequence": _own("consequence", _subject),
}

