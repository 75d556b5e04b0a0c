"""Third-party registrations in the admin, made to follow the portal's rules (see admin_site.py).

Removed:
- ``auth.Group``: roles are one column on the user, given by the security administrator; groups are unused.
- ``authtoken.TokenProxy``: its list shows every user's API key; tokens are the user's own business
  (``/api/v1/tokens/``), and revoking someone's is done by disabling the account.
- ``axes.*``: login failures and lockouts are security records, for the security and audit
  administrators, not for the system administrator (``manage.py axes_reset`` unlocks).

Kept, with role-based permissions and audited saves: the Celery beat schedule (django-celery-beat), which
is editable data of the system administrator.
"""

import django_celery_beat.admin as beat_admin  # noqa: F401 - registers the beat models first
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


for model in (PeriodicTask, IntervalSchedule, CrontabSchedule, SolarSchedule, ClockedSchedule):
    if admin.site.is_registered(model):
        _reregister(model)
