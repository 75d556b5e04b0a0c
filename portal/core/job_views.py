"""The two views every background import has — its page and its small JSON status — built once for any
app's import: the app says how to find the job through the user's scope and how to show its page."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from .jobs import ImportJob

Find = Callable[[HttpRequest, str], ImportJob | None]
Show = Callable[[HttpRequest, ImportJob], HttpResponse]


def import_job_views(*, find: Find, show: Show) -> tuple[Any, Any]:
    """`find(request, task_id)` returns the job the user may follow (None: a 404, as for a missing one);
    `show(request, job)` renders the app's import page with the job's progress or outcome."""

    def lookup(request: HttpRequest, task_id: str) -> ImportJob:
        job = find(request, task_id)
        if job is None:
            raise Http404
        return job

    @login_required
    def page(request: HttpRequest, task_id: str) -> HttpResponse:
        return show(request, lookup(request, task_id))

    @login_required
    def status(request: HttpRequest, task_id: str) -> HttpResponse:
        return JsonResponse(lookup(request, task_id).as_json())

    return page, status
