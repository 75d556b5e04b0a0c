"""Regions and quotas in the system administrator's admin (see portal/core/admin_site.py)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.core.admin_site import ReadOnlyAdmin, SystemAdminModelAdmin

from .models import Region, RegionQuota


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ("code", "name", "level", "parent", "official_code", "sort_order")

    def clean(self):
        data = super().clean()
        level, parent = data.get("level"), data.get("parent")
        if level is not None and level > 1 and (parent is None or parent.level != level - 1):
            self.add_error("parent", _("上级地区的层级须比本地区高一级。"))
        if level == 1 and parent is not None:
            self.add_error("parent", _("省级地区没有上级。"))
        return data


@admin.register(Region)
class RegionAdmin(SystemAdminModelAdmin):
    """New county-level units (e.g. a development zone with a local code) may be added; an existing
    region's code, level and parent are fixed, because enterprises and filings carry its path."""

    form = RegionForm
    list_display = ("code", "name", "level", "parent", "official_code", "sort_order")
    list_filter = ("level", "official_code")
    search_fields = ("code", "name")
    ordering = ("path",)
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)

    def get_readonly_fields(self, request, obj=None):
        return ("code", "level", "parent", "path") if obj is not None else ("path",)


@admin.register(RegionQuota)
class RegionQuotaAdmin(ReadOnlyAdmin):
    """Read-only here: quotas are set by province staff (regions.services.set_quota), not by the
    system administrator."""

    list_display = ("region", "year", "quota")
    list_filter = ("year",)
    search_fields = ("region__name", "region__code")
    list_select_related = ("region",)
