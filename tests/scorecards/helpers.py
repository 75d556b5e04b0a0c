"""A test adapter (enterprises as subjects) and a small scheme, so the scorecard core is tested on its own."""

from datetime import date
from decimal import Decimal

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core import registry
from portal.enterprises.models import Enterprise
from portal.scorecards import services
from portal.scorecards.adapters import SubjectAdapter
from portal.scorecards.models import ConsequenceRule, Indicator

KEY = "testing.enterprise"


class EnterpriseAdapter(SubjectAdapter):
    """Enterprises scored by their city's officials; an enterprise's officer speaks for it."""

    key = KEY
    label = "企业"
    model = Enterprise
    type_labels = {"std": "标准", "big": "规上"}
    metrics = {"employees": ("从业人员", "人")}

    def __init__(self):
        self.consequences = []

    def subjects(self, viewer):
        return Enterprise.objects.visible_to(viewer).select_related("region")

    def name(self, subject):
        return subject.name

    def subject_type(self, subject):
        return "big" if subject.above_designated_size else "std"

    def region(self, subject):
        return subject.region

    def compute(self, metric, subjects, round):
        rows = Enterprise.objects.filter(pk__in=[s.pk for s in subjects]).values_list("pk", "employees")
        return {pk: (value, f"由企业登记的从业人员 {value} 人计算") for pk, value in rows}

    def may_score(self, user, subject, scorer_key):
        return (scorer_key == "city_official" and user.role == Role.OFFICIAL and user.region.level == 2
                and subject.region_path.startswith(user.region.path))

    def may_object(self, user, subject):
        return user.role == Role.ENTERPRISE and user.enterprise_id == subject.pk

    def recipients(self, subjects):
        out = {}
        for enterprise_id, pk in User.objects.filter(enterprise__in=subjects).values_list("enterprise_id", "pk"):
            out.setdefault(enterprise_id, []).append(pk)
        return out

    def on_consequence(self, consequence):
        self.consequences.append((consequence.subject_id, consequence.status))


ADAPTER = EnterpriseAdapter()


def register():
    registry.register_scorecard_subject(KEY, ADAPTER)
    ADAPTER.consequences.clear()
    return ADAPTER


def build_scheme(user, region, *, year=2025, rounds=(("年评价", 100),), rated_weight="60", computed_weight="40",
                 target="100", classes=(("一类", "80"), ("二类", "60"), ("三类", "0")), last_rule=True):
    """One part of 100: a rated leaf and a computed leaf (employees against a target), scorers: the city."""
    register()
    scheme = services.create_scheme(user=user, kind=KEY, year=year, title=f"{year}年度企业考核", region=region)
    part = services.add_part(user=user, scheme=scheme, name="考核", weight="100")
    rated = services.add_indicator(user=user, part=part, code="1", name="工作质量", weight=rated_weight,
                                   rubric="按工作质量评分")
    computed = services.add_indicator(user=user, part=part, code="2", name="从业人员", weight=computed_weight,
                                      method=Indicator.Method.COMPUTED, metric="employees", cap="1.2")
    for t in ("std", "big"):
        services.set_target(user=user, indicator=computed, subject_type=t, value=target)
    for i, (name, weight) in enumerate(rounds):
        services.add_round(user=user, scheme=scheme, name=name, weight=weight, order=i,
                           starts=date(year, 1, 1), ends=date(year, 12, 31))
    for t in ("std", "big"):
        services.add_scorer_rule(user=user, scheme=scheme, subject_type=t, scorer="city_official", label="市级评分")
    for i, (label, score) in enumerate(classes):
        services.add_class_rule(user=user, scheme=scheme, label=label, min_score=score, order=i)
    if last_rule:
        services.add_consequence_rule(user=user, scheme=scheme, kind=ConsequenceRule.Kind.LAST, action="yellow_card",
                                      label="黄牌警告", min_group=2)
    return scheme, rated, computed


def score_round(user, rnd, ratings):
    """Open, compute, rate each subject (enterprise pk -> rating), submit and publish ``rnd``."""
    services.open_round(user=user, round=rnd)
    services.compute_round(user=user, round=rnd)
    rnd.refresh_from_db()
    for sheet in rnd.sheets.all():
        for entry in sheet.entries.filter(indicator__method=Indicator.Method.RATED):
            services.rate_entry(user=user, entry=entry, rating=ratings.get(sheet.subject_id, 80), basis="依据材料")
    services.submit_round(user=user, round=rnd)
    services.publish_round(user=user, round=rnd)
    rnd.refresh_from_db()
    return rnd


D = Decimal
