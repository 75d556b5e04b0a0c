from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.forms import apply_errors

from . import selectors, services
from .forms import ManageFilterForm, NoticeForm
from .models import Notice, NoticeKind


def notice_list(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in NoticeKind.values else None
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.notice_list(user=request.user, kind=kind, q=q), 20).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page, "kind": kind, "q": q, "kinds": NoticeKind.choices})


def notice_detail(request, pk: int):
    notice = get_object_or_404(Notice.objects.visible_to(request.user), pk=pk)
    services.record_view(notice=notice)
    return render(request, "notices/detail.html", {"notice": notice, "can_manage": selectors.can_manage(request.user)})


# -- management by province staff -----------------------------------------------------------------
def _managed(request, pk: int) -> Notice:
    if not selectors.can_manage(request.user):
        raise PermissionDenied
    notice = selectors.managed_notice(user=request.user, pk=pk)
    if notice is None:
        raise Http404
    return notice


@login_required
def manage(request):
    if not selectors.can_manage(request.user):
        raise PermissionDenied
    filters = ManageFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.manage_list(user=request.user, kind=data.get("kind") or None, q=data.get("q", ""),
                               status=data.get("status") or None)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "notices/manage.html", {"page": page, "filters": filters})


@login_required
def create(request):
    if not selectors.can_manage(request.user):
        raise PermissionDenied
    form = NoticeForm(request.POST or None, initial={"kind": request.GET.get("kind") or NoticeKind.NOTICE,
                                                     "source": _("省工业和信息化厅")})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "publish"}
        try:
            notice = services.create_notice(actor=request.user, data=data, publish=form.cleaned_data["publish"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已发布:%(t)s") % {"t": notice.title} if notice.is_published
                             else _("已保存草稿:%(t)s") % {"t": notice.title})
            return redirect("notices:manage")
    return render(request, "notices/form.html", {"form": form, "title": _("新建资讯公告")})


@login_required
def edit(request, pk: int):
    notice = _managed(request, pk)
    form = NoticeForm(request.POST or None, instance=notice, creating=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_notice(actor=request.user, notice=notice, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存:%(t)s") % {"t": form.cleaned_data["title"]})
            return redirect("notices:manage")
    return render(request, "notices/form.html", {"form": form, "notice": notice, "title": _("编辑资讯公告")})


def _act(request, pk: int, act, done: str):
    """Publish or withdraw: call the service, tell the user how it went, back to the list."""
    notice = _managed(request, pk)
    try:
        act(actor=request.user, notice=notice)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"t": notice.title})
    return redirect("notices:manage")


@login_required
@require_POST
def publish(request, pk: int):
    return _act(request, pk, services.publish_notice, _("已发布:%(t)s"))


@login_required
@require_POST
def unpublish(request, pk: int):
    return _act(request, pk, services.unpublish_notice, _("已撤回:%(t)s"))


@login_required
def delete(request, pk: int):
    notice = _managed(request, pk)
    if request.method == "POST":
        services.delete_notice(actor=request.user, notice=notice)
        messages.success(request, _("已删除:%(t)s") % {"t": notice.title})
        return redirect("notices:manage")
    return render(request, "notices/confirm_delete.html", {"notice": notice})
