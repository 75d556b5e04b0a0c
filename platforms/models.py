"""Service platforms (seed 001). This foundation holds the registry that operators are bound to;
the evaluation (routine 20% + key work 80%) is built on it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import Granted, ScopedQuerySet


class PlatformKind(models.TextChoices):
    CITY = "city", _("市级窗口平台")
    CLUSTER = "cluster", _("产业集群窗口平台")
    COUNTY = "county", _("县市区综合窗口平台")
    INSTITUTION = "institution", _("服务机构")


class Platform(models.Model):
    name = models.CharField(_("平台名称"), max_length=128)
    kind = models.CharField(_("平台类型"), max_length=16, choices=PlatformKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在地区"), on_delete=models.PROTECT)
    operator_name = models.CharField(_("运营单位"), max_length=128)

    tenancy = Granted("platforms.view_platform")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务平台")
        verbose_name_plural = _("服务平台")
        ordering = ["region__path", "name"]

    def __str__(self):
        return self.name
