"""Monthly filings: periods, one row per enterprise and month (one column per indicator), products,
versions and actions (every act kept), and the county's report up to the city."""

import calendar
from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .indicators import INDICATORS, SURVEY


class PeriodQuerySet(models.QuerySet):
    def visible_to(self, user):
        # Periods are the calendar: every signed-in user may see them.
        return self if user.is_authenticated else self.none()


class Period(models.Model):
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    enterprise_deadline = models.DateField(_("企业报送截止日"))
    review_deadline = models.DateField(_("审核上报截止日"))
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("报告期")
        verbose_name_plural = _("报告期")
        ordering = ["-year", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="one_period_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="period_month_range"),
        ]

    def __str__(self):
        return f"{self.year}年{self.month}月"

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    @property
    def month_end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def opens_on(self) -> date:
        """Filing opens the day after the month ends."""
        return date.fromordinal(self.month_end.toordinal() + 1)

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None

    def previous(self) -> tuple[int, int]:
        return (self.year, self.month - 1) if self.month > 1 else (self.year - 1, 12)


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送待审核")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("审核通过")


class FilingQuerySet(models.QuerySet):
    def visible_to(self, user):
        from portal.accounts.scoping import scope_for

        scope = scope_for(user)
        if scope.is_enterprise:
            return self.filter(enterprise_id=scope.enterprise_id)
        if scope.has_region and scope.region_path.count(".") == 1:
            return self
        return scope.rows_by_region_path(self)

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
    def is_editable_by_enterprise(self) -> bool:
        return self.status in (FilingStatus.DRAFT, FilingStatus.RETURNED) and (
            not self.period.is_locked or self.reopened)


for _indicator in INDICATORS:
    Filing.add_to_class(_indicator.code, _indicator.model_field())
for _question in SURVEY:
    Filing.add_to_class(
        _question.field_name,
        models.CharField(_question.label, max_length=8, choices=_question.choices.choices, blank=True),
    )


class FilingProduct(models.Model):
    filing = models.ForeignKey(Filing, on_delete=models.CASCADE, related_name="products")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("产品名称"), max_length=64)
    unit = models.CharField(_("计量单位"), max_length=16)
    production = models.DecimalField(_("产量"), max_digits=16, decimal_places=2)
    sales = models.DecimalField(_("销量"), max_digits=16, decimal_places=2)
    inventory = models.DecimalField(_("期末库存"), max_digits=16, decimal_places=2)

    objects = models.Manager()

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

    objects = models.Manager()

    class Meta:
        verbose_name = _("报表操作记录")
        verbose_name_plural = _("报表操作记录")
        ordering = ["filing", "at", "id"]

    def __str__(self):
        return f"{self.filing_id} {self.action} v{self.version}"


class CountyReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        from portal.accounts.scoping import scope_for

        scope = scope_for(user)
        if scope.has_region:
            return self.filter(county__path__startswith=scope.region_path)
        return self.none()


class CountyReport(models.Model):
    """A county's report of a period up to its city (by the 15th); the city may return it."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("已上报")
        RETURNED = "returned", _("被市退回")

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="county_reports")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    first_reported_at = models.DateTimeField(_("首次上报时间"))
    reported_at = models.DateTimeField(_("最近上报时间"))
    on_time = models.BooleanField(_("按时上报"))
    days_late = models.PositiveSmallIntegerField(_("迟报天数"), default=0)
    reported_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    return_reason = models.TextField(_("退回理由"), blank=True)
    returned_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = CountyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("县级上报")
        verbose_name_plural = _("县级上报")
        constraints = [models.UniqueConstraint(fields=["county", "period"], name="one_county_report_per_period")]

    def __str__(self):
        return f"{self.county_id} {self.period}"


class IdempotencyRecord(models.Model):
    """An API response kept for its Idempotency-Key, so a retried request is answered the same."""

    key = models.CharField(max_length=128)
    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = models.Manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_response_per_key")]

    def __str__(self):
        return self.key


# ------------------------------------------------------------------------------------------------
# Exports, quarterly analysis reports, quarterly bulletins
# ------------------------------------------------------------------------------------------------

class ExportJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        # An export holds what its owner could see when it was made: only its owner downloads it.
        return self.filter(owner_id=user.pk) if user.is_authenticated else self.none()


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
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.created_at:%Y-%m-%d %H:%M}"


class AnalysisReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        from portal.accounts.scoping import scope_for

        scope = scope_for(user)
        if scope.is_official:
            return self.filter(region__path__startswith=scope.region_path)
        return self.none()


class AnalysisReport(models.Model):
    """A city's or county's quarterly monitoring analysis report (at least one per quarter, seed 000)."""

    region = models.ForeignKey("regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    title = models.CharField(_("标题"), max_length=200)
    file = models.FileField(_("文件"), upload_to="analysis-reports/%Y/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = AnalysisReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("季度分析报告")
        verbose_name_plural = _("季度分析报告")
        ordering = ["-year", "-quarter", "region__path"]
        constraints = [models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="report_quarter_range")]

    def __str__(self):
        return self.title


class BulletinQuerySet(models.QuerySet):
    def visible_to(self, user):
        from portal.accounts.scoping import scope_for

        scope = scope_for(user)
        if scope.is_official:
            # A region's officials see the bulletins of their region and of the levels above it.
            return self.filter(Q(region__path__startswith=scope.region_path)
                               | Q(region__code__in=user.region.ancestors_and_self()))
        return self.none()


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
    file = models.FileField(_("表格"), upload_to="bulletins/%Y/", blank=True)
    generated_at = models.DateTimeField(_("生成时间"), auto_now=True)
    generated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    notice = models.ForeignKey("notices.Notice", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = BulletinQuerySet.as_manager()

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
