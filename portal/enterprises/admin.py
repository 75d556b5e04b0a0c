"""Reference data of the registry in the system administrator's admin (see portal/core/admin_site.py).

Enterprises themselves are business data and are absent: the system administrator sees none of them.
Industries (GB/T 4754) and size standards are versioned data files (``load_size_standard``), checked as
a whole before loading; a standard typed cell by cell could leave a category without bounds, and would
become the current standard at once. So both are read-only here, except an industry's display name.
"""

from django.contrib import admin

from portal.core.admin_site import ReadOnlyAdmin, SystemAdminInline, SystemAdminModelAdmin

from .models import Industry, SizeStandard, SizeThreshold


@admin.register(Industry)
class IndustryAdmin(SystemAdminModelAdmin):
    list_display = ("code", "name", "parent", "size_category", "is_industrial")
    list_filter = ("is_industrial", "size_category")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    readonly_fields = ("code", "parent", "size_category", "is_industrial")
    fields = ("code", "name", "parent", "size_category", "is_industrial")

    def has_add_permission(self, request, *args):
        return False


class SizeThresholdInline(SystemAdminInline):
    model = SizeThreshold
    editable = False
    fields = ("category", "category_label", "size_class", "min_employees", "min_revenue", "min_assets")
    ordering = ("category", "size_class")


@admin.register(SizeStandard)
class SizeStandardAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "effective_from")
    inlines = (SizeThresholdInline,)
