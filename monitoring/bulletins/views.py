"""Quarterly bulletins: the list (with on-demand generation and its progress bar), the printable page,
publishing; the spreadsheet is downloaded through core:stored_file (registered in monitoring/files.py).
Views parse, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from monitoring.bulletins import services as bulletins
from portal.core.exceptions import attempt
from portal.core.periods import parse_quarter
from portal.notifications import selectors as notification_selectors
from portal.notifications.tasking import queue_tracked


def _official(request):
    if not request.user.is_official:
        raise PermissionDenied
    return request.user


def _bulletin(request, pk: int):
    bulletin = bulletins.bulletin_for(user=_official(request), pk=pk)
    if bulletin is None:
        raise Http404
    return bulletin


@login_required
def bulletin_list(request):
    user = _official(request)
    job = request.GET.get("job", "")[:64]
    return render(request, "monitoring/bulletin_list.html", {
        "bulletins": bulletins.visible_bulletins(user=user)[:60],
        "can_manage": bulletins.can_manage(user),
        "quarters": bulletins.quarter_choices(),
        "job": job if job and notification_selectors.tracked_run(user=user, task_id=job) else "",
    })


@login_required
@require_POST
def bulletin_generate(request):
    user = _official(request)
    if not bulletins.can_manage(user):
        raise PermissionDenied
    try:
        year, quarter = parse_quarter(request.POST.get("quarter"))  # 2026-Q3 (or the older 2026-3)
        bulletins.check_quarter(year, quarter)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("monitoring:bulletins")

    run = queue_tracked("monitoring.tasks.generate_bulletins", owner=user, year=year, quarter=quarter, user_id=user.pk)
    return redirect(f"{reverse('monitoring:bulletins')}?job={run.task_id}")


@login_required
def bulletin_job(request, task_id: str):
    """The progress of an on-demand generation, polled by the list page's script; only its requester sees it."""
    run = notification_selectors.tracked_run(user=_official(request), task_id=task_id)
    if run is None:
        raise Http404
    status = notification_selectors.run_status(run)
    bulletin_id = status["counts"].get("bulletin")
    status["url"] = reverse("monitoring:bulletin_detail", args=[bulletin_id]) if bulletin_id else ""
    return JsonResponse(status)


@login_required
def bulletin_detail(request, pk: int):
    bulletin = _bulletin(request, pk)
    rows, totals = bulletins.table(bulletin)
    return render(request, "monitoring/bulletin_detail.html", {
        "bulletin": bulletin, "rows": rows, "totals": totals, "can_manage": bulletins.can_manage(request.user),
        "title": bulletins.title_of(bulletin.region, bulletin.year, bulletin.quarter),
        "months": bulletins.quarter_months(bulletin.year, bulletin.quarter),
    })


@login_required
@require_POST
def bulletin_publish(request, pk: int):
    bulletin = _bulletin(request, pk)
    attempt(request, lambda: bulletins.publish_bulletin(actor=request.user, bulletin=bulletin),
            success=_("季度通报已发布,已在通知公告中公布并通知各地。"))
    return redirect("monitoring:bulletin_detail", pk=bulletin.pk)
