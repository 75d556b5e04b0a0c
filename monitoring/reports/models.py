"""Quarterly monitoring analysis reports uploaded by cities and counties."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import InRegion, ScopedQuerySet
from portal.core.files import RandomName


class AnalysisReport(models.Model):
    """A city's or county's quarterly monitoring analysis report (at least one per quarter, seed 000)."""

    region = models.ForeignKey("regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(_("文件"), upload_to=RandomName("analysis-reports"))
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    tenancy = InRegion("region__path", officials_only=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度分析报告")
        verbose_name_plural = _("季度分析报告")
        ordering = ["-year", "-quarter", "region__path"]
        constraints = [models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_range")]

    def __str__(self):
        return self.title
