"""The officials' page of unlock requests: those waiting for their decision (approve, or refuse with a
reason) and the latest answered ones."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monitoring.forms import ReasonForm
from monitoring.unlocks import selectors, services
from portal.accounts.scoping import scope_for
from portal.core.exceptions import attempt


def _deciding_official(request):
    if not scope_for(request.user).is_official:
        raise PermissionDenied
    return request.user


@login_required
def unlock_requests(request):
    user = _deciding_official(request)
    pending = selectors.pending_for(user=user)
    return render(request, "monitoring/unlock_requests.html", {
        "pending": pending,
        "decided": selectors.decided_for(user=user), "may_decide": scope_for(user).may_unlock_filings,
    })


@login_required
@require_POST
def decide(request, pk: int):
    user = _deciding_official(request)
    unlock_request = selectors.request_detail(user=user, pk=pk)
    if unlock_request is None:
        raise Http404
    action = request.POST.get("action")
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    name, period = unlock_request.enterprise.name, unlock_request.period
    if action == "approve":
        attempt(request, lambda: services.approve_unlock_request(actor=user, unlock=unlock_request, note=reason),
                success=_("已同意%(name)s的解锁申请,%(period)s报表已解锁。%(term)s") % {
                    "name": name, "period": period, "term": services.unlock_term()})
    elif action == "refuse":
        if not reason:
            messages.error(request, _("不同意解锁时须填写理由(不超过2000字)。"))
        else:
            attempt(request, lambda: services.refuse_unlock_request(actor=user, unlock=unlock_request, reason=reason),
                    success=_("已不同意%(name)s的解锁申请。") % {"name": name})
    else:
        messages.error(request, _("请选择同意或不同意。"))
    return redirect("monitoring:unlock_requests")
