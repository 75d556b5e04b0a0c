"""Quarterly bulletins of every child region's reporting."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import InRegion, ScopedQuerySet
from portal.core.files import RandomName


class Bulletin(models.Model):
    """The quarterly bulletin of every child region's reporting (每季度通报各地监测企业报送情况)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("待发布")
        PUBLISHED = "published", _("已发布")

    region = models.ForeignKey("regions.Region", verbose_name=_("通报地区"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    figures = models.JSONField(_("数据"), default=list)
    totals = models.JSONField(_("合计"), default=dict, blank=True)  # the region's own line (compute_total)
    file = models.FileField(_("表格"), upload_to=RandomName("bulletins"), blank=True)
    generated_at = models.DateTimeField(_("生成时间"), auto_now=True)
    generated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    notice = models.ForeignKey("notices.Notice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    tenancy = InRegion("region__path", officials_only=True, ancestors=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度通报")
        verbose_name_plural = _("季度通报")
        ordering = ["-year", "-quarter", "region__path"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "quarter"], name="one_bulletin_per_region_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="bulletin_quarter_range"),
        ]

    def __str__(self):
        return f"{self.region_id} {self.year}Q{self.quarter}"
