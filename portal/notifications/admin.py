"""The record of job runs, read-only for the system administrator (the schedule itself is django-celery-beat's
Periodic tasks, registered in portal/core/admin.py)."""

from django.contrib import admin

from portal.core.admin_site import SystemAdminModelAdmin

from .models import TaskRun


@admin.register(TaskRun)
class TaskRunAdmin(SystemAdminModelAdmin):
    editable = False
    list_display = ("task", "started_at", "finished_at", "outcome", "counts")
    list_filter = ("outcome", "task")
    search_fields = ("task", "task_id")
    readonly_fields = ("task", "task_id", "args", "started_at", "finished_at", "outcome", "counts", "error")
