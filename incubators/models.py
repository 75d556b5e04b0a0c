"""Startup bases (seed 003). This foundation holds the registry that base managers are bound to;
the evaluation (half-year 40% + year-end 60%) is built on it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import Granted, ScopedQuerySet


class StartupBase(models.Model):
    name = models.CharField(_("基地名称"), max_length=128)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在地区"), on_delete=models.PROTECT)
    manager_name = models.CharField(_("管理机构"), max_length=128)

    tenancy = Granted("incubators.view_startupbase")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("创业基地")
        verbose_name_plural = _("创业基地")
        ordering = ["region__path", "name"]

    def __str__(self):
        return self.name
