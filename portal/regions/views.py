"""Region pages: the overview of monitored enterprises against quotas and the target mix."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import selectors, services
from .forms import QuotaForm, YearForm


@login_required
def overview(request, code: str | None = None):
    region = selectors.region_for_overview(user=request.user, code=code)
    if region is None:
        if code is None:  # not an official: the page is not for them
            raise PermissionDenied
        raise Http404
    year_form = YearForm(request.GET or None)
    year = (year_form.is_valid() and year_form.cleaned_data["year"]) or timezone.localdate().year
    context = selectors.overview(user=request.user, region=region, year=year)
    context.update(years=selectors.year_choices(), can_set_quota=selectors.can_set_quota(user=request.user))
    return render(request, "regions/overview.html", context)


@login_required
def set_quota(request, code: str):
    region = selectors.region_for_overview(user=request.user, code=code)
    if region is None:  # scope first, so that a probe of a foreign code learns nothing from the method
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = QuotaForm(request.POST)
    if form.is_valid():
        try:
            services.set_quota(actor=request.user, region=region, year=form.cleaned_data["year"],
                               quota=form.cleaned_data["quota"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已将%(region)s %(year)d 年监测企业配额设为 %(quota)d 家。") % {
                "region": region.name, "year": form.cleaned_data["year"], "quota": form.cleaned_data["quota"]})
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    # Back to the page the form was on (the parent's table or the region's own summary), same year.
    url = reverse("regions:region", kwargs={"code": form.cleaned_data.get("back") or region.code})
    year = form.cleaned_data.get("year")
    return redirect(f"{url}?{urlencode({'year': year})}" if year else url)
