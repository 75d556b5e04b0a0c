"""The platforms' pages: parse the request, call one service or selector, render."""

from io import BytesIO
from urllib.parse import quote

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.exceptions import attempt
from portal.core.forms import apply_errors

from . import imports, selectors, services
from .forms import (
    ActivityForm,
    ImportForm,
    RecognitionForm,
    RecordFilterForm,
    RecordForm,
    ReplaceOperatorForm,
)
from .models import Platform

PAGE_SIZE = 30
MAX_EXPORT_ROWS = 50000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _platform(user, pk: int) -> Platform:
    platform = selectors.platform_for_view(user=user, pk=pk)
    if platform is None:
        raise Http404
    return platform


def _changeable(user, pk: int) -> Platform:
    platform = _platform(user, pk)
    if not selectors.may_change(user=user, platform=platform):
        raise PermissionDenied
    return platform


def _quarter(request):
    form = RecordFilterForm({"quarter": request.GET.get("quarter", "")}, user=request.user)
    form.is_valid()
    return form.cleaned_data.get("quarter") or selectors.current_quarter()


def _require_platform_user(user) -> None:
    if not (selectors.sees_side_by_side(user) or selectors.own_platforms(user=user)):
        raise PermissionDenied


@login_required
def dashboard(request):
    """The operator's quarter at a glance; the city's platforms side by side."""
    _require_platform_user(request.user)
    quarter = _quarter(request)
    own = selectors.operator_dashboard(user=request.user, quarter=quarter) if not request.user.is_official else []
    rows = selectors.side_by_side(user=request.user, quarter=quarter) if selectors.sees_side_by_side(
        request.user) else []
    chart = {"labels": [r["platform"].name for r in rows], "services": [r["services"] for r in rows],
             "distinct": [r["distinct"] for r in rows]}
    return render(request, "platforms/dashboard.html", {"own": own, "rows": rows, "quarter": quarter,
                                                         "chart": chart})


@login_required
def platform_list(request):
    _require_platform_user(request.user)
    return render(request, "platforms/list.html", {"platforms": list(selectors.platforms(user=request.user))})


@login_required
def platform_detail(request, pk: int):
    platform = _platform(request.user, pk)
    quarter = _quarter(request)
    is_official_over = request.user.is_official
    context = {"platform": platform, "quarter": quarter, "may_change": selectors.may_change(
        user=request.user, platform=platform), "is_official_over": is_official_over,
        **selectors.platform_page(user=request.user, platform=platform, quarter=quarter)}
    if is_official_over:
        context["recognition_form"] = RecognitionForm(prefix="rec")
        context["operator_form"] = ReplaceOperatorForm(prefix="op")
    return render(request, "platforms/detail.html", context)


@login_required
@require_POST
def recognition_add(request, pk: int):
    platform = _platform(request.user, pk)
    form = RecognitionForm(request.POST, prefix="rec")
    if form.is_valid():
        attempt(request, lambda: services.add_recognition(actor=request.user, platform=platform, **form.cleaned_data),
                success=_("已登记示范认定。"))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("platforms:detail", pk=platform.pk)


@login_required
@require_POST
def operator_replace(request, pk: int):
    platform = _platform(request.user, pk)
    form = ReplaceOperatorForm(request.POST, prefix="op")
    if form.is_valid():
        attempt(request, lambda: services.replace_operator(actor=request.user, platform=platform,
                                                           **form.cleaned_data), success=_("已更换运营单位。"))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("platforms:detail", pk=platform.pk)


def _filters(request):
    form = RecordFilterForm(request.GET or None, user=request.user)
    form.fields["platform"].queryset = selectors.platforms(user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    return form, selectors.RecordFilter(platform=data.get("platform"), area=data.get("area") or "",
                                        quarter=data.get("quarter"), q=data.get("q") or "")


@login_required
def record_list(request):
    _require_platform_user(request.user)
    form, filters = _filters(request)
    page = Paginator(selectors.records(user=request.user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "platforms/records.html", {
        "form": form, "page": page, "own": selectors.own_platforms(user=request.user),
        "open_from": services.first_open_day(), "query": request.GET.urlencode()})


@login_required
def record_export(request):
    _require_platform_user(request.user)
    _form, filters = _filters(request)
    buffer = BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    ws = wb.add_worksheet(_("服务记录"))
    ws.write_row(0, 0, [_("服务平台"), *imports.HEADERS])
    rows = selectors.records(user=request.user, filters=filters)[:MAX_EXPORT_ROWS]
    for i, r in enumerate(rows.iterator(chunk_size=2000), start=1):
        ws.write_row(i, 0, [r.platform.name, r.credit_code, r.enterprise_name, r.get_area_display(),
                            r.served_on.isoformat(), r.get_charging_display(), r.description, r.external_id])
    wb.close()
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (f"attachment; filename=\"service-records.xlsx\"; "
                                       f"filename*=UTF-8''{quote(_('服务记录') + '.xlsx')}")
    return response


@login_required
def record_add(request, pk: int):
    platform = _changeable(request.user, pk)
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_record(actor=request.user, platform=platform, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已登记服务记录。"))
            return redirect(f"{request.path}?saved=1")
    return render(request, "platforms/record_form.html", {"form": form, "platform": platform, "record": None})


@login_required
def record_edit(request, pk: int):
    record = selectors.record_for_change(user=request.user, pk=pk)
    if record is None:
        raise Http404
    form = RecordForm(request.POST or None, initial=RecordForm.initial_for(record))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_record(actor=request.user, record=record, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("platforms:records")
    return render(request, "platforms/record_form.html", {"form": form, "platform": record.platform,
                                                          "record": record})


@login_required
@require_POST
def record_delete(request, pk: int):
    record = selectors.record_for_change(user=request.user, pk=pk)
    if record is None:
        raise Http404
    attempt(request, lambda: services.delete_record(actor=request.user, record=record), success=_("已删除。"))
    return redirect("platforms:records")


@login_required
def record_import(request, pk: int):
    platform = _changeable(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if imports.needs_job(upload):
            run = imports.queue_import(actor=request.user, platform=platform, upload=upload)
            return redirect("platforms:import_job", pk=platform.pk, task_id=run.task_id)
        result = imports.import_records(actor=request.user, platform=platform, fileobj=upload)
    return _import_page(request, platform, form, result)


def _import_page(request, platform, form, result, job=None):
    return render(request, "platforms/import.html", {
        "platform": platform, "form": form, "result": result, "job": job, "headers": imports.HEADERS,
        "shown_errors": result.errors[:500] if result else []})


@login_required
def import_job(request, pk: int, task_id: str):
    platform = _changeable(request.user, pk)
    job = imports.import_job(user=request.user, task_id=task_id)
    if job is None:
        raise Http404
    return _import_page(request, platform, ImportForm(), job.result, job=job)


@login_required
def import_job_status(request, pk: int, task_id: str):
    _changeable(request.user, pk)
    job = imports.import_job(user=request.user, task_id=task_id)
    if job is None:
        raise Http404
    return JsonResponse(job.as_json())


@login_required
def import_template(request, pk: int):
    _changeable(request.user, pk)
    buffer = BytesIO()
    imports.write_template(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = (f"attachment; filename=\"service-records-template.xlsx\"; "
                                       f"filename*=UTF-8''{quote(_('服务记录导入模板') + '.xlsx')}")
    return response


@login_required
def activity_list(request, pk: int):
    platform = _platform(request.user, pk)
    may_change = selectors.may_change(user=request.user, platform=platform)
    form = ActivityForm(request.POST or None, request.FILES or None) if may_change else None
    if request.method == "POST":
        if form is None:
            return HttpResponseNotAllowed(["GET"])
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.add_activity(actor=request.user, platform=platform, kind=data["kind"],
                                      happened_on=data["happened_on"], title=data["title"], link=data["link"],
                                      upload=data["file"] or None)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("已登记活动。"))
                return redirect("platforms:activities", pk=platform.pk)
    quarter = _quarter(request)
    return render(request, "platforms/activities.html", {
        "platform": platform, "form": form, "quarter": quarter, "may_change": may_change,
        "activities": list(selectors.activities(user=request.user, platform=platform, quarter=quarter)[:500])})


@login_required
@require_POST
def activity_delete(request, pk: int):
    activity = selectors.activity_for_change(user=request.user, pk=pk)
    if activity is None:
        raise Http404
    attempt(request, lambda: services.delete_activity(actor=request.user, activity=activity), success=_("已删除。"))
    return redirect("platforms:activities", pk=activity.platform_id)


