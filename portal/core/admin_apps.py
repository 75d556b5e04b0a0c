"""The admin app with the portal's site (PortalAdminSite in admin_site.py: system administrator only).

INSTALLED_APPS names ``portal.core.admin_apps.PortalAdminConfig`` in place of ``django.contrib.admin``.
Kept apart from admin_site.py because an AppConfig module may not import models.
"""

from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "portal.core.admin_site.PortalAdminSite"
