"""Quarterly analysis reports: who has uploaded for a quarter, the upload form. A report is downloaded through
the portal's scoped view (core:stored_file, registered in monitoring/files.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from monitoring.reports import services as reports
from portal.core.forms import apply_errors
from portal.core.periods import QuarterField, quarter_code, quarter_from_query
from portal.core.uploads import UploadField
from portal.regions.models import Region


def _quarter_choices():
    return [(quarter_code(y, q), _("%(y)d年第%(q)d季度") % {"y": y, "q": q})
            for y, q in reports.recent_quarters(timezone.localdate())]


class ReportUploadForm(forms.Form):
    quarter = QuarterField(label=gettext_lazy("季度"))
    title = forms.CharField(label=gettext_lazy("报告标题"), max_length=200)
    file = UploadField(kinds=reports.KINDS, label=gettext_lazy("报告文件"),
                       help_text=gettext_lazy("PDF 或 Word(.docx、.doc),不超过 20 MB;不接收含宏的文件。"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = _quarter_choices()

    def clean_quarter(self):
        quarter = self.cleaned_data["quarter"]
        if quarter.code not in dict(self.fields["quarter"].choices):
            raise forms.ValidationError(_("请选择季度。"))
        return quarter


def _official(request):
    if not request.user.is_official:
        raise PermissionDenied
    return request.user


def _quarter(params) -> tuple[int, int]:
    """``?quarter=2026-Q3`` (or the older ``2026-3``) among the recent quarters; the last ended one otherwise."""
    quarter = quarter_from_query(params)
    if quarter is not None and quarter.code in dict(_quarter_choices()):
        return quarter
    return reports.last_ended_quarter(timezone.localdate())


def _page(request, *, form=None, status=200):
    user = _official(request)
    year, quarter = _quarter(request.GET)
    region = user.region
    code = request.GET.get("region")
    if code:
        region = Region.objects.visible_to(user).filter(code=code).first()
        if region is None:
            raise Http404
    rows = reports.quarter_status(user=user, region=region, year=year, quarter=quarter)
    listed = list(reports.reports_for(user=user, region=region, year=year, quarter=quarter))
    can_upload = reports.can_upload(user)
    if form is None and can_upload:
        form = ReportUploadForm(initial={"quarter": quarter_code(year, quarter)})
    return render(request, "monitoring/reports.html", {
        "region": region, "year": year, "quarter": quarter, "selected": quarter_code(year, quarter),
        "quarters": _quarter_choices(), "rows": rows,
        "missing": sum(1 for r in rows if not r.uploaded),
        "reports": listed, "own_count": sum(1 for r in listed if r.region_id == region.id),
        "own_required": reports.must_upload(region),
        "form": form, "can_upload": can_upload,
        "trail": [r for r in Region.objects.visible_to(user).filter(code__in=region.ancestors_and_self())
                  .order_by("level")],
    }, status=status)


@login_required
@require_GET
def report_list(request):
    return _page(request)


@login_required
@require_POST
def report_upload(request):
    user = _official(request)
    if not reports.can_upload(user):
        raise PermissionDenied
    form = ReportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        year, quarter = form.cleaned_data["quarter"]
        try:
            report = reports.upload_report(actor=user, year=year, quarter=quarter, title=form.cleaned_data["title"],
                                           upload=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已上传%(region)s %(y)d年第%(q)d季度分析报告。") % {
                "region": report.region.name, "y": year, "q": quarter})
            return redirect(f"{reverse('monitoring:reports')}?quarter={quarter_code(year, quarter)}")
    return _page(request, form=form, status=400)
