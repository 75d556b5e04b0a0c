"""Pages of the monthly monitoring: the enterprise's filing, the review queue, the status up the tree."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monitoring import analysis, imports, periods, selectors, services, states
from monitoring.exports.workbook import write_status
from monitoring.forms import (
    DeadlineForm,
    FilingForm,
    FilingImportForm,
    ProductFormSet,
    ReasonForm,
    ReturnForm,
    products_from,
)
from monitoring.indicators import INDICATORS, PRODUCT_FIELDS, SURVEY, Kind, field_labels
from monitoring.models import FilingStatus, Period, RegionReport
from monitoring.reminders import services as reminders
from monitoring.unlocks import selectors as unlock_selectors
from monitoring.unlocks import services as unlock_services
from portal.accounts.scoping import scope_for
from portal.core import jobs
from portal.core.bounds import parse_id
from portal.core.exceptions import APP_ERRORS, Conflict, attempt, show_errors
from portal.core.forms import apply_errors
from portal.core.job_views import import_job_views
from portal.core.periods import Month, month_from_query
from portal.enterprises.models import Enterprise
from portal.regions.models import Region


def _period(month: Month) -> Period:
    """The Period of a URL's month (an ended one; 404 otherwise), to show."""
    if not periods.is_open(month, timezone.localdate()):
        raise Http404
    return periods.read_period(*month)


def _period_from_query(request) -> Period:
    """``?period=2026-01`` (or ``2026-1``) of an ended month, to show; the month being filed by default."""
    return periods.period_from_query(request.GET)


def _with_period(url: str, period, **params) -> str:
    """``url?period=2026-01&…``: the one spelling in every link and redirect the pages write."""
    return f"{url}?{urlencode({'period': periods.code(period), **params})}"


def _region_from_query(request, user) -> Region:
    """?region=<code> within the user's subtree (404 otherwise); the user's own region by default."""
    code = request.GET.get("region")
    if not code:
        return user.region
    region = Region.objects.visible_to(user).filter(code=code).first()
    if region is None:
        raise Http404
    return region


def _official(request):
    if not scope_for(request.user).is_official:
        raise PermissionDenied
    return request.user


@login_required
def my_filings(request):
    enterprise = request.user.enterprise
    if not scope_for(request.user).is_enterprise:
        raise PermissionDenied
    current = periods.current_filing_period()
    rows = selectors.periods_for_enterprise(user=request.user, enterprise=enterprise)
    pending = unlock_selectors.pending_periods(user=request.user, enterprise=enterprise)
    for row in rows:
        row["situation"] = states.situation(row["filing"], row["period"])
        row["unlock_pending"] = row["period"].pk in pending
    current_filing = next((r["filing"] for r in rows if r["period"].pk and r["period"].pk == current.pk), None)
    return render(request, "monitoring/my_filings.html", {
        "enterprise": enterprise, "current": current, "rows": rows,
        "current_situation": states.situation(current_filing, current),
    })


@login_required
def file_form(request, period: Month, enterprise_id: int | None = None):
    period = _period(period)
    enterprise = _filing_enterprise(request, enterprise_id)
    filing = selectors.filing_for(user=request.user, enterprise=enterprise, period=period)
    situation = states.situation(filing, period)
    if not situation.editable:
        # Filed, approved or closed: shown read-only; a form posted from an old tab changes nothing.
        if request.method == "POST":
            messages.error(request, _refusal(situation, period))
            return redirect(request.path)
        return _filed_report(request, enterprise, period, filing, situation, on_behalf=enterprise_id is not None)
    industrial = enterprise.industry.is_industrial
    warnings = list(filing.warnings) if filing else []
    confirming = False
    if request.method == "POST":
        form, formset, period, done = _post_filing(request, enterprise, period, industrial, warnings)
        confirming = done == ASK_TO_CONFIRM
        done = done is True
        if done and enterprise_id is not None and "submit" in request.POST:
            return redirect(_with_period(_url("monitoring:review_queue"), period))
        if done:  # a draft stays on the form; a submission shows the filed report with its status
            return redirect(request.path)
    else:
        initial, product_initial = _initial_values(filing)
        form = FilingForm(initial=initial, industrial=industrial, warnings=warnings)
        formset = ProductFormSet(initial=product_initial, prefix="products")
    flagged = set(filing.return_fields or []) if filing and filing.status == FilingStatus.RETURNED else set()
    labels = field_labels()
    return render(request, "monitoring/file_form.html", {
        "period": period, "enterprise": enterprise, "filing": filing, "form": form, "formset": formset,
        "rows": _indicator_rows(form, filing, enterprise, period), "on_behalf": enterprise_id is not None,
        "situation": situation, "editable": True, "confirming": confirming,
        "survey": [form[name] for name in form.survey_fields],
        "explain": [form[name] for name in form.warning_fields],
        "unexplained": [name for name in form.warning_fields if name in form.errors],
        "other_errors": [name for name in form.errors if not name.startswith("explain_")]
        + [i for i, errors in enumerate(formset.errors or []) if errors],
        "flagged": flagged, "flagged_labels": [(code, labels.get(code, code)) for code in (filing.return_fields or [])
                                               if code in flagged] if filing else [],
        "same_year": period.month > 1,
    })


def _refusal(situation: states.Situation, period: Period) -> str:
    """Why a filed, approved or closed report takes no input on the form."""
    if situation.closed:
        return _("%(period)s已过审核截止日,报表已锁定;如需补报或更正,请申请解锁。") % {"period": period}
    if situation.status == FilingStatus.APPROVED:
        return _("该报表已审核通过,不能再修改;如需更正,请申请解锁。")
    return _("报表已报送,等待审核;如需修改,请先撤回。")


def _filed_report(request, enterprise, period, filing, situation, *, on_behalf: bool):
    """A filed, approved or closed report, read-only, with its status and what its enterprise may do now:
    withdraw an unreviewed submission, or ask for an unlock."""
    scope = scope_for(request.user)
    is_own = scope.is_enterprise and scope.may_file_for(enterprise)
    latest = unlock_selectors.latest_for(user=request.user, enterprise=enterprise, period=period) if is_own else None
    pending = latest is not None and latest.status == latest.Status.PENDING
    return render(request, "monitoring/filing_view.html", {
        "period": period, "enterprise": enterprise, "filing": filing, "situation": situation, "on_behalf": on_behalf,
        **(selectors.filed_report(filing=filing, enterprise=enterprise, period=period) if filing else {}),
        "may_withdraw": is_own and situation.may_withdraw,
        "may_request_unlock": is_own and situation.needs_unlock and not pending,
        "unlock_request": latest, "unlock_pending": pending,
        "unlock_form": ReasonForm(prefix="unlock"),
    })


@login_required
@require_POST
def withdraw(request, period: Month):
    """The enterprise takes back a submission nobody has reviewed yet (services.withdraw_filing)."""
    period = _period(period)
    filing = selectors.filing_for(user=request.user, enterprise=_own_enterprise(request), period=period)
    if filing is None:
        raise Http404
    attempt(request, lambda: services.withdraw_filing(actor=request.user, filing=filing),
            success=_("已撤回报送,报表恢复为草稿;修改后请重新报送。"))
    return redirect("monitoring:file", period)


@login_required
@require_POST
def request_unlock(request, period: Month):
    """The enterprise asks the level above its county to unlock an approved or closed report, with a reason."""
    period = _period(period)
    enterprise = _own_enterprise(request)
    form = ReasonForm(request.POST, prefix="unlock")
    if not form.is_valid():
        messages.error(request, _("请填写申请解锁的理由(不超过2000字)。"))
    else:
        attempt(request, lambda: unlock_services.request_unlock(
            actor=request.user, enterprise=enterprise, period=periods.opened(period),
            reason=form.cleaned_data["reason"]), success=_("解锁申请已提交,请等待上级主管部门处理。"))
    return redirect("monitoring:file", period)


def _own_enterprise(request) -> Enterprise:
    """The information officer's own enterprise (404 for anyone else)."""
    if not scope_for(request.user).is_enterprise or request.user.enterprise is None:
        raise Http404
    return request.user.enterprise


def _filing_enterprise(request, enterprise_id: int | None) -> Enterprise:
    """The user's own enterprise, or the one a county official files for (代报); 404 otherwise."""
    if enterprise_id is None:
        enterprise = request.user.enterprise
        if enterprise is None:
            raise Http404
        return enterprise
    enterprise = Enterprise.objects.visible_to(request.user).select_related("industry").filter(pk=enterprise_id).first()
    if enterprise is None or not request.user.is_official:
        raise Http404
    return enterprise


def _initial_values(filing) -> tuple[dict, list[dict]]:
    """The form's and the product formset's initial values from the saved filing."""
    if not filing:
        return {}, []
    initial = {i.code: getattr(filing, i.code) for i in INDICATORS}
    initial.update({q.field_name: getattr(filing, q.field_name) for q in SURVEY})
    initial.update({"difficulties": filing.difficulties, "difficulties_text": filing.difficulties_text})
    initial.update({f"explain_{k}": v for k, v in (filing.explanations or {}).items()})
    product_initial = [{k: getattr(p, k) for k, _label in PRODUCT_FIELDS} for p in filing.products.all()]
    return initial, product_initial


# 报送 asks first. The button sends ``submit=ask``; the page answers with the form as typed and a 确认报送 button
# (``submit=1``), nothing written. With the page's script the browser asks instead (``data-confirm``) and the
# button sends ``submit=1`` at once (``data-confirmed-value``), so a person confirms exactly once either way.
ASK_TO_CONFIRM = "confirm"


def _post_filing(request, enterprise, period, industrial: bool, warnings: list):
    """Check and save the posted filing: (form, formset, period, outcome) — outcome True once saved,
    ``ASK_TO_CONFIRM`` when a submission passed every check and waits for the person's confirmation."""
    submit = "submit" in request.POST
    confirmed = request.POST.get("submit") == "1"
    formset = ProductFormSet(request.POST, prefix="products")
    # Bind once without explanation boxes to learn which warnings the posted data raises, then again
    # with a box for each warning so the explanations typed for them are kept.
    probe = FilingForm(request.POST, industrial=industrial)
    if probe.is_valid() and formset.is_valid():
        data = {**probe.payload(), "products": products_from(formset)}
        warnings = selectors.check_filing(enterprise=enterprise, period=period, data=data).warnings
    form = FilingForm(request.POST, industrial=industrial, warnings=warnings)
    if submit and not form.is_valid() and formset.is_valid():
        # Type errors block the save; show every other hard error of the same rules at once too.
        data = {**form.payload(), "products": products_from(formset)}
        result = selectors.check_filing(enterprise=enterprise, period=period, data=data)
        for field, msgs in result.errors.items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, msgs)
    elif form.is_valid() and formset.is_valid():
        data = {**form.payload(), "products": products_from(formset)}
        if submit and not confirmed:
            ready = _ready_to_submit(form, selectors.check_filing(enterprise=enterprise, period=period, data=data),
                                     data)
            return form, formset, period, ASK_TO_CONFIRM if ready else False
        try:
            period = periods.opened(period)  # filing writes for the month: open it if nobody has
            services.file_one(actor=request.user, enterprise=enterprise, period=period, data=data, submit=submit)
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                name = field.replace("explanations.", "explain_")
                form.add_error(name if name in form.fields else None, msgs)
        except Conflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已报送,等待县级主管部门审核。") if submit else _("草稿已保存。"))
            return form, formset, period, True
    return form, formset, period, False


def _ready_to_submit(form, result, data: dict) -> bool:
    """Would ``file_one`` accept this submission? Its errors and unexplained warnings go on the form if not."""
    for field, msgs in result.errors.items():
        form.add_error(field if field in form.fields else None, msgs)
    for w in result.unexplained(data.get("explanations") or {}) if result.ok else []:
        name = f"explain_{w['code']}"
        form.add_error(name if name in form.fields else None,
                       _("请对预警“%(msg)s”填写说明。") % {"msg": w["message"]})
    return not form.errors


def _indicator_rows(form, filing, enterprise, period) -> list[dict]:
    """One row per indicator field: the field, last month's and last year's values, this month's own value."""
    compare = selectors.comparison_values(enterprise=enterprise, period=period)
    rows = []
    for code in form.indicator_fields:
        ind = next(i for i in INDICATORS if i.code == code)
        rows.append({
            "field": form[code], "indicator": ind,
            "previous": compare["previous"].get(code), "last_year": compare["last_year"].get(code),
            "is_flow": ind.kind == Kind.FLOW,
            "month_value": selectors.monthly_value(ind, getattr(filing, code, None) if filing else None,
                                                   compare["previous"].get(code), same_year=period.month > 1),
        })
    return rows


def old_file_link(request, year: int, month: int):
    """/monitoring/file/2026/1/ → /monitoring/file/2026-01/ (permanent)."""
    if not 1 <= month <= 12:
        raise Http404
    return redirect(_url("monitoring:file", Month(year, month)), permanent=True)


def _url(name, *args):
    return reverse(name, args=args)


@login_required
def review_queue(request):
    user = _official(request)
    period = _period_from_query(request)
    status = request.GET.get("status", FilingStatus.SUBMITTED)
    if status not in FilingStatus.values and status != "":
        status = FilingStatus.SUBMITTED
    q = request.GET.get("q", "").strip()[:50]
    page = Paginator(selectors.review_queue(user=user, period=period, status=status, q=q), 50).get_page(
        request.GET.get("page"))
    may_report_up = scope_for(user).may_report_up
    report = selectors.region_report(user=user, region=user.region, period=period) if may_report_up else None
    return render(request, "monitoring/review_queue.html", {
        "period": period, "page": page, "status": status, "q": q, "statuses": FilingStatus.choices,
        "report": report, "recent_periods": periods.choices(selectors.recent_periods(user=user), period), "may_report_up": may_report_up,
        "level_above": _level_above(user.region),
    })


def _level_above(region: Region) -> str:
    """Whom a region reports to, as the pages say it."""
    return _("市级主管部门") if region.is_county else _("省级主管部门")


@login_required
@require_POST
def bulk_approve(request):
    user = _official(request)
    period = _period_from_query(request)
    ids = [i for i in map(parse_id, request.POST.getlist("filing")) if i is not None][:500]
    back = redirect(_with_period(_url("monitoring:review_queue"), period))
    if not ids:
        messages.error(request, _("请先勾选要审核通过的报表。"))
        return back
    done = services.bulk_approve(actor=user, filings=list(selectors.review_queue(user=user, period=period,
                                                                                status="").filter(pk__in=ids)))
    if done.approved:
        messages.success(request, _("已审核通过 %(n)d 份报表。") % {"n": done.approved})
    if done.with_warnings:
        messages.warning(request, _("%(n)d 份报表带预警,未批量通过,请逐份审核。") % {"n": done.with_warnings})
    if done.not_waiting:
        messages.info(request, _("%(n)d 份报表已不在待审核状态,未作处理。") % {"n": done.not_waiting})
    return back


@login_required
def filing_detail(request, pk: int):
    filing = selectors.filing_detail(user=request.user, pk=pk)
    if filing is None:
        raise Http404
    return_form, unlock_form = ReturnForm(prefix="ret"), ReasonForm(prefix="unlock")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                services.approve_filing(actor=request.user, filing=filing)
                messages.success(request, _("已审核通过。"))
            elif action == "return":
                return_form = ReturnForm(request.POST, prefix="ret")
                if not return_form.is_valid():
                    raise ValidationError(return_form.errors.get_json_data() and _("请填写退回理由。"))
                services.return_filing(actor=request.user, filing=filing, reason=return_form.cleaned_data["reason"],
                                       fields=return_form.cleaned_data["fields"])
                messages.success(request, _("已退回企业修改。"))
            elif action == "unlock":
                unlock_form = ReasonForm(request.POST, prefix="unlock")
                if not unlock_form.is_valid():
                    raise ValidationError(_("请填写解锁理由。"))
                services.unlock_filing(actor=request.user, filing=filing, reason=unlock_form.cleaned_data["reason"])
                messages.success(request, _("已解锁,企业可以更正后重新报送。"))
            else:
                raise Http404
        except APP_ERRORS as exc:
            show_errors(request, exc)
        else:
            return redirect("monitoring:filing_detail", pk=filing.pk)
    survey = [{"question": q, "answer": getattr(filing, f"get_{q.field_name}_display")()} for q in SURVEY]
    user = request.user
    return render(request, "monitoring/filing_detail.html", {
        "filing": filing, "figures": analysis.filing_figures(user=user, filing=filing), "survey": survey,
        "returned_fields": set(filing.return_fields or []),
        "difficulties": selectors.difficulty_labels(filing.difficulties),
        "channel": selectors.filing_channel(filing=filing),
        "reviewed_by": selectors.person_name(filing.reviewed_by),
        "filed_by": selectors.person_name(filing.filed_by),
        "changes": selectors.changes_since_return(filing=filing), "history": selectors.history(filing=filing),
        "return_form": return_form, "unlock_form": unlock_form,
        "can_review": scope_for(user).may_review(filing) and filing.status == FilingStatus.SUBMITTED,
        "can_unlock": scope_for(user).may_unlock(filing) and filing.needs_unlock,
        "explanations": [(w, (filing.explanations or {}).get(w["code"], "")) for w in filing.warnings or []],
    })


@login_required
def status(request):
    user = _official(request)
    period = _period_from_query(request)
    region = _region_from_query(request, user)
    region, totals, rows = selectors.reporting_counts(user=user, period=period, region=region)
    scope = scope_for(user)
    for row in rows:
        row.can_return = row.report is not None and row.report.is_reported and scope.may_return_batch(row.report)
    not_filed, chased = None, {}
    if region.is_county:
        not_filed = Paginator(selectors.not_filed(user=user, period=period, region=region).order_by("name", "id"),
                              50).get_page(request.GET.get("page"))
        chased = selectors.last_chased(user=user, enterprises=[e.pk for e in not_filed], day=timezone.localdate())
    return render(request, "monitoring/status.html", {
        "period": period, "region": region, "rows": rows, "totals": totals, "not_filed": not_filed,
        "chased": chased, "may_chase": scope.may_remind_filers(region) and totals is not None and totals.not_submitted
        and not period.is_closed(),
        "report": selectors.region_report(user=user, region=region, period=period) if region.level > 1 else None,
        "recent_periods": periods.choices(selectors.recent_periods(user=user), period),
        "trail": selectors.region_trail(user=user, region=region),
    })


@login_required
def status_xlsx(request):
    """The status page's table as .xlsx (and, for a county, its enterprises that have not filed)."""
    user = _official(request)
    period = _period_from_query(request)
    region = _region_from_query(request, user)
    buffer = io.BytesIO()
    not_filed = selectors.not_filed(user=user, period=period, region=region).order_by("name", "id") \
        if region.is_county else None
    write_status(buffer, user=user, period=period, region=region, not_filed=not_filed)
    name = f"{_('报送情况')}-{region.name}-{periods.code(period)}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@login_required
@require_POST
def chase(request):
    """催报: remind the shown region's enterprises that have not filed, now (``reminders.chase_unfiled``)."""
    user = _official(request)
    period = _period_from_query(request)
    region = _region_from_query(request, user)
    ok, counts = attempt(request, lambda: reminders.chase_unfiled(actor=user, period=period, region=region))
    if ok and counts is not None:
        if counts["chased"]:
            messages.success(request, _("已向 %(n)d 家未报送企业发送催报。") % {"n": counts["chased"]})
        if counts["skipped"]:
            messages.info(request, _("%(n)d 家企业今天已催报过,未重复发送。") % {"n": counts["skipped"]})
        if counts["unreachable"]:
            messages.warning(request, _("%(n)d 家企业既无平台账号也无联系方式,无法送达,请电话联系。") % {
                "n": counts["unreachable"]})
        if not (counts["chased"] or counts["skipped"]):
            messages.info(request, _("没有需要催报的企业。"))
    return redirect(_with_period(_url("monitoring:status"), period, region=region.code))


@login_required
def report_up(request):
    """A county (to its city) or a city (to the province) reports the period up: the page lists what is still
    open, and the report is made only once the official confirms it."""
    user = _official(request)
    if not scope_for(user).may_report_up:
        raise PermissionDenied
    period = _period_from_query(request)
    if request.method == "POST":
        ok, _report = attempt(request, lambda: services.report_up(actor=user, period=period,
                                                                 confirmed=request.POST.get("confirm") == "1"),
                              success=_("已向%(to)s上报%(period)s数据。") % {"to": _level_above(user.region),
                                                                        "period": period})
        if ok:
            return redirect(_with_period(_url("monitoring:review_queue"), period))
    return render(request, "monitoring/report_up.html", {
        "period": period, "region": user.region, "level_above": _level_above(user.region),
        "open": selectors.open_items(user=user, period=period, region=user.region),
        "report": selectors.region_report(user=user, region=user.region, period=period),
    })


@login_required
@require_POST
def return_report(request, pk: int):
    user = _official(request)
    report = RegionReport.objects.visible_to(user).filter(pk=pk).select_related("period", "region").first()
    if report is None or not scope_for(user).may_return_batch(report):
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写退回理由。"))
    else:
        attempt(request, lambda: services.return_report(actor=user, report=report, reason=form.cleaned_data["reason"]),
                success=_("已退回%(region)s的上报。") % {"region": report.region.name})
    return redirect(_with_period(_url("monitoring:status"), report.period, region=report.region.parent.code))


def _deadline_month(request, adjustable: list[Period]) -> Month:
    """The month the deadlines page adjusts: ``?period=2026-12``, else the month being filed when it may still
    be adjusted, else the latest ended one that may, else the current month."""
    asked = month_from_query(request.GET)
    if asked is not None:
        return asked
    months = [Month(p.year, p.month) for p in adjustable]
    today = timezone.localdate()
    ended = [m for m in months if periods.is_open(m, today)]
    return ended[0] if ended else Month(today.year, today.month)


@login_required
def period_list(request):
    """Province staff move the deadlines of any month not closed yet: the open ones and the coming ones."""
    user = _official(request)
    if not scope_for(user).may_adjust_deadlines:
        raise PermissionDenied
    adjustable = periods.adjustable_periods()
    month = _deadline_month(request, adjustable)
    target = periods.read_period(*month)
    form = DeadlineForm(request.POST or None, window=periods.deadline_window(month),
                        initial={"enterprise_deadline": target.enterprise_deadline,
                                 "review_deadline": target.review_deadline})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_deadlines(actor=user, month=month, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已调整%(period)s的截止日期。") % {"period": target})
            return redirect(_with_period(reverse("monitoring:periods"), month))
    first, last = periods.deadline_window(month)
    return render(request, "monitoring/periods.html", {
        "periods": selectors.recent_periods(user=user, limit=24), "form": form, "target": target,
        "adjustable": adjustable, "may_adjust": month in [Month(p.year, p.month) for p in adjustable],
        "first": first, "last": last, "window_days": periods.DEADLINE_WINDOW_DAYS})


@login_required
def import_filings(request):
    """County officials upload a month's filings for enterprises without the means to file online. A file with
    more than IMPORT_INLINE_MAX_ROWS rows is filed by a background job the official follows."""
    user = _official(request)
    period = _period_from_query(request)
    if request.method == "GET" and request.GET.get("template"):
        buffer = io.BytesIO()
        imports.write_template(buffer, enterprises=selectors.not_filed(user=user, period=period, region=user.region))
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=imports.template_name(periods.code(period)))
        return response
    result = None
    form = FilingImportForm(request.POST or None, request.FILES or None, row_limits=imports.row_limits(user))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if jobs.needs_job(upload.upload_check, (imports.MAIN_SHEET, imports.PRODUCT_SHEET)):
            run = imports.queue_import(actor=user, period=periods.opened(period), upload=upload)
            return redirect(_with_period(reverse("monitoring:import_job", args=[run.task_id]), period))
        result = imports.import_filings(actor=user, period=periods.opened(period), fileobj=upload)
        if not result.errors:
            messages.success(request, _("导入成功:新增 %(c)d 份,更新 %(u)d 份,无变化 %(n)d 份。") % {
                "c": result.created, "u": result.updated, "n": result.unchanged})
    return _import_page(request, user, period, form, result)


def _import_page(request, user, period, form, result, job=None):
    return render(request, "monitoring/import.html", {
        "period": period, "result": result, "form": form, "job": job,
        "recent_periods": periods.choices(selectors.recent_periods(user=user), period)})


def _show_import_job(request, job):
    """A queued import's progress and, once done, its outcome; only the official who uploaded it sees it."""
    if job.result is not None and job.result.ok:
        messages.success(request, _("导入成功:新增 %(c)d 份,更新 %(u)d 份,无变化 %(n)d 份。") % {
            "c": job.result.created, "u": job.result.updated, "n": job.result.unchanged})
    return _import_page(request, request.user, _period_from_query(request), FilingImportForm(row_limits={}),
                        job.result, job=job)


import_job, import_job_status = import_job_views(
    find=lambda request, task_id: imports.import_job(user=_official(request), task_id=task_id),
    show=_show_import_job)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value) -> float | None:
    return None if value is None else float(value)


def _trend_chart(trend: list[dict]) -> dict:
    """The diffusion indices' monthly series, for static/js/analysis.js."""
    return {"labels": [t["label"] for t in trend],
            "series": [{"label": str(q.label), "data": [_number(t[q.code]) for t in trend]} for q in SURVEY],
            "composite": [_number(t["composite"]) for t in trend]}


def _compare_chart(region, rows) -> dict:
    """Each child region's value and growth of every indicator (a county compares nothing: no rows)."""
    rows = [] if region.is_county else rows
    return {"labels": [r.label for r in rows],
            "indicators": [{"code": i.code, "label": str(i.label), "unit": str(i.unit),
                            "values": [_number(r.values[i.code]) for r in rows],
                            "growth": [_number(r.growth[i.code]) for r in rows]} for i in INDICATORS]}


def _growth_chart(trend: list[dict]) -> dict:
    """Each indicator's monthly year-on-year growth on the same enterprises (analysis.growth_trend)."""
    return {"labels": [t["label"] for t in trend],
            "series": [{"code": i.code, "label": str(i.label), "data": [_number(t["growth"][i.code]) for t in trend]}
                       for i in INDICATORS]}


@login_required
def analysis_page(request):
    """Indicator totals with same-set year-on-year growth, and the survey's diffusion indices with trends."""

    user = _official(request)
    period = _period_from_query(request)
    region = _region_from_query(request, user)
    by = request.GET.get("by", "region")
    if by not in analysis.GROUPS:
        by = "region"
    rows, total = analysis.indicator_totals(user=user, period=period, region=region, by=by)
    di_rows, di_own = analysis.diffusion_by_region(user=user, period=period, region=region)
    trend = analysis.diffusion_trend(user=user, region=region, until=period, months=24)
    if region.is_county or by == "region":
        region_rows = rows
    else:
        region_rows = analysis.indicator_totals(user=user, period=period, region=region)[0]
    growth = analysis.growth_trend(user=user, region=region, until=period, months=12)
    return render(request, "monitoring/analysis.html", {
        "period": period, "region": region, "by": by, "rows": rows, "total": total, "indicators": INDICATORS,
        "di_rows": di_rows, "di_own": di_own, "survey": SURVEY, "chart": _trend_chart(trend),
        "compare": _compare_chart(region, region_rows), "growth_chart": _growth_chart(growth),
        "recent_periods": periods.choices(selectors.recent_periods(user=user), period),
        "groups": [("region", _("按地区")), ("industry", _("按行业")), ("size", _("按规模"))],
    })
