"""The scorecard core's arithmetic and its life: weights, points, rounds, ranks, classes, consequences,
freezing and objections, through the services, with enterprises as subjects (tests/scorecards/helpers.py)."""

from datetime import timedelta
from decimal import Decimal as D
from types import SimpleNamespace as NS

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.core.exceptions import Conflict
from portal.scorecards import scoring, services
from portal.scorecards.models import (
    Consequence,
    ConsequenceRule,
    Entry,
    Indicator,
    Objection,
    Result,
    Round,
    Sheet,
)
from tests import factories as f

from .helpers import ADAPTER, build_scheme, register, score_round

pytestmark = pytest.mark.django_db


def _ind(pk, weight, parent=None, part=1, method="rated"):
    return NS(pk=pk, weight=D(weight), parent_id=parent, part_id=part, method=method, code=str(pk), name=f"指标{pk}",
              metric="")


def test_weights_add_up_exactly_in_decimals():
    parts = [NS(pk=1, name="考核", weight=D("100"))]
    good = [_ind(1, "33.33"), _ind(2, "33.33"), _ind(3, "33.34")]
    assert scoring.scheme_errors(parts=parts, indicators=good, rounds=[]) == []
    bad = [_ind(1, "33.33"), _ind(2, "33.33"), _ind(3, "33.33")]
    errors = scoring.scheme_errors(parts=parts, indicators=bad, rounds=[])
    assert errors and "99.99" in errors[0] and "考核" in errors[0]


def test_children_must_sum_to_their_parent_and_parts_and_rounds_to_100():
    parts = [NS(pk=1, name="常规考核", weight=D("20")), NS(pk=2, name="年度重点工作", weight=D("79"))]
    inds = [_ind(1, "100"), _ind(2, "60", parent=1), _ind(3, "30", parent=1), _ind(4, "100", part=2)]
    errors = scoring.scheme_errors(parts=parts, indicators=inds, rounds=[NS(weight=D("40")), NS(weight=D("50"))])
    text = " ".join(errors)
    assert "99" in text and "90" in text and "指标“1 指标1”" in text


def test_computed_leaf_is_capped_and_rated_leaf_scales():
    assert scoring.computed_points(D("40"), D("150"), D("100"), D("1.2")) == D("48.00")
    assert scoring.computed_points(D("40"), D("50"), D("100"), D("1.0")) == D("20.00")
    assert scoring.computed_points(D("40"), None, D("100"), D("1.0")) == D("0.00")
    assert scoring.rated_points(D("60"), D("85")) == D("51.00")


def test_half_year_and_year_end_weighted_and_rounded():
    assert scoring.annual_total([(D("40"), D("70")), (D("60"), D("90"))]) == D("82.00")
    assert scoring.annual_total([(D("40"), D("79.99")), (D("60"), D("80"))]) == D("80.00")  # 79.996


def test_rounding_happens_before_the_cutoff():
    rules = [NS(label="一类", min_score=D("80")), NS(label="二类", min_score=D("60")), NS(label="三类", min_score=D("0"))]
    assert scoring.q2(D("79.995")) == D("80.00")
    assert scoring.class_by_cutoff(D("79.995"), rules) == "一类"
    assert scoring.class_by_cutoff(D("79.994"), rules) == "二类"
    assert scoring.class_by_cutoff(D("12"), rules) == "三类"


def test_competition_ranking():
    ranks = scoring.competition_ranks({"a": D("90"), "b": D("80"), "c": D("80"), "d": D("70")})
    assert ranks == {"a": (1, False), "b": (2, True), "c": (2, True), "d": (4, False)}


def test_percentile_classes():
    rules = [NS(label="A", min_score=D("20")), NS(label="B", min_score=D("50")), NS(label="C", min_score=D("100"))]
    assert [scoring.class_by_percentile(r, 10, rules) for r in (1, 2, 3, 5, 6, 10)] == ["A", "A", "B", "B", "C", "C"]


# -- through the services ---------------------------------------------------------------------------
@pytest.fixture
def scheme(world):
    return build_scheme(world.users["city"], world.nantong)


def _enterprises(world, n, employees=100):
    return [f.EnterpriseFactory(region=world.haian, employees=employees) for _ in range(n)]


def test_activation_refuses_a_scheme_that_does_not_add_up(world):
    scheme, rated, _computed = build_scheme(world.users["city"], world.nantong, rated_weight="59.99")
    with pytest.raises(ValidationError) as exc:
        services.activate_scheme(user=world.users["city"], scheme=scheme)
    assert "99.99" in str(exc.value)
    services.set_weight(user=world.users["city"], indicator=rated, weight="60")
    services.activate_scheme(user=world.users["city"], scheme=scheme)


def test_missing_target_refuses_activation(world):
    scheme, _rated, computed = build_scheme(world.users["city"], world.nantong)
    computed.targets.filter(subject_type="big").delete()
    with pytest.raises(ValidationError, match="规上"[:0] + "big"):
        services.activate_scheme(user=world.users["city"], scheme=scheme)


def test_only_the_authority_edits_the_scheme(world, scheme):
    with pytest.raises(PermissionDenied):
        services.add_part(user=world.users["other_city"], scheme=scheme[0], name="x", weight="1")
    with pytest.raises(PermissionDenied):
        services.add_part(user=world.users["county"], scheme=scheme[0], name="x", weight="1")


def _run(world, scheme, ratings, employees=None):
    s, _rated, _computed = scheme
    services.activate_scheme(user=world.users["city"], scheme=s)
    return score_round(world.users["city"], s.rounds.get(), ratings)


def test_a_year_scored_ranked_classed_with_a_tie_at_last_place(world, scheme):
    extra = _enterprises(world, 2, employees=150)  # 40 × min(1.5, 1.2) = 48
    world.e_haian.employees = 50  # 20 points
    world.e_haian.save()
    # e_haian: 60×0.9 + 20 = 74; e_rugao (employees from factory) ...; two extra tied at the bottom
    world.e_rugao.employees = 100
    world.e_rugao.save()
    ratings = {world.e_haian.pk: 90, world.e_rugao.pk: 70, extra[0].pk: 20, extra[1].pk: 20}
    _run(world, scheme, ratings)
    results = {r.subject_id: r for r in Result.objects.filter(scheme=scheme[0])}
    assert results[world.e_haian.pk].total == D("74.00")
    assert results[world.e_rugao.pk].total == D("82.00")
    assert results[extra[0].pk].total == D("60.00")
    assert [results[pk].rank for pk in (world.e_rugao.pk, world.e_haian.pk, extra[0].pk, extra[1].pk)] == [1, 2, 3, 3]
    assert results[extra[0].pk].tied and results[extra[1].pk].tied
    assert results[world.e_rugao.pk].class_label == "一类" and results[extra[0].pk].class_label == "二类"
    cards = Consequence.objects.filter(status=Consequence.Status.OPEN)
    assert sorted(c.subject_id for c in cards) == sorted([extra[0].pk, extra[1].pk])  # both tied at last place
    assert len(ADAPTER.consequences) == 2
    assert world.e_jiangning.pk not in results  # another city's enterprise is not in Nantong's scope


def test_a_group_of_one_gets_no_last_place_consequence(world, scheme):
    world.e_haian.above_designated_size = True  # the only "big" one
    world.e_haian.save()
    _run(world, scheme, {world.e_haian.pk: 10, world.e_rugao.pk: 90})
    assert not Consequence.objects.filter(subject_id=world.e_haian.pk).exists()
    assert not Consequence.objects.exists()  # the "std" group has one subject too


def test_rated_entry_needs_a_basis_and_a_scorer(world, scheme):
    s = scheme[0]
    services.activate_scheme(user=world.users["city"], scheme=s)
    rnd = s.rounds.get()
    services.open_round(user=world.users["city"], round=rnd)
    entry = Entry.objects.filter(indicator__method=Indicator.Method.RATED, sheet__subject_id=world.e_haian.pk).get()
    with pytest.raises(ValidationError):
        services.rate_entry(user=world.users["city"], entry=entry, rating="80", basis="  ")
    with pytest.raises(ValidationError):
        services.rate_entry(user=world.users["city"], entry=entry, rating="101", basis="x")
    with pytest.raises(PermissionDenied):
        services.rate_entry(user=world.users["county"], entry=entry, rating="80", basis="x")  # not in the rules
    services.rate_entry(user=world.users["city"], entry=entry, rating="80", basis="材料齐全")
    entry.refresh_from_db()
    assert entry.points == D("48.00") and entry.rated_by == world.users["city"]


def test_a_frozen_round_refuses_edits(world, scheme):
    rnd = _run(world, scheme, {world.e_haian.pk: 90, world.e_rugao.pk: 70})
    entry = Entry.objects.filter(sheet__round=rnd, indicator__method=Indicator.Method.RATED).first()
    with pytest.raises(Conflict):
        services.rate_entry(user=world.users["city"], entry=entry, rating="10", basis="改分")
    with pytest.raises(Conflict):
        services.compute_round(user=world.users["city"], round=rnd)
    with pytest.raises(Conflict):
        services.set_weight(user=world.users["city"], indicator=entry.indicator, weight="50")
    entry.refresh_from_db()
    assert entry.rating == D("90") or entry.rating == D("70")


def test_half_year_40_and_year_end_60(world):
    scheme = build_scheme(world.users["city"], world.nantong, rounds=(("半年测评", 40), ("年终考核", 60)))
    s = scheme[0]
    services.activate_scheme(user=world.users["city"], scheme=s)
    first, second = s.rounds.order_by("order")
    world.e_haian.employees, world.e_rugao.employees = 100, 100
    world.e_haian.save()
    world.e_rugao.save()
    score_round(world.users["city"], first, {world.e_haian.pk: 50, world.e_rugao.pk: 100})  # 70 / 100
    assert not Consequence.objects.exists()  # consequences wait for the last round
    score_round(world.users["city"], second, {world.e_haian.pk: 100, world.e_rugao.pk: 50})  # 100 / 70
    results = {r.subject_id: r.total for r in Result.objects.filter(scheme=s)}
    assert results[world.e_haian.pk] == D("88.00")  # 0.4×70 + 0.6×100
    assert results[world.e_rugao.pk] == D("82.00")  # 0.4×100 + 0.6×70


def _history(world, run_years, low_years, **rule):
    """Publish ``years`` schemes in a row; e_haian last in the years listed in ``kind``."""
    for year in run_years:
        s, _r, _c = build_scheme(world.users["city"], world.nantong, year=year, last_rule=False)
        services.add_consequence_rule(user=world.users["city"], scheme=s, action="replacement", label="更换建议", **rule)
        services.activate_scheme(user=world.users["city"], scheme=s)
        low = year in low_years
        score_round(world.users["city"], s.rounds.get(), {world.e_haian.pk: 10 if low else 90,
                                                           world.e_rugao.pk: 50})
    return Consequence.objects.filter(subject_id=world.e_haian.pk, rule__action="replacement")


def test_last_two_years_in_a_row(world):
    rule = {"kind": ConsequenceRule.Kind.LAST_CONSECUTIVE, "years": 2, "approval": ConsequenceRule.Approval.CITY}
    got = _history(world, (2024, 2025), {2024, 2025}, **rule)
    assert [c.year for c in got] == [2025] and got[0].status == Consequence.Status.PROPOSED


def test_last_in_non_consecutive_years_gives_nothing(world):
    rule = {"kind": ConsequenceRule.Kind.LAST_CONSECUTIVE, "years": 2}
    assert not _history(world, (2023, 2024, 2025), {2023, 2025}, **rule).exists()


def test_class_for_consecutive_years(world):
    rule = {"kind": ConsequenceRule.Kind.CLASS_CONSECUTIVE, "years": 2, "class_label": "三类"}
    assert [c.year for c in _history(world, (2024, 2025), {2024, 2025}, **rule)] == [2025]
    Consequence.objects.all().delete()


def test_class_in_non_consecutive_years_gives_nothing(world):
    rule = {"kind": ConsequenceRule.Kind.CLASS_CONSECUTIVE, "years": 2, "class_label": "三类"}
    assert not _history(world, (2023, 2024, 2025), {2023, 2025}, **rule).exists()


def test_objection_inside_the_window_accepted_republishes_and_withdraws(world, scheme):
    world.e_haian.employees = world.e_rugao.employees = 100
    world.e_haian.save()
    world.e_rugao.save()
    rnd = _run(world, scheme, {world.e_haian.pk: 50, world.e_rugao.pk: 80})
    card = Consequence.objects.get(subject_id=world.e_haian.pk)
    entry = Entry.objects.get(sheet__subject_id=world.e_haian.pk, indicator__method=Indicator.Method.RATED)
    with pytest.raises(PermissionDenied):
        services.raise_objection(user=world.users["other_enterprise"], entry=entry, text="不服")
    objection = services.raise_objection(user=world.users["enterprise"], entry=entry, text="漏计了材料")
    assert objection.deadline == timezone.localdate(rnd.published_at) + timedelta(days=7)
    with pytest.raises(PermissionDenied):
        services.answer_objection(user=world.users["other_city"], objection=objection, accept=True, answer="x",
                                  rating="100")
    services.answer_objection(user=world.users["city"], objection=objection, accept=True, answer="材料属实",
                              rating="100")
    results = {r.subject_id: r for r in Result.objects.filter(scheme=scheme[0])}
    assert results[world.e_haian.pk].total == D("100.00") and results[world.e_haian.pk].rank == 1
    assert results[world.e_rugao.pk].rank == 2
    card.refresh_from_db()
    assert card.status == Consequence.Status.WITHDRAWN and card.note
    assert Consequence.objects.get(subject_id=world.e_rugao.pk).status == Consequence.Status.OPEN
    objection.refresh_from_db()
    assert objection.old_points == D("30.00") and objection.new_points == D("60.00")


def test_objection_outside_the_window_is_refused(world, scheme):
    rnd = _run(world, scheme, {world.e_haian.pk: 50, world.e_rugao.pk: 80})
    entry = Entry.objects.get(sheet__subject_id=world.e_haian.pk, indicator__method=Indicator.Method.RATED)
    with time_machine.travel(rnd.published_at + timedelta(days=8), tick=False):
        with pytest.raises(Conflict):
            services.raise_objection(user=world.users["enterprise"], entry=entry, text="晚了")
    assert not Objection.objects.exists()


def test_computing_a_round_costs_the_same_queries_for_many_subjects(world, scheme):
    register()
    s = scheme[0]
    services.activate_scheme(user=world.users["city"], scheme=s)

    def cost(n):
        Sheet.objects.all().delete()
        Round.objects.filter(scheme=s).update(status=Round.Status.OPEN)
        _enterprises(world, n)
        rnd = s.rounds.get()
        with CaptureQueriesContext(connection) as ctx:
            services.open_round(user=world.users["city"], round=rnd)
            rnd.refresh_from_db()
            services.compute_round(user=world.users["city"], round=rnd)
        return len(ctx)

    # (SQLite splits bulk writes past its 999 variables: kept under that, the count must not move at all)
    assert cost(3) == cost(25)
