"""Third-party registrations in the admin, made to follow the portal's rules (see admin_site.py).

Removed:
- ``auth.Group``: roles are one column on the user, given by the security administrator; groups are unused.
- ``authtoken.TokenProxy``: its list shows every user's API key; tokens are the user's own business
  (``/api/v1/tokens/``), and revoking someone's is done by disabling the account.
- ``axes.*``: login failures and lockouts are security records, for the security and audit
  administrators, not for the system administrator (the security administrator lifts lockouts at
  ``/accounts/lockouts/``).

Kept, with role-based permissions and audited saves: the Celery beat schedule (django-celery-beat), which
is editable data of the system administrator.
"""

import django_celery_beat.admin as beat_admin  # noqa: F401 - registers the beat models first
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from rest_framework.authtoken.models import TokenProxy

from .admin_site import SystemAdminModelAdmin
from .schedules import human_schedule

for model in (Group, TokenProxy):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

try:
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
except ImportError:  # pragma: no cover
    pass
else:
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


def _reregister(model) -> None:
    original = type(admin.site._registry[model]) if admin.site.is_registered(model) else admin.ModelAdmin
    if issubclass(original, SystemAdminModelAdmin):
        return
    admin.site.unregister(model)
    # The beat admin's own bulk actions (enable, disable, run) use queryset.update(): off, like ours.
    portal_admin = type(f"Portal{original.__name__}", (SystemAdminModelAdmin, original),
                        {"actions": None, "deletable": True, "__module__": __name__})
    admin.site.register(model, portal_admin)


for model in (IntervalSchedule, SolarSchedule, ClockedSchedule):
    if admin.site.is_registered(model):
        _reregister(model)


if admin.site.is_registered(CrontabSchedule):
    admin.site.unregister(CrontabSchedule)


@admin.register(CrontabSchedule)
class PortalCrontabScheduleAdmin(SystemAdminModelAdmin, beat_admin.CrontabScheduleAdmin):
    """Each crontab in words beside its fields."""

    actions = None
    deletable = True
    list_display = ("schedule", "minute", "hour", "day_of_month", "month_of_year", "day_of_week")
    fields = ("schedule", "minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")
    readonly_fields = ("schedule",)

    @admin.display(description=_("运行时间"))
    def schedule(self, obj):
        return human_schedule(obj) if obj.pk else "—"

# Jobs the schedule may run. They take no arguments and act as the system, on data they select by date:
# the system administrator sets *when* they run, never *what* they do or *on whose behalf* (三员分立).
# Tasks that send a given message, act for a given user or take ids are never schedulable.
SCHEDULABLE_TASKS = {
    "monitoring.tasks.lock_periods": _("报告期自动锁定"),
    "portal.bulletins.tasks.generate_due_bulletins": _("通报生成"),
    "monitoring.tasks.remind_late_filers": _("企业催报提醒"),
    "monitoring.tasks.remind_pending_reviews": _("县级待审核提醒"),
    "monitoring.tasks.remind_unreported_counties": _("县级未上报提醒"),
    "monitoring.tasks.remind_returned_filings": _("退回报表再次提醒"),
    "monitoring.tasks.purge_idempotency_records": _("清理过期的接口幂等记录"),
    "portal.notifications.tasks.queue_stalled_deliveries": _("消息补发"),
    "platforms.tasks.remind_recognition_reviews": _("示范平台复核提醒"),
    "incubators.tasks.remind_self_checks": _("创业基地自查表提醒"),
}


def task_label(name: str) -> str:
    """A task's name as people read it (its dotted name only for a task not in the list)."""
    return str(SCHEDULABLE_TASKS.get(name, name))


class _Titled:
    """An object that reads as ``title`` (the library's str() of a task spells out its crontab)."""

    def __init__(self, obj, title: str) -> None:
        self._obj, self._title = obj, title

    def __getattr__(self, name):
        return getattr(self._obj, name)

    def __str__(self) -> str:
        return self._title


class TaskFilter(admin.SimpleListFilter):
    title = _("任务")
    parameter_name = "task"

    def lookups(self, request, model_admin):
        return [(name, label) for name, label in SCHEDULABLE_TASKS.items()]

    def queryset(self, request, queryset):
        return queryset.filter(task=self.value()) if self.value() else queryset


class ScheduleForm(beat_admin.PeriodicTaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(name, label) for name, label in SCHEDULABLE_TASKS.items()]
        self.fields["regtask"] = forms.ChoiceField(label=_("任务"), choices=[("", "---------"), *choices],
                                                   required=False)
        self.fields["task"].widget = forms.HiddenInput()
        self.fields["task"].label = ""
        if "crontab" in self.fields:
            self.fields["crontab"].label = _("运行时间")
            self.fields["crontab"].label_from_instance = human_schedule

    def clean(self):
        data = super().clean()
        task = data.get("regtask") or data.get("task")
        if task not in SCHEDULABLE_TASKS:
            raise forms.ValidationError(_("只能选择列出的定时任务。"))
        # The form has no argument fields; arguments posted anyway are refused, not silently dropped.
        args = (self.data.get("args") or data.get("args") or "[]").strip()
        kwargs = (self.data.get("kwargs") or data.get("kwargs") or "{}").strip()
        if args not in ("[]", "") or kwargs not in ("{}", ""):
            raise forms.ValidationError(_("定时任务不接受参数:它们按日期自行选择要处理的数据。"))
        data["task"], data["args"], data["kwargs"] = task, "[]", "{}"
        return data


if admin.site.is_registered(PeriodicTask):
    admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PortalPeriodicTaskAdmin(SystemAdminModelAdmin, beat_admin.PeriodicTaskAdmin):
    """The schedule in words: each job by its name, when it runs (每天 09:00), and no arguments or execution
    options (the jobs take none; the worker's queues are the deployment's business)."""

    form = ScheduleForm
    actions = None
    deletable = True
    list_display = ("name", "job", "schedule", "enabled", "last_run_at")
    list_filter = ["enabled", TaskFilter]
    date_hierarchy = None
    fieldsets = (
        (None, {"fields": ("name", "regtask", "task", "enabled", "description")}),
        (_("运行时间"), {"fields": ("crontab", "schedule", "start_time", "last_run_at", "one_off")}),
    )
    readonly_fields = ("last_run_at", "schedule")

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # The form's script shows the chosen crontab's words under the field: ours, not the library's English.
        form = context["adminform"].form
        if obj is not None:
            context["subtitle"] = f"{obj.name}({self.schedule(obj)})"
            context["original"] = _Titled(obj, context["subtitle"])  # the breadcrumb reads str(original)
        if "crontab" in form.fields:
            context["readable_crontabs"] = {c.pk: human_schedule(c) for c in form.fields["crontab"].queryset}
        return super().render_change_form(request, context, add=add, change=change, form_url=form_url, obj=obj)

    @admin.display(description=_("任务"))
    def job(self, obj):
        return task_label(obj.task)

    @admin.display(description=_("运行时间"))
    def schedule(self, obj):
        if obj.crontab_id:
            return human_schedule(obj.crontab)
        return str(obj.schedule) if obj.pk else "—"
