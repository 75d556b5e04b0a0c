"""Bulletins of every kind: the list (with on-demand generation and its progress bar), the printable page,
the spreadsheet, publishing. Views parse, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.core import registry
from portal.core.exceptions import attempt
from portal.notifications import selectors as notification_selectors
from portal.notifications.tasking import queue_tracked

from . import selectors, services


def _official(request):
    if not request.user.is_official:
        raise PermissionDenied
    return request.user


def _bulletin(request, pk: int):
    bulletin = selectors.bulletin_for(user=_official(request), pk=pk)
    if bulletin is None:
        raise Http404
    return bulletin


@login_required
def bulletin_list(request):
    user = _official(request)
    job = request.GET.get("job", "")[:64]
    kind = request.GET.get("kind", "")[:64]
    today = timezone.localdate()
    return render(request, "bulletins/list.html", {
        "bulletins": selectors.visible_bulletins(user=user, kind=kind if registry.bulletin_kind(kind) else "")[:60],
        "managed": [(k, k.period_choices(today)) for k in selectors.managed_kinds(user=user)],
        "job": job if job and notification_selectors.tracked_run(user=user, task_id=job) else "",
    })


@login_required
@require_POST
def bulletin_generate(request):
    user = _official(request)
    kind = registry.bulletin_kind(request.POST.get("kind", ""))
    if kind is None or not kind.may_manage(user):
        raise PermissionDenied
    try:
        period = kind.clean_period(request.POST.get("period", "")[:16], timezone.localdate())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("bulletins:list")
    run = queue_tracked("portal.bulletins.tasks.generate_bulletins", owner=user, kind=kind.key, period=period,
                        user_id=user.pk)
    return redirect(f"{reverse('bulletins:list')}?job={run.task_id}")


@login_required
def bulletin_job(request, task_id: str):
    """The progress of an on-demand generation, polled by the list page's script; only its requester sees it."""
    run = notification_selectors.tracked_run(user=_official(request), task_id=task_id)
    if run is None:
        raise Http404
    status = notification_selectors.run_status(run)
    bulletin_id = status["counts"].get("bulletin")
    status["url"] = reverse("bulletins:detail", args=[bulletin_id]) if bulletin_id else ""
    status["message"] = services.describe_run(status["counts"]) if status["state"] == "done" else ""
    return JsonResponse(status)


@login_required
def bulletin_detail(request, pk: int):
    bulletin = _bulletin(request, pk)
    kind = services.kind_of(bulletin.kind)
    return render(request, "bulletins/detail.html", {
        "bulletin": bulletin, "kind": kind, **selectors.table(bulletin, kind),
        "can_manage": kind.may_manage(request.user), "period_text": kind.describe_period(bulletin.period),
    })


@login_required
@require_POST
def bulletin_publish(request, pk: int):
    bulletin = _bulletin(request, pk)
    attempt(request, lambda: services.publish_bulletin(actor=request.user, bulletin=bulletin),
            success=_("通报已发布,已在通知公告中公布并通知各地。"))
    return redirect("bulletins:detail", pk=bulletin.pk)
