"""Every read of the scorecard pages, scoped through the models' tenancy (``Scope.scorecard_*``), bounded in
queries whatever the number of subjects. A subject's own side (``may_object``) sees its sheet only once its
round is published; officials and the scorers the rules name see it while it is scored."""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet

from portal.accounts.scoping import scope_for

from . import services
from .models import (
    Consequence,
    Entry,
    Indicator,
    Objection,
    Result,
    Round,
    Scheme,
    Sheet,
    Target,
)


def schemes(*, user: Any) -> QuerySet[Scheme]:
    return Scheme.objects.visible_to(user).select_related("region").order_by("-year", "kind")


def scheme_for(*, user: Any, pk: int) -> Scheme | None:
    return schemes(user=user).filter(pk=pk).first()


def may_edit(*, user: Any, scheme: Scheme) -> bool:
    return scope_for(user).may_edit_scheme(scheme) and not scheme.rounds.filter(status=Round.Status.PUBLISHED).exists()


def scheme_tree(*, scheme: Scheme) -> dict[str, Any]:
    """The parts with their indicator trees (depth-first, with depth), targets per type, and the rules."""
    indicators = list(Indicator.objects.filter(part__scheme=scheme).order_by("order", "pk"))
    targets: dict[int, dict[str, Any]] = defaultdict(dict)
    for t in Target.objects.filter(indicator__part__scheme=scheme):
        targets[t.indicator_id][t.subject_type] = t.value
    adapter = services.adapter_for(scheme.kind)
    types = list(adapter.type_labels.items())
    children: dict[Any, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        children[(ind.part_id, ind.parent_id)].append(ind)

    def walk(part_id: int, parent_id: int | None, depth: int) -> list[dict]:
        rows = []
        for ind in children[(part_id, parent_id)]:
            rows.append({"indicator": ind, "depth": depth, "targets": [(label, targets[ind.pk].get(key)) for key, label in types],
                         "leaf": not children[(part_id, ind.pk)]})
            rows.extend(walk(part_id, ind.pk, depth + 1))
        return rows

    return {
        "parts": [{"part": p, "rows": walk(p.pk, None, 0)} for p in scheme.parts.all()],
        "rounds": list(scheme.rounds.all()),
        "scorers": list(scheme.scorer_rules.all()),
        "classes": list(scheme.class_rules.all()),
        "consequence_rules": list(scheme.consequence_rules.all()),
        "types": types,
        "metrics": [(k, v[0], v[1]) for k, v in adapter.metrics.items()],
        "adapter": adapter,
    }


def round_for(*, user: Any, pk: int) -> Round | None:
    return Round.objects.visible_to(user).select_related("scheme__region").filter(pk=pk).first()


def round_sheets(*, user: Any, round: Round) -> list[Sheet]:
    """The round's sheets the user reads, with their scoring progress (entries rated / to rate)."""
    sheets = Sheet.objects.visible_to(user).filter(round=round).annotate(
        to_rate=Count("entries", filter=Q(entries__indicator__method=Indicator.Method.RATED)),
        rated=Count("entries", filter=Q(entries__indicator__method=Indicator.Method.RATED,
                                        entries__rating__isnull=False)),
    ).order_by("subject_type", "-total", "subject_name")
    return [s for s in sheets if readable(user=user, sheet=s)]


def readable(*, user: Any, sheet: Sheet) -> bool:
    """Officials in scope always; the subject's own side once published; scorers while scoring."""
    if scope_for(user).is_official or sheet.round.frozen:
        return True
    return services.may_score(user, sheet)


def sheet_for(*, user: Any, pk: int) -> Sheet | None:
    sheet = Sheet.objects.visible_to(user).select_related("round__scheme__region").filter(pk=pk).first()
    if sheet is None or not readable(user=user, sheet=sheet):
        return None
    return sheet


def sheet_entries(*, sheet: Sheet) -> list[Entry]:
    return list(sheet.entries.select_related("indicator__part", "rated_by").order_by(
        "indicator__part__order", "indicator__order", "indicator__pk"))


def results(*, user: Any, scheme: Scheme) -> list[dict]:
    """The ranking as published, by group, with each result's consequences and whether it is tied."""
    rows = list(Result.objects.visible_to(user).filter(scheme=scheme).order_by("subject_type", "rank", "subject_name"))
    consequences: dict[int, list[Consequence]] = defaultdict(list)
    for c in Consequence.objects.visible_to(user).filter(result__in=rows).select_related("rule"):
        consequences[c.result_id].append(c)
    return [{"result": r, "consequences": consequences[r.pk],
             "shared": r.tied and any(c.status != Consequence.Status.WITHDRAWN for c in consequences[r.pk])}
            for r in rows]


def objections(*, user: Any) -> QuerySet[Objection]:
    return Objection.objects.visible_to(user).select_related("entry__indicator", "raised_by").order_by("-raised_at")


def objection_for(*, user: Any, pk: int) -> Objection | None:
    return objections(user=user).select_related("entry__sheet__round__scheme__region").filter(pk=pk).first()


def consequences(*, user: Any) -> QuerySet[Consequence]:
    return Consequence.objects.visible_to(user).select_related("rule", "result").order_by("-year", "subject_name")


def consequence_for(*, user: Any, pk: int) -> Consequence | None:
    return consequences(user=user).select_related("rule__scheme__region").filter(pk=pk).first()
