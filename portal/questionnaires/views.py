"""Pages of the questionnaire engine: the officer's 待填问卷 and answer form, the one-time link page (no login),
and the officials' questionnaire editor, campaign list, campaign page and its .xlsx."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.accounts.scoping import scope_for
from portal.core.exceptions import NotFound, show_errors
from portal.core.forms import apply_errors

from . import exports, selectors, services
from .forms import AnswerForm, QuestionFormSet, QuestionnaireForm, initial_rows
from .models import Question


def _raw_answers(request, questions) -> dict:
    return {q.field_name: (request.POST.getlist(q.field_name) if q.kind == Question.Kind.MULTIPLE
                           else request.POST.get(q.field_name, "")) for q in questions}


# -- enterprise officers ---------------------------------------------------------------------------------

@login_required
def pending(request):
    if not scope_for(request.user).is_enterprise:
        raise PermissionDenied
    rows = [(inv, selectors.link_state(inv)) for inv in selectors.pending_invitations(user=request.user)[:200]]
    return render(request, "questionnaires/pending.html", {"rows": rows})


@login_required
def answer(request, pk: int):
    inv = selectors.own_invitation(user=request.user, pk=pk)
    if inv is None:
        raise Http404
    questions = selectors.questions_of(inv.campaign.questionnaire)
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    state = selectors.link_state(inv)
    if request.method == "POST" and state == "open" and form.is_valid():
        try:
            services.answer(actor=request.user, invitation=inv, answers=_raw_answers(request, questions))
        except ValidationError as exc:
            apply_errors(form, exc)
        except NotFound as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("问卷已提交,感谢您的参与。"))
            return redirect("questionnaires:pending")
    return render(request, "questionnaires/answer.html", {"invitation": inv, "campaign": inv.campaign,
                                                          "form": form, "state": state, "link": False})


@never_cache
def link(request, token: str):
    """The one-time link: no login needed; one answer; an unknown, used or expired token says so (never 500)."""
    inv = selectors.link_invitation(token)
    state = selectors.link_state(inv)
    if inv is None:
        return render(request, "questionnaires/link_state.html", {"state": state}, status=404)
    questions = selectors.questions_of(inv.campaign.questionnaire)
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and state == "open" and form.is_valid():
        try:
            services.answer(actor=request.user, token=token, answers=_raw_answers(request, questions))
        except ValidationError as exc:
            apply_errors(form, exc)
        except NotFound:
            return render(request, "questionnaires/link_state.html", {"state": "invalid"}, status=404)
        else:
            return render(request, "questionnaires/link_state.html", {"state": "thanks", "campaign": inv.campaign})
    if state != "open":
        return render(request, "questionnaires/link_state.html", {"state": state, "campaign": inv.campaign})
    return render(request, "questionnaires/answer.html", {"invitation": inv, "campaign": inv.campaign, "form": form,
                                                          "state": state, "link": True})


# -- officials ---------------------------------------------------------------------------------------------

def _official(request) -> None:
    if not scope_for(request.user).is_official:
        raise PermissionDenied


@login_required
def questionnaire_list(request):
    _official(request)
    rows = selectors.questionnaire_list(user=request.user)[:200]
    return render(request, "questionnaires/list.html", {"rows": rows})


@login_required
def questionnaire_create(request):
    if not scope_for(request.user).may_design_questionnaires:
        raise PermissionDenied
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            q = services.create_questionnaire(actor=request.user, title=form.cleaned_data["title"],
                                              description=form.cleaned_data["description"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("问卷已创建,请添加题目。"))
            return redirect("questionnaires:edit", q.pk)
    return render(request, "questionnaires/create.html", {"form": form})


@login_required
def questionnaire_edit(request, pk: int):
    q = selectors.editable_questionnaire(user=request.user, pk=pk)
    if q is None:
        raise Http404
    questions = selectors.questions_of(q)
    form = QuestionnaireForm(request.POST or None, initial={"title": q.title, "description": q.description,
                                                            "status": q.status})
    rows = QuestionFormSet(request.POST or None, initial=initial_rows(questions), prefix="q")
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        data = [r for r in (f.row() for f in rows.forms) if r is not None]
        try:
            services.save_questionnaire(actor=request.user, questionnaire=q, title=form.cleaned_data["title"],
                                        description=form.cleaned_data["description"],
                                        status=form.cleaned_data["status"], questions=data)
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("问卷已保存。"))
            return redirect("questionnaires:edit", q.pk)
    return render(request, "questionnaires/edit.html", {"questionnaire": q, "form": form, "rows": rows,
                                                        "used": q.campaigns.exists()})


@login_required
def campaigns(request):
    rows = selectors.campaign_list(user=request.user)[:200]
    return render(request, "questionnaires/campaigns.html", {"rows": rows})


@login_required
def campaign(request, pk: int):
    c = selectors.campaign_for(user=request.user, pk=pk)
    if c is None:
        raise Http404
    return render(request, "questionnaires/campaign.html", {
        "campaign": c, "results": selectors.results(c),
        "invitations": selectors.campaign_invitations(user=request.user, campaign=c)})


@login_required
def campaign_xlsx(request, pk: int):
    c = selectors.campaign_for(user=request.user, pk=pk)
    if c is None:
        raise Http404
    body = exports.workbook(selectors.results(c), list(selectors.campaign_invitations(user=request.user, campaign=c)))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"问卷结果-{c.pk}.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"questionnaire-{c.pk}.xlsx\"; filename*=UTF-8''{quote(name)}"
    return response
