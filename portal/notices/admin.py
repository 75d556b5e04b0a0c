"""News, notices and policies in the system administrator's admin (see portal/core/admin_site.py)."""

from django.contrib import admin

from portal.core.admin_site import SystemAdminModelAdmin

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(SystemAdminModelAdmin):
    deletable = True
    list_display = ("title", "kind", "is_published", "published_at", "author", "views")
    list_filter = ("kind", "is_published")
    search_fields = ("title", "source")
    date_hierarchy = "published_at"
    list_select_related = ("author",)
    fields = ("kind", "title", "source", "body", "is_published", "published_at")

    def save_model(self, request, obj, form, change):
        if not change and obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
