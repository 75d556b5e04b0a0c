"""Pages of the startup bases: parse, call one service or selector, render. Missing and forbidden are one 404."""

from io import BytesIO
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts.roles import Role
from portal.accounts.scoping import scope_for
from portal.core import jobs
from portal.core.exceptions import APP_ERRORS, attempt
from portal.core.forms import apply_errors

from . import exports, selectors, services
from .forms import (
    FiguresForm,
    GraduationForm,
    ImportForm,
    NoteForm,
    PlanForm,
    RegistryForm,
    SelfCheckForm,
    StatusForm,
    TargetForm,
    TenantForm,
    VisitForm,
)


def _year(request) -> int:
    raw = request.GET.get("year", "")
    today = timezone.localdate()
    return int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2999 else today.year


def _upto(year: int) -> int:
    today = timezone.localdate()
    return 12 if year < today.year else max(today.month - 1, 1)


def _base(request, pk: int):
    found = selectors.base(user=request.user, pk=pk)
    if found is None:
        raise Http404
    return found


def _changeable_base(request, pk: int):
    found = _base(request, pk)
    if not selectors.may_change(user=request.user, base=found):
        raise Http404
    return found


@login_required
def base_list(request):
    """Officials: every base of their subtree side by side (targets vs actuals, chart); a manager: their base."""
    if request.user.role == Role.BASE_MANAGER:
        own = list(selectors.bases(user=request.user)[:2])
        if len(own) == 1:
            return redirect("incubators:detail", pk=own[0].pk)
    if not (request.user.is_official or request.user.role == Role.BASE_MANAGER):
        raise Http404
    year = _year(request)
    upto = _upto(year)
    data = selectors.progress(user=request.user, year=year, upto_month=upto)
    ids = [r.base.pk for r in data["bases"]]
    gaps = selectors.missing_visits(user=request.user, base_ids=ids, year=year)
    checks = {r.base.pk: r for r in selectors.self_checks(user=request.user, year=year)}
    for row in data["bases"]:
        row.gaps = gaps.get(row.base.pk, [])
        row.check = checks.get(row.base.pk)
    return render(request, "incubators/list.html", {
        "year": year, "upto": upto, "data": data, "chart": selectors.chart_data(data["bases"]),
        "city_rows": [data["city"]] if data["city"] else [],
        "metrics": _metric_labels()})


def _metric_labels() -> list[tuple[str, str]]:
    return [("revenue", _("主营业务收入(万元)")), ("taxes", _("税金总额(万元)")), ("tenants", _("入孵企业数")),
            ("employees", _("从业人员")), ("graduates", _("孵化毕业企业"))]


def _detail_context(request, base) -> dict:
    user = request.user
    year = _year(request)
    upto = _upto(year)
    scope = scope_for(user)
    rows = selectors.progress(user=user, year=year, upto_month=upto, only=base)["bases"]
    row = next((r for r in rows if r.base.pk == base.pk), None)
    check_rows = [r for r in selectors.self_checks(user=user, year=year) if r.base.pk == base.pk]
    today = timezone.localdate()
    return {
        "base": base, "year": year, "upto": upto, "row": row, "metrics": _metric_labels(),
        "history": selectors.status_history(user=user, base=base),
        "tenants": selectors.tenants(user=user, base=base),
        "plans_due": selectors.plans_due(user=user, base=base, today=today),
        "check_row": check_rows[0] if check_rows else None,
        "visits": selectors.visits(user=user, base=base),
        "gaps": selectors.missing_visits(user=user, base_ids=[base.pk], year=year).get(base.pk, []),
        "may_change": selectors.may_change(user=user, base=base),
        "may_manage": scope.may_manage_bases, "may_target": scope.may_set_base_targets(base),
        "may_visit": scope.may_record_visit(base),
        "registry_form": RegistryForm(initial={f: getattr(base, f) for f in services.REGISTRY_FIELDS}),
        "status_form": StatusForm(initial={"on": today}), "visit_form": VisitForm(initial={"visited_on": today}),
        "target_form": TargetForm(initial=row.target if row and row.target else None),
    }


@login_required
def base_detail(request, pk: int):
    base = _base(request, pk)
    return render(request, "incubators/detail.html", _detail_context(request, base))


def _post_act(request, pk: int, form_class, act, success: str, form_key: str):
    base = _changeable_base(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(base, form.cleaned_data)
        except APP_ERRORS as exc:
            if hasattr(exc, "message_dict") or hasattr(exc, "error_list"):
                apply_errors(form, exc)
            else:
                messages.error(request, str(exc))
        else:
            messages.success(request, success)
            return redirect(f"{request.path.rsplit('/', 2)[0]}/")
    context = _detail_context(request, base)
    context[form_key] = form
    return render(request, "incubators/detail.html", context, status=400)


@login_required
@require_POST
def base_edit(request, pk: int):
    return _post_act(request, pk, RegistryForm, lambda b, d: services.update_base(actor=request.user, base=b, **d),
                     _("基地信息已保存。"), "registry_form")


@login_required
@require_POST
def base_status(request, pk: int):
    return _post_act(request, pk, StatusForm, lambda b, d: services.change_status(actor=request.user, base=b, **d),
                     _("基地状态已变更。"), "status_form")


@login_required
@require_POST
def base_visit(request, pk: int):
    return _post_act(request, pk, VisitForm, lambda b, d: services.record_visit(actor=request.user, base=b, **d),
                     _("督查记录已保存。"), "visit_form")


@login_required
@require_POST
def base_target(request, pk: int):
    year = _year(request)
    return _post_act(request, pk, TargetForm,
                     lambda b, d: services.set_target(actor=request.user, year=year, base=b, **d),
                     _("年度目标已保存。"), "target_form")


# -- tenants --------------------------------------------------------------------------------------------

@login_required
def tenant_create(request, pk: int):
    base = _changeable_base(request, pk)
    form = TenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant = services.save_tenant(actor=request.user, base=base, **form.cleaned_data)
        except APP_ERRORS as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("入孵企业已保存。"))
            return redirect("incubators:tenant", pk=tenant.pk)
    return render(request, "incubators/tenant_form.html", {"base": base, "form": form},
                  status=400 if form.errors else 200)


def _tenant(request, pk: int):
    found = selectors.tenant(user=request.user, pk=pk)
    if found is None:
        raise Http404
    return found


def _tenant_context(request, tenant, **forms) -> dict:
    plan = getattr(tenant, "plan", None)
    today = timezone.localdate()
    plan_initial = {f: getattr(plan, f) for f in ("goals", "licences", "training", "financing", "recruitment",
                                                  "responsible", "due_on")} if plan else None
    context = {
        "tenant": tenant, "base": tenant.base, "plan": plan,
        "may_change": selectors.may_change(user=request.user, base=tenant.base),
        "figures": selectors.tenant_figures(user=request.user, tenant=tenant),
        "monitored": bool(tenant.enterprise_id and tenant.enterprise.monitored_from),
        "form": TenantForm(initial={"credit_code": tenant.credit_code, "name": tenant.name,
                                    "entered_on": tenant.entered_on, "exited_on": tenant.exited_on}),
        "plan_form": PlanForm(initial=plan_initial), "note_form": NoteForm(initial={"on": today}),
        "graduation_form": GraduationForm(initial={"on": today}),
        "figures_form": FiguresForm(initial={"year": today.year}),
    }
    context.update(forms)
    return context


@login_required
def tenant_detail(request, pk: int):
    tenant = _tenant(request, pk)
    if request.method != "POST":
        return render(request, "incubators/tenant.html", _tenant_context(request, tenant))
    if not selectors.may_change(user=request.user, base=tenant.base):
        raise Http404
    act = request.POST.get("act", "")
    acts = {
        "tenant": (TenantForm, "form", lambda d: services.save_tenant(actor=request.user, base=tenant.base,
                                                                        tenant=tenant, **d)),
        "plan": (PlanForm, "plan_form", lambda d: services.save_plan(actor=request.user, tenant=tenant, **d)),
        "note": (NoteForm, "note_form", lambda d: services.add_plan_note(actor=request.user, plan=tenant.plan, **d)),
        "graduate": (GraduationForm, "graduation_form",
                     lambda d: services.graduate_tenant(actor=request.user, tenant=tenant, **d)),
        "figures": (FiguresForm, "figures_form",
                    lambda d: services.save_tenant_figures(actor=request.user, tenant=tenant, **d)),
    }
    if act not in acts or (act == "note" and not hasattr(tenant, "plan")):
        messages.error(request, _("请求无效。"))
        return redirect("incubators:tenant", pk=tenant.pk)
    form_class, key, call = acts[act]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except APP_ERRORS as exc:
            if hasattr(exc, "error_list") or hasattr(exc, "message_dict"):
                apply_errors(form, exc)
            else:
                messages.error(request, str(exc))
        else:
            messages.success(request, _("已保存。"))
            return redirect("incubators:tenant", pk=tenant.pk)
    return render(request, "incubators/tenant.html", _tenant_context(request, tenant, **{key: form}), status=400)


@login_required
def tenant_import(request, pk: int):
    """All or nothing; a file with more rows than a request imports runs as a job the uploader follows."""
    base = _changeable_base(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if jobs.needs_job(upload.upload_check, (0,)):
            ok, run = attempt(request, lambda: services.queue_import(actor=request.user, base=base, upload=upload))
            if ok and run is not None:
                return redirect("incubators:import_job", pk=base.pk, task_id=run.task_id)
        else:
            result = services.import_tenants(actor=request.user, base=base, fileobj=upload)
    return render(request, "incubators/import.html", {"base": base, "form": form, "result": result,
                                                      "headers": services.IMPORT_HEADERS})


@login_required
def import_job(request, pk: int, task_id: str):
    base = _changeable_base(request, pk)
    job = jobs.import_job(user=request.user, task_id=task_id, task=services.IMPORT_TASK)
    if job is None:
        raise Http404
    if request.GET.get("format") == "json":
        return JsonResponse(job.as_json())
    return render(request, "incubators/import.html", {"base": base, "form": ImportForm(), "result": job.result,
                                                      "job": job, "headers": services.IMPORT_HEADERS})


@login_required
def tenant_export(request, pk: int):
    base = _base(request, pk)
    buffer = BytesIO()
    exports.write_tenants(buffer, base=base, tenants=selectors.tenants(user=request.user, base=base))
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = _("入孵企业-%(b)s.xlsx") % {"b": base.name}
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


# -- self-check -----------------------------------------------------------------------------------------

@login_required
def self_check_list(request):
    """Officials: the year's self-checks of their bases, late and missing flagged."""
    if not request.user.is_official:
        raise Http404
    year = _year(request)
    rows = selectors.self_checks(user=request.user, year=year)
    return render(request, "incubators/self_checks.html", {
        "year": year, "rows": rows, "due_on": selectors.due_on(year),
        "flagged": sum(1 for r in rows if r.flagged)})


@login_required
def self_check(request, pk: int, year: int):
    base = _base(request, pk)
    if not 2000 <= year <= 2999:
        raise Http404
    check = selectors.self_check(user=request.user, base=base, year=year)
    scope = scope_for(request.user)
    may_prepare = selectors.may_change(user=request.user, base=base) and (
        request.user.role == Role.BASE_MANAGER or scope.may_file_self_check(base))
    filed = check is not None and check.status == "filed"
    form = SelfCheckForm(request.POST or None, request.FILES or None, initial=_check_initial(check))
    if request.method == "POST":
        if not may_prepare:
            raise Http404
        if request.POST.get("act") == "file":
            ok, _value = attempt(request, lambda: services.file_self_check(actor=request.user, check=check),
                                 success=_("自查表已上报市局。")) if check else (False, None)
            if not check:
                messages.error(request, _("请先填写并保存自查表。"))
            return redirect("incubators:self_check", pk=base.pk, year=year)
        if form.is_valid():
            try:
                services.save_self_check(actor=request.user, base=base, year=year,
                                         problems=form.cleaned_data["problems"],
                                         measures=form.cleaned_data["measures"], items=form.items())
            except APP_ERRORS as exc:
                if hasattr(exc, "error_list"):
                    apply_errors(form, exc)
                else:
                    messages.error(request, str(exc))
            else:
                messages.success(request, _("自查表已保存。"))
                return redirect("incubators:self_check", pk=base.pk, year=year)
    return render(request, "incubators/self_check.html", {
        "base": base, "year": year, "check": check, "form": form, "may_prepare": may_prepare and not filed,
        "may_file": scope.may_file_self_check(base) and check is not None and not filed,
        "items": selectors.self_check_items(check), "due_on": selectors.due_on(year),
    }, status=400 if form.errors else 200)


def _check_initial(check) -> dict:
    if check is None:
        return {}
    initial = {"problems": check.problems, "measures": check.measures}
    for item in check.items.all():
        initial[f"{item.key}_present"] = "1" if item.present else "0"
        initial[f"{item.key}_evidence"] = item.evidence
    return initial


# -- targets of the counties (the city) -----------------------------------------------------------------

@login_required
def targets(request):
    if not scope_for(request.user).may_manage_bases:
        raise Http404
    year = _year(request)
    regions = selectors.target_regions(user=request.user)
    if request.method == "POST":
        region = next((r for r in regions if str(r.pk) == request.POST.get("region")), None)
        if region is None:
            raise Http404
        form = TargetForm(request.POST, prefix=f"r{region.pk}")
        if form.is_valid():
            ok, _value = attempt(request, lambda: services.set_target(actor=request.user, year=year, region=region,
                                                                      **form.cleaned_data),
                                 success=_("%(r)s的年度目标已保存。") % {"r": region.name})
            if ok:
                return redirect(f"{request.path}?year={year}")
        else:
            messages.error(request, _("请检查输入的目标数值。"))
    rows = []
    own = selectors.region_targets(user=request.user, year=year)
    for region in regions:
        target = own.get(region.pk)
        rows.append({"region": region, "target": target,
                     "form": TargetForm(prefix=f"r{region.pk}", initial={m: getattr(target, m) for m in
                                                                         services.TARGET_FIELDS} if target else None)})
    return render(request, "incubators/targets.html", {"year": year, "rows": rows, "metrics": _metric_labels()})
