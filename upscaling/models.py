"""The upscaling of small industrial enterprises (小升规, seed 002): county targets, the cultivation pool built
from the tax and statistics bureaus' lists, monthly sales and taxes, dispatch notes and the column mappings
remembered per list kind."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import InRegion, ScopedQuerySet, Through

# The line: 规模以上工业企业 have annual main-business revenue of 2,000 万元 (20 million yuan) or more.
THRESHOLD = 2000  # 万元
# The tax list's band: 500 万 ≤ taxable sales < 2,000 万 in the base year.
BAND_LOW = 500  # 万元


class ListKind(models.TextChoices):
    TAX = "tax", _("税务部门应税销售名单")
    STATS = "stats", _("统计部门退统企业名单")
    MONTHLY = "monthly", _("税务部门月度销售与税收")


class Tier(models.IntegerChoices):
    THIS_YEAR = 0, _("当年有望升规")
    NEXT_YEAR = 1, _("次年有望升规")
    YEAR_AFTER = 2, _("第三年有望升规")


class Screening(models.TextChoices):
    CANDIDATE = "candidate", _("待筛选")
    IN_POOL = "pool", _("已入库培育")
    OUT = "out", _("未入库")


class Stage(models.TextChoices):
    POOL = "pool", _("培育中")
    NEAR = "near", _("临近规上标准")
    APPLYING = "applying", _("入库申报中")
    ENTERED = "entered", _("已纳入统计")
    LEFT = "left", _("已退规")


# 入库申报 materials (seed 002 三.3; the statistics bureau's checklist).
MATERIALS = (
    ("profit_statement", _("利润表")),
    ("vat_return", _("增值税纳税申报表")),
    ("site_photos", _("生产现场照片")),
    ("pledge", _("数据真实性承诺书")),
    ("history", _("近12个月经营数据")),
)


class CountyTarget(models.Model):
    """The year's target of one county-level unit: new above-size industrial enterprises and new output."""

    region = models.ForeignKey("regions.Region", verbose_name=_("县(市、区)"), on_delete=models.PROTECT,
                               related_name="upscaling_targets")
    region_path = models.CharField(max_length=128, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2999)])
    new_enterprises = models.PositiveIntegerField(_("新增规上工业企业(家)"), validators=[MaxValueValidator(100000)])
    new_output = models.DecimalField(_("新增规上工业产值(亿元)"), max_digits=10, decimal_places=2, default=0,
                                     validators=[MinValueValidator(0)])

    tenancy = InRegion("region_path", changeable=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("列规纳统目标")
        verbose_name_plural = _("列规纳统目标")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="one_upscaling_target_per_year")]

    def __str__(self):
        return f"{self.region} {self.year}"


class PoolEntry(models.Model):
    """One enterprise in the cultivation pool (三年梯度培育库), whichever lists it came from."""

    enterprise = models.OneToOneField("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                      related_name="pool_entry")
    region_path = models.CharField(max_length=128, editable=False, db_index=True)
    on_tax_list = models.BooleanField(_("来自税务名单"), default=False)
    on_stats_list = models.BooleanField(_("来自退统名单"), default=False)
    base_year = models.PositiveSmallIntegerField(_("基准年度"), null=True, blank=True)
    base_sales = models.DecimalField(_("基准年应税销售(万元)"), max_digits=14, decimal_places=2, null=True,
                                     blank=True)
    left_stats_year = models.PositiveSmallIntegerField(_("退统年度"), null=True, blank=True)
    screening = models.CharField(_("筛选"), max_length=12, choices=Screening.choices, default=Screening.CANDIDATE)
    tier = models.PositiveSmallIntegerField(_("培育梯度"), choices=Tier.choices, null=True, blank=True)
    tier_year = models.PositiveSmallIntegerField(_("梯度起算年度"), null=True, blank=True)
    out_reason = models.CharField(_("未入库原因"), max_length=200, blank=True)
    stage = models.CharField(_("升规进度"), max_length=12, choices=Stage.choices, default=Stage.POOL)
    materials = models.JSONField(_("入库申报材料"), default=list, blank=True)
    refuses_entry = models.BooleanField(_("达标但不愿入库"), default=False)
    entered_on = models.DateField(_("纳入统计日期"), null=True, blank=True)
    left_on = models.DateField(_("退规日期"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    tenancy = InRegion("region_path", enterprise="enterprise_id", officials_only=True, changeable=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("培育库企业")
        verbose_name_plural = _("培育库企业")
        indexes = [models.Index(fields=["region_path", "screening"], name="pool_region_screening"),
                   models.Index(fields=["stage", "entered_on"], name="pool_stage_entered")]

    def __str__(self):
        return str(self.enterprise)

    @property
    def sources(self) -> list[str]:
        return [str(label) for flag, label in ((self.on_tax_list, _("税务名单")), (self.on_stats_list, _("退统名单")))
                if flag]

    @property
    def expected_year(self) -> int | None:
        return None if self.tier is None or self.tier_year is None else self.tier_year + self.tier


class MonthlySource(models.TextChoices):
    TAX = "tax", _("税务月度数据")
    COUNTY = "county", _("县级录入")


class MonthlySales(models.Model):
    """A pool enterprise's own sales and taxes of one month (万元), from the tax bureau's file or the county.
    A monitored enterprise's months come from its filings (read through monitoring), never stored here."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="upscaling_months")
    region_path = models.CharField(max_length=128, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    sales = models.DecimalField(_("销售收入(万元)"), max_digits=14, decimal_places=2,
                                validators=[MinValueValidator(0)])
    taxes = models.DecimalField(_("税收(万元)"), max_digits=14, decimal_places=2, default=0,
                                validators=[MinValueValidator(0)])
    source = models.CharField(_("来源"), max_length=8, choices=MonthlySource.choices)

    tenancy = InRegion("region_path", enterprise="enterprise_id", officials_only=True, changeable=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("月度销售与税收")
        verbose_name_plural = _("月度销售与税收")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year", "month"], name="one_month_per_enterprise")]
        indexes = [models.Index(fields=["region_path", "year"], name="upscaling_month_region_year")]

    def __str__(self):
        return f"{self.enterprise_id} {self.year}-{self.month:02d}"


class DispatchNote(models.Model):
    """一月一调度: a problem raised, the help given, who is responsible and when to follow up."""

    entry = models.ForeignKey(PoolEntry, verbose_name=_("培育库企业"), on_delete=models.CASCADE,
                              related_name="notes")
    problems = models.TextField(_("存在问题"), max_length=2000)
    help_given = models.TextField(_("帮扶措施"), max_length=2000, blank=True)
    responsible = models.CharField(_("责任人"), max_length=64)
    follow_up_on = models.DateField(_("跟进日期"))
    done = models.BooleanField(_("已跟进"), default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.SET_NULL,
                               null=True, related_name="+")
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    tenancy = Through("entry")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调度记录")
        verbose_name_plural = _("调度记录")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.entry} {self.follow_up_on}"


class ColumnMapping(models.Model):
    """The last column mapping an official's region used for a list kind (the lists come in their own layouts)."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(max_length=128, editable=False)
    kind = models.CharField(max_length=8, choices=ListKind.choices)
    mapping = models.JSONField(default=dict)

    tenancy = InRegion("region_path", changeable=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入列对应")
        verbose_name_plural = _("导入列对应")
        constraints = [models.UniqueConstraint(fields=["region", "kind"], name="one_mapping_per_region_kind")]

    def __str__(self):
        return f"{self.region_id} {self.kind}"
