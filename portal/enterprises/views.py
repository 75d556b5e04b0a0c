"""The enterprise registry pages: parse the request, call one service or selector, render."""

from io import BytesIO
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.accounts import services as account_services
from portal.accounts.scoping import scope_for
from portal.core import jobs
from portal.core.exceptions import attempt
from portal.core.forms import apply_errors
from portal.core.job_views import import_job_views

from . import selectors, services
from .forms import AccountForm, ContactForm, EnterpriseForm, FilterForm, HonourForm, ImportForm

PAGE_SIZE = 30
MAX_SHOWN_ERRORS = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_registry(user) -> str:
    role = selectors.registry_role(user=user)
    if role is None:
        raise PermissionDenied
    return role


def _require_official(user) -> None:
    if selectors.registry_role(user=user) != "official":
        raise PermissionDenied


def _enterprise_form(user, *args, **kwargs) -> EnterpriseForm:
    return EnterpriseForm(*args, user=user, region_choices=selectors.county_choices(user=user),
                          industry_choices=selectors.industry_choices(), **kwargs)


@login_required
def enterprise_list(request):
    role = _require_registry(request.user)
    form = FilterForm(request.GET or None, user=request.user,
                      region_choices=selectors.region_filter_choices(user=request.user),
                      industry_choices=selectors.industry_choices())
    qs = selectors.enterprise_list(user=request.user, filters=form.to_filter())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "enterprises/list.html", {"page": page, "form": form, "is_official": role == "official"})


@login_required
def my_enterprise(request):
    pk = selectors.own_enterprise_id(user=request.user)
    if pk is None:
        raise Http404
    return redirect("enterprises:detail", pk=pk)


def _detail(request, enterprise, account_form=None, status=200, honour_form=None):
    is_official = selectors.registry_role(user=request.user) == "official"
    may_manage_honours = scope_for(request.user).may_manage_honours(enterprise)
    context = {
        "honours": selectors.enterprise_honours(user=request.user, enterprise=enterprise),
        "may_manage_honours": may_manage_honours,
        "honour_form": honour_form or (HonourForm(prefix="honour") if may_manage_honours else None),
        "enterprise": enterprise,
        "basis": selectors.size_basis(enterprise),
        "is_official": is_official,
        "accounts": selectors.enterprise_accounts(user=request.user, enterprise=enterprise),
        "history": selectors.enterprise_history(user=request.user, enterprise=enterprise),
        "account_form": account_form or (
            AccountForm(prefix="account", initial=AccountForm.initial_for(enterprise)) if is_official else None),
    }
    return render(request, "enterprises/detail.html", context, status=status)


@login_required
def enterprise_detail(request, pk: int):
    enterprise = selectors.enterprise_for_view(user=request.user, pk=pk)
    if enterprise is None:
        raise Http404
    return _detail(request, enterprise)


@login_required
def enterprise_create(request):
    _require_official(request.user)
    form = _enterprise_form(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.create_enterprise(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记企业:%(name)s") % {"name": enterprise.name})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "title": _("新增企业"), "enterprise": None})


@login_required
def enterprise_edit(request, pk: int):
    enterprise = selectors.enterprise_for_change(user=request.user, pk=pk)
    if enterprise is None:
        raise Http404
    if selectors.registry_role(user=request.user) == "official":
        form = _enterprise_form(request.user, request.POST or None, initial=EnterpriseForm.initial_for(enterprise))
        title = _("编辑企业信息")
    else:  # the information officer: contacts only
        form = ContactForm(request.POST or None, initial=ContactForm.initial_for(enterprise))
        title = _("编辑联系信息")
    if request.method == "POST" and form.is_valid():
        try:
            services.update_enterprise(actor=request.user, enterprise=enterprise, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return render(request, "enterprises/form.html", {"form": form, "title": title, "enterprise": enterprise})


@login_required
def account_create(request, pk: int):
    enterprise = selectors.enterprise_for_view(user=request.user, pk=pk)
    if enterprise is None:  # scope first, so that a probe of a foreign id learns nothing from the method
        raise Http404
    _require_official(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = AccountForm(request.POST, prefix="account")
    if form.is_valid():
        data = form.cleaned_data
        try:
            account = account_services.create_enterprise_account(
                actor=request.user, enterprise=enterprise, username=data["username"], password=data["password"],
                full_name=data["full_name"], email=data["email"], phone=data["phone"])
        except ValidationError as exc:
            apply_errors(form, exc, password_field="password")
        else:
            messages.success(request, _("已为%(name)s开通信息员账号“%(username)s”,首次登录须修改密码。") % {
                "name": enterprise.name, "username": account.username})
            return redirect("enterprises:detail", pk=enterprise.pk)
    return _detail(request, enterprise, account_form=form)


@login_required
def enterprise_import(request):
    """A small file is imported in the request; one with more than IMPORT_INLINE_MAX_ROWS rows by a job."""
    _require_official(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if jobs.needs_job(upload.upload_check, (0,)):
            run = services.queue_import(actor=request.user, upload=upload)
            return redirect("enterprises:import_job", task_id=run.task_id)
        result = services.import_enterprises(actor=request.user, fileobj=upload)
    return _import_page(request, form, result)


def _import_page(request, form, result, job=None):
    return render(request, "enterprises/import.html", {
        "form": form, "result": result, "columns": services.IMPORT_COLUMNS, "job": job,
        "shown_errors": result.errors[:MAX_SHOWN_ERRORS] if result else [],
        "hidden_errors": max(0, result.error_count - MAX_SHOWN_ERRORS) if result else 0,
    })


def _find_import_job(request, task_id: str):
    _require_official(request.user)
    return services.import_job(user=request.user, task_id=task_id)


# A queued import's progress and, once done, its outcome; only the official who uploaded it sees it.
import_job, import_job_status = import_job_views(
    find=_find_import_job, show=lambda request, job: _import_page(request, ImportForm(), job.result, job=job))


@login_required
def import_template(request):
    _require_official(request.user)
    buffer = BytesIO()
    services.write_import_template(buffer, regions=selectors.import_template_regions(user=request.user))
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    filename = _("企业名录导入模板") + ".xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"enterprises.xlsx\"; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def honour_add(request, pk: int):
    enterprise = selectors.enterprise_for_view(user=request.user, pk=pk)
    if enterprise is None:
        raise Http404
    if not scope_for(request.user).may_manage_honours(enterprise):
        raise PermissionDenied
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = HonourForm(request.POST, prefix="honour")
    if form.is_valid():
        try:
            services.grant_honour(actor=request.user, enterprise=enterprise, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记荣誉认定。"))
            return redirect("enterprises:detail", pk=enterprise.pk)
    return _detail(request, enterprise, honour_form=form, status=400)


@login_required
def honour_revoke(request, pk: int, honour_pk: int):
    enterprise = selectors.enterprise_for_view(user=request.user, pk=pk)
    honour = selectors.honour_for_change(user=request.user, enterprise=enterprise, pk=honour_pk) if enterprise else None
    if honour is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    attempt(request, lambda: services.revoke_honour(actor=request.user, honour=honour,
                                                     reason=request.POST.get("reason", "")[:200]),
            success=_("已撤销该荣誉认定。"))
    return redirect("enterprises:detail", pk=enterprise.pk)
