"""Reference data of the registry in the system administrator's admin (see portal/core/admin_site.py).

Enterprises themselves are business data and are absent: the system administrator sees none of them.
Industries (GB/T 4754) and size standards are versioned data files (``load_size_standard``), checked as
a whole before loading; a standard typed cell by cell could leave a category without bounds, and would
become the current standard at once. So both are read-only here, except an industry's display name.
"""

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from portal.core.admin_site import ReadOnlyAdmin, SystemAdminInline, SystemAdminModelAdmin

from .models import Industry, SizeStandard, SizeThreshold


def size_category_label(category: str, label: str | None) -> str:
    """A size-standard category as people read it: the standard's own name for it (工业, 零售业), or what the
    two special values mean."""
    if category == Industry.SPANS_CATEGORIES:
        return str(_("跨多个划型行业(须细分到大类或中类)"))
    if category == Industry.NOT_APPLICABLE:
        return str(_("不适用划型标准"))
    return label or category


class SizeCategoryFilter(admin.SimpleListFilter):
    title = _("划型行业")
    parameter_name = "size_category"

    def lookups(self, request, model_admin):
        labels = dict(SizeThreshold.objects.visible_to(request.user).order_by()
                      .values_list("category", "category_label").distinct())
        special = [Industry.SPANS_CATEGORIES, Industry.NOT_APPLICABLE]
        return [(c or "-", size_category_label(c, labels.get(c))) for c in [*sorted(labels), *special]]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        return queryset.filter(size_category="" if value == "-" else value)


@admin.register(Industry)
class IndustryAdmin(SystemAdminModelAdmin):
    list_display = ("code", "name", "parent_industry", "size_category_name", "is_industrial")
    list_filter = ("is_industrial", SizeCategoryFilter)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    readonly_fields = ("code", "parent_industry", "size_category_name", "is_industrial")
    fields = ("code", "name", "parent_industry", "size_category_name", "is_industrial")

    def has_add_permission(self, request, *args):
        return False

    def get_queryset(self, request):
        labels = (SizeThreshold.objects.visible_to(request.user).filter(category=OuterRef("size_category"))
                  .order_by("-standard__effective_from"))
        return super().get_queryset(request).annotate(category_label=Subquery(labels.values("category_label")[:1]))

    @admin.display(description=_("上级行业"), ordering="parent__code")
    def parent_industry(self, obj):
        return str(obj.parent) if obj.parent_id else "—"

    @admin.display(description=_("划型行业"), ordering="size_category")
    def size_category_name(self, obj):
        return size_category_label(obj.size_category, getattr(obj, "category_label", None))


class SizeThresholdInline(SystemAdminInline):
    model = SizeThreshold
    editable = False
    fields = ("category", "category_label", "size_class", "min_employees", "min_revenue", "min_assets")
    ordering = ("category", "size_class")


@admin.register(SizeStandard)
class SizeStandardAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "effective_from")
    inlines = (SizeThresholdInline,)
