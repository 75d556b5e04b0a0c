"""Questionnaire routes with arguments.

Campaigns are read by the officials of their region's subtree (and whoever started them); an invitation is
answered only by an officer of the invited enterprise (an official reads it with its campaign, but answers
nothing); questionnaires are edited by the province staff only. The one-time link (questionnaires:link) is
guarded by its token, not by scope, and excluded from the walk with its reason.
"""

from tests import factories as f

from ._objects import Own, memo


def campaign(world, county):
    def make():
        c = f.CampaignFactory(region=county, title=f"{county.name}服务满意度调查")
        f.QuestionFactory(questionnaire=c.questionnaire)
        return c
    return memo(world, ("campaign", county.code), make)


def invitation(world, enterprise):
    county = {world.e_haian.pk: world.haian, world.e_rugao.pk: world.rugao}.get(enterprise.pk, world.jiangning)
    return memo(world, ("invitation", enterprise.pk),
                lambda: f.InvitationFactory(campaign=campaign(world, county), enterprise=enterprise))


def questionnaire(world):
    def make():
        q = f.QuestionnaireFactory(title="省厅专项调查问卷", region=world.province)
        f.QuestionFactory(questionnaire=q)
        return q
    return memo(world, "questionnaire", make)


def _foreign_campaign(world, role):
    foreign = {"province": None, "city": world.jiangning, "other_city": world.haian, "county": world.rugao,
               "other_county": world.haian}
    county = foreign.get(role, world.haian)
    return None if county is None else {"pk": campaign(world, county).pk}


def _foreign_invitation(world, role):
    enterprise = world.e_rugao if role == "enterprise" else world.e_haian
    return {"pk": invitation(world, enterprise).pk}


def _foreign_questionnaire(world, role):
    return None if role == "province" else {"pk": questionnaire(world).pk}


FOREIGN = {
    "questionnaires:answer": _foreign_invitation,
    "questionnaires:edit": _foreign_questionnaire,
    "questionnaires:campaign": _foreign_campaign,
    "questionnaires:campaign_xlsx": _foreign_campaign,
}

POST_DATA = {
    "questionnaires:edit": lambda world, role: {"title": "越权修改", "status": "closed", "q-TOTAL_FORMS": "0",
                                               "q-INITIAL_FORMS": "0"},
}


OWN = {
    "questionnaires:answer": lambda world: [Own("enterprise", {"pk": invitation(world, world.e_haian).pk},
                                                "海安市服务满意度调查")],
    "questionnaires:edit": lambda world: [Own("province", {"pk": questionnaire(world).pk}, "省厅专项调查问卷")],
    "questionnaires:campaign": lambda world: [Own("county", {"pk": campaign(world, world.haian).pk}, "海安市服务满意度调查"),
                                              Own("city", {"pk": campaign(world, world.rugao).pk}, "如皋市服务满意度调查")],
    "questionnaires:campaign_xlsx": lambda world: [Own("county", {"pk": campaign(world, world.haian).pk},
                                                       "海安市服务满意度调查")],
}
