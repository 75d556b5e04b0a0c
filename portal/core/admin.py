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
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from rest_framework.authtoken.models import TokenProxy

from .admin_site import SystemAdminModelAdmin

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


for model in (IntervalSchedule, CrontabSchedule, SolarSchedule, ClockedSchedule):
    if admin.site.is_registered(model):
        _reregister(model)

# Jobs the schedule may run. They take no arguments and act as the system, on data they select by date:
# the system administrator sets *when* they run, never *what* they do or *on whose behalf* (三员分立).
# Tasks that send a given message, act for a given user or take ids are never schedulable.
SCHEDULABLE_TASKS = {
    "monitoring.tasks.lock_periods": "报告期自动锁定",
    "portal.bulletins.tasks.generate_due_bulletins": "通报生成",
    "monitoring.tasks.remind_late_filers": "企业催报提醒",
    "monitoring.tasks.remind_pending_reviews": "县级待审核提醒",
    "monitoring.tasks.remind_unreported_counties": "县级未上报提醒",
    "monitoring.tasks.remind_returned_filings": "退回报表再次提醒",
    "monitoring.tasks.purge_idempotency_records": "清理过期的接口幂等记录",
    "portal.notifications.tasks.queue_stalled_deliveries": "消息补发",
}


class ScheduleForm(beat_admin.PeriodicTaskForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(name, f"{label}({name})") for name, label in SCHEDULABLE_TASKS.items()]
        self.fields["regtask"] = forms.ChoiceField(label="任务", choices=[("", "---------"), *choices], required=False)
        self.fields["task"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        task = data.get("regtask") or data.get("task")
        if task not in SCHEDULABLE_TASKS:
            raise forms.ValidationError("只能选择列出的定时任务。")
        if (data.get("args") or "[]").strip() not in ("[]", "") or (data.get("kwargs") or "{}").strip() not in ("{}", ""):
            raise forms.ValidationError("定时任务不接受参数:它们按日期自行选择要处理的数据。")
        data["task"], data["args"], data["kwargs"] = task, "[]", "{}"
        return data


if admin.site.is_registered(PeriodicTask):
    admin.site.unregister(PeriodicTask)


@admin.register(PeriodicTask)
class PortalPeriodicTaskAdmin(SystemAdminModelAdmin, beat_admin.PeriodicTaskAdmin):
    form = ScheduleForm
    actions = None
    deletable = True
