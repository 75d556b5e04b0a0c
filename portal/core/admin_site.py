"""The Django admin is the system administrator's configuration tool, and nobody else's.

Three separated administrators (三员分立): the system administrator configures the system (regions,
industries, size standards, notices, the task schedule), the security administrator gives roles, the audit
administrator reads the trail. Only the first gets the admin; officials, enterprises and the other two
administrators get none of it, and business data (enterprises, filings, registrations, users) is absent.

Two locks, so that either alone is enough:
- ``PortalAdminSite.has_permission``: only an active ``system_admin`` with ``is_staff`` enters the
  site (installed through ``portal.core.admin_apps.PortalAdminConfig`` in INSTALLED_APPS in place of
  ``django.contrib.admin``);
- ``SystemAdminModelAdmin``: every ModelAdmin of the portal decides by role, not by Django model
  permissions (the system administrator is staff but never a superuser, and holds no model perms).

Every save and delete goes through ``portal.core.services`` so it lands in the audit trail; bulk
actions (which would bypass it) are switched off.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Role

from . import services


def is_system_admin(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and getattr(user, "role", None) == Role.SYSTEM_ADMIN
    )


class PortalAdminSite(admin.AdminSite):
    site_header = _("省中小企业运行监测平台 · 系统配置")
    site_title = _("系统配置")
    index_title = _("系统配置")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Bulk deletion skips delete_model() and so the audit trail.
        self.disable_action("delete_selected")

    def has_permission(self, request):
        return is_system_admin(request.user)


class SystemAdminModelAdmin(admin.ModelAdmin):
    """Role-based permissions and audited writes for a configuration model."""

    actions = None
    # Set to False on a model the system administrator may read but not change.
    editable = True
    deletable = False

    def has_module_permission(self, request):
        return is_system_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_system_admin(request.user)

    def has_add_permission(self, request, *args):
        return self.editable and is_system_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return self.editable and is_system_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return self.editable and self.deletable and is_system_admin(request.user)

    def get_actions(self, request):
        return {}

    def save_model(self, request, obj, form, change):
        services.save_admin_object(actor=request.user, obj=obj, changed_fields=form.changed_data, created=not change)

    def delete_model(self, request, obj):
        services.delete_admin_object(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset):  # pragma: no cover - bulk actions are off
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        """Inline rows are saved one by one through the audited service."""

        instances = formset.save(commit=False)
        for obj in formset.deleted_objects:
            services.delete_admin_object(actor=request.user, obj=obj)
        for obj in instances:
            services.save_admin_object(actor=request.user, obj=obj, created=obj.pk is None)
        formset.save_m2m()


class ReadOnlyAdmin(SystemAdminModelAdmin):
    editable = False


class SystemAdminInline(admin.TabularInline):
    extra = 0
    editable = True

    def has_view_permission(self, request, obj=None):
        return is_system_admin(request.user)

    def has_add_permission(self, request, obj=None):
        return self.editable and is_system_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return self.editable and is_system_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return self.editable and is_system_admin(request.user)
