"""Pages of the upscaling work: thin — parse, call one service or selector, render."""

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.scoping import scope_for
from portal.core import uploads
from portal.core.bounds import parse_id
from portal.core.exceptions import attempt
from portal.core.job_views import import_job_views
from portal.regions.models import Region

from . import figures, imports, selectors, services
from .exports import progress_workbook, reward_workbook
from .forms import MappingForm, MaterialsForm, MonthForm, NoteForm, ScreenForm, TargetForm, UploadForm
from .models import MATERIALS, ListKind, Screening, Stage
from .projection import RECENT_MONTHS, TREND_BOUNDS

SESSION_KEY = "upscaling_import"


def _official(request) -> Any:
    scope = scope_for(request.user)
    if not scope.is_official:
        raise PermissionDenied
    return scope


def _today() -> date:
    return timezone.localdate()


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return _today().year
    return year if 2000 <= year <= 2999 else _today().year


@login_required
def index(request):
    _official(request)
    year = _year(request)
    rows, total = figures.progress(viewer=request.user, year=year, on=_today())
    return render(request, "upscaling/index.html", {
        "year": year, "rows": rows, "total": total, "counts": selectors.pool_counts(user=request.user),
        "due": selectors.notes_due(user=request.user, day=_today()), "elapsed": total.elapsed})


@login_required
def pool(request):
    _official(request)
    screening = request.GET.get("screening", "")
    stage = request.GET.get("stage", "")
    q = request.GET.get("q", "")[:64]
    return render(request, "upscaling/pool.html", {
        "entries": selectors.pool(user=request.user, screening=screening, stage=stage, q=q),
        "screening": screening, "stage": stage, "q": q, "limit": selectors.LIST_LIMIT,
        "screenings": Screening.choices, "stages": Stage.choices, "form": ScreenForm(),
        "counts": selectors.pool_counts(user=request.user)})


def _entry_or_404(request, pk: int):
    entry = selectors.entry(user=request.user, pk=pk)
    if entry is None:
        raise Http404
    return entry


@login_required
def screen(request, pk: int):
    entry = _entry_or_404(request, pk)
    _official(request)
    if request.method != "POST":
        return redirect("upscaling:entry", pk=pk)
    form = ScreenForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: services.screen(actor=request.user, entry=entry, tier=form.cleaned_data["tier"],
                                                 reason=form.cleaned_data["reason"]),
                success=_("已更新%(name)s的筛选结果。") % {"name": entry.enterprise.name})
    else:
        messages.error(request, _("请检查筛选结果。"))
    back = request.POST.get("screening", "")
    return redirect(reverse("upscaling:pool") + (f"?screening={back}" if back in Screening.values else ""))


@login_required
def entry_page(request, pk: int):
    entry = _entry_or_404(request, pk)
    _official(request)
    year = _year(request)
    forms = {"note": NoteForm(prefix="note"), "materials": MaterialsForm(
        prefix="materials", initial={"materials": entry.materials, "refuses_entry": entry.refuses_entry}),
        "month": MonthForm(prefix="month", initial={"year": year, "month": max(_today().month - 1, 1)}),
        "screen": ScreenForm(prefix="screen")}
    if request.method == "POST":
        forms = _act_on_entry(request, entry, forms)
        if forms is None:
            return redirect("upscaling:entry", pk=pk)
    monitored = bool(entry.enterprise.monitored_from and not entry.enterprise.monitored_until)
    return render(request, "upscaling/entry.html", {
        "entry": entry, "year": year, "months": selectors.months_of(user=request.user, entry=entry, year=year),
        "notes": selectors.notes(user=request.user, entry=entry), "monitored": monitored,
        "moves": [(s, Stage(s).label) for s in services.MOVES[Stage(entry.stage)]],
        "materials": [(k, label, k in entry.materials) for k, label in MATERIALS], **forms})


def _act_on_entry(request, entry, forms: dict) -> dict | None:
    """One act posted from the enterprise's page; None when done (redirect), else the forms with errors."""
    act = request.POST.get("act", "")
    actor = request.user
    if act == "move":
        attempt(request, lambda: services.move(actor=actor, entry=entry, stage=request.POST.get("stage", "")),
                success=_("已更新升规进度。"))
        return None
    if act == "note":
        form = forms["note"] = NoteForm(request.POST, prefix="note")
        if form.is_valid() and attempt(request, lambda: services.add_note(actor=actor, entry=entry, **form.cleaned_data),
                                       success=_("已记录调度情况。"))[0]:
            return None
    elif act == "materials":
        form = forms["materials"] = MaterialsForm(request.POST, prefix="materials")
        if form.is_valid() and attempt(request, lambda: services.set_materials(
                actor=actor, entry=entry, materials=form.cleaned_data["materials"],
                refuses_entry=form.cleaned_data["refuses_entry"]), success=_("已保存申报材料。"))[0]:
            return None
    elif act == "month":
        form = forms["month"] = MonthForm(request.POST, prefix="month")
        monitored = bool(entry.enterprise.monitored_from and not entry.enterprise.monitored_until)
        if form.is_valid() and attempt(request, lambda: services.record_month(
                actor=actor, entry=entry, monitored=monitored, **form.cleaned_data), success=_("已保存月度数据。"))[0]:
            return None
    elif act == "close_note":
        note = next((n for n in selectors.notes(user=actor, entry=entry)
                     if str(n.pk) == request.POST.get("note", "")), None)
        if note is not None:
            attempt(request, lambda: services.close_note(actor=actor, note=note), success=_("已标记为已跟进。"))
        return None
    return forms


@login_required
def import_upload(request, kind: str):
    _official(request)
    if kind not in ListKind.values:
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None, initial=_upload_initial(kind))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if kind == ListKind.MONTHLY and not data["month"]:
            form.add_error("month", _("请填写月份。"))
        else:
            request.session[SESSION_KEY] = {"kind": kind, "spooled": uploads.spool(data["file"]),
                                            "name": data["file"].name[:100], "year": data["year"],
                                            "month": data["month"]}
            return redirect("upscaling:import_map", kind=kind)
    return _upload_page(request, kind, form)


def _upload_initial(kind: str) -> dict:
    return {"year": _today().year - (1 if kind != ListKind.MONTHLY else 0), "month": max(_today().month - 1, 1)}


def _upload_page(request, kind: str, form: UploadForm):
    return render(request, "upscaling/import_upload.html", {"form": form, "kind": ListKind(kind),
                                                            "fields": imports.FIELDS[kind]})


@login_required
def import_map(request, kind: str):
    _official(request)
    if kind not in ListKind.values:
        raise Http404
    pending = request.session.get(SESSION_KEY) or {}
    if pending.get("kind") != kind:  # nothing uploaded (or another list): the first step
        return _upload_page(request, kind, UploadForm(initial=_upload_initial(kind)))
    try:
        path = uploads.spooled_path(pending["spooled"])
        with path.open("rb") as fh:
            header, rows = imports.read_rows(fh)
    except (ValueError, OSError, ValidationError):
        request.session.pop(SESSION_KEY, None)
        messages.error(request, _("上传的文件已失效,请重新上传。"))
        return redirect("upscaling:import_upload", kind=kind)
    remembered = imports.last_mapping(user=request.user, kind=kind)
    form = MappingForm(request.POST or None, kind=kind, header=header,
                       initial=imports.guess_mapping(header, kind, remembered))
    result = None
    if request.method == "POST" and form.is_valid():
        dry_run = request.POST.get("act") != "import"
        if not dry_run and len(rows) > settings.IMPORT_INLINE_MAX_ROWS:
            ok, run = attempt(request, lambda: imports.queue_import(
                actor=request.user, kind=kind, spooled=pending["spooled"], mapping=form.cleaned_data,
                year=pending["year"], month=pending.get("month")))
            if ok and run is not None:
                request.session.pop(SESSION_KEY, None)
                return redirect("upscaling:import_job", task_id=run.task_id)
        with path.open("rb") as fh:
            ok, result = attempt(request, lambda: imports.import_list(
                actor=request.user, kind=kind, fileobj=fh, mapping=form.cleaned_data, year=pending["year"],
                month=pending.get("month"), dry_run=dry_run))
        if ok and result is not None and result.ok and not dry_run:
            uploads.discard(pending["spooled"])
            request.session.pop(SESSION_KEY, None)
            messages.success(request, _("导入完成:新增%(c)d条,更新%(u)d条,新登记企业%(r)d家。") % {
                "c": result.created, "u": result.updated, "r": result.registered})
            return redirect("upscaling:pool" if kind != ListKind.MONTHLY else "upscaling:analysis")
    return render(request, "upscaling/import_map.html", {
        "form": form, "kind": ListKind(kind), "pending": pending, "rows": len(rows), "result": result,
        "header": header, "sample": [v for _n, v in rows[:5]]})


def _find_import_job(request, task_id: str):
    _official(request)
    return imports.import_job(user=request.user, task_id=task_id)


def _show_import_job(request, job):
    return render(request, "upscaling/import_job.html", {"job": job, "result": job.result})


# A queued list import's progress and, once done, its outcome; only the official who uploaded it sees it.
import_job, import_job_status = import_job_views(find=_find_import_job, show=_show_import_job)


@login_required
def analysis(request):
    _official(request)
    year = _year(request)
    try:
        month = int(request.GET.get("month", ""))
    except ValueError:
        month = 0
    if not 1 <= month <= 12:
        month = _today().month - 1 if year == _today().year and _today().month > 1 else 12
    result = selectors.analysis(user=request.user, year=year, month=month)
    return render(request, "upscaling/analysis.html", {
        "a": result, "year": year, "month": month, "months": range(1, 13), "recent": RECENT_MONTHS,
        "bounds": TREND_BOUNDS, "backtest": list(zip(result.backtest.months, result.backtest.mean_abs_error,
                                                     result.backtest.called_right, strict=True))})


@login_required
def targets(request):
    scope = _official(request)
    year = _year(request)
    rows, _total = figures.progress(viewer=request.user, year=year, on=_today())
    if request.method == "POST":
        if not scope.may_set_upscaling_targets:
            raise PermissionDenied
        region_id = parse_id(request.POST.get("region", ""))
        region = Region.objects.visible_to(request.user).filter(pk=region_id).first() if region_id else None
        form = TargetForm(request.POST)
        if region is None or not form.is_valid():
            messages.error(request, _("请填写有效的目标。"))
        else:
            attempt(request, lambda: services.set_target(actor=request.user, region=region, year=year,
                                                         **form.cleaned_data),
                    success=_("已保存%(r)s的目标。") % {"r": region.name})
        return redirect(f"{request.path}?year={year}")
    return render(request, "upscaling/targets.html", {"rows": rows, "year": year,
                                                      "editable": scope.may_set_upscaling_targets})


REPORTS = {"quarter": _("季度调度报告"), "half": _("半年工作总结"), "annual": _("年度工作评估")}


@login_required
def report(request, kind: str):
    _official(request)
    if kind not in REPORTS:
        raise Http404
    year = _year(request)
    rows, total = figures.progress(viewer=request.user, year=year, on=_today())
    context = {"rows": rows, "total": total, "year": year, "title": REPORTS[kind], "kind": kind,
               "slow": [r for r in rows if r.light == "red"]}
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(progress_workbook(context), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = f'attachment; filename="upscaling-{kind}-{year}.xlsx"'
        return response
    return render(request, "upscaling/report.html", context)


@login_required
def reward(request):
    """Seed 002 四.2: the new local tax contribution of this year's crossers against last year, per county."""
    _official(request)
    year = _year(request)
    rows = figures.reward_basis(viewer=request.user, year=year)
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(reward_workbook(year=year, rows=rows), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = f'attachment; filename="upscaling-reward-{year}.xlsx"'
        return response
    return render(request, "upscaling/reward.html", {"rows": rows, "year": year})
