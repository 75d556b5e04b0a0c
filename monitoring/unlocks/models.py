"""An enterprise's request to reopen its report of a month (申请解锁): after approval, or once the period has
closed, only the level above the county may unlock it; the enterprise asks with a reason, and the officials
who may unlock it approve or refuse, with a reason (``monitoring/unlocks/services.py``)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.accounts.scoping import InRegion, ScopedQuerySet


class UnlockRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        APPROVED = "approved", _("已同意解锁")
        REFUSED = "refused", _("未同意")

    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   related_name="+")
    period = models.ForeignKey("monitoring.Period", verbose_name=_("报告期"), on_delete=models.PROTECT,
                               related_name="+")
    # Where the report was filed (the filing's, else the enterprise's): whose officials see the request.
    region_path = models.CharField(max_length=128, db_index=True)
    reason = models.TextField(_("申请理由"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    filing_status = models.CharField(_("申请时报表状态"), max_length=16, blank=True)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_reason = models.TextField(_("处理意见"), blank=True)

    tenancy = InRegion("region_path", enterprise="enterprise_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("解锁申请")
        verbose_name_plural = _("解锁申请")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "period"], condition=Q(status="pending"),
                                    name="one_pending_unlock_request"),
        ]
        indexes = [models.Index(fields=["status", "region_path"], name="unlock_request_status_path")]

    def __str__(self):
        return f"{self.enterprise_id} {self.period_id} {self.status}"
