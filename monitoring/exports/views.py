"""Pages of the summary workbook: choose a period and a region, watch the job, download the file."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from monitoring import periods
from monitoring.exports import services as export_services
from monitoring.models import ExportJob, Period
from portal.core.files import file_url
from portal.core.forms import ScopedForm, ScopedModelChoiceField
from portal.core.periods import MonthField
from portal.regions.models import Region


class SummaryExportForm(ScopedForm):
    period = MonthField(label=gettext_lazy("报告期"))
    region = ScopedModelChoiceField(Region, order_by=("path",), label=gettext_lazy("地区"), to_field_name="code",
                                    empty_label=None)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        today = timezone.localdate()
        # The months that have a period (a workbook of a month nobody opened would be empty).
        self.periods = {periods.code(p): p for p in Period.objects.visible_to(user)[:36] if periods.is_open(p, today)}
        top = user.region.level
        self.fields["period"].choices = [(k, str(p)) for k, p in self.periods.items()]
        self.fields["region"].label_from_instance = lambda r: "\u00a0\u00a0" * (r.level - top) + r.name

    def clean_period(self):
        period = self.periods.get(self.cleaned_data["period"].code)
        if period is None:
            raise forms.ValidationError(_("该报告期没有可导出的数据,请选择列表中的报告期。"))
        return period


def _official(request):
    if not request.user.is_official:
        raise PermissionDenied
    return request.user


def _job(request, pk: int) -> ExportJob:
    """Only the job's owner sees it; anyone else gets the same 404 as for a job that does not exist."""
    job = ExportJob.objects.visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def export_page(request):
    user = _official(request)
    current = periods.current_filing_period()
    form = SummaryExportForm(request.POST or None, user=user,
                             initial={"period": periods.code(current), "region": user.region.code})
    if request.method == "POST" and form.is_valid():
        job = export_services.request_summary_export(actor=user, period=form.cleaned_data["period"],
                                                     region=form.cleaned_data["region"])
        return redirect("monitoring:export_job", pk=job.pk)
    return render(request, "monitoring/exports.html", {
        "form": form, "jobs": ExportJob.objects.visible_to(user)[:10]})


@login_required
@require_GET
def export_job(request, pk: int):
    job = _job(request, pk)
    return render(request, "monitoring/exports_job.html", {"job": job, "status": _status(job)})


@login_required
@require_GET
def export_status(request, pk: int):
    return JsonResponse(_status(_job(request, pk)))


def _status(job: ExportJob) -> dict:
    done = job.status == ExportJob.Status.DONE
    return {
        "status": job.status,
        "label": job.get_status_display(),
        "progress": 100 if done else job.progress,
        "rows": job.rows,
        "download_url": file_url(job) if done else None,
        "message": str(export_services.FAILED_MESSAGE) if job.status == ExportJob.Status.FAILED else "",
    }
