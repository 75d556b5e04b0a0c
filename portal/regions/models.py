"""The region tree: province → city → county-level unit.

Each region carries a materialised path of codes (``32.3206.320685.``) so that "this region and
everything below it" is one indexed ``path LIKE '32.3206.%'`` query.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import InRegion, ScopedQuerySet, within


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    COUNTY = 3, _("县(市、区)")


def gb_code(code: str, *, official: bool = True) -> str:
    """``code`` as a six-digit GB/T 2260 code (right-padded with zeros) when it is a national one; a local code
    (a development zone's ``3206K1``) as stored."""
    if official and code.isdigit() and len(code) < 6:
        return code.ljust(6, "0")
    return code


class RegionQuerySet(ScopedQuerySet):
    def subtree(self, region: "Region"):
        return within(self, region)

    def counties(self):
        return self.filter(level=RegionLevel.COUNTY)


class Region(models.Model):
    code = models.CharField(
        _("区划代码"),
        max_length=12,
        unique=True,
        help_text=_("GB/T 2260 六位代码;无国标代码的功能区使用本地代码。"),
    )
    name = models.CharField(_("名称"), max_length=64)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(_("路径"), max_length=128, unique=True, editable=False)
    official_code = models.BooleanField(_("国标代码"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    tenancy = InRegion("path", enterprise="enterprises__id")
    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=RegionLevel.PROVINCE, parent__isnull=True)
                | models.Q(level__gt=RegionLevel.PROVINCE, parent__isnull=False),
                name="region_parent_matches_level",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path if self.parent_id else ''}{self.code}."
        super().save(*args, **kwargs)

    @property
    def is_county(self) -> bool:
        return self.level == RegionLevel.COUNTY

    @property
    def gb_code(self) -> str:
        """The six-digit GB/T 2260 code, as printed in statistical tables: the province's 32 is 320000, a city's
        3206 is 320600, a county's 320685 stays; a zone without a national code keeps its local code."""
        return gb_code(self.code, official=self.official_code)

    def contains(self, other: "Region") -> bool:
        return other.path.startswith(self.path)

    def ancestors_and_self(self) -> list[str]:
        """Codes on the path from the province down to this region."""
        return [c for c in self.path.split(".") if c]


class RegionQuota(models.Model):
    """The province's yearly quota of monitored enterprises for a region (seed 000, 附件1)."""

    region = models.ForeignKey(Region, verbose_name=_("地区"), on_delete=models.CASCADE, related_name="quotas")
    year = models.PositiveSmallIntegerField(_("年度"))
    quota = models.PositiveIntegerField(_("监测企业数量"))

    tenancy = InRegion("region__path", officials_only=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("监测企业配额")
        verbose_name_plural = _("监测企业配额")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="one_quota_per_region_year")]

    def __str__(self):
        return f"{self.region} {self.year}: {self.quota}"
