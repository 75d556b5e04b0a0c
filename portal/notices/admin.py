"""News, notices and policies, read-only in the system administrator's admin.

Publishing is province staff's act (portal/notices/services.py, the 资讯公告管理 pages), checked and
audited there; the system administrator sees the list but neither writes nor deletes (三员分立).
"""

from django.contrib import admin

from portal.core.admin_site import SystemAdminModelAdmin

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(SystemAdminModelAdmin):
    editable = False
    list_display = ("title", "kind", "is_published", "published_at", "author", "views")
    list_filter = ("kind", "is_published")
    search_fields = ("title", "source")
    date_hierarchy = "published_at"
    list_select_related = ("author",)
    fields = ("kind", "title", "source", "body", "is_published", "published_at")
