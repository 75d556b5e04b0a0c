"""Startup bases (seed 003): the registry (level, status and its history), tenants (入孵企业) and their growth
plans, yearly targets (附表一), the tenants' quarterly figures a base enters for those that do not file monthly,
the 30 May self-check (自查表, 附表二) and the county bureau's supervision visits (每旬督查).

Money is in 万元 throughout (the seed's targets are in 亿元; monitoring's filings, in 千元, are converted when
read, see ``figures.py``). Scoping: a base is read by the officials of its region subtree and by the managers it
is granted to (``Granted``); the rows of a base by the same rule through it (``Granted(..., via="base")``).
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import Calendar, Granted, ScopedQuerySet, Through
from portal.core.files import RandomName

BASE_PERM = "incubators.view_startupbase"
MONEY = _("万元")


class BaseLevel(models.TextChoices):
    NONE = "", _("未认定")
    CITY = "city", _("市级示范基地")
    PROVINCE = "province", _("省级示范基地")
    NATIONAL = "national", _("国家级示范基地")


class BaseStatus(models.TextChoices):
    LISTED = "listed", _("在册")
    RECTIFYING = "rectifying", _("整改中")
    PROPOSED = "proposed", _("拟摘牌")
    DELISTED = "delisted", _("已摘牌")


class StartupBase(models.Model):
    name = models.CharField(_("基地名称"), max_length=128)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在地区"), on_delete=models.PROTECT)
    manager_name = models.CharField(_("管理机构"), max_length=128)
    floor_area = models.DecimalField(_("场地面积(平方米)"), max_digits=12, decimal_places=2, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    level = models.CharField(_("认定级别"), max_length=16, choices=BaseLevel.choices, blank=True, default="")
    level_since = models.DateField(_("认定日期"), null=True, blank=True)
    level_until = models.DateField(_("认定有效期至"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=BaseStatus.choices, default=BaseStatus.LISTED)

    tenancy = Granted(BASE_PERM)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("创业基地")
        verbose_name_plural = _("创业基地")
        ordering = ["region__path", "name"]

    def __str__(self):
        return self.name


class StatusChange(models.Model):
    """One act on a base's status (列入、整改、拟摘牌、摘牌): its date, reason and actor; the history is these rows."""

    base = models.ForeignKey(StartupBase, verbose_name=_("创业基地"), on_delete=models.CASCADE,
                             related_name="status_changes")
    old_status = models.CharField(_("原状态"), max_length=16, choices=BaseStatus.choices, blank=True)
    new_status = models.CharField(_("新状态"), max_length=16, choices=BaseStatus.choices)
    on = models.DateField(_("日期"))
    reason = models.TextField(_("原因"))
    actor = models.ForeignKey("accounts.User", verbose_name=_("操作人"), null=True, on_delete=models.PROTECT,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    tenancy = Granted(BASE_PERM, "base__region__path", via="base")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("基地状态变更")
        verbose_name_plural = _("基地状态变更")
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.base_id} {self.on} {self.new_status}"



class Tenant(models.Model):
    """An enterprise incubated in a base (入孵企业), linked to the registry by its credit code when known."""

    base = models.ForeignKey(StartupBase, verbose_name=_("创业基地"), on_delete=models.PROTECT, related_name="tenants")
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("企业名称"), max_length=128)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业名录中的企业"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    entered_on = models.DateField(_("入孵日期"))
    exited_on = models.DateField(_("出孵日期"), null=True, blank=True)
    graduated_on = models.DateField(_("孵化毕业日期"), null=True, blank=True)
    graduation_reason = models.CharField(_("毕业原因"), max_length=200, blank=True)

    tenancy = Granted(BASE_PERM, "base__region__path", via="base")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("入孵企业")
        verbose_name_plural = _("入孵企业")
        ordering = ["base_id", "name"]
        constraints = [models.UniqueConstraint(fields=["base", "credit_code"], name="one_tenant_per_base_and_code")]

    def __str__(self):
        return self.name


class GrowthPlan(models.Model):
    """A tenant's 帮扶成长计划 (seed 003 三(二)): goals, help in licences, training, financing and recruitment,
    a named responsible person, a review date."""

    tenant = models.OneToOneField(Tenant, verbose_name=_("入孵企业"), on_delete=models.CASCADE, related_name="plan")
    goals = models.TextField(_("发展目标"), blank=True)
    licences = models.TextField(_("证照办理"), blank=True)
    training = models.TextField(_("企业培训"), blank=True)
    financing = models.TextField(_("融资服务"), blank=True)
    recruitment = models.TextField(_("人才招聘"), blank=True)
    responsible = models.CharField(_("责任人"), max_length=64)
    due_on = models.DateField(_("下次跟进日期"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    tenancy = Through("tenant")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶成长计划")
        verbose_name_plural = _("帮扶成长计划")

    def __str__(self):
        return f"{self.tenant_id}"



class PlanNote(models.Model):
    plan = models.ForeignKey(GrowthPlan, verbose_name=_("帮扶成长计划"), on_delete=models.CASCADE, related_name="notes")
    on = models.DateField(_("日期"))
    text = models.TextField(_("进展"))
    author = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")

    tenancy = Through("plan")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮扶进展")
        verbose_name_plural = _("帮扶进展")
        ordering = ["-on", "-id"]

    def __str__(self):
        return f"{self.on}"



class TenantFigures(models.Model):
    """A quarter's figures of a tenant that does not file monthly, entered by its base: year-to-date revenue and
    taxes (万元) and employees at the quarter's end. A monitored tenant's figures come from its filings."""

    tenant = models.ForeignKey(Tenant, verbose_name=_("入孵企业"), on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveSmallIntegerField(_("年"), validators=[MinValueValidator(2000), MaxValueValidator(2999)])
    quarter = models.PositiveSmallIntegerField(_("季度"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    revenue = models.DecimalField(_("主营业务收入(本年累计,万元)"), max_digits=14, decimal_places=2,
                                  validators=[MinValueValidator(0)])
    taxes = models.DecimalField(_("税金总额(本年累计,万元)"), max_digits=14, decimal_places=2,
                                validators=[MinValueValidator(0)])
    employees = models.PositiveIntegerField(_("从业人员(期末)"), validators=[MaxValueValidator(1_000_000)])

    tenancy = Through("tenant")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("入孵企业季度数据")
        verbose_name_plural = _("入孵企业季度数据")
        constraints = [models.UniqueConstraint(fields=["tenant", "year", "quarter"], name="one_figure_per_quarter")]

    def __str__(self):
        return f"{self.year}Q{self.quarter}"



class Target(models.Model):
    """A yearly target (附表一) of a base (set by its county) or of a county or city (set by the level above).
    ``region_path`` is the base's region's or the region's own path: officials read their subtree's targets."""

    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey("regions.Region", verbose_name=_("地区"), on_delete=models.PROTECT, related_name="+")
    base = models.ForeignKey(StartupBase, verbose_name=_("创业基地"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="targets")
    region_path = models.CharField(max_length=128, db_index=True)
    revenue = models.DecimalField(_("主营业务收入(万元)"), max_digits=14, decimal_places=2, default=0,
                                  validators=[MinValueValidator(0)])
    taxes = models.DecimalField(_("税金总额(万元)"), max_digits=14, decimal_places=2, default=0,
                                validators=[MinValueValidator(0)])
    tenants = models.PositiveIntegerField(_("入孵企业数"), default=0, validators=[MaxValueValidator(1_000_000)])
    employees = models.PositiveIntegerField(_("从业人员"), default=0, validators=[MaxValueValidator(10_000_000)])
    graduates = models.PositiveIntegerField(_("孵化毕业企业"), default=0, validators=[MaxValueValidator(1_000_000)])

    tenancy = Granted(BASE_PERM, "region_path", via="base")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        constraints = [
            models.UniqueConstraint(fields=["year", "base"], name="one_target_per_base_year"),
            models.UniqueConstraint(fields=["year", "region"], condition=models.Q(base__isnull=True),
                                    name="one_target_per_region_year"),
        ]

    def __str__(self):
        return f"{self.year} {self.region_id} {self.base_id or ''}"



class SelfCheckRound(models.Model):
    """The year's self-check and its due date (seed: 30 May): data, set per year."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    due_on = models.DateField(_("上报截止日"))

    tenancy = Calendar()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("自查年度")
        verbose_name_plural = _("自查年度")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)



class SelfCheckStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FILED = "filed", _("已上报")


FIVE_HAVES = (
    ("department", _("有工作部门")),
    ("office", _("有办公场所")),
    ("team", _("有管理队伍")),
    ("funding", _("有资金保障")),
    ("policies", _("有优惠政策")),
)


class SelfCheck(models.Model):
    """A base's self-check (自查表) of one year: prepared by its manager, filed to the city by the county bureau."""

    base = models.ForeignKey(StartupBase, verbose_name=_("创业基地"), on_delete=models.PROTECT,
                             related_name="self_checks")
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=8, choices=SelfCheckStatus.choices, default=SelfCheckStatus.DRAFT)
    problems = models.TextField(_("存在的问题"), blank=True)
    measures = models.TextField(_("整改措施"), blank=True)
    prepared_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    filed_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    filed_on = models.DateField(_("上报日期"), null=True, blank=True)

    tenancy = Granted(BASE_PERM, "base__region__path", via="base")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("自查表")
        verbose_name_plural = _("自查表")
        constraints = [models.UniqueConstraint(fields=["base", "year"], name="one_self_check_per_base_year")]

    def __str__(self):
        return f"{self.base_id} {self.year}"



class SelfCheckItem(models.Model):
    """One of the 五有 with its answer and evidence (text, an optional file)."""

    check_form = models.ForeignKey(SelfCheck, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=16, choices=FIVE_HAVES)
    present = models.BooleanField(_("是否具备"), default=False)
    evidence = models.TextField(_("佐证说明"), blank=True)
    file = models.FileField(_("佐证材料"), upload_to=RandomName("self-checks"), blank=True)
    file_name = models.CharField(max_length=255, blank=True)

    tenancy = Through("check_form")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("自查项")
        verbose_name_plural = _("自查项")
        constraints = [models.UniqueConstraint(fields=["check_form", "key"], name="one_item_per_have")]

    def __str__(self):
        return self.key



class Visit(models.Model):
    """A supervision visit of the county bureau's leader to a base (每旬至少一次)."""

    base = models.ForeignKey(StartupBase, verbose_name=_("创业基地"), on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField(_("检查日期"))
    visitor = models.CharField(_("检查人"), max_length=64)
    notes = models.TextField(_("检查指导情况"))
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT, related_name="+")

    tenancy = Granted(BASE_PERM, "base__region__path", via="base")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查记录")
        verbose_name_plural = _("督查记录")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["base", "visited_on"], name="visit_base_day")]

    def __str__(self):
        return f"{self.base_id} {self.visited_on}"
