"""Summary workbooks built in the background."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import Owned, ScopedQuerySet
from portal.core.files import RandomName


class ExportJob(models.Model):
    """A spreadsheet built in the background (Celery) with its progress, downloaded when ready."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    owner = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("类型"), max_length=32)
    params = models.JSONField(_("参数"), default=dict)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    file = models.FileField(_("文件"), upload_to=RandomName("exports"), blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    tenancy = Owned("owner_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"
