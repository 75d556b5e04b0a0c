"""What the reminders keep: each 催报 an official sent to an enterprise (at most one a day per enterprise)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import InRegion, ScopedQuerySet


class Chase(models.Model):
    """An official reminded an enterprise that had not filed a period (催报), now rather than on the schedule.
    One row per enterprise and day: a second 催报 the same day reminds nobody twice."""

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE,
                                   related_name="+")
    period = models.ForeignKey("monitoring.Period", verbose_name=_("报告期"), on_delete=models.PROTECT,
                               related_name="+")
    region_path = models.CharField(max_length=128, db_index=True)  # the enterprise's, when it was reminded
    day = models.DateField(_("日期"))
    at = models.DateTimeField(_("催报时间"))
    by = models.ForeignKey("accounts.User", verbose_name=_("催报人"), on_delete=models.PROTECT, related_name="+")

    tenancy = InRegion("region_path", officials_only=True)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        constraints = [models.UniqueConstraint(fields=["enterprise", "day"], name="one_chase_per_enterprise_day")]

    def __str__(self):
        return f"{self.enterprise_id} {self.day}"
