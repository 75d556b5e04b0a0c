from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from portal.accounts.models import Role

from . import selectors


@login_required
def audit_list(request):
    if request.user.role != Role.AUDIT_ADMIN and not request.user.is_official:
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.audit_list(user=request.user, q=q), 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "q": q})
