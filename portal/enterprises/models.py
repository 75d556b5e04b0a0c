"""The enterprise registry: industries (GB/T 4754), the size standard (versioned data), enterprises."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import InRegion, Public, ScopedQuerySet, Through
from portal.core.i18n import in_language


class SizeClass(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")
    # The standard does not class the enterprise's industry (e.g. 金融业, 铁路运输业): see Industry.
    NOT_APPLICABLE = "na", _("不适用")
    # Employees or assets not known yet (an entry created from the tax or statistics bureau's list).
    UNKNOWN = "unknown", _("未知")


# The size codes of statistical tables (统计上大中小微型企业划分办法: 1 大型, 2 中型, 3 小型, 4 微型); an
# enterprise outside the standard's scope has none.
SIZE_CODES: dict[str, str] = {SizeClass.LARGE: "1", SizeClass.MEDIUM: "2", SizeClass.SMALL: "3", SizeClass.MICRO: "4"}


class Industry(models.Model):
    """A GB/T 4754 section (门类), division (大类) or group (中类) used by the registry.

    ``size_category`` names the category of the size standard that classes enterprises filed under the
    code, e.g. ``industry`` for sections B–D, ``retail`` for division 52. It is data, loaded with the table
    (``data/industries_gbt4754_2017.json``), and is one of:

    - a category of the standard: every code below this one belongs to the same category;
    - ``SPANS_CATEGORIES`` (empty): the code spans several categories (F 批发和零售业: 批发业 and 零售业),
      so an enterprise must be filed under a finer code;
    - ``NOT_APPLICABLE``: the standard does not class the industry (J 金融业, 53 铁路运输业).
    """

    SPANS_CATEGORIES = ""
    NOT_APPLICABLE = "not_applicable"

    code = models.CharField(_("行业代码"), max_length=8, unique=True)
    name = models.CharField(_("行业名称"), max_length=128)
    name_en = models.CharField(_("行业名称(英文)"), max_length=200, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    size_category = models.CharField(_("划型行业"), max_length=32, blank=True)
    is_industrial = models.BooleanField(_("工业"), default=False)

    tenancy = Public()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("行业")
        verbose_name_plural = _("行业")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the active language: the official English name (GB/T 4754's) in English."""
        return in_language(self.name, self.name_en)

    @property
    def spans_categories(self) -> bool:
        """Too coarse to class an enterprise: its divisions or groups fall in different categories."""
        return self.size_category == self.SPANS_CATEGORIES

    @property
    def outside_standard(self) -> bool:
        return self.size_category == self.NOT_APPLICABLE


class SizeStandard(models.Model):
    """A version of the SME size classification standard (e.g. 工信部联企业〔2011〕300号)."""

    code = models.CharField(_("版本"), max_length=32, unique=True)
    title = models.CharField(_("文件名称"), max_length=200)
    title_en = models.CharField(_("文件名称(英文)"), max_length=200, blank=True)
    effective_from = models.DateField(_("施行日期"))

    tenancy = Public()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("中小企业划型标准")
        verbose_name_plural = _("中小企业划型标准")
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.label} ({self.code})"

    @property
    def label(self) -> str:
        return in_language(self.title, self.title_en)


class SizeThreshold(models.Model):
    """Lower bounds of one size class in one industry category. All non-null bounds must be met.

    Classes are tried from large down to small; an SME meeting no small bound is micro.
    Amounts are in 10k yuan (万元), as in the standard.
    """

    standard = models.ForeignKey(SizeStandard, on_delete=models.CASCADE, related_name="thresholds")
    category = models.CharField(_("划型行业"), max_length=32)
    category_label = models.CharField(_("行业名称"), max_length=64)
    category_label_en = models.CharField(_("行业名称(英文)"), max_length=100, blank=True)
    size_class = models.CharField(_("规模"), max_length=8, choices=SizeClass.choices)
    min_employees = models.PositiveIntegerField(_("从业人员下限"), null=True, blank=True)
    min_revenue = models.DecimalField(_("营业收入下限(万元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    min_assets = models.DecimalField(_("资产总额下限(万元)"), max_digits=14, decimal_places=2, null=True, blank=True)

    tenancy = Public()
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("划型标准指标")
        verbose_name_plural = _("划型标准指标")
        constraints = [
            models.UniqueConstraint(fields=["standard", "category", "size_class"], name="one_threshold_per_class"),
            models.CheckConstraint(condition=~Q(size_class="micro"), name="micro_is_the_remainder"),
        ]

    def __str__(self):
        return f"{self.standard_id} {self.category} {self.size_class}"


class EnterpriseQuerySet(ScopedQuerySet):
    def monitored_on(self, day):
        return self.filter(monitored_from__isnull=False, monitored_from__lte=day).filter(
            Q(monitored_until__isnull=True) | Q(monitored_until__gte=day)
        )


class Enterprise(models.Model):
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    name = models.CharField(_("企业名称"), max_length=128)
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在县(市、区)"), on_delete=models.PROTECT, related_name="enterprises"
    )
    # Denormalised copy of region.path so that a subtree filter needs no join (kept by the services).
    region_path = models.CharField(max_length=128, editable=False, db_index=True)
    industry = models.ForeignKey(Industry, verbose_name=_("所属行业"), on_delete=models.PROTECT)
    # Employees and assets may be unknown for an entry created from another department's list (the size
    # class is then "unknown"); the registry's own form and import still require them.
    employees = models.PositiveIntegerField(_("从业人员(人)"), null=True)
    # Bounds declared here are the registry's bounds everywhere (portal.core.bounds): form, service, import.
    revenue = models.DecimalField(_("营业收入(万元)"), max_digits=14, decimal_places=2,
                                  validators=[MinValueValidator(0)])
    assets = models.DecimalField(_("资产总额(万元)"), max_digits=14, decimal_places=2, null=True,
                                 validators=[MinValueValidator(0)])
    size_class = models.CharField(_("企业规模"), max_length=8, choices=SizeClass.choices, editable=False)
    size_standard = models.ForeignKey(
        SizeStandard, verbose_name=_("划型依据"), on_delete=models.PROTECT, editable=False
    )
    above_designated_size = models.BooleanField(_("规模以上工业企业"), default=False)
    is_specialized = models.BooleanField(_("专精特新企业"), default=False)
    is_little_giant = models.BooleanField(_("专精特新“小巨人”"), default=False)
    is_single_champion = models.BooleanField(_("制造业单项冠军"), default=False)
    is_high_tech = models.BooleanField(_("高新技术企业"), default=False)
    monitored_from = models.DateField(_("纳入监测日期"), null=True, blank=True)
    monitored_until = models.DateField(_("退出监测日期"), null=True, blank=True)
    contact_name = models.CharField(_("监测联系人"), max_length=64, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    tenancy = InRegion("region_path", enterprise="pk", changeable=True)
    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["region_path", "name"]
        indexes = [
            models.Index(fields=["region", "size_class"], name="enterprise_region_size"),
            models.Index(fields=["monitored_from", "monitored_until"], name="enterprise_monitored"),
            # The list's order: its first page reads the index instead of sorting the whole province.
            models.Index(fields=["region_path", "name"], name="enterprise_region_path_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(monitored_until__isnull=True)
                | Q(monitored_from__isnull=False, monitored_until__gte=models.F("monitored_from")),
                name="monitoring_period_ordered",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def honours(self) -> list[str]:
        return [
            str(field.verbose_name)
            for field in self._meta.fields
            if field.name in HONOUR_FIELDS and getattr(self, field.name)
        ]


HONOUR_FIELDS = ("is_specialized", "is_little_giant", "is_single_champion", "is_high_tech")


class HonourKind(models.TextChoices):
    SPECIALIZED = "specialized", _("专精特新中小企业")
    LITTLE_GIANT = "little_giant", _("专精特新“小巨人”")
    SINGLE_CHAMPION = "single_champion", _("制造业单项冠军")
    HIGH_TECH = "high_tech", _("高新技术企业")


class HonourLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")


# Each kind of honour and the registry flag it keeps (a cache of the records, kept by the honour services).
HONOUR_FLAGS: dict[str, str] = {
    HonourKind.SPECIALIZED: "is_specialized",
    HonourKind.LITTLE_GIANT: "is_little_giant",
    HonourKind.SINGLE_CHAMPION: "is_single_champion",
    HonourKind.HIGH_TECH: "is_high_tech",
}


class HonourQuerySet(ScopedQuerySet):
    def current(self):
        """Honours held now: not revoked."""
        return self.filter(revoked_on__isnull=True)


class Honour(models.Model):
    """A dated honour of an enterprise (专精特新, 小巨人, 单项冠军, 高新技术企业): who granted it at what
    level, when, under which document. The registry's flags (``is_specialized``...) are derived from these
    records: an enterprise holds a flag while it has an honour of the kind that is not revoked."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="honour_records")
    kind = models.CharField(_("荣誉类别"), max_length=20, choices=HonourKind.choices)
    level = models.CharField(_("认定层级"), max_length=12, choices=HonourLevel.choices, blank=True)
    # Null: granted on a day nobody recorded (flags set before honours were dated) — shown as 日期未知.
    granted_on = models.DateField(_("认定日期"), null=True, blank=True)
    document_no = models.CharField(_("认定文号"), max_length=100, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    tenancy = Through("enterprise")
    objects = HonourQuerySet.as_manager()

    class Meta:
        verbose_name = _("荣誉认定")
        verbose_name_plural = _("荣誉认定")
        ordering = ["enterprise", "kind", "granted_on"]
        indexes = [models.Index(fields=["kind", "granted_on"], name="honour_kind_granted")]
        constraints = [
            models.CheckConstraint(condition=Q(revoked_on__isnull=True) | Q(granted_on__isnull=True)
                                   | Q(revoked_on__gte=models.F("granted_on")), name="honour_revoked_after_granted"),
        ]

    def __str__(self):
        return f"{self.enterprise_id} {self.get_kind_display()}"
