"""Every write of the scorecard core, one function per act (keyword-only, the acting user first, one
transaction, audited). Set-based: opening, computing and publishing a round cost a handful of queries and bulk
writes whatever the number of subjects.

Life of a round: ``add_round`` (open) → ``open_round`` (scoring: a sheet per subject) → ``compute_round`` and
``rate_entry`` → ``submit_round`` (review) → ``publish_round`` (published = frozen: results, ranks, classes,
consequences, notifications). A frozen round changes only through ``answer_objection``.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.scoping import scope_for
from portal.audit import services as audit
from portal.audit.models import AuditEntry
from portal.core import registry
from portal.core.exceptions import Conflict, NotFound
from portal.notifications import services as notifications

from . import scoring
from .adapters import SubjectAdapter
from .models import (
    ClassRule,
    Consequence,
    ConsequenceRule,
    Entry,
    Indicator,
    Objection,
    Part,
    Result,
    Round,
    Scheme,
    ScorerRule,
    Sheet,
    Target,
)

BATCH = 1000
Action = AuditEntry.Action


def adapter_for(kind: str) -> SubjectAdapter:
    adapter = registry.scorecard_subject(kind)
    if adapter is None:
        raise NotFound(kind)
    return adapter


def _editable(user: Any, scheme: Scheme) -> None:
    """The evaluating authority edits a scheme until a round of it is published."""
    if not scope_for(user).may_edit_scheme(scheme):
        raise PermissionDenied
    if scheme.rounds.filter(status=Round.Status.PUBLISHED).exists():
        raise Conflict(_("方案已有发布的轮次,不能再修改;更正成绩请通过异议。"))


def _decimal(value: Any, label: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(label)s应为数字。") % {"label": label}) from None
    if not number.is_finite() or number < 0 or number >= Decimal("100000"):
        raise ValidationError(_("%(label)s应在 0 到 99,999.99 之间。") % {"label": label})
    if number != number.quantize(Decimal("0.01")):
        raise ValidationError(_("%(label)s最多保留两位小数。") % {"label": label})
    return number


# ------------------------------------------------------------------------------------------------
# The scheme
# ------------------------------------------------------------------------------------------------

def create_scheme(*, user: Any, kind: str, year: int, title: str, region: Any, objection_days: int = 7,
                  bonus_cap: Decimal = Decimal("0"), rank_within: str = Scheme.RankWithin.TYPE,
                  class_mode: str = Scheme.ClassMode.CUTOFF) -> Scheme:
    adapter_for(kind)
    if not scope_for(user).is_official or not scope_for(user).region_in_scope(region):
        raise PermissionDenied
    with transaction.atomic():
        if Scheme.objects.filter(kind=kind, year=year).exists():
            raise ValidationError(_("%(year)s 年度已有该类对象的考核方案。") % {"year": year})
        scheme = Scheme.objects.create(kind=kind, year=year, title=title, region=region, objection_days=objection_days,
                                       bonus_cap=bonus_cap, rank_within=rank_within, class_mode=class_mode)
        audit.record(actor=user, action=Action.CREATE, obj=scheme, region_path=region.path)
    return scheme


def copy_scheme(*, user: Any, scheme: Scheme, year: int) -> Scheme:
    """Next year's scheme from this one: parts, the indicator tree, targets, rounds (open), scorers, classes,
    consequence rules; a draft to adjust."""
    with transaction.atomic():
        new = create_scheme(user=user, kind=scheme.kind, year=year, title=scheme.title.replace(str(scheme.year), str(year)),
                            region=scheme.region, objection_days=scheme.objection_days, bonus_cap=scheme.bonus_cap,
                            rank_within=scheme.rank_within, class_mode=scheme.class_mode)
        indicators = list(Indicator.objects.filter(part__scheme=scheme).order_by("parent_id", "pk"))
        targets = list(Target.objects.filter(indicator__part__scheme=scheme))
        part_map = {}
        for part in scheme.parts.all():
            part_map[part.pk] = Part.objects.create(scheme=new, name=part.name, weight=part.weight, order=part.order)
        ind_map: dict[int, Indicator] = {}
        for ind in sorted(indicators, key=lambda i: (i.parent_id is not None, i.pk)):
            _copy_indicator(ind, part_map, ind_map, indicators)
        Target.objects.bulk_create(Target(indicator=ind_map[t.indicator_id], subject_type=t.subject_type, value=t.value)
                                   for t in targets)
        Round.objects.bulk_create(Round(scheme=new, name=r.name, weight=r.weight, order=r.order) for r in scheme.rounds.all())
        ScorerRule.objects.bulk_create(ScorerRule(scheme=new, subject_type=r.subject_type, scorer=r.scorer, label=r.label)
                                       for r in scheme.scorer_rules.all())
        ClassRule.objects.bulk_create(ClassRule(scheme=new, label=r.label, min_score=r.min_score, order=r.order)
                                      for r in scheme.class_rules.all())
        fields = ("kind", "n", "class_label", "years", "subject_types", "min_group", "action", "label", "approval",
                  "due_days")
        ConsequenceRule.objects.bulk_create(ConsequenceRule(scheme=new, **{f: getattr(r, f) for f in fields})
                                            for r in scheme.consequence_rules.all())
    return new


def _copy_indicator(ind: Indicator, part_map: dict, ind_map: dict, indicators: list[Indicator]) -> Indicator:
    if ind.pk in ind_map:
        return ind_map[ind.pk]
    parent = None
    if ind.parent_id:
        parent = _copy_indicator(next(i for i in indicators if i.pk == ind.parent_id), part_map, ind_map, indicators)
    ind_map[ind.pk] = Indicator.objects.create(
        part=part_map[ind.part_id], parent=parent, code=ind.code, name=ind.name, weight=ind.weight, method=ind.method,
        metric=ind.metric, cap=ind.cap, rubric=ind.rubric, order=ind.order)
    return ind_map[ind.pk]


def add_part(*, user: Any, scheme: Scheme, name: str, weight: Any, order: int = 0) -> Part:
    with transaction.atomic():
        _editable(user, scheme)
        part = Part.objects.create(scheme=scheme, name=name, weight=_decimal(weight, _("权重")), order=order)
        audit.record(actor=user, action=Action.CREATE, obj=part, region_path=scheme.region.path)
    return part


def add_indicator(*, user: Any, part: Part, code: str, name: str, weight: Any, method: str = Indicator.Method.RATED,
                  parent: Indicator | None = None, metric: str = "", cap: Any = "1", rubric: str = "",
                  order: int = 0) -> Indicator:
    scheme = part.scheme
    if method not in Indicator.Method.values:
        raise ValidationError(_("评分方式无效。"))
    if method == Indicator.Method.COMPUTED and metric not in adapter_for(scheme.kind).metrics:
        raise ValidationError(_("请选择计算指标。"))
    if parent is not None and parent.part_id != part.pk:
        raise ValidationError(_("上级指标不属于该考核部分。"))
    with transaction.atomic():
        _editable(user, scheme)
        ind = Indicator.objects.create(part=part, parent=parent, code=code, name=name, weight=_decimal(weight, _("分值")),
                                       method=method, metric=metric if method == Indicator.Method.COMPUTED else "",
                                       cap=_decimal(cap, _("完成率上限")), rubric=rubric, order=order)
        audit.record(actor=user, action=Action.CREATE, obj=ind, region_path=scheme.region.path)
    return ind


def set_weight(*, user: Any, indicator: Indicator, weight: Any) -> Indicator:
    scheme = indicator.part.scheme
    with transaction.atomic():
        _editable(user, scheme)
        old, indicator.weight = indicator.weight, _decimal(weight, _("分值"))
        indicator.save(update_fields=["weight"])
        if scheme.status == Scheme.Status.ACTIVE:  # an active scheme stays one that adds up
            validate_scheme(scheme)
        audit.record(actor=user, action=Action.UPDATE, obj=indicator, region_path=scheme.region.path,
                     changes={"weight": [str(old), str(indicator.weight)]})
    return indicator


def set_target(*, user: Any, indicator: Indicator, subject_type: str, value: Any) -> Target:
    scheme = indicator.part.scheme
    if subject_type not in adapter_for(scheme.kind).type_labels:
        raise ValidationError(_("对象类型无效。"))
    with transaction.atomic():
        _editable(user, scheme)
        target, _created = Target.objects.update_or_create(indicator=indicator, subject_type=subject_type,
                                                           defaults={"value": _decimal(value, _("目标值"))})
        audit.record(actor=user, action=Action.UPDATE, obj=indicator, region_path=scheme.region.path,
                     changes={f"target:{subject_type}": [None, str(target.value)]})
    return target


def add_round(*, user: Any, scheme: Scheme, name: str, weight: Any, order: int = 0, starts: Any = None,
              ends: Any = None) -> Round:
    with transaction.atomic():
        _editable(user, scheme)
        rnd = Round.objects.create(scheme=scheme, name=name, weight=_decimal(weight, _("权重")), order=order,
                                   starts=starts, ends=ends)
        audit.record(actor=user, action=Action.CREATE, obj=rnd, region_path=scheme.region.path)
    return rnd


def add_scorer_rule(*, user: Any, scheme: Scheme, subject_type: str, scorer: str, label: str) -> ScorerRule:
    with transaction.atomic():
        _editable(user, scheme)
        rule = ScorerRule.objects.create(scheme=scheme, subject_type=subject_type, scorer=scorer, label=label)
        audit.record(actor=user, action=Action.CREATE, obj=rule, region_path=scheme.region.path)
    return rule


def add_class_rule(*, user: Any, scheme: Scheme, label: str, min_score: Any, order: int = 0) -> ClassRule:
    with transaction.atomic():
        _editable(user, scheme)
        rule = ClassRule.objects.create(scheme=scheme, label=label, min_score=_decimal(min_score, _("分数线")), order=order)
        audit.record(actor=user, action=Action.CREATE, obj=rule, region_path=scheme.region.path)
    return rule


def add_consequence_rule(*, user: Any, scheme: Scheme, **fields: Any) -> ConsequenceRule:
    with transaction.atomic():
        _editable(user, scheme)
        rule = ConsequenceRule(scheme=scheme, **fields)
        rule.full_clean(exclude=["scheme"])
        rule.save()
        audit.record(actor=user, action=Action.CREATE, obj=rule, region_path=scheme.region.path)
    return rule


def validate_scheme(scheme: Scheme) -> None:
    """Refuse a scheme that does not add up (scoring.scheme_errors)."""
    adapter = adapter_for(scheme.kind)
    targets: dict[int, set[str]] = defaultdict(set)
    for ind_id, subject_type in Target.objects.filter(indicator__part__scheme=scheme).values_list("indicator_id",
                                                                                                  "subject_type"):
        targets[ind_id].add(subject_type)
    scoring.check(scoring.scheme_errors(
        parts=list(scheme.parts.all()), indicators=list(Indicator.objects.filter(part__scheme=scheme)),
        rounds=list(scheme.rounds.all()), targets=targets, subject_types=adapter.type_labels))
    if not scheme.rounds.exists():
        raise ValidationError(_("方案没有考核轮次。"))


def activate_scheme(*, user: Any, scheme: Scheme) -> Scheme:
    with transaction.atomic():
        _editable(user, scheme)
        validate_scheme(scheme)
        scheme.status = Scheme.Status.ACTIVE
        scheme.save(update_fields=["status"])
        audit.record(actor=user, action=Action.UPDATE, obj=scheme, changes={"status": ["draft", "active"]},
                     region_path=scheme.region.path)
    return scheme


# ------------------------------------------------------------------------------------------------
# Rounds: open, compute, rate, submit
# ------------------------------------------------------------------------------------------------

def _authority(user: Any, scheme: Scheme) -> None:
    if not scope_for(user).may_edit_scheme(scheme):
        raise PermissionDenied


def _not_frozen(rnd: Round) -> None:
    if rnd.frozen:
        raise Conflict(_("该轮次已发布,成绩已冻结;更正请通过异议。"))


def open_round(*, user: Any, round: Round) -> int:
    """A sheet for every subject in the authority's scope, an entry per leaf indicator: bulk writes."""
    scheme = round.scheme
    _authority(user, scheme)
    if scheme.status != Scheme.Status.ACTIVE:
        raise Conflict(_("方案尚未启用。"))
    if round.status != Round.Status.OPEN:
        raise Conflict(_("该轮次已开始评分。"))
    adapter = adapter_for(scheme.kind)
    subjects = list(adapter.subjects(user))
    leaves = _leaves(scheme)
    with transaction.atomic():
        Sheet.objects.bulk_create([
            Sheet(round=round, subject_kind=scheme.kind, subject_id=s.pk, subject_name=adapter.name(s)[:200],
                  subject_type=adapter.subject_type(s), region_path=adapter.region(s).path) for s in subjects
        ], batch_size=BATCH)
        sheet_ids = list(round.sheets.values_list("pk", flat=True))
        Entry.objects.bulk_create((Entry(sheet_id=sid, indicator_id=leaf.pk) for sid in sheet_ids for leaf in leaves),
                                  batch_size=BATCH)
        round.status = Round.Status.SCORING
        round.save(update_fields=["status"])
        audit.record(actor=user, action=Action.UPDATE, obj=round, region_path=scheme.region.path,
                     changes={"status": ["open", "scoring"]}, note=_("%(n)s 个考核对象") % {"n": len(sheet_ids)})
    return len(sheet_ids)


def _leaves(scheme: Scheme) -> list[Indicator]:
    indicators = list(Indicator.objects.filter(part__scheme=scheme))
    parents = {i.parent_id for i in indicators}
    return [i for i in indicators if i.pk not in parents]


def compute_round(*, user: Any, round: Round) -> int:
    """Fill every computed entry of the round: one adapter call per metric for all subjects, bulk updates."""
    scheme = round.scheme
    _authority(user, scheme)
    _not_frozen(round)
    if round.status != Round.Status.SCORING:
        raise Conflict(_("该轮次不在评分阶段。"))
    adapter = adapter_for(scheme.kind)
    computed = [leaf for leaf in _leaves(scheme) if leaf.method == Indicator.Method.COMPUTED]
    targets = {(t.indicator_id, t.subject_type): t.value for t in Target.objects.filter(indicator__in=computed)}
    sheets = list(round.sheets.all())
    subjects = list(adapter.model._default_manager.filter(pk__in=[s.subject_id for s in sheets]))
    figures = {metric: adapter.compute(metric, subjects, round) for metric in {leaf.metric for leaf in computed}}
    by_leaf = {leaf.pk: leaf for leaf in computed}
    type_of = {s.pk: s.subject_type for s in sheets}
    subject_of = {s.pk: s.subject_id for s in sheets}
    entries = list(Entry.objects.filter(sheet__round=round, indicator__in=computed))
    for entry in entries:
        leaf = by_leaf[entry.indicator_id]
        value, source = figures[leaf.metric].get(subject_of[entry.sheet_id], (None, ""))
        entry.value = None if value is None else Decimal(str(value))
        entry.target = targets.get((leaf.pk, type_of[entry.sheet_id]))
        entry.source = str(source)[:300]
        entry.points = scoring.computed_points(leaf.weight, entry.value, entry.target, leaf.cap)
    with transaction.atomic():
        Entry.objects.bulk_update(entries, ["value", "target", "source", "points"], batch_size=BATCH)
        _recompute_sheets(round, sheets)
        audit.record(actor=user, action=Action.BULK_UPDATE, obj=round, region_path=scheme.region.path,
                     note=_("计算 %(n)s 项数据指标") % {"n": len(entries)})
    return len(entries)


def _recompute_sheets(round: Round, sheets: list[Sheet]) -> None:
    """Each sheet's total from its entries: one read, one bulk update."""
    scheme = round.scheme
    parts = {p.pk: p.weight for p in scheme.parts.all()}
    scores: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    bonus: dict[int, Decimal] = defaultdict(Decimal)
    for sheet_id, part_id, method, points in Entry.objects.filter(sheet__in=[s.pk for s in sheets]).values_list(
            "sheet_id", "indicator__part_id", "indicator__method", "points"):
        if method == Indicator.Method.BONUS:
            bonus[sheet_id] += points
        else:
            scores[sheet_id][part_id] += points
    for sheet in sheets:
        sheet.total, sheet.bonus = scoring.sheet_total(part_scores=scores[sheet.pk], part_weights=parts,
                                                       bonus=bonus[sheet.pk], bonus_cap=scheme.bonus_cap)
    Sheet.objects.bulk_update(sheets, ["total", "bonus"], batch_size=BATCH)


def subject_of(sheet: Sheet | Result | Consequence | Objection) -> Any:
    adapter = adapter_for(sheet.subject_kind)
    subject = adapter.model._default_manager.filter(pk=sheet.subject_id).first()
    if subject is None:
        raise NotFound(sheet.subject_id)
    return subject


def may_score(user: Any, sheet: Sheet) -> bool:
    """A scorer the scheme's rules name for the sheet's subject type, as the adapter resolves it."""
    adapter = adapter_for(sheet.subject_kind)
    keys = list(sheet.round.scheme.scorer_rules.filter(subject_type=sheet.subject_type).values_list("scorer", flat=True))
    if not keys:
        return False
    subject = subject_of(sheet)
    return any(adapter.may_score(user, subject, key) for key in keys)


def rate_entry(*, user: Any, entry: Entry, rating: Any, basis: str) -> Entry:
    """A rated or bonus leaf: a rating of 0–100 with its written basis, by a scorer the rules allow."""
    sheet = entry.sheet
    _not_frozen(sheet.round)
    if sheet.round.status != Round.Status.SCORING:
        raise Conflict(_("该轮次不在评分阶段。"))
    if entry.indicator.method == Indicator.Method.COMPUTED:
        raise ValidationError(_("数据计算的指标不能手工评分。"))
    if not may_score(user, sheet):
        raise PermissionDenied
    value = _rating(rating)
    if not (basis or "").strip():
        raise ValidationError({"basis": _("请填写评分依据。")})
    with transaction.atomic():
        old = entry.points
        _set_rating(entry, value, basis.strip(), user)
        _recompute_sheets(sheet.round, [sheet])
        audit.record(actor=user, action=Action.UPDATE, obj=entry, region_path=sheet.region_path,
                     changes={"rating": [None, str(value)], "points": [str(old), str(entry.points)]})
    return entry


def _rating(rating: Any) -> Decimal:
    value = _decimal(rating, _("评分"))
    if value > 100:
        raise ValidationError({"rating": _("评分应在 0 到 100 之间。")})
    return value


def _set_rating(entry: Entry, value: Decimal, basis: str, user: Any) -> None:
    entry.rating, entry.basis, entry.rated_by, entry.rated_at = value, basis, user, timezone.now()
    entry.points = scoring.rated_points(entry.indicator.weight, value)
    entry.save(update_fields=["rating", "basis", "rated_by", "rated_at", "points"])


def submit_round(*, user: Any, round: Round) -> Round:
    _authority(user, round.scheme)
    if round.status != Round.Status.SCORING:
        raise Conflict(_("该轮次不在评分阶段。"))
    unrated = Entry.objects.filter(sheet__round=round, rating__isnull=True,
                                   indicator__method=Indicator.Method.RATED).count()
    if unrated:
        raise ValidationError(_("还有 %(n)s 项评分未完成。") % {"n": unrated})
    with transaction.atomic():
        round.status = Round.Status.REVIEW
        round.save(update_fields=["status"])
        audit.record(actor=user, action=Action.UPDATE, obj=round, changes={"status": ["scoring", "review"]},
                     region_path=round.scheme.region.path)
    return round


# ------------------------------------------------------------------------------------------------
# Publishing: results, ranks, classes, consequences
# ------------------------------------------------------------------------------------------------

def publish_round(*, user: Any, round: Round) -> Round:
    scheme = round.scheme
    _authority(user, scheme)
    if round.status != Round.Status.REVIEW:
        raise Conflict(_("该轮次尚未提交审核。"))
    with transaction.atomic():
        round.status, round.published_at = Round.Status.PUBLISHED, timezone.now()
        round.save(update_fields=["status", "published_at"])
        results = publish_results(scheme)
        audit.record(actor=user, action=Action.APPROVE, obj=round, changes={"status": ["review", "published"]},
                     region_path=scheme.region.path)
        _tell_subjects(scheme, round, results)
    return round


def publish_results(scheme: Scheme) -> list[Result]:
    """Annual totals over the published rounds, competition ranks, classes; once every round is published,
    the consequence rules. Run on publication and again after an accepted objection."""
    rounds = {r.pk: r for r in scheme.rounds.filter(status=Round.Status.PUBLISHED)}
    per_subject: dict[int, dict[str, Any]] = {}
    for sheet in Sheet.objects.filter(round__in=list(rounds)):
        row = per_subject.setdefault(sheet.subject_id, {"sheet": sheet, "totals": []})
        row["totals"].append((rounds[sheet.round_id].weight, sheet.total))
    existing = {r.subject_id: r for r in Result.objects.filter(scheme=scheme)}
    now = timezone.now()
    results = []
    for subject_id, row in per_subject.items():
        sheet = row["sheet"]
        result = existing.get(subject_id) or Result(
            scheme=scheme, subject_kind=scheme.kind, subject_id=subject_id, subject_name=sheet.subject_name,
            subject_type=sheet.subject_type, region_path=sheet.region_path)
        result.total = scoring.annual_total(row["totals"])
        result.published_at = result.published_at or now
        results.append(result)
    _rank_and_class(scheme, results)
    fields = ["total", "rank", "tied", "last", "group_size", "class_label", "published_at"]
    new, old = [r for r in results if r.pk is None], [r for r in results if r.pk is not None]
    Result.objects.bulk_create(new, batch_size=BATCH)
    Result.objects.bulk_update(old, fields, batch_size=BATCH)
    results = list(Result.objects.filter(scheme=scheme))
    if all(r.status == Round.Status.PUBLISHED for r in scheme.rounds.all()):
        apply_consequences(scheme, results)
    return results


def _groups(scheme: Scheme, results: Iterable[Result]) -> dict[str, list[Result]]:
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        groups[r.subject_type if scheme.rank_within == Scheme.RankWithin.TYPE else ""].append(r)
    return groups


def _rank_and_class(scheme: Scheme, results: list[Result]) -> None:
    rules = list(scheme.class_rules.all())
    for group in _groups(scheme, results).values():
        ranks = scoring.competition_ranks({id(r): r.total for r in group})
        last = max(rank for rank, _tied in ranks.values())
        for r in group:
            r.rank, r.tied = ranks[id(r)]
            r.last, r.group_size = r.rank == last and len(group) > 1, len(group)
            if scheme.class_mode == Scheme.ClassMode.PERCENTILE:
                r.class_label = scoring.class_by_percentile(r.rank, len(group), rules)
            else:
                r.class_label = scoring.class_by_cutoff(r.total, rules)


def _wanted(scheme: Scheme, rule: ConsequenceRule, results: list[Result], history: dict) -> list[Result]:
    """The results a rule gives its consequence to: every subject tied at the rank it names."""
    out = []
    for group in _groups(scheme, results).values():
        if len(group) < rule.min_group:
            continue
        for r in group:
            if rule.subject_types and r.subject_type not in rule.subject_types:
                continue
            if rule.kind == ConsequenceRule.Kind.TOP_N:
                hit = r.rank is not None and r.rank <= rule.n
            elif rule.kind == ConsequenceRule.Kind.LAST:
                hit = r.last
            elif rule.kind == ConsequenceRule.Kind.LAST_CONSECUTIVE:
                hit = r.last and all(h.get("last") for h in _previous(history, r.subject_id, scheme.year, rule.years))
            else:
                hit = r.class_label == rule.class_label and all(
                    h.get("class_label") == rule.class_label
                    for h in _previous(history, r.subject_id, scheme.year, rule.years))
            if hit:
                out.append(r)
    return out


def _previous(history: dict, subject_id: int, year: int, years: int) -> list[dict]:
    """The subject's results of the ``years - 1`` years before ``year``; a missing year counts as not matching."""
    return [history.get((subject_id, y), {}) for y in range(year - years + 1, year)]


def apply_consequences(scheme: Scheme, results: list[Result]) -> None:
    """Open the consequences the rules now give, withdraw (with a note) those they no longer give."""
    rules = list(scheme.consequence_rules.all())
    if not rules:
        return
    adapter = adapter_for(scheme.kind)
    longest = max(r.years for r in rules)
    history = {(row["subject_id"], row["scheme__year"]): row for row in Result.objects.filter(
        subject_kind=scheme.kind, scheme__year__gte=scheme.year - longest + 1, scheme__year__lt=scheme.year,
        scheme__rounds__status=Round.Status.PUBLISHED).values("subject_id", "scheme__year", "last", "class_label")}
    current = {(c.rule_id, c.result_id): c for c in Consequence.objects.filter(rule__in=rules).exclude(
        status=Consequence.Status.WITHDRAWN)}
    wanted = {(rule.pk, r.pk): (rule, r) for rule in rules for r in _wanted(scheme, rule, results, history)}
    today = timezone.localdate()
    opened = [Consequence(
        rule=rule, result=r, year=scheme.year, subject_kind=r.subject_kind, subject_id=r.subject_id,
        subject_name=r.subject_name, subject_type=r.subject_type, region_path=r.region_path,
        status=Consequence.Status.OPEN if rule.approval == ConsequenceRule.Approval.NONE else Consequence.Status.PROPOSED,
        due=today + timedelta(days=rule.due_days)) for key, (rule, r) in wanted.items() if key not in current]
    Consequence.objects.bulk_create(opened)
    withdrawn = [c for key, c in current.items() if key not in wanted]
    for c in withdrawn:
        c.status = Consequence.Status.WITHDRAWN
        c.note = _("成绩经异议更正后,该项结果运用不再适用,已撤销。")
    Consequence.objects.bulk_update(withdrawn, ["status", "note"])
    for c in [*opened, *withdrawn]:
        adapter.on_consequence(c)


def _tell_subjects(scheme: Scheme, round: Round, results: list[Result]) -> None:
    adapter = adapter_for(scheme.kind)
    subjects = adapter.model._default_manager.filter(pk__in=[r.subject_id for r in results])
    recipients = adapter.recipients(subjects)
    link = reverse("scorecards:ranking", args=[scheme.pk])
    messages = [notifications.Message(
        recipient_id=uid, title=_("%(title)s · %(round)s 成绩已发布") % {"title": scheme.title, "round": round.name},
        body=_("成绩已发布,异议期 %(days)s 个日历日。") % {"days": scheme.objection_days}, link=link)
        for r in results for uid in recipients.get(r.subject_id, [])]
    if messages:
        notifications.notify_many(messages=messages, key=f"scorecards.round.{round.pk}.published")


# ------------------------------------------------------------------------------------------------
# Objections
# ------------------------------------------------------------------------------------------------

def objection_deadline(round: Round, scheme: Scheme) -> Any:
    if round.published_at is None:
        return None
    return timezone.localdate(round.published_at) + timedelta(days=scheme.objection_days)


def raise_objection(*, user: Any, entry: Entry, text: str, evidence: Any = None) -> Objection:
    sheet = entry.sheet
    rnd = sheet.round
    if not rnd.frozen:
        raise Conflict(_("成绩尚未发布,不能提出异议。"))
    if not adapter_for(sheet.subject_kind).may_object(user, subject_of(sheet)):
        raise PermissionDenied
    deadline = objection_deadline(rnd, rnd.scheme)
    if timezone.localdate() > deadline:
        raise Conflict(_("异议期已于 %(date)s 结束。") % {"date": deadline})
    if not (text or "").strip():
        raise ValidationError({"text": _("请写明异议的内容和理由。")})
    with transaction.atomic():
        objection = Objection(entry=entry, subject_kind=sheet.subject_kind, subject_id=sheet.subject_id,
                              subject_name=sheet.subject_name, subject_type=sheet.subject_type,
                              region_path=sheet.region_path, raised_by=user, text=text.strip(), deadline=deadline,
                              old_points=entry.points)
        if evidence is not None:
            objection.evidence_name = evidence.name[:200]
            objection.evidence.save(evidence.name, evidence, save=False)
        objection.save()
        audit.record(actor=user, action=Action.CREATE, obj=objection, region_path=sheet.region_path)
    return objection


def answer_objection(*, user: Any, objection: Objection, accept: bool, answer: str, rating: Any = None,
                     value: Any = None) -> Objection:
    """The evaluator's answer. Accepted with a new rating (rated leaf) or figure (computed leaf): the entry
    changes (audited), the sheet and the results are recomputed and republished, consequences follow."""
    entry = objection.entry
    rnd = entry.sheet.round
    _authority(user, rnd.scheme)
    if objection.status != Objection.Status.OPEN:
        raise Conflict(_("该异议已答复。"))
    if not (answer or "").strip():
        raise ValidationError({"answer": _("请写明答复理由。")})
    with transaction.atomic():
        if accept:
            _correct(user, entry, rating=rating, value=value)
        objection.status = Objection.Status.ACCEPTED if accept else Objection.Status.REJECTED
        objection.answer, objection.answered_by, objection.answered_at = answer.strip(), user, timezone.now()
        objection.new_points = entry.points
        objection.save(update_fields=["status", "answer", "answered_by", "answered_at", "new_points"])
        audit.record(actor=user, action=Action.APPROVE if accept else Action.REJECT, obj=objection,
                     region_path=objection.region_path, changes={"points": [str(objection.old_points),
                                                                            str(entry.points)]})
        if accept:
            _recompute_sheets(rnd, [entry.sheet])
            publish_results(rnd.scheme)
    return objection


def _correct(user: Any, entry: Entry, *, rating: Any, value: Any) -> None:
    old = entry.points
    if entry.indicator.method == Indicator.Method.COMPUTED:
        if value in (None, ""):
            raise ValidationError({"value": _("请填写更正后的数值。")})
        entry.value = _decimal(value, _("数值"))
        entry.points = scoring.computed_points(entry.indicator.weight, entry.value, entry.target, entry.indicator.cap)
        entry.source = _("经异议更正")
        entry.save(update_fields=["value", "points", "source"])
    else:
        if rating in (None, ""):
            raise ValidationError({"rating": _("请填写更正后的评分。")})
        _set_rating(entry, _rating(rating), entry.basis, user)
    audit.record(actor=user, action=Action.UPDATE, obj=entry, region_path=entry.sheet.region_path,
                 changes={"points": [str(old), str(entry.points)]}, note=_("异议更正"))


# ------------------------------------------------------------------------------------------------
# Consequences: follow-up
# ------------------------------------------------------------------------------------------------

def answer_consequence(*, user: Any, consequence: Consequence, answer: str) -> Consequence:
    """The subject's side reports what it did (整改情况)."""
    if consequence.status not in (Consequence.Status.OPEN, Consequence.Status.ANSWERED):
        raise Conflict(_("该事项当前不能答复。"))
    if not adapter_for(consequence.subject_kind).may_object(user, subject_of(consequence)):
        raise PermissionDenied
    if not (answer or "").strip():
        raise ValidationError({"answer": _("请填写整改情况。")})
    with transaction.atomic():
        consequence.answer, consequence.answered_at = answer.strip(), timezone.now()
        consequence.status = Consequence.Status.ANSWERED
        consequence.save(update_fields=["answer", "answered_at", "status"])
        audit.record(actor=user, action=Action.UPDATE, obj=consequence, region_path=consequence.region_path,
                     changes={"status": ["open", "answered"]})
    return consequence


def close_consequence(*, user: Any, consequence: Consequence, note: str = "") -> Consequence:
    _authority(user, consequence.rule.scheme)
    if consequence.status not in (Consequence.Status.OPEN, Consequence.Status.ANSWERED, Consequence.Status.APPROVED):
        raise Conflict(_("该事项当前不能办结。"))
    with transaction.atomic():
        old = consequence.status
        consequence.status, consequence.closed_by = Consequence.Status.CLOSED, user
        consequence.note = (note or consequence.note).strip()
        consequence.save(update_fields=["status", "closed_by", "note"])
        audit.record(actor=user, action=Action.UPDATE, obj=consequence, region_path=consequence.region_path,
                     changes={"status": [old, "closed"]})
    return consequence


def decide_consequence(*, user: Any, consequence: Consequence, approve: bool, note: str = "") -> Consequence:
    """A proposal (replacement, delisting) decided by the level the rule names."""
    if consequence.status != Consequence.Status.PROPOSED:
        raise Conflict(_("该事项不是待审批的建议。"))
    scope = scope_for(user)
    level = consequence.rule.approval
    allowed = scope.is_province if level == ConsequenceRule.Approval.PROVINCE else (
        scope.is_official and scope.path_in_scope(consequence.region_path) and (scope.is_city or scope.is_province))
    if not allowed:
        raise PermissionDenied
    with transaction.atomic():
        consequence.status = Consequence.Status.APPROVED if approve else Consequence.Status.REJECTED
        consequence.decided_by, consequence.note = user, (note or "").strip()
        consequence.save(update_fields=["status", "decided_by", "note"])
        audit.record(actor=user, action=Action.APPROVE if approve else Action.REJECT, obj=consequence,
                     region_path=consequence.region_path)
        adapter_for(consequence.subject_kind).on_consequence(consequence)
    return consequence


def last_year_published(kind: str) -> int | None:
    return Scheme.objects.filter(kind=kind, rounds__status=Round.Status.PUBLISHED).aggregate(y=Max("year"))["y"]
