"""The scorecard pages: schemes, rounds, score sheets, rankings, objections, consequences. Views parse, call
one service or selector, render; rows are found only through the scoped selectors (missing = forbidden = 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.accounts.scoping import scope_for
from portal.core.bounds import parse_id
from portal.core.exceptions import attempt

from . import selectors, services
from .forms import ObjectionForm
from .models import Consequence, Indicator, Round


def _found(obj):
    if obj is None:
        raise Http404
    return obj


def _post(request, key: str, limit: int = 4000) -> str:
    return request.POST.get(key, "")[:limit]


@login_required
def scheme_list(request):
    return render(request, "scorecards/schemes.html", {"schemes": selectors.schemes(user=request.user)[:100]})


@login_required
def scheme_detail(request, pk: int):
    scheme = _found(selectors.scheme_for(user=request.user, pk=pk))
    editable = selectors.may_edit(user=request.user, scheme=scheme)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        _scheme_act(request, scheme)
        return redirect("scorecards:scheme", pk=scheme.pk)
    return render(request, "scorecards/scheme.html", {"scheme": scheme, "editable": editable,
                                                      "may_run": scope_for(request.user).may_edit_scheme(scheme),
                                                      **selectors.scheme_tree(scheme=scheme)})


def _scheme_act(request, scheme):
    action, user = _post(request, "action", 16), request.user
    indicator = Indicator.objects.visible_to(user).filter(part__scheme=scheme, pk=parse_id(_post(request, "indicator", 20))).first()
    if action == "activate":
        attempt(request, lambda: services.activate_scheme(user=user, scheme=scheme), success=_("方案已启用。"))
    elif action == "weight" and indicator is not None:
        attempt(request, lambda: services.set_weight(user=user, indicator=indicator, weight=_post(request, "weight", 20)),
                success=_("分值已保存。"))
    elif action == "target" and indicator is not None:
        attempt(request, lambda: services.set_target(user=user, indicator=indicator,
                                                     subject_type=_post(request, "subject_type", 32),
                                                     value=_post(request, "value", 20)), success=_("目标值已保存。"))
    else:
        messages.error(request, _("请求无效。"))


@login_required
def round_detail(request, pk: int):
    rnd = _found(selectors.round_for(user=request.user, pk=pk))
    if request.method == "POST":
        acts = {"open": services.open_round, "compute": services.compute_round, "submit": services.submit_round,
                "publish": services.publish_round}
        act = acts.get(_post(request, "action", 16))
        if act is None or not scope_for(request.user).may_edit_scheme(rnd.scheme):
            raise PermissionDenied
        attempt(request, lambda: act(user=request.user, round=rnd), success=_("已完成。"))
        return redirect("scorecards:round", pk=rnd.pk)
    return render(request, "scorecards/round.html", {
        "round": rnd, "scheme": rnd.scheme, "sheets": selectors.round_sheets(user=request.user, round=rnd),
        "may_run": scope_for(request.user).may_edit_scheme(rnd.scheme)})


@login_required
def sheet_detail(request, pk: int):
    sheet = _found(selectors.sheet_for(user=request.user, pk=pk))
    form = ObjectionForm()
    if request.method == "POST":
        entry = sheet.entries.select_related("indicator").filter(pk=parse_id(_post(request, "entry", 20))).first()
        if entry is None:
            raise Http404
        if _post(request, "action", 16) == "object":
            form = ObjectionForm(request.POST, request.FILES)
            if form.is_valid() and attempt(request, lambda: services.raise_objection(
                    user=request.user, entry=entry, text=form.cleaned_data["text"],
                    evidence=form.cleaned_data["evidence"]), success=_("异议已提交。"))[0]:
                return redirect("scorecards:sheet", pk=sheet.pk)
        else:
            if attempt(request, lambda: services.rate_entry(user=request.user, entry=entry,
                                                            rating=_post(request, "rating", 20),
                                                            basis=_post(request, "basis")), success=_("评分已保存。"))[0]:
                return redirect("scorecards:sheet", pk=sheet.pk)
    rnd = sheet.round
    return render(request, "scorecards/sheet.html", {
        "sheet": sheet, "round": rnd, "scheme": rnd.scheme, "entries": selectors.sheet_entries(sheet=sheet),
        "may_rate": rnd.status == Round.Status.SCORING and services.may_score(request.user, sheet),
        "may_object": rnd.frozen and services.adapter_for(sheet.subject_kind).may_object(
            request.user, services.subject_of(sheet)),
        "deadline": services.objection_deadline(rnd, rnd.scheme), "form": form})


@login_required
def ranking(request, pk: int):
    scheme = _found(selectors.scheme_for(user=request.user, pk=pk))
    rows = selectors.results(user=request.user, scheme=scheme)
    adapter = services.adapter_for(scheme.kind)
    return render(request, "scorecards/ranking.html", {
        "scheme": scheme, "rows": rows, "type_labels": adapter.type_labels,
        "shared": any(r["shared"] for r in rows)})


@login_required
def objection_list(request):
    return render(request, "scorecards/objections.html", {"objections": selectors.objections(user=request.user)[:200]})


@login_required
def objection_detail(request, pk: int):
    objection = _found(selectors.objection_for(user=request.user, pk=pk))
    scheme = objection.entry.sheet.round.scheme
    may_answer = scope_for(request.user).may_edit_scheme(scheme) and objection.status == objection.Status.OPEN
    if request.method == "POST":
        if not scope_for(request.user).may_edit_scheme(scheme):
            raise PermissionDenied
        accept = _post(request, "decision", 8) == "accept"
        attempt(request, lambda: services.answer_objection(
            user=request.user, objection=objection, accept=accept, answer=_post(request, "answer"),
            rating=_post(request, "rating", 20), value=_post(request, "value", 20)), success=_("异议已答复。"))
        return redirect("scorecards:objection", pk=objection.pk)
    return render(request, "scorecards/objection.html", {"objection": objection, "may_answer": may_answer,
                                                         "computed": objection.entry.indicator.method == "computed"})


@login_required
def consequence_list(request):
    return render(request, "scorecards/consequences.html",
                  {"consequences": selectors.consequences(user=request.user)[:200]})


@login_required
def consequence_detail(request, pk: int):
    consequence = _found(selectors.consequence_for(user=request.user, pk=pk))
    if request.method == "POST":
        _consequence_act(request, consequence)
        return redirect("scorecards:consequence", pk=consequence.pk)
    scheme = consequence.rule.scheme
    subject_side = services.adapter_for(consequence.subject_kind).may_object(request.user, services.subject_of(consequence))
    return render(request, "scorecards/consequence.html", {
        "c": consequence, "may_answer": subject_side and consequence.status in ("open", "answered"),
        "may_close": scope_for(request.user).may_edit_scheme(scheme) and consequence.status in ("open", "answered",
                                                                                               "approved"),
        "may_decide": consequence.status == Consequence.Status.PROPOSED and scope_for(request.user).is_official})


def _consequence_act(request, consequence):
    action, user, note = _post(request, "action", 16), request.user, _post(request, "note")
    acts = {
        "answer": lambda: services.answer_consequence(user=user, consequence=consequence, answer=note),
        "close": lambda: services.close_consequence(user=user, consequence=consequence, note=note),
        "approve": lambda: services.decide_consequence(user=user, consequence=consequence, approve=True, note=note),
        "reject": lambda: services.decide_consequence(user=user, consequence=consequence, approve=False, note=note),
    }
    if action not in acts:
        raise PermissionDenied
    attempt(request, acts[action], success=_("已保存。"))
