"""The audit trail: append-only rows written by the services (never by signals)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import Named, ScopedQuerySet


class AuditTrailIsAppendOnly(Exception):
    pass


class AuditQuerySet(ScopedQuerySet):
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AuditTrailIsAppendOnly("audit entries cannot be deleted")

    # Django's deletion collector and bulk tools call these private hooks.
    def _raw_delete(self, using):
        raise AuditTrailIsAppendOnly("audit entries cannot be deleted")


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        BULK_CREATE = "bulk_create", _("批量新增")
        BULK_UPDATE = "bulk_update", _("批量修改")
        APPROVE = "approve", _("审核通过")
        REJECT = "reject", _("驳回")
        LOGIN = "login", _("登录")
        GRANT = "grant", _("授权")
        REVOKE = "revoke", _("撤销授权")
        DISABLE = "disable", _("停用")
        UNLOCK = "unlock", _("解除登录锁定")
        SLOW_DOWN = "slowdown", _("登录暂缓")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "accounts.User", verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=150)
    ip_address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    channel = models.CharField(_("来源系统"), max_length=64, help_text=_("web、api:<系统名>、cli、task:<任务名>"))
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    model = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200)
    region_path = models.CharField(max_length=128, blank=True, db_index=True)
    enterprise_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    note = models.TextField(_("说明"), blank=True)

    tenancy = Named("audit_entries")
    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AuditTrailIsAppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("audit entries cannot be deleted")
