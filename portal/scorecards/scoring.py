"""The arithmetic of the scorecard: checks of a scheme's weights, points, totals, ranks and classes.

Pure functions over rows already loaded (no queries): services call them, tests call them directly. All
Decimal, rounded half up to two places; totals are compared with cut-offs after that rounding.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TWO = Decimal("0.01")
HUNDRED = Decimal("100")


def q2(value: Decimal | int | float) -> Decimal:
    """Two decimals, half up: how every score is kept."""
    return Decimal(str(value)).quantize(TWO, rounding=ROUND_HALF_UP)


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, Decimal("0"))


# -- the scheme adds up -------------------------------------------------------------------------------
def scheme_errors(*, parts: Sequence[Any], indicators: Sequence[Any], rounds: Sequence[Any],
                  targets: dict[int, set[str]] | None = None, subject_types: Iterable[str] = ()) -> list[str]:
    """What does not add up, each message naming the node and its sums (exact Decimal arithmetic):
    parts and rounds each sum to 100, a part's top-level indicators (bonus items aside) to 100, children to
    their parent; a computed leaf has a metric and a target for every subject type."""
    errors: list[str] = []
    if not parts:
        errors.append(_("方案没有考核部分。"))
    elif (total := _sum(p.weight for p in parts)) != HUNDRED:
        errors.append(_("各考核部分的权重合计为 %(sum)s,应为 100。") % {"sum": total})
    if rounds and (total := _sum(r.weight for r in rounds)) != HUNDRED:
        errors.append(_("各轮次的权重合计为 %(sum)s,应为 100。") % {"sum": total})
    children: dict[int | None, list[Any]] = defaultdict(list)
    for ind in indicators:
        children[ind.parent_id].append(ind)
    for part in parts:
        top = [i for i in children[None] if i.part_id == part.pk and i.method != "bonus"]
        if (total := _sum(i.weight for i in top)) != HUNDRED:
            errors.append(_("“%(part)s”的一级指标分值合计为 %(sum)s,应为 100。") % {"part": part.name, "sum": total})
    types = list(subject_types)
    for ind in indicators:
        kids = children.get(ind.pk, [])
        if kids and (total := _sum(k.weight for k in kids)) != ind.weight:
            errors.append(_("指标“%(code)s %(name)s”的下级指标分值合计为 %(sum)s,应等于其分值 %(weight)s。")
                          % {"code": ind.code, "name": ind.name, "sum": total, "weight": ind.weight})
        if not kids and ind.method == "computed":
            if not ind.metric:
                errors.append(_("指标“%(code)s %(name)s”为数据计算,但未指定计算指标。") % {"code": ind.code, "name": ind.name})
            missing = [t for t in types if t not in (targets or {}).get(ind.pk, set())]
            if missing:
                errors.append(_("指标“%(code)s %(name)s”缺少以下类型的目标值:%(types)s。")
                              % {"code": ind.code, "name": ind.name, "types": "、".join(missing)})
    return errors


def check(errors: list[str]) -> None:
    if errors:
        raise ValidationError(errors)


# -- points ---------------------------------------------------------------------------------------
def computed_points(weight: Decimal, value: Decimal | None, target: Decimal | None, cap: Decimal) -> Decimal:
    """weight × min(value ÷ target, cap); nothing counted or no target: 0."""
    if value is None or not target:
        return Decimal("0.00")
    ratio = min(Decimal(value) / Decimal(target), cap)
    return q2(weight * max(ratio, Decimal("0")))


def rated_points(weight: Decimal, rating: Decimal | None) -> Decimal:
    if rating is None:
        return Decimal("0.00")
    return q2(weight * Decimal(rating) / HUNDRED)


def sheet_total(*, part_scores: dict[int, Decimal], part_weights: dict[int, Decimal], bonus: Decimal,
                bonus_cap: Decimal) -> tuple[Decimal, Decimal]:
    """(total, bonus counted): Σ part weight / 100 × part score, plus bonus points up to the cap."""
    counted = min(bonus, bonus_cap)
    total = _sum(part_weights[p] / HUNDRED * part_scores.get(p, Decimal("0")) for p in part_weights)
    return q2(total + counted), q2(counted)


def annual_total(round_totals: Iterable[tuple[Decimal, Decimal]]) -> Decimal:
    """Σ round weight / 100 × round total, for (weight, total) pairs."""
    return q2(_sum(w / HUNDRED * t for w, t in round_totals))


# -- ranks and classes ---------------------------------------------------------------------------
def competition_ranks(totals: dict[Any, Decimal]) -> dict[Any, tuple[int, bool]]:
    """Competition ranking (1, 2, 2, 4) on the two-decimal totals: key -> (rank, tied)."""
    ordered = sorted(totals.items(), key=lambda kv: -kv[1])
    counts: dict[Decimal, int] = defaultdict(int)
    for _k, t in ordered:
        counts[t] += 1
    out: dict[Any, tuple[int, bool]] = {}
    rank = 0
    previous = None
    for position, (key, t) in enumerate(ordered, start=1):
        if t != previous:
            rank, previous = position, t
        out[key] = (rank, counts[t] > 1)
    return out


def class_by_cutoff(total: Decimal, rules: Sequence[Any]) -> str:
    """The first class (in order) whose cut-off the rounded total reaches; the last class otherwise."""
    score = q2(total)
    for rule in rules:
        if score >= rule.min_score:
            return rule.label
    return rules[-1].label if rules else ""


def class_by_percentile(rank: int, group_size: int, rules: Sequence[Any]) -> str:
    """Percentile mode: the first class whose share (``min_score`` per cent of the group, rounded up, at least
    one) the rank falls within; the last class otherwise."""
    for rule in rules:
        share = -(-Decimal(group_size) * rule.min_score // HUNDRED)
        if rank <= max(share, Decimal("1")):
            return rule.label
    return rules[-1].label if rules else ""
