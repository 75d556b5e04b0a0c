"""The roles a user may hold (one per user), apart from the models so that scoping reads them without
importing any model."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NONE = "none", _("未分配角色")
    ENTERPRISE = "enterprise", _("企业信息员")
    OFFICIAL = "official", _("主管部门人员")
    PLATFORM_OPERATOR = "platform_operator", _("服务平台运营单位")
    BASE_MANAGER = "base_manager", _("创业基地管理机构")
    EXCHANGE = "exchange", _("数据交换系统")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


ADMIN_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
