"""Startup bases: the registry that base managers are bound to, in the system administrator's admin.

Managers are bound to a base by the security administrator (object grants); self-checks and
assessments are business data and are not registered here.
"""

from django.contrib import admin

from portal.core.admin_site import SystemAdminModelAdmin

from .models import StartupBase


@admin.register(StartupBase)
class StartupBaseAdmin(SystemAdminModelAdmin):
    list_display = ("name", "region", "manager_name")
    search_fields = ("name", "manager_name")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
