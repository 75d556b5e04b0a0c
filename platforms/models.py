"""Service platforms (seed 001): the registry (platforms, their recognitions, the operating units' history),
and what the evaluation is computed from — service records and routine activities."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import Granted, ScopedQuerySet, Through
from portal.core.files import RandomName

from .rules import ActivityKind, Channel, Charging, RecognitionLevel, ServiceArea


class PlatformKind(models.TextChoices):
    CITY = "city", _("市中小微企业窗口服务平台")
    CLUSTER = "cluster", _("产业集群窗口平台")
    COUNTY = "county", _("县(市、区)综合窗口平台")
    INSTITUTION = "institution", _("核心服务机构")


class Platform(models.Model):
    name = models.CharField(_("平台名称"), max_length=128)
    kind = models.CharField(_("平台类型"), max_length=16, choices=PlatformKind.choices)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在地区"), on_delete=models.PROTECT)
    # The current operating unit: a cache of the open OperatorTerm, kept by services.replace_operator.
    operator_name = models.CharField(_("运营单位"), max_length=128)

    # Officials read by region; an operator the platforms granted to them, and the operator of a city platform
    # also its city's platforms, which it compiles and scores (seed 001 四.1) — read, never changed.
    tenancy = Granted("platforms.view_platform", compiles={"kind": PlatformKind.CITY})
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务平台")
        verbose_name_plural = _("服务平台")
        ordering = ["region__path", "kind", "name"]

    def __str__(self):
        return self.name


class Recognition(models.Model):
    """A demonstration recognition (示范平台认定): by whom, at what level, when, valid until (three years)."""

    platform = models.ForeignKey(Platform, verbose_name=_("服务平台"), on_delete=models.CASCADE,
                                 related_name="recognitions")
    level = models.CharField(_("认定层级"), max_length=12, choices=RecognitionLevel.choices)
    recognised_by = models.CharField(_("认定部门"), max_length=128)
    granted_on = models.DateField(_("认定日期"))
    valid_until = models.DateField(_("有效期至"))
    document_no = models.CharField(_("认定文号"), max_length=100, blank=True)
    # The day the re-review reminder was sent (once per recognition).
    reminded_on = models.DateField(_("复核提醒日期"), null=True, blank=True, editable=False)

    tenancy = Through("platform")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("示范认定")
        verbose_name_plural = _("示范认定")
        ordering = ["platform", "-granted_on"]
        constraints = [models.CheckConstraint(condition=Q(valid_until__gt=models.F("granted_on")),
                                              name="recognition_valid_after_granted")]

    def __str__(self):
        return f"{self.platform_id} {self.get_level_display()} {self.granted_on}"


class OperatorTerm(models.Model):
    """One operating unit's term at a platform; a replacement closes the term and opens the next."""

    platform = models.ForeignKey(Platform, verbose_name=_("服务平台"), on_delete=models.CASCADE,
                                 related_name="operator_terms")
    operator_name = models.CharField(_("运营单位"), max_length=128)
    started_on = models.DateField(_("起始日期"), null=True, blank=True)
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    reason = models.CharField(_("更换原因"), max_length=500, blank=True)
    recorded_by = models.ForeignKey("accounts.User", verbose_name=_("记录人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    tenancy = Through("platform")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("运营单位任期")
        verbose_name_plural = _("运营单位任期")
        ordering = ["platform", "-started_on"]
        constraints = [models.UniqueConstraint(fields=["platform"], condition=Q(ended_on__isnull=True),
                                               name="one_current_operator")]

    def __str__(self):
        return self.operator_name


class ServiceRecord(models.Model):
    """One service to one enterprise (服务记录): the data the service figures are computed from."""

    platform = models.ForeignKey(Platform, verbose_name=_("服务平台"), on_delete=models.PROTECT,
                                 related_name="service_records")
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    enterprise_name = models.CharField(_("企业名称"), max_length=128)
    area = models.CharField(_("服务领域"), max_length=20, choices=ServiceArea.choices)
    served_on = models.DateField(_("服务日期"))
    charging = models.CharField(_("公益/收费"), max_length=8, choices=Charging.choices, default=Charging.FREE)
    description = models.CharField(_("服务内容"), max_length=1000, blank=True)
    external_id = models.CharField(_("平台记录编号"), max_length=64, blank=True)
    channel = models.CharField(_("来源"), max_length=8, choices=Channel.choices, default=Channel.WEB)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    tenancy = Through("platform")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["platform", "-served_on", "-id"]
        indexes = [
            models.Index(fields=["platform", "served_on"], name="service_platform_date"),
            models.Index(fields=["credit_code", "served_on"], name="service_code_date"),
        ]
        constraints = [models.UniqueConstraint(fields=["platform", "external_id"], condition=~Q(external_id=""),
                                               name="one_record_per_external_id")]

    def __str__(self):
        return f"{self.enterprise_name} {self.served_on}"


class Activity(models.Model):
    """A routine activity (平台活跃度 and the other groups), with its evidence: a link or a stored file."""

    platform = models.ForeignKey(Platform, verbose_name=_("服务平台"), on_delete=models.PROTECT,
                                 related_name="activities")
    kind = models.CharField(_("类别"), max_length=16, choices=ActivityKind.choices)
    happened_on = models.DateField(_("日期"))
    title = models.CharField(_("标题"), max_length=200)
    link = models.URLField(_("链接"), max_length=500, blank=True)
    file = models.FileField(_("佐证材料"), upload_to=RandomName("platforms/evidence"), blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    tenancy = Through("platform")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("平台活动")
        verbose_name_plural = _("平台活动")
        ordering = ["platform", "-happened_on", "-id"]
        indexes = [models.Index(fields=["platform", "happened_on"], name="activity_platform_date")]

    def __str__(self):
        return self.title
