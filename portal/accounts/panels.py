"""Dashboard panels and menu entries of the accounts app (and the audit trail's menu entry).

Each panel says what needs doing now for one kind of user; the dashboard shows them in order.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.navigation import register_nav, register_panel

from . import selectors
from .middleware import password_days_left
from .models import ADMIN_ROLES, Role

PASSWORD_WARN_DAYS = 14


def no_role_panel(user):
    """A user without a role can do nothing yet: say whom to ask."""
    if user.role != Role.NONE:
        return None
    return {"title": _("账号尚未分配角色"), "level": "warn", "items": [
        {"label": _("您的账号已开通,但尚未分配角色。请联系安全管理员为您分配角色和所属地区后再使用。"),
         "url": None, "count": None, "level": ""},
    ]}


def admin_panel(user):
    """The three separated administrators: accounts, roles, audit."""
    if user.role not in ADMIN_ROLES:
        return None
    counts = selectors.admin_counts()
    users_url = reverse("accounts:users")
    if user.role == Role.SYSTEM_ADMIN:
        return {"title": _("系统管理"), "items": [
            {"label": _("新建账号"), "url": reverse("accounts:user_create"), "count": None, "level": ""},
            {"label": _("账号总数"), "url": users_url, "count": counts["total"], "level": ""},
            {"label": _("已停用账号"), "url": f"{users_url}?active=0", "count": counts["inactive"],
             "level": "warn" if counts["inactive"] else ""},
            {"label": _("系统配置(定时任务、参数)"), "url": reverse("admin:index"), "count": None, "level": ""},
        ]}
    if user.role == Role.SECURITY_ADMIN:
        locked = selectors.lockout_count(user=user)
        return {"title": _("角色与授权"), "items": [
            {"label": _("待分配角色的账号"), "url": f"{users_url}?role=none", "count": counts["no_role"],
             "level": "warn" if counts["no_role"] else "ok"},
            {"label": _("全部账号"), "url": users_url, "count": counts["total"], "level": ""},
            {"label": _("登录锁定"), "url": reverse("accounts:lockouts"), "count": locked,
             "level": "warn" if locked else "ok"},
        ]}
    return {"title": _("安全审计"), "items": [
        {"label": _("审计日志"), "url": reverse("audit:list"), "count": None, "level": ""},
        {"label": _("今日登录次数"), "url": reverse("audit:list"), "count": counts["logins_today"], "level": ""},
    ]}


def registrations_panel(user):
    """Officials: the county decides its enterprises' registrations; city and province see the queue."""
    if not user.is_official:
        return None
    items = []
    if user.region.is_county:
        count = selectors.pending_registration_count(user=user)
        items.append({"label": _("待审核的企业注册申请"), "url": reverse("accounts:registrations"), "count": count,
                      "level": "warn" if count else "ok"})
    else:
        count = selectors.registration_list(user=user).count()
        items.append({"label": _("辖区内待县级审核的注册申请"), "url": reverse("accounts:registrations"),
                      "count": count, "level": ""})
    items.append({"label": _("本地区账号"), "url": reverse("accounts:users"), "count": None, "level": ""})
    items.append({"label": _("本地区审计日志"), "url": reverse("audit:list"), "count": None, "level": ""})
    return {"title": _("账号与审核"), "items": items}


def account_panel(user):
    """Everyone: password age and, for an information officer, the contact details reminders go to."""
    items = []
    days = password_days_left(user)
    if days is not None:
        level = "err" if days < 0 else "warn" if days <= PASSWORD_WARN_DAYS else "ok"
        items.append({"label": _("密码剩余有效天数(每 %(n)d 天须修改)") % {"n": settings.PASSWORD_MAX_AGE_DAYS},
                      "url": reverse("accounts:password_change"), "count": max(days, 0), "level": level})
    if user.role == Role.ENTERPRISE and not (user.phone and user.email):
        items.append({"label": _("请完善信息员的手机号码和电子邮箱,以便接收填报提醒"),
                      "url": reverse("accounts:profile"), "count": None, "level": "warn"})
    items.append({"label": _("个人信息"), "url": reverse("accounts:profile"), "count": None, "level": ""})
    return {"title": _("我的账号"), "items": items}


def register():
    register_panel(no_role_panel, order=0)
    register_panel(admin_panel, order=10)
    register_panel(registrations_panel, order=50)
    register_panel(account_panel, order=1000)
    register_nav(gettext_lazy("账号管理"), "accounts:users",
                 lambda u: u.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN), order=80)
    register_nav(gettext_lazy("注册审核"), "accounts:registrations", lambda u: u.is_county_official, order=30)
    register_nav(gettext_lazy("审计日志"), "audit:list", lambda u: u.role == Role.AUDIT_ADMIN, order=90)
