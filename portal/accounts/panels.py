"""Dashboard panels and menu entries of the accounts and audit apps."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit.models import AuditEntry
from portal.core.navigation import register_nav, register_panel

from . import selectors
from .models import Role, User


def admin_panel(user):
    if user.role == Role.SYSTEM_ADMIN:
        return {"title": _("系统管理"), "items": [
            {"label": _("账号管理"), "url": reverse("accounts:users"), "count": User.objects.count(), "level": ""},
            {"label": _("已停用账号"), "url": reverse("accounts:users"),
             "count": User.objects.filter(is_active=False).count(), "level": "warn"},
            {"label": _("系统配置(定时任务、参数)"), "url": reverse("admin:index"), "count": None, "level": ""},
        ]}
    if user.role == Role.SECURITY_ADMIN:
        return {"title": _("角色与授权"), "items": [
            {"label": _("待分配角色的账号"), "url": reverse("accounts:users"),
             "count": User.objects.filter(role=Role.NONE).count(), "level": "warn"},
        ]}
    if user.role == Role.AUDIT_ADMIN:
        return {"title": _("审计"), "items": [
            {"label": _("审计日志"), "url": reverse("audit:list"), "count": AuditEntry.objects.count(), "level": ""},
        ]}
    return None


def registrations_panel(user):
    if not user.is_official:
        return None
    items = []
    if user.region.is_county:
        count = selectors.pending_registration_count(user=user)
        items.append({"label": _("待审核的企业注册申请"), "url": reverse("accounts:registrations"), "count": count,
                      "level": "warn" if count else "ok"})
    items.append({"label": _("本地区账号"), "url": reverse("accounts:users"), "count": None, "level": ""})
    items.append({"label": _("审计日志"), "url": reverse("audit:list"), "count": None, "level": ""})
    return {"title": _("账号与审核"), "items": items}


def register():
    register_panel(admin_panel, order=10)
    register_panel(registrations_panel, order=50)
    register_nav(gettext_lazy("账号管理"), "accounts:users",
                 lambda u: u.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN), order=80)
    register_nav(gettext_lazy("注册审核"), "accounts:registrations", lambda u: u.is_county_official, order=30)
    register_nav(gettext_lazy("审计日志"), "audit:list", lambda u: u.role == Role.AUDIT_ADMIN, order=90)
