"""Monthly filings: periods, one row per enterprise and month (one column per indicator), products,
versions and actions (every act kept), and each region's report up to the level above."""

import calendar
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from monitoring.indicators import INDICATORS, SURVEY
from portal.accounts.scoping import Calendar, InRegion, ScopedQuerySet, Through
from portal.core.periods import month_label


class Period(models.Model):
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    enterprise_deadline = models.DateField(_("企业报送截止日"))
    review_deadline = models.DateField(_("审核上报截止日"))
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)

    tenancy = Calendar()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("报告期")
        verbose_name_plural = _("报告期")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="one_period_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="period_month_range"),
        ]

    def __str__(self):
        return month_label(self.year, self.month)

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    @property
    def month_end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def opens_on(self) -> date:
        """Filing opens the day after the month ends."""
        return date.fromordinal(self.month_end.toordinal() + 1)

    def is_closed(self, today: date | None = None) -> bool:
        """Closed once its review deadline has passed, whether or not the scheduled job has run: a filing of a
        closed period reopens only through an unlock (Filing.reopened). The job only records and notifies."""
        return self.locked_at is not None or (today or timezone.localdate()) > self.review_deadline

    @property
    def is_locked(self) -> bool:
        return self.is_closed()

    def previous(self) -> tuple[int, int]:
        return (self.year, self.month - 1) if self.month > 1 else (self.year - 1, 12)


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("审核通过")


# Where a filing or an act on it came from (Filing.channel, FilingEvent.channel): the audit trail's vocabulary,
# and ``api:<user name>`` for an exchange system, and ``synthetic`` for generated demonstration data.
CHANNEL_LABELS = {
    "web": _("网页填报"),
    "api": _("数据接口"),
    "import": _("批量导入"),
    "cli": _("命令行"),
    "task": _("系统任务"),
    "synthetic": _("模拟数据"),
}


class FilingQuerySet(ScopedQuerySet):
    def submitted(self):
        return self.exclude(status=FilingStatus.DRAFT)


class Filing(models.Model):
    """One enterprise's three forms for one month. Indicator columns are added from INDICATORS below."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="filings")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="filings")
    # Denormalised so that every summary is one GROUP BY (kept by the services).
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=128, db_index=True)
    size_class = models.CharField(_("企业规模"), max_length=8)
    industry_code = models.CharField(_("行业代码"), max_length=8)

    status = models.CharField(_("状态"), max_length=16, choices=FilingStatus.choices, default=FilingStatus.DRAFT)
    version = models.PositiveIntegerField(_("版本"), default=0)
    difficulties = models.JSONField(_("主要困难"), default=list, blank=True)
    difficulties_text = models.TextField(_("其他困难和问题"), blank=True)
    explanations = models.JSONField(_("预警说明"), default=dict, blank=True)
    warnings = models.JSONField(_("预警"), default=list, blank=True)

    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    on_time = models.BooleanField(_("按时报送"), null=True)
    days_late = models.PositiveSmallIntegerField(_("迟报天数"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("最近报送时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    return_reason = models.TextField(_("退回理由"), blank=True)
    return_fields = models.JSONField(_("退回指向的字段"), default=list, blank=True)
    returned_version = models.PositiveIntegerField(null=True, blank=True)
    filed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    on_behalf = models.BooleanField(_("代报"), default=False)
    channel = models.CharField(_("报送渠道"), max_length=64, default="web")
    reopened = models.BooleanField(_("已解锁"), default=False)
    content_hash = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    tenancy = InRegion("region_path", enterprise="enterprise_id", changeable=True, exchange_changes=True,
                       history="enterprise")
    objects = FilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度报表")
        verbose_name_plural = _("月度报表")
        constraints = [models.UniqueConstraint(fields=["enterprise", "period"], name="one_filing_per_month")]
        indexes = [
            models.Index(fields=["period", "county", "status"], name="filing_period_county_status"),
            models.Index(fields=["period", "city"], name="filing_period_city"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.period}"

    @property
    def needs_unlock(self) -> bool:
        """Only an unlock lets the enterprise correct it: approved, or its period closed and not yet reopened."""
        return self.status == FilingStatus.APPROVED or (self.period.is_closed() and not self.reopened)

    @property
    def is_editable_by_enterprise(self) -> bool:
        return self.status in (FilingStatus.DRAFT, FilingStatus.RETURNED) and (
            not self.period.is_locked or self.reopened)


for _indicator in INDICATORS:
    Filing.add_to_class(_indicator.code, _indicator.model_field())
for _question in SURVEY:
    Filing.add_to_class(
        _question.field_name,
        models.CharField(lazy(lambda q=_question: q.label, str)(), max_length=8, choices=_question.choices.choices,
                         blank=True),
    )


class FilingProduct(models.Model):
    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="products")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("产品名称"), max_length=64)
    unit = models.CharField(_("计量单位"), max_length=16)
    production = models.DecimalField(_("产量"), max_digits=16, decimal_places=2)
    sales = models.DecimalField(_("销量"), max_digits=16, decimal_places=2)
    inventory = models.DecimalField(_("期末库存"), max_digits=16, decimal_places=2)

    tenancy = Through("filing")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("主要产品")
        verbose_name_plural = _("主要产品")
        ordering = ["filing", "position"]

    def __str__(self):
        return self.name


class FilingEvent(models.Model):
    """Every act on a filing, with the full content of each submitted version."""

    class Action(models.TextChoices):
        SAVE = "save", _("保存草稿")
        SUBMIT = "submit", _("报送")
        RETURN = "return", _("退回")
        APPROVE = "approve", _("审核通过")
        UNLOCK = "unlock", _("解锁")
        WITHDRAW = "withdraw", _("撤回")

    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    version = models.PositiveIntegerField(_("版本"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=150)
    channel = models.CharField(_("渠道"), max_length=64)
    on_behalf = models.BooleanField(_("代报"), default=False)
    reason = models.TextField(_("理由"), blank=True)
    fields = models.JSONField(_("相关字段"), default=list, blank=True)
    content = models.JSONField(_("报表内容"), null=True, blank=True)

    tenancy = Through("filing")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("报表操作记录")
        verbose_name_plural = _("报表操作记录")
        ordering = ["filing", "at", "id"]

    def __str__(self):
        return f"{self.filing_id} {self.action} v{self.version}"


class RegionReport(models.Model):
    """A region's report of a period up to the level above (by the 15th, seed 000: 市、县(市)审核后于每月15日前上报):
    a county to its city, a city to the province. The level above may return it, with a reason; reported again,
    the same row is updated (the first report's time and timeliness are kept). What was still open when it was
    reported (enterprises that had not filed, filings returned and not resubmitted) is kept with it."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("已上报")
        RETURNED = "returned", _("被上级退回")

    region = models.ForeignKey("regions.Region", verbose_name=_("上报地区"), on_delete=models.PROTECT,
                               related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="region_reports")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    first_reported_at = models.DateTimeField(_("首次上报时间"))
    reported_at = models.DateTimeField(_("最近上报时间"))
    on_time = models.BooleanField(_("按时上报"))
    days_late = models.PositiveSmallIntegerField(_("迟报天数"), default=0)
    reported_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    open_not_filed = models.PositiveIntegerField(_("上报时未报企业数"), default=0)
    open_returned = models.PositiveIntegerField(_("上报时退回未重报数"), default=0)
    open_regions = models.PositiveIntegerField(_("上报时未上报的下级地区数"), default=0)
    return_reason = models.TextField(_("退回理由"), blank=True)
    returned_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)

    tenancy = InRegion("region__path")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("逐级上报")
        verbose_name_plural = _("逐级上报")
        constraints = [models.UniqueConstraint(fields=["region", "period"], name="one_region_report_per_period")]

    def __str__(self):
        return f"{self.region_id} {self.period}"

    @property
    def is_reported(self) -> bool:
        return self.status == self.Status.REPORTED


# The sub-domains' own tables (Django finds an app's models through this module).
from monitoring.exchange.models import IdempotencyRecord  # noqa: E402, F401
from monitoring.exports.models import ExportJob  # noqa: E402, F401
from monitoring.reminders.models import Chase  # noqa: E402, F401
from monitoring.reports.models import AnalysisReport  # noqa: E402, F401
from monitoring.unlocks.models import UnlockRequest  # noqa: E402, F401
