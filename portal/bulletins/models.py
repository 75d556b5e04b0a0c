"""Bulletins of any kind (通报): a region's figures for a period, drafted, reviewed and published."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import InRegion, ScopedQuerySet
from portal.core.files import RandomName


class Bulletin(models.Model):
    """One kind's bulletin of one region for one period: its child regions' rows and its own line (合计),
    as computed when it was drafted. Officials read the bulletins of their region, of the levels above it and
    below it; drafts only those who manage the kind."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待发布")
        PUBLISHED = "published", _("已发布")

    kind = models.CharField(_("通报类别"), max_length=64)
    region = models.ForeignKey("regions.Region", verbose_name=_("通报地区"), on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("期间"), max_length=16)  # 2026-Q3, 2026
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField(_("数据"), default=list)
    totals = models.JSONField(_("合计"), default=dict, blank=True)  # the region's own line (computed, not summed)
    file = models.FileField(_("表格"), upload_to=RandomName("bulletins"), blank=True)
    generated_at = models.DateTimeField(_("生成时间"), auto_now=True)
    generated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    notice = models.ForeignKey("notices.Notice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    tenancy = InRegion("region__path", officials_only=True, ancestors=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-period", "kind", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "region", "period"], name="one_bulletin_per_kind_region_period"),
        ]

    def __str__(self):
        return self.title
