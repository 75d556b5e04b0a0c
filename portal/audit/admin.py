"""The audit trail in the admin: registered read-only, and visible to nobody there.

No one may add, change or delete an entry through the admin (the model refuses too). Reading it is the
audit administrator's, who has no admin access (the admin is the system administrator's, whose acts the
trail records): the audit administrator reads the trail at /audit/ and /api/v1/audit/.
"""

from django.contrib import admin

from portal.accounts.models import Role

from .models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    actions = None
    list_display = ("at", "actor_name", "channel", "ip_address", "action", "model", "object_repr")
    list_filter = ("action", "channel")
    search_fields = ("object_repr", "actor_name", "note")
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def _is_auditor(self, request) -> bool:
        user = request.user
        return user.is_authenticated and user.is_active and user.role == Role.AUDIT_ADMIN

    def has_module_permission(self, request):
        return self._is_auditor(request)

    def has_view_permission(self, request, obj=None):
        return self._is_auditor(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        return {}
