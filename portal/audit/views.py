from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import AuditFilterForm

PAGE_SIZE = 50


@require_GET
@login_required
def audit_list(request):
    if not selectors.can_read_audit(user=request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = selectors.audit_list(user=request.user, **filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "form": form})
