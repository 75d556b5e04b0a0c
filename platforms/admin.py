"""Service platforms: the registry that operators are bound to, in the system administrator's admin.

Operators are bound to a platform by the security administrator (object grants); the evaluation data
(scores, bulletins) is business data and is not registered here.
"""

from django.contrib import admin

from portal.core.admin_site import SystemAdminModelAdmin

from .models import Platform


@admin.register(Platform)
class PlatformAdmin(SystemAdminModelAdmin):
    list_display = ("name", "kind", "region", "operator_name")
    list_filter = ("kind",)
    search_fields = ("name", "operator_name")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
