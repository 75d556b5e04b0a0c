"""The inbox, reading, channel preferences, and the schedule for province staff. A few lines a view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core.admin import SCHEDULABLE_TASKS

from . import selectors, services
from .forms import PreferenceForm


@login_required
def inbox(request):
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(user=request.user, unread_only=unread_only), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread_only": unread_only})


def _mine(request, pk: int):
    notification = selectors.notification_for(user=request.user, pk=pk)
    if notification is None:
        raise Http404
    return notification


@login_required
def detail(request, pk: int):
    """Opening a message marks it read."""
    notification = _mine(request, pk)
    services.mark_read(user=request.user, notification=notification)
    return render(request, "notifications/detail.html", {"notification": notification})


@login_required
@require_POST
def mark_read(request, pk: int):
    services.mark_read(user=request.user, notification=_mine(request, pk))
    return _back(request)


@login_required
@require_POST
def mark_all_read(request):
    n = services.mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)d 条消息标为已读。") % {"n": n})
    return _back(request)


def _back(request):
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = ""
    return redirect(target or "notifications:inbox")


@login_required
def preferences(request):
    current = selectors.preferences_for(user=request.user)
    form = PreferenceForm(request.POST or None, initial={"email": current.email, "sms": current.sms})
    if request.method == "POST" and form.is_valid():
        services.set_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, _("接收方式已保存。"))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "user_obj": request.user})


@login_required
def jobs(request):
    if not selectors.can_see_schedule(request.user):
        raise PermissionDenied
    schedule = selectors.schedule(user=request.user)
    for task in schedule:  # a job the portal schedules by its name in the reader's language
        task.label = SCHEDULABLE_TASKS.get(task.task, task.name)
    return render(request, "notifications/jobs.html", {"schedule": schedule,
                                                       "runs": selectors.recent_runs(user=request.user)})
